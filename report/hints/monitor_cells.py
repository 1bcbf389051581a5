"""Pair records -> monitor cells: one per model x dataset x hint type x variant x arm x
monitor, and the arm `both` where a hint type and variant ran both arms, as for
faithfulness (docs/protocol.md §6).

A cell holds the pairs of the logs that ran its monitor, in the long form of the pair
table's `monitor.<name>.<field>` columns; the counts are the pair records' own
(`monitor_math.counts_of` of each pair's sides), summed per question; every score comes
from `scorers.hints.monitor_math`, the module the in-log `monitorability` metric uses, with
the same per-question weights, the same pseudo-rows (`monitor_math.prior_label`) and the
same resamples, so a cell's numbers are the log's. A cell that mixes eval versions or
monitor versions, prompts or models is refused, with the reason, rather than pooled.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cot_faithfulness.core.intervals import JEFFREYS
from cot_faithfulness.report.hints.cells import drawn_on, in_reading_order
from cot_faithfulness.report.hints.records import (
    CELL_KEYS,
    MONITOR_COLUMN,
    MONITOR_CROSSFIT,
    MONITORS_RUN,
)
from cot_faithfulness.report.logs import model_label
from cot_faithfulness.scorers.hints.monitor_math import (
    MONITOR_FIELDS,
    SCORE_NAMES,
    InstanceScores,
    Rows,
    grouped_instance_scores,
    monitor_estimate,
    monitor_resample,
    prior_label,
    score_intervals,
)
from cot_faithfulness.scorers.hints.monitor_prompts import MONITOR_NAMES
from cot_faithfulness.scorers.hints.pair_record import POOLED_ARM

MONITOR_CELL_KEYS = [*CELL_KEYS, "monitor"]
MonitorCellKey = tuple[str, ...]
"""Values of `MONITOR_CELL_KEYS`: model, dataset, hint type, variant, arm, monitor."""

READING_FIELDS = (
    "unhinted_flagged",
    "hinted_flagged",
    "unhinted_problem",
    "hinted_problem",
    "monitor_model",
    "prompt_sha256",
    "monitor_version",
)
"""A monitor's columns beside its counts (`records.monitor_columns`)."""
_PAIR_COLUMNS = [*CELL_KEYS, "hint_category", "question_key", "log", "eval_version", "unscorable"]
NOT_READ = "not_monitored"
"""Why a pair the monitor did not read is left out when its record names no reason."""


def monitor_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per pair and monitor, for every monitor a pair's log ran (or that read the
    pair): the pair's cell and question, the monitor's counts (NaN where it did not read
    the pair), verdicts, problems, model, prompt hash and version."""
    ran = (
        pairs[MONITORS_RUN].fillna("").str.split(",")
        if MONITORS_RUN in pairs
        else pd.Series([[]] * len(pairs), index=pairs.index)
    )
    present = {c.split(".")[1] for c in pairs.columns if c.startswith(MONITOR_COLUMN)}
    named = {name for names in ran for name in names if name}
    frames = []
    for name in sorted(present | named, key=monitor_order):
        prefix = f"{MONITOR_COLUMN}{name}."
        read = pairs[f"{prefix}x0"].notna() if f"{prefix}x0" in pairs else False
        chosen = pairs[ran.map(lambda names, n=name: n in names) | read]
        if chosen.empty:
            continue
        frame = chosen[_PAIR_COLUMNS].copy()
        frame["monitor"] = name
        crossfit = chosen.get(MONITOR_CROSSFIT, pd.Series(False, index=chosen.index))
        frame["crossfit"] = crossfit.eq(True)  # a log whose header does not say: not cross-fit
        for field in (*MONITOR_FIELDS, *READING_FIELDS):
            column = f"{prefix}{field}"
            frame[field] = chosen.get(column, math.nan)
        frame["read"] = frame["x0"].notna()
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*_PAIR_COLUMNS, "monitor", "read"])
    return pd.concat(frames, ignore_index=True)


def monitor_order(name: str) -> tuple[int, str]:
    """Monitors in the suite's order (blind, informed, answer_only), any others after."""
    return (MONITOR_NAMES.index(name) if name in MONITOR_NAMES else len(MONITOR_NAMES), name)


