"""Hint-task logs -> the table of pair records: one row per (log, sample, epoch, score
column), the record's fields flattened beside the log's.

Every row is a `PairRecord` read with `read_pair_record`, the function the in-log metrics
use; its counts (`faithfulness_math.counts_row`) are columns too, so nothing later
re-derives what the scorer decided. So are, for each monitor that read the pair, its
counts (`monitor_math.counts_of` of the pair's sides), each side's verdict or problem, and
the monitor's model, prompt hash and version, as `monitor.<name>.<field>` columns; a log
without monitors has none of them. When a cell was run twice, the newest log wins and the
older one is named (and kept aside for grader agreement when another grader scored it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog

from cot_faithfulness.report.logs import LogNote, RowReader, model_label
from cot_faithfulness.scorers.hints.faithfulness_math import COUNT_FIELDS, counts_row
from cot_faithfulness.scorers.hints.monitor_math import MONITOR_FIELDS, counts_of, sides
from cot_faithfulness.scorers.hints.pair_record import POOLED_ARM, PairRecord, read_pair_record
from cot_faithfulness.scorers.hints.pair_sample import HINT_ARMS, dataset_label

SCORER = "hint_faithfulness"
CELL_KEYS = ["model", "dataset", "hint_type", "hint_variant", "hint_arm"]
COUNT_PREFIX = "n_"
"""Columns `n_pairs`, `n_eligible`, ...: the record's counts (`COUNT_FIELDS`)."""
COUNT_COLUMNS = [f"{COUNT_PREFIX}{name}" for name in COUNT_FIELDS]

_RECORD_FIELDS = [
    "dataset",
    "question_id",
    "hint_type",
    "hint_variant",
    "hint_arm",
    "eval_version",
    "unscorable",
    "graded",
    "verbalized",
    "cot_kind",
    "cot_chars",
    "hinted_output_tokens",
    "quote_found",
    "grader_model",
    "grader_prompt_sha256",
]


MONITOR_COLUMN = "monitor."
"""Prefix of a monitor's columns: `monitor.informed.x1_y1`."""
MONITORS_RUN = "monitors_run"
"""The monitors the pair's log asked for (comma-separated); only in rows of such logs."""
MONITOR_CROSSFIT = "monitor_crossfit"
"""Whether that log's per-instance score is cross-fit (`-T monitor_crossfit`)."""


def header_fields(header: EvalLog) -> dict[str, Any]:
    """What every pair row takes from its log's header."""
    meta = header.eval.metadata or {}
    fields = {
        "dataset": meta.get("dataset_label")
        or dataset_label(str(meta.get("dataset", "")), meta.get("subset")),
        "hint_category": meta.get("hint_category", ""),
        "data_sha256": (meta.get("question_source") or {}).get("questions_sha256"),
    }
    if meta.get("monitors"):
        fields[MONITORS_RUN] = ",".join(meta["monitors"])
        fields[MONITOR_CROSSFIT] = bool(meta.get("monitor_crossfit"))
    return fields


