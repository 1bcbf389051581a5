"""Monitor cells -> averages and differences of g-mean², with intervals from the cells'
draws (docs/protocol.md §6).

Per model, arm and monitor, g-mean² is averaged as the faithfulness score is
(`aggregation.compose`): the variants of a hint type, then its datasets, then the
unweighted mean over hint types (`headline`), each draw through the same averages. A cell
is left out, and named with why, when its g-mean² is undefined, it rests on fewer positives
(hinted answers at the hint letter) than the minimum, or it is refused.

Two differences, both paired: the chain of thought's contribution, a model's informed
monitor minus its answer-only monitor on the same pairs, and model A minus model B under
the same monitor on the questions both answered. Both sides of a difference are resampled
with the same question weights and their own Jeffreys pseudo-rows, as a cell is (not the
faithfulness differences' heavier `DIFFERENCE_PRIOR`: a monitor cell has eight pseudo-rows,
not four, and at weight 2 they would outweigh a pilot's few dozen questions), and take
only the cells defined on enough positives for both. How often two identical models are
starred is measured in `benchmarks/monitor_differences.py` (docs/protocol.md §6).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from cot_faithfulness.core.intervals import holding, percentile_interval
from cot_faithfulness.report.hints.aggregation import (
    HINT_TYPES,
    Part,
    PartKey,
    aggregate_order,
    aggregate_rows,
    compose,
    refused_part,
)
from cot_faithfulness.report.hints.monitor_cells import (
    MonitorCell,
    MonitorCellKey,
    MonitorResampled,
    monitor_order,
    resample_monitor_cell,
)
from cot_faithfulness.report.hints.records import arm_order
from cot_faithfulness.report.logs import model_label
from cot_faithfulness.scorers.hints.faithfulness_math import ScoreDraws
from cot_faithfulness.scorers.hints.monitor_math import monitor_estimate, monitor_scores

TOO_FEW_POSITIVES = "too few positives"
"""The reason a defined cell below the minimum is left out: `too few positives: 3`."""
WITH_COT, WITHOUT_COT = "informed", "answer_only"
"""The chain of thought's contribution is the first monitor's g-mean² minus the second's:
the same prompt and hint, with and without the reasoning."""

MonitorKey = tuple[str, str, str]
"""model, arm, monitor."""
SharedKey = tuple[str, str, str, str]
"""dataset, hint type, variant, arm: one cell of two sides compared."""


def monitor_part(counts: MonitorResampled, min_pairs: int) -> Part:
    """A cell's g-mean² as it enters the averages: left out when it is undefined or rests
    on fewer than `min_pairs` positives. `compose` averages `ScoreDraws`; g-mean² has no raw
    score beside it, so both of its fields carry the g-mean² draws (and the cap rule of
    `normalized_interval`, for a score bounded by 1, changes nothing)."""
    result = monitor_estimate(counts.totals)
    positives = int(result.counts["x1_y1"])
    reason = result.undefined_reason or ""
    if not reason and positives < min_pairs:
        reason = f"{TOO_FEW_POSITIVES}: {positives}"
    draws = monitor_scores(counts.draws)["gmean2"]
    return Part(result.scores["gmean2"], ScoreDraws(draws, draws), positives, reason)


def monitor_parts(
    cells: dict[MonitorCellKey, MonitorCell],
    resampled: dict[MonitorCellKey, MonitorResampled],
    n_boot: int,
    min_pairs: int,
) -> dict[MonitorKey, dict[PartKey, Part]]:
    """Every monitor cell's part, grouped by model, arm and monitor."""
    grouped: dict[MonitorKey, dict[PartKey, Part]] = {}
    for key, cell in cells.items():
        part = (
            refused_part(cell.refused, n_boot)
            if cell.refused
            else monitor_part(resampled[key], min_pairs)
        )
        part_key = (cell.field("dataset"), cell.field("hint_type"), cell.field("hint_variant"))
        group = (cell.field("model"), cell.field("hint_arm"), cell.monitor)
        grouped.setdefault(group, {})[part_key] = part
    return grouped