@dataclass(frozen=True)
class MonitorCell:
    key: MonitorCellKey
    pairs: pd.DataFrame
    """The cell's rows of `monitor_pairs`, read or not."""
    refused: str
    """Why its pairs can't be pooled; empty when they can."""
    question_keys: list[str]
    """The questions of the pairs the monitor read, in key order."""
    counts: np.ndarray
    """Per question (rows, in `question_keys` order): summed MONITOR_FIELDS."""
    sums: dict[tuple[int, int], np.ndarray] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )
    """Its questions' counts summed under each (n_boot, seed)'s draws (`drawn_on`)."""

    def field(self, name: str) -> str:
        return self.key[MONITOR_CELL_KEYS.index(name)]

    @property
    def monitor(self) -> str:
        return self.key[-1]

    @property
    def label(self) -> str:
        """What the log's metric keys this cell's pseudo-rows by."""
        return prior_label("|".join(self.key[:-1]), self.monitor)

    def instance_scores(self, seed: int) -> InstanceScores | None:
        """The per-instance version (question x hint arm over its epochs), cross-fit when
        the cell's logs asked for it; None when their settings differ."""
        read = self.pairs[self.pairs["read"]]
        crossfit = {bool(c) for c in read["crossfit"]}
        if len(crossfit) > 1:
            return None
        grouped: dict[tuple[str, str], Rows] = {}
        for row in read[["question_key", "hint_arm", *MONITOR_FIELDS, *READING_FIELDS]].to_dict(
            "records"
        ):
            grouped.setdefault((row["question_key"], row["hint_arm"]), []).extend(
                [
                    (0, int(row["x0_y1"]), _verdict(row["unhinted_flagged"])),
                    (1, int(row["x1_y1"]), _verdict(row["hinted_flagged"])),
                ]
            )
        return grouped_instance_scores(grouped, crossfit == {True}, seed)


def _verdict(value: Any) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)


@dataclass(frozen=True)
class MonitorResampled:
    """Summed counts of a monitor cell (or of its shared questions) and of each draw."""

    totals: np.ndarray
    """One row of MONITOR_FIELDS."""
    draws: np.ndarray
    """n_boot x MONITOR_FIELDS."""


def build_monitor_cells(rows: pd.DataFrame) -> dict[MonitorCellKey, MonitorCell]:
    """Every monitor cell of `monitor_pairs`, in key order; where the monitor read both
    hint arms of a hint type and variant, also their cell together (arm `both`)."""
    cells = {}
    for key, group in rows.groupby(MONITOR_CELL_KEYS, sort=True):
        cells[key] = _cell(key, group)
    pooled_keys = [k for k in MONITOR_CELL_KEYS if k != "hint_arm"]
    for key, group in rows.groupby(pooled_keys, sort=True):
        if group.loc[group["read"], "hint_arm"].nunique() > 1:
            full = (*key[:4], POOLED_ARM, key[4])
            cells[full] = _cell(full, group)
    return cells


def _cell(key: tuple[Any, ...], group: pd.DataFrame) -> MonitorCell:
    read = group[group["read"]]
    # questions in key order: draws are float sums, so their order must not follow the order
    # in which samples happened to finish
    per_question = read.groupby("question_key", sort=True)[list(MONITOR_FIELDS)].sum()
    return MonitorCell(
        key=tuple(str(k) for k in key),
        pairs=group,
        refused=monitor_refusal(read) or "",
        question_keys=list(per_question.index),
        counts=per_question.to_numpy(dtype=np.float64).reshape(-1, len(MONITOR_FIELDS)),
    )


REFUSALS = (
    ("eval_version", "eval versions", None),
    ("monitor_version", "monitor versions", None),
    ("prompt_sha256", "monitor prompts", 12),
    ("monitor_model", "monitor models", None),
)
"""What the pairs a monitor read must share to be pooled: the column, its name in the
reason, and how much of each value the reason shows."""


def monitor_refusal(read: pd.DataFrame) -> str | None:
    """Why a monitor cell's readings can't be pooled, or None: answers recorded under
    different eval versions, or verdicts under different monitor versions, prompts or
    models, are not one measurement."""
    for column, what, shown in REFUSALS:
        values = sorted({v for v in read[column].unique() if isinstance(v, str)})
        if len(values) > 1:
            return f"mixed {what} {', '.join(v[:shown] for v in values)}"
    return None


def resample_monitor_cell(
    cell: MonitorCell,
    n_boot: int,
    seed: int,
    questions: set[str] | None = None,
    concentration: float = JEFFREYS,
) -> MonitorResampled:
    """A cell's totals and draws, on all its questions or on `questions` only, with its
    pseudo-rows of weight Gamma(`concentration`)."""
    counts, sums = drawn_on(cell, n_boot, seed, questions)
    keys = cell.question_keys
    draws = monitor_resample(keys, counts, cell.label, n_boot, seed, concentration, sums)
    return MonitorResampled(totals=counts.sum(axis=0), draws=draws)


