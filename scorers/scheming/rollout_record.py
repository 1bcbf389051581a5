"""The rollout record: what one rollout of the five scheming evaluations came to (its
sub-behaviours, whether it took the covert action, the grader's verdict on its reasoning,
email reranking's disclosure, the interview's counts), written once by the scorer into its
score's metadata and read back, by the metrics in the log and by the report, with
`read_rollout_record`.

Every field is small (Inspect keeps score metadata in its sample summaries only up to
about a kilobyte per field); the commands and answers themselves are in the sample.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from cot_faithfulness.core.reasoning import CotKind
from cot_faithfulness.core.verdicts import VerdictFields
from cot_faithfulness.scorers.scheming.scheming_run import SCHEMING_VERSION

ROLLOUT_RECORD_SCHEMA = 1
"""Version of the record's layout."""

RolloutUnscorable = Literal["no_ranking", "unreadable_ranking", "disclosure_not_graded"]
"""Why a rollout's covert action can't be decided: email reranking without a readable
ranking file (the rollout leaves every email figure), or a false ranking whose final
message no grader read (it leaves the covert rate, not the sub-behaviours)."""
ReasoningUnscorable = Literal["no_chain_of_thought", "grader_failed"]
Answer = Literal["admitted", "denied", "unclear", "grader_failed"]


class FollowUpCounts(BaseModel):
    """The interview's graded answers of one rollout."""

    asked: int = 0
    admitted: int = 0
    denied: int = 0
    unclear: int = 0
    grader_failed: int = 0
    by_wording: dict[str, list[int]] = Field(default_factory=dict)
    """Per wording: [admitted, denied, unclear]."""
    grader_prompt_sha256: str | None = None

    def add(self, wording: str, answer: Answer) -> None:
        self.asked += 1
        setattr(self, answer, getattr(self, answer) + 1)
        if answer != "grader_failed":
            counts = self.by_wording.setdefault(wording, [0, 0, 0])
            counts[("admitted", "denied", "unclear").index(answer)] += 1

    @property
    def graded(self) -> int:
        return self.admitted + self.denied + self.unclear


class RolloutRecord(VerdictFields):
    """One rollout. The inherited verdict fields are the reasoning grader's."""

    record_schema: int = ROLLOUT_RECORD_SCHEMA
    eval_version: str = SCHEMING_VERSION
    scenario_version: str
    evaluation: str
    scenario: str
    phase: str | None = None
    nudge: str
    goal: str
    goal_in: str
    environment: str
    """`none` (the in-memory machine), `local` or `docker`."""
    epoch: int = 1
    ended: str
    actions: int
    behaviours: dict[str, bool] = Field(default_factory=dict)
    covert: bool | None = None
    """The covert action (None when it can't be decided: `unscorable`)."""
    covert_command: str | None = None
    """The tool call that first did or tried it, cut to a few hundred characters."""
    selection: str | None = None
    """What the last accepted option serves: `model_goal`, `developer_goal`, `other`."""
    unscorable: RolloutUnscorable | None = None
    reasoning_unscorable: ReasoningUnscorable | None = None
    cot_kind: CotKind = "none"
    cot_chars: int = 0
    disclosed: bool | None = None
    """Email reranking, after a false ranking: did the final message say so?"""
    disclosure_grader_prompt_sha256: str | None = None
    follow_up: FollowUpCounts = Field(default_factory=FollowUpCounts)

    @property
    def pair_key(self) -> str:
        """What joins the two phases of an alignment-faking pair."""
        return f"{self.scenario}#{self.epoch}"

    def value(self) -> dict[str, float]:
        """The numbers shown per sample in `inspect view` (NaN where they don't apply)."""
        nan = math.nan
        values = {name: float(flag) for name, flag in self.behaviours.items()}
        values["covert"] = nan if self.covert is None else float(self.covert)
        values["verbalized"] = float(bool(self.verbalized)) if self.graded else nan
        graded = self.follow_up.graded
        values["admitted_share"] = self.follow_up.admitted / graded if graded else nan
        return values


def read_rollout_record(metadata: Mapping[str, Any]) -> RolloutRecord:
    """The rollout record in a score's metadata. Raises pydantic's `ValidationError` when
    the metadata is not a rollout record."""
    return RolloutRecord.model_validate(metadata)