def pair_row(metadata: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """One score's pair record, as a row."""
    record = read_pair_record(metadata, dataset=fields["dataset"], model=fields["model"])
    row = record.model_dump(include=set(_RECORD_FIELDS))
    row.update(
        question_key=record.question_key,
        eligible=record.eligible,
        retained=record.retained,
        **dict(zip(COUNT_COLUMNS, counts_row(record), strict=True)),
    )
    row.update(monitor_columns(record))
    return row


def monitor_columns(record: PairRecord) -> dict[str, Any]:
    """Each monitor's reading of the pair as `monitor.<name>.<field>` columns: its counts
    (one pair's `MONITOR_FIELDS`), each side's verdict (`unhinted_flagged`, `hinted_flagged`:
    None when it gave none) and problem, and who read it under which prompt and version."""
    columns: dict[str, Any] = {}
    for name, readings in record.monitors.items():
        pair = sides(record, name)
        if pair is None:
            continue
        values: dict[str, Any] = dict(zip(MONITOR_FIELDS, counts_of(pair), strict=True))
        values.update(
            unhinted_flagged=readings.unhinted.flagged,
            hinted_flagged=readings.hinted.flagged,
            unhinted_problem=readings.unhinted.problem,
            hinted_problem=readings.hinted.problem,
            monitor_model=readings.monitor_model,
            prompt_sha256=readings.prompt_sha256,
            monitor_version=readings.monitor_version,
        )
        columns.update({f"{MONITOR_COLUMN}{name}.{k}": v for k, v in values.items()})
    return columns


PAIRS = RowReader(
    column=re.compile(rf"^{SCORER}\d*$"),
    header_fields=header_fields,
    row=pair_row,
    record_name="PairRecord",
)


@dataclass
class PairTable:
    pairs: pd.DataFrame
    """One row per pair record of the cells' newest logs."""
    set_aside: pd.DataFrame
    """Pairs of cells that a newer log ran again; used only for grader agreement."""


def arm_order(arms: Iterable[str]) -> list[str]:
    """Hint arms in the protocol's order (incorrect, correct, both together), any others
    after."""
    known = [*HINT_ARMS, POOLED_ARM]

    def position(arm: str) -> tuple[int, str]:
        return (known.index(arm) if arm in known else len(known), arm)

    return sorted(set(arms), key=position)


def newest_per_cell(pairs: pd.DataFrame, notes: list[LogNote], warnings: list[str]) -> PairTable:
    """Keep, for every cell, only the pairs of the newest log that ran it."""
    logs = pairs[[*CELL_KEYS, "log", "created"]].drop_duplicates()
    logs["created"] = pd.to_datetime(logs["created"], utc=True, format="ISO8601")
    logs = logs.sort_values(["created", "log"], ascending=False)
    newest = logs.drop_duplicates(CELL_KEYS)[[*CELL_KEYS, "log"]]
    older = logs.merge(newest, on=CELL_KEYS, suffixes=("", "_newer"))
    older = older[older["log"] != older["log_newer"]]
    if older.empty:
        return PairTable(pairs, pairs.iloc[0:0])

    kept = pairs.merge(newest, on=[*CELL_KEYS, "log"], how="left", indicator=True)
    used = kept["_merge"].eq("both").to_numpy()
    by_path = {note.path: note for note in notes}
    graders = pairs.groupby("log")["grader_model"].agg(lambda g: sorted(set(g.dropna())))
    for (old, newer), cells in older.groupby(["log", "log_newer"]):
        regraded = bool(graders[old]) and graders[old] != graders[newer]
        use = "kept only for grader agreement" if regraded else "set aside"
        old_name, newer_name = Path(old).name, Path(newer).name
        warnings.append(
            f"{old_name}: {len(cells)} cell(s) also run by the newer {newer_name}; using the "
            f"newer, the older is {use}"
        )
        note = by_path[old]
        note.note = ", ".join(filter(None, [note.note, f"older run of cells in {newer_name}"]))
    for log in set(older["log"]) - set(pairs.loc[used, "log"]):
        by_path[log].used = False
    return PairTable(pairs[used].reset_index(drop=True), pairs[~used].reset_index(drop=True))


def mixed_by_model(rows: pd.DataFrame, column: str, shown: int | None = None) -> str | None:
    """`model: value, value; model: value` where `rows` hold more than one value of `column`
    (each cut to `shown` characters), else None: what a warning about cells scored or read
    under different protocols lists."""
    per_model = {
        model_label(model): sorted(
            {v[:shown] for v in group[column].unique() if isinstance(v, str)}
        )
        for model, group in rows[["model", column]].groupby("model")
    }
    if len({v for values in per_model.values() for v in values}) < 2:
        return None
    return "; ".join(f"{m}: {', '.join(v)}" for m, v in per_model.items())