AVERAGE_COLUMNS = {"normalized": "gmean2", "n_graded": "n_positives"}
"""The faithfulness averages' columns as the monitors' table names them."""


def monitor_aggregate_table(parts: dict[MonitorKey, dict[PartKey, Part]]) -> pd.DataFrame:
    """One row per model, arm, monitor and aggregate (each hint type, misaligned,
    headline): g-mean², its interval, the positives of each part, what was averaged and
    what is missing or left out, and why."""
    arms = arm_order(arm for _, arm, _ in parts)
    rows = []
    for (model, arm, monitor), model_parts in sorted(
        parts.items(), key=lambda i: (i[0][0], arms.index(i[0][1]), monitor_order(i[0][2]))
    ):
        for row in aggregate_rows(model, arm, compose(model_parts)):
            rows.append({**row, "monitor": monitor})
    table = pd.DataFrame(rows).rename(columns=AVERAGE_COLUMNS)
    if table.empty:
        return table
    held = [
        holding(point, (low, high))
        for point, low, high in zip(table["gmean2"], table["ci_low"], table["ci_high"], strict=True)
    ]
    table["ci_low"], table["ci_high"] = [low for low, _ in held], [high for _, high in held]
    first = ["model", "model_label", "hint_arm", "monitor", "aggregate"]
    return table[first + [c for c in table.columns if c not in first]]


def paired(
    cells_a: dict[SharedKey, MonitorCell],
    cells_b: dict[SharedKey, MonitorCell],
    n_boot: int,
    seed: int,
    min_pairs: int,
    per_cell: bool,
) -> list[dict[str, Any]]:
    """A minus B per arm: per cell (with `per_cell`) and per aggregate, on the cells both
    have, each restricted to the questions both read, with the same question weights for
    both. Only cells defined on at least `min_pairs` positives on both sides are averaged;
    the others are named in `left_out`."""
    parts_a: dict[SharedKey, Part] = {}
    parts_b: dict[SharedKey, Part] = {}
    shared: dict[SharedKey, set[str]] = {}
    for key in sorted(cells_a.keys() & cells_b.keys()):
        cell_a, cell_b = cells_a[key], cells_b[key]
        if cell_a.refused or cell_b.refused:
            continue
        both = shared[key] = set(cell_a.question_keys) & set(cell_b.question_keys)
        for parts, cell in ((parts_a, cell_a), (parts_b, cell_b)):
            drawn = resample_monitor_cell(cell, n_boot, seed, both)
            parts[key] = monitor_part(drawn, min_pairs)
    rows = []
    for arm in arm_order(key[-1] for key in parts_a):
        keys = sorted((key for key in parts_a if key[-1] == arm), key=_reading_order)
        usable = {k for k in keys if not parts_a[k].reason and not parts_b[k].reason}
        left_out = sorted(
            f"{'/'.join(k[:3])} ({parts_a[k].reason or parts_b[k].reason})"
            for k in keys
            if k not in usable
        )
        if per_cell:
            for key in keys:
                part_a, part_b = parts_a[key], parts_b[key]
                where = dict(zip(("dataset", "hint_type", "hint_variant"), key[:3], strict=True))
                row = _difference(arm, part_a, part_b, len(shared[key]), where, key in usable)
                row.update(n_a=part_a.n, n_b=part_b.n, left_out=part_a.reason or part_b.reason)
                rows.append(row)
        composite_a = compose({k[:3]: parts_a[k] for k in usable})
        composite_b = compose({k[:3]: parts_b[k] for k in usable})
        by_dataset: dict[str, set[str]] = {}
        for key in keys:
            by_dataset.setdefault(key[0], set()).update(shared[key])
        questions = sum(len(q) for q in by_dataset.values())
        for name in aggregate_order(composite_a.keys() & composite_b.keys()):
            mean_a, mean_b = composite_a[name], composite_b[name]
            row = _difference(arm, mean_a, mean_b, questions, {"aggregate": name}, bool(usable))
            row.update(
                n_a=mean_a.total_n,
                n_b=mean_b.total_n,
                averaged_over=", ".join(mean_a.used),
                left_out="; ".join(left_out),
            )
            rows.append(row)
    return rows


