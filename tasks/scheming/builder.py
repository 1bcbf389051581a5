"""One builder for the five scheming tasks (`tasks/oversight_subversion.py`, ...): the
scenarios, checked; one sample per scenario (alignment faking: per scenario and phase);
`runs` epochs; the solver and the scorer; what the log records about the conditions.

Everything that can be refused is refused here, before the first model call, in one line.
"""

from __future__ import annotations

import hashlib
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.solver import Solver

from cot_faithfulness.core.errors import InputError
from cot_faithfulness.core.grading import GRADER_ROLE, refuse_unbound, require_roles
from cot_faithfulness.core.parameters import cache_policy
from cot_faithfulness.scorers.scheming.detection import BEHAVIOURS, COVERT
from cot_faithfulness.scorers.scheming.interview import WORDINGS
from cot_faithfulness.scorers.scheming.scheming_run import (
    INTERVIEWED,
    PHASES,
    SCHEMING_VERSION,
    Evaluation,
    RolloutMetadata,
)
from cot_faithfulness.scorers.scheming.scheming_score import scheming_score
from cot_faithfulness.solvers.scheming.scheming_agent import scheming_rollout
from cot_faithfulness.solvers.scheming.scheming_prompts import wording
from cot_faithfulness.tasks.scheming.scenario_files import load_email_scenarios, load_scenarios

LOCAL_ONLY_HOME = ("oversight_subversion", "alignment_faking")
"""Evaluations whose files are all under the home directory (so `sandbox=local` writes
nothing outside the sandbox's own folder)."""


def build_scheming_task(
    evaluation: Evaluation,
    *,
    runs: int,
    seed: int,
    nudge: str,
    goal: str,
    goal_in: str,
    follow_up: int = 0,
    grading: str,
    max_messages: int,
    sandbox: str,
    scenario_file: str | None,
    cache: bool | str,
) -> Task:
    """The task of one evaluation under one condition (the arguments are already checked
    against their types by the entry file)."""
    _refuse_combinations(evaluation, follow_up, grading, sandbox)
    if grading != "none":
        refuse_unbound(GRADER_ROLE)
    common: dict[str, Any] = {
        "evaluation": evaluation, "nudge": nudge, "goal": goal, "goal_in": goal_in,
        "seed": seed, "follow_up": follow_up, "grading": grading, "sandbox": sandbox,
    }  # fmt: skip
    samples = []
    if evaluation == "email_reranking":
        emails, version, source = load_email_scenarios(scenario_file)
        for email in emails:
            run = RolloutMetadata.model_validate(
                {**common, "email": email, "scenario_version": version}
            )
            samples.append(_sample(email.id, run))
    else:
        scenarios, found, source = load_scenarios(evaluation, scenario_file)
        version = found.version
        for scenario in scenarios:
            for phase in PHASES if evaluation == "alignment_faking" else (None,):
                memo = found.memos[f"{evaluation}/{phase}" if phase else evaluation]
                run = RolloutMetadata.model_validate(
                    {**common, "scenario": scenario, "memo": memo, "phase": phase,
                     "scenario_version": version}
                )  # fmt: skip
                samples.append(_sample(f"{scenario.id}/{phase}" if phase else scenario.id, run))
    solver: list[Solver] = [scheming_rollout(max_messages, cache_policy(cache))]
    if grading != "none":
        solver.insert(0, require_roles(GRADER_ROLE))
    first = RolloutMetadata.model_validate(samples[0].metadata)
    return Task(
        dataset=MemoryDataset(samples, name=f"scheming_{evaluation}"),
        solver=solver,
        scorer=scheming_score(),
        epochs=runs,
        sandbox=None if sandbox == "none" else sandbox,
        config=GenerateConfig(cache=cache_policy(cache)),
        version=SCHEMING_VERSION,
        metadata={
            "suite": "cot-faithfulness",
            "family": "scheming",
            "evaluation": evaluation,
            "eval_version": SCHEMING_VERSION,
            "scenario_file": source,
            "scenario_version": version,
            "scenario_sha256": _content_hash(samples),
            "nudge": nudge,
            "goal": goal,
            "goal_in": goal_in,
            "seed": seed,
            "follow_up": follow_up,
            "follow_up_wordings": [w.name for w in WORDINGS] if follow_up else [],
            "grading": grading,
            "sandbox": sandbox,
            "behaviours": list(BEHAVIOURS[evaluation]),
            "covert_action": list(COVERT[evaluation]),
            "wording": wording(first),
        },
    )


def _sample(sample_id: str, run: RolloutMetadata) -> Sample:
    return Sample(id=sample_id, input=sample_id, metadata=run.model_dump(mode="json"))


def _content_hash(samples: list[Sample]) -> str:
    """What the rollouts were shown, hashed: two logs with the same hash ran the same
    scenarios, whatever the file was called."""
    digest = hashlib.sha256()
    for sample in samples:
        digest.update(repr(sorted((sample.metadata or {}).items())).encode())
    return digest.hexdigest()


def _refuse_combinations(evaluation: str, follow_up: int, grading: str, sandbox: str) -> None:
    if follow_up and evaluation not in INTERVIEWED:
        raise InputError(f"follow_up={follow_up}: {evaluation} has no follow-up interview")
    if follow_up and grading == "none":
        raise InputError(
            f"follow_up={follow_up} needs the grader to read the answers; accepted with it: "
            "grading=covert or grading=all (or follow_up=0)"
        )
    if sandbox != "none" and evaluation == "self_exfiltration":
        raise InputError(
            "sandbox=" + sandbox + ": self_exfiltration needs a second server reachable with "
            "scp, which the sandbox does not provide; accepted: sandbox=none"
        )
    if sandbox == "local" and evaluation not in LOCAL_ONLY_HOME:
        raise InputError(
            f"sandbox=local: {evaluation} keeps files outside the home directory (/data, "
            "/scoring), which a local sandbox would write on this machine; accepted: "
            "sandbox=none or sandbox=docker"
        )
