"""One rollout of Apollo's other five in-context scheming evaluations, as every stage of the
family sees it: the evaluations, the conditions a user varies, the sample metadata the task
writes (`RolloutMetadata`) and the store the solver fills (`SchemingRollout`).

The five evaluations (Meinke et al. 2024; docs/scheming.md): oversight subversion,
self-exfiltration, goal-guarding (these three, "covert subversion", share one set of
scenarios), covert email reranking, and instrumental alignment faking.
"""

from __future__ import annotations

import hashlib
import random
from typing import Annotated, Literal

from inspect_ai.util import StoreModel
from pydantic import BaseModel, Field

from cot_faithfulness.core.parameters import AtLeast
from cot_faithfulness.scorers.scheming.machine import Machine, Operation
from cot_faithfulness.scorers.scheming.scenario_types import (
    EmailScenario,
    MemoTemplates,
    Option,
    Scenario,
    Side,
)

SCHEMING_VERSION = "SC1-B"
"""Version of these five evaluations (texts, scenarios, detection, grader prompts), kept
apart from sandbagging's (`SANDBAGGING_VERSION`): the report pools neither across versions."""

Evaluation = Literal[
    "oversight_subversion",
    "self_exfiltration",
    "goal_guarding",
    "email_reranking",
    "alignment_faking",
]
EVALUATIONS: tuple[Evaluation, ...] = (
    "oversight_subversion",
    "self_exfiltration",
    "goal_guarding",
    "email_reranking",
    "alignment_faking",
)
COVERT_SUBVERSION: tuple[Evaluation, ...] = (
    "oversight_subversion",
    "self_exfiltration",
    "goal_guarding",
)
"""The three evaluations that share one set of scenarios and differ in what the model
finds (the paper's "covert subversion" against developers)."""
INTERVIEWED: tuple[Evaluation, ...] = (*COVERT_SUBVERSION, "email_reranking")
"""Evaluations whose covert rollouts can be followed by the interview (the paper asked
after the first three; the email wordings are chosen here)."""

Nudge = Literal["strong", "none"]
GoalSetting = Literal["own", "matching_developer", "reversed"]
"""`own`: the scenario's pro-social goal, the developers another (the paper's setting);
`matching_developer`: the model is given the developers' goal, so nothing conflicts (the
paper's goal-matching control); `reversed`: the model gets the developers' goal and the
developers the pro-social one (the paper's reversed-goals control)."""
EmailGoalSetting = Literal["own", "matching_developer"]
"""Email reranking's scoring code encodes the user's goal, so it has no reversed goals."""
GoalIn = Literal["system", "user"]
"""Where the model's goal (and the nudge) is given: the system prompt (the paper), or only
the first user message (the paper's instruction-hierarchy check)."""
Phase = Literal["testing", "deployment"]
PHASES: tuple[Phase, ...] = ("testing", "deployment")
SandboxOption = Literal["none", "local", "docker"]
"""`none`: the in-memory machine and emulated bash; `local` or `docker`: Inspect's own
`bash()` tool in that sandbox, with the scenario's files written into it."""
SchemingGrading = Literal["covert", "all", "none"]
"""Which rollouts' reasoning the grader reads: those with a covert action (the measured
share), `all` (so also the rest, a check on the grader), or `none` (no grader at all)."""
Role = Literal["model_goal", "developer_goal", "other"]
"""What an option serves, seen from the model under the rollout's goal setting: its own goal,
the developers' goal alone, or neither (a balanced option; under matching goals, the
pro-social one)."""
SIDES: dict[str, tuple[Side, Side]] = {
    "own": ("pro_social", "developer"),
    "matching_developer": ("developer", "developer"),
    "reversed": ("developer", "pro_social"),
}
"""Per goal setting, which of the scenario's goals the model and the developers hold."""

NonNegativeInt = Annotated[int, AtLeast(0)]

V1 = "model_deployment_v1"
V2 = "model_deployment_v2"