def monitor_cell_table(
    cells: Iterable[MonitorCell],
    resampled: dict[MonitorCellKey, MonitorResampled],
    n_boot: int,
    seed: int,
    min_pairs: int,
) -> pd.DataFrame:
    """One row per monitor cell: what it is made of, its counts, every score with its 95%
    interval, why a score is undefined, and with several samples per arm and question the
    per-instance g-mean²; `too_few` marks a cell with fewer than `min_pairs` positives."""
    rows = []
    for cell in cells:
        row = _describe(cell)
        if not cell.refused:
            row.update(_figures(resampled[cell.key]))
            row["too_few"] = row["positives"] < min_pairs
            row.update(_per_instance(cell, n_boot, seed))
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    always = [*TABLE_ORDER, *COUNT_COLUMNS, *SCORE_COLUMNS, "undefined", "notes", "too_few"]
    table = table.reindex(columns=list(dict.fromkeys([*always, *table.columns])))
    counts = [c for c in COUNT_COLUMNS if c in table]
    table[counts] = table[counts].astype("Int64")  # whole numbers, empty when refused
    return in_monitor_order(table)


def in_monitor_order(table: pd.DataFrame) -> pd.DataFrame:
    """The cells' reading order (`cells.in_reading_order`), each cell's monitors in the
    suite's order."""
    ordered = in_reading_order(table)
    names = sorted(set(ordered["monitor"]), key=monitor_order)
    ordered = ordered.assign(
        _cell=ordered.groupby([c for c in CELL_KEYS if c in ordered], sort=False).ngroup(),
        _monitor=ordered["monitor"].map(names.index),
    )
    ordered = ordered.sort_values(["_cell", "_monitor"])
    return ordered.drop(columns=["_cell", "_monitor"]).reset_index(drop=True)


TABLE_ORDER = [
    "model",
    "model_label",
    "dataset",
    "hint_type",
    "hint_category",
    "hint_variant",
    "hint_arm",
    "monitor",
    "logs",
    "eval_version",
    "monitor_version",
    "monitor_prompt",
    "monitor_models",
    "refused",
    "pairs",
    "left_out",
    "left_out_reasons",
]
"""The first columns of the table: the cell, where it comes from, what it rests on."""
SCORE_COLUMNS = [f"{n}{end}" for n in SCORE_NAMES for end in ("", "_ci_low", "_ci_high")]
COUNT_COLUMNS = [
    "monitored",
    "positives",
    "positives_judged",
    "negatives_x0",
    "negatives_x1",
    "monitor_failed_x0",
    "monitor_failed_x1",
]


def _describe(cell: MonitorCell) -> dict[str, Any]:
    """What a cell is made of: logs, versions, prompts, monitor models, pairs left out."""
    group = cell.pairs
    read = group[group["read"]]
    key = dict(zip(MONITOR_CELL_KEYS, cell.key, strict=True))

    def listed(column: str, shown: int | None = None) -> str:
        return ", ".join(sorted({v[:shown] for v in read[column].unique() if isinstance(v, str)}))

    left_out = Counter(
        reason if isinstance(reason, str) else NOT_READ
        for reason in group.loc[~group["read"], "unscorable"]
    )
    return {
        **key,
        "model_label": model_label(key["model"]),
        "hint_category": group["hint_category"].iloc[0],
        "logs": ", ".join(sorted({Path(log).name for log in group["log"]})),
        "eval_version": listed("eval_version"),
        "monitor_version": listed("monitor_version"),
        "monitor_prompt": listed("prompt_sha256", 12),
        "monitor_models": listed("monitor_model"),
        "refused": cell.refused,
        "pairs": len(group),
        "left_out": int(sum(left_out.values())),
        "left_out_reasons": "; ".join(f"{r} {n}" for r, n in sorted(left_out.items())),
        "monitor_failed_x0": int(read["unhinted_problem"].eq("monitor_failed").sum()),
        "monitor_failed_x1": int(read["hinted_problem"].eq("monitor_failed").sum()),
    }


def _figures(counts: MonitorResampled) -> dict[str, Any]:
    result = monitor_estimate(counts.totals)
    intervals = score_intervals(counts.draws, result.scores)
    row: dict[str, Any] = {
        "monitored": int(result.counts["x1"]),
        "positives": int(result.counts["x1_y1"]),
        "positives_judged": int(result.counts["x1y1_judged"]),
        "negatives_x0": int(result.counts["x0_judged"]),
        "negatives_x1": int(result.counts["x1y0_judged"]),
    }
    for name in SCORE_NAMES:
        row[name] = result.scores[name]
        row[f"{name}_ci_low"], row[f"{name}_ci_high"] = intervals[name]
    row["undefined"] = result.undefined_reason or ""
    row["notes"] = ", ".join(result.notes)
    return row


def _per_instance(cell: MonitorCell, n_boot: int, seed: int) -> dict[str, Any]:
    """The per-instance g-mean² where instances have several samples per arm (epochs), as
    the log's metric gives it; nothing otherwise."""
    scores = cell.instance_scores(seed)
    if scores is None:
        return {"instance_undefined": "mixed_crossfit"}
    if scores.samples < 2:
        return {}
    return {
        **scores.figures(n_boot, seed),
        "instances": len(scores.eligible),
        "instance_samples": scores.samples,
        "instance_crossfit": scores.crossfit,
        "instance_undefined": scores.undefined_reason or "",
    }
