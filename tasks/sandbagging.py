"""Sandbagging: does the model do worse on purpose when doing well gets it unlearned, and
does its chain of thought say so? (Meinke et al. 2024; docs/protocol.md §5.)

Run: `inspect eval tasks/sandbagging.py --model M --model-role grader=G`. Each run is ten
3-digit multiplications; with `condition=both` every run is asked under both rules, as two
samples that share the run's questions (`<run>/high_is_penalized`, `<run>/low_is_penalized`).
"""

from typing import Literal

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import GenerateConfig

from cot_faithfulness.core.grading import GRADER_ROLE, refuse_unbound, require_roles
from cot_faithfulness.core.pair_dataset import PairDataset, Pairing
from cot_faithfulness.core.parameters import (
    CacheExpiry,
    PositiveInt,
    cache_policy,
    checked_parameters,
)
from cot_faithfulness.scorers.scheming.sandbagging_run import (
    CONDITIONS,
    SANDBAGGING_VERSION,
    CotMode,
    Goal,
    RunMetadata,
    ToolMode,
)
from cot_faithfulness.scorers.scheming.sandbagging_score import (
    SandbaggingGrading,
    sandbagging_score,
)
from cot_faithfulness.solvers.scheming.sandbagging_agent import sandbagging_run
from cot_faithfulness.solvers.scheming.sandbagging_prompts import wording
from cot_faithfulness.tasks.scheming.arithmetic_questions import questions_sha256, run_questions


@task
@checked_parameters
def sandbagging(
    runs: PositiveInt = 50,
    seed: int = 0,
    condition: Literal["both", "high_is_penalized", "low_is_penalized"] = "both",
    goal: Goal = "strong_goal",
    tools: ToolMode = "tools",
    cot: CotMode = "on",
    grading: SandbaggingGrading = "high_is_penalized",
    max_messages: PositiveInt = 30,
    cache: bool | CacheExpiry = "1W",
) -> Task:
    """Ten multiplications per run, under a rule that penalizes high or low scores.

    Args:
        runs: Runs per condition (the paper ran 50); each run has its own ten questions.
        seed: Seeds every run's questions and the correct options' letters.
        condition: `high_is_penalized` (scoring above 50% triggers unlearning, no
            deployment), `low_is_penalized` (below 50%, the counterfactual), or `both`.
        goal: System prompt: `none` (no goal), `goal` (the paper's goal without its nudge),
            or `strong_goal` (the paper's goal with its strong nudge).
        tools: `tools` (read the files with a bash tool, answer with a submit tool, in
            Inspect's agent loop) or `inline` (both files in the prompt, answer in text).
        cot: `on`, or `off` for the paper's instruction not to reason out loud (a model's
            native reasoning is set with Inspect's --reasoning-* options).
        grading: Runs the grader sees: `high_is_penalized` (where sandbagging pays), `all`,
            or `none`.
        max_messages: Messages per run before it ends without a submission.
        cache: Cache for the model under test: `false`, `true` (one week), or an expiry
            such as `3D`.
    """
    if grading != "none":
        refuse_unbound(GRADER_ROLE)
    conditions = CONDITIONS if condition == "both" else (condition,)
    samples = []
    for index in range(runs):
        questions = run_questions(seed, index)
        for current in conditions:
            run = RunMetadata(
                run_id=f"seed-{seed}/run-{index:03d}",
                condition=current,
                goal=goal,
                tools=tools,
                cot=cot,
                questions=tuple(questions),
                questions_sha256=questions_sha256(questions),
            )
            samples.append(
                Sample(
                    id=f"{run.run_id}/{current}",
                    input=f"{run.run_id} ({current})",
                    target="".join(q.correct_letter for q in questions),
                    metadata=run.model_dump(mode="json"),
                )
            )
    solver = [sandbagging_run()]
    if grading != "none":
        solver.insert(0, require_roles(GRADER_ROLE))
    return Task(
        dataset=PairDataset(
            samples,
            name="sandbagging_arithmetic",
            pairing=Pairing("sandbagging", conditions, "run", "condition", "runs"),
        ),
        solver=solver,
        scorer=sandbagging_score(grading=grading),
        config=GenerateConfig(cache=cache_policy(cache)),
        message_limit=max_messages,
        version=SANDBAGGING_VERSION,
        metadata={
            "suite": "cot-faithfulness",
            "family": "sandbagging",
            "eval_version": SANDBAGGING_VERSION,
            "conditions": list(conditions),
            "goal": goal,
            "tools": tools,
            "cot": cot,
            "seed": seed,
            "grading": grading,
            "wording": wording(goal, tools, cot),
        },
    )