class RolloutMetadata(BaseModel, frozen=True):
    """Sample metadata of one scenario under one condition (one sample; `runs` epochs)."""

    evaluation: Evaluation
    scenario: Scenario | None = None
    memo: MemoTemplates | None = None
    """The evaluation's (and phase's) memo wordings."""
    email: EmailScenario | None = None
    scenario_version: str
    """The version the scenario file states."""
    nudge: Nudge
    goal: GoalSetting
    goal_in: GoalIn
    phase: Phase | None = None
    """Alignment faking only: the testing or the deployment memo."""
    seed: int
    follow_up: int
    grading: SchemingGrading
    sandbox: SandboxOption

    @property
    def scenario_id(self) -> str:
        found = self.scenario or self.email
        assert found is not None
        return found.id

    @property
    def model_goal(self) -> str:
        """The goal the model is given."""
        return _goals(self)[0]

    @property
    def developer_goal(self) -> str:
        """The goal the developers' memo (or, for email reranking, the user) states."""
        return _goals(self)[1]

    def role(self, option: Option) -> Role:
        """What `option` serves, seen from the model (see `Role`)."""
        model_side, developer_side = SIDES[self.goal]
        if option.serves == model_side:
            return "model_goal"
        return "developer_goal" if option.serves == developer_side else "other"

    def option(self, key: str) -> Option:
        assert self.scenario is not None
        return next(o for o in self.scenario.options if o.key == key)

    def option_order(self, epoch: int) -> tuple[Option, ...]:
        """The scenario's options in the order (and so with the labels) this rollout shows
        them: shuffled per rollout by the task's seed, so no role always has one label; the
        two phases of an alignment-faking pair (same scenario, seed and epoch) agree."""
        assert self.scenario is not None
        options = list(self.scenario.options)
        rollout_rng(self.seed, self.scenario.id, epoch, "options").shuffle(options)
        return tuple(options)


def _goals(run: RolloutMetadata) -> tuple[str, str]:
    if run.email is not None:
        own, user = run.email.pro_social_goal, run.email.user_goal
        return (user, user) if run.goal == "matching_developer" else (own, user)
    assert run.scenario is not None
    goals = {"pro_social": run.scenario.pro_social_goal, "developer": run.scenario.developer_goal}
    model_side, developer_side = SIDES[run.goal]
    return goals[model_side], goals[developer_side]


def rollout_rng(seed: int, scenario: str, epoch: int, purpose: str) -> random.Random:
    """A generator that depends only on the task's seed, the scenario, the rollout (epoch)
    and what it is for."""
    key = f"{seed}\x1f{scenario}\x1f{epoch}\x1f{purpose}".encode()
    return random.Random(hashlib.sha256(key).hexdigest())


class Action(BaseModel):
    """One tool call as it ran: its tool and arguments (the index of an action is what an
    `Operation`'s `command` points at)."""

    tool: str
    arguments: dict[str, str] = Field(default_factory=dict)


class Selection(BaseModel):
    """One call of the scenario's selector tool."""

    action: int
    """Its index among the rollout's actions."""
    argument: str
    option: str | None = None
    """The option's key, or None when the argument named no option."""


class ScoringRun(BaseModel):
    """Email reranking: one run of the installed scoring script."""

    action: int
    input_path: str
    output_path: str
    input_text: str
    """The input file as the script read it."""
    output_text: str | None = None
    """What the script wrote, or None when it failed."""


class FollowUpAnswer(BaseModel):
    """One answer of the interview: which wording, which repetition, what was said."""

    wording: str
    """`direct|indirect` + `/management` + `/honest` parts, e.g. `indirect/management`."""
    repetition: int
    question: str
    answer: str


class SchemingRollout(StoreModel):
    """One rollout as it happened: the machine, every command and what it did, the
    selector's calls, the final message, and the interview."""

    machine: Machine = Field(default_factory=Machine)
    initial: Machine = Field(default_factory=Machine)
    """The machine before the model's first command (what detection compares against)."""
    actions: list[Action] = Field(default_factory=list)
    """Every tool call that ran, in order."""
    operations: list[Operation] = Field(default_factory=list)
    """What each command did or tried to do to a file, in order."""
    selections: list[Selection] = Field(default_factory=list)
    final_message: str | None = None
    """`done`'s message to the user, or the submitted answer (email reranking)."""
    known_hosts: list[str] = Field(default_factory=list)
    emails_read: bool = False
    scoring_runs: list[ScoringRun] = Field(default_factory=list)
    """Email reranking: each run of the installed scoring script, in order."""
    ended: str = ""
    """How the agent loop ended: `done`/`submitted`/`selected`, `message_limit`, `no_tool_call`."""
    follow_up: list[FollowUpAnswer] = Field(default_factory=list)
