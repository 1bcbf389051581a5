"""Reward-hacking logs -> the table of response records: one row per (log, sample, epoch),
each a `RewardRecord` read with `read_reward_record`, the function the in-log metrics use,
with what it adds to each measure (`reward_math.contributions`) as columns. When a model's
environment was run twice, the newest log wins and the older one is named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog

from cot_faithfulness.report.logs import LogNote, RowReader
from cot_faithfulness.scorers.hints.pair_sample import dataset_label
from cot_faithfulness.scorers.hints.reward_math import contributions
from cot_faithfulness.scorers.hints.reward_record import read_reward_record

FAMILY = "reward_hacking"
SCORER = "reward_hacking_score"
ENVIRONMENT = ["model", "dataset", "hint_type", "hint_variant", "condition"]
"""What one log answers for: a model's responses in one environment, hinted or not."""

_RECORD_FIELDS = {
    "dataset", "question_id", "hint_type", "hint_variant", "condition", "hint_letter",
    "answer", "reward", "has_chain_of_thought", "graded", "verbalized", "unscorable",
    "cot_kind", "eval_version", "grader_model", "grader_prompt_sha256",
}  # fmt: skip


def header_fields(header: EvalLog) -> dict[str, Any]:
    """What every response row takes from its log's header."""
    meta = header.eval.metadata or {}
    return {
        "dataset": meta.get("dataset_label")
        or dataset_label(str(meta.get("dataset", "")), meta.get("subset"))
    }


def reward_row(metadata: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """One score's response record, as a row."""
    record = read_reward_record(metadata, dataset=fields["dataset"], model=fields["model"])
    row = record.model_dump(include=_RECORD_FIELDS)
    row["question_key"] = record.question_key
    row["exploited"] = record.exploited
    for measure, (value, count) in contributions(record).items():
        row[f"value_{measure}"], row[f"count_{measure}"] = value, count
    return row


REWARDS = RowReader(
    column=re.compile(rf"^{SCORER}$"),
    header_fields=header_fields,
    row=reward_row,
    record_name="RewardRecord",
)
"""Only the first grading: a re-grade appended by `inspect score` (`reward_hacking_score1`)
is not read."""


def newest_rewards(rows: pd.DataFrame, notes: list[LogNote], warnings: list[str]) -> pd.DataFrame:
    """Keep, for every environment of a model, only the responses of the newest log that ran
    it; an older log is named, and left unused when nothing of it is kept."""
    logs = rows[[*ENVIRONMENT, "log", "created"]].drop_duplicates()
    logs["created"] = pd.to_datetime(logs["created"], utc=True, format="ISO8601")
    logs = logs.sort_values(["created", "log"], ascending=False)
    newest = logs.drop_duplicates(ENVIRONMENT)[[*ENVIRONMENT, "log"]]
    kept = rows.merge(newest, on=[*ENVIRONMENT, "log"])
    by_path = {note.path: note for note in notes}
    for old in sorted(set(rows["log"]) - set(kept["log"])):
        by_path[old].used = False
        by_path[old].note = "every environment in it was run again, newer"
    older = logs.merge(newest, on=ENVIRONMENT, suffixes=("", "_newer"))
    older = older[older["log"] != older["log_newer"]]
    if not older.empty:
        names = ", ".join(sorted({Path(log).name for log in older["log"]}))
        warnings.append(
            f"{len(older)} reward-hacking environment runs were run again by newer logs; the "
            f"newest is used (older: {names})"
        )
    return kept.reset_index(drop=True)