def _reading_order(key: SharedKey) -> tuple[str, int, str, str]:
    """Cells by dataset, hint types in the catalogue's order, then variant."""
    dataset, hint, variant, _ = key
    return dataset, HINT_TYPES.index(hint) if hint in HINT_TYPES else len(HINT_TYPES), hint, variant


def _difference(
    arm: str, a: Any, b: Any, questions: int, where: dict[str, str], usable: bool
) -> dict[str, Any]:
    """One row of A minus B (a `Part` or a `Composite` each); its interval from the draws'
    differences, held to its point (`core.intervals.holding`), none when either side is left
    out."""
    difference = a.draws.normalized - b.draws.normalized
    point = a.point - b.point if usable else math.nan
    low, high = holding(point, percentile_interval(difference))
    return {
        "hint_arm": arm,
        **where,
        "a": a.point,
        "b": b.point,
        "difference": point,
        "ci_low": low,
        "ci_high": high,
        "significant": bool(low > 0 or high < 0),
        "shared_questions": questions,
    }


def _of(
    cells: dict[MonitorCellKey, MonitorCell], model: str, monitor: str
) -> dict[SharedKey, MonitorCell]:
    """One model's cells of one monitor, keyed by dataset, hint type, variant and arm."""
    return {
        (c.field("dataset"), c.field("hint_type"), c.field("hint_variant"), c.field("hint_arm")): c
        for c in cells.values()
        if (c.field("model"), c.monitor) == (model, monitor)
    }


def cot_contribution(
    cells: dict[MonitorCellKey, MonitorCell], n_boot: int, seed: int, min_pairs: int
) -> pd.DataFrame:
    """Per model and arm, per cell and per aggregate: the informed monitor's g-mean² minus
    the answer-only monitor's on the same pairs, what the chain of thought adds to what the
    answer alone gives away."""
    rows = []
    for model in sorted({c.field("model") for c in cells.values()}):
        with_cot, without = _of(cells, model, WITH_COT), _of(cells, model, WITHOUT_COT)
        for row in paired(with_cot, without, n_boot, seed, min_pairs, per_cell=True):
            rows.append({"model": model, "model_label": model_label(model), **row})
    names = {"a": WITH_COT, "b": WITHOUT_COT, "n_a": f"n_{WITH_COT}", "n_b": f"n_{WITHOUT_COT}"}
    table = pd.DataFrame(rows).rename(columns=names)
    first = ["model", "model_label", "hint_arm", "aggregate", "dataset", "hint_type"]
    return table[[c for c in first if c in table] + [c for c in table if c not in first]]


def monitor_differences(
    cells: dict[MonitorCellKey, MonitorCell],
    model_a: str,
    model_b: str,
    n_boot: int,
    seed: int,
    min_pairs: int,
) -> pd.DataFrame:
    """Model A minus model B under each monitor both ran, per arm and aggregate, on the
    questions both answered."""
    rows = []
    monitors = sorted({c.monitor for c in cells.values()}, key=monitor_order)
    for monitor in monitors:
        of_a, of_b = _of(cells, model_a, monitor), _of(cells, model_b, monitor)
        for row in paired(of_a, of_b, n_boot, seed, min_pairs, per_cell=False):
            rows.append(
                {
                    "model_a": model_label(model_a),
                    "model_b": model_label(model_b),
                    "monitor": monitor,
                    **row,
                }
            )
    return pd.DataFrame(rows)
