"""The hint family's tables as people read them: estimates with intervals, models side by
side, what an average lacks, what could not be scored."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from cot_faithfulness.report.hints.aggregation import TOO_FEW, aggregate_order
from cot_faithfulness.report.hints.records import arm_order
from cot_faithfulness.scorers.hints.pair_record import POOLED_ARM

CELL_VIEW = {
    "model_label": "model",
    "dataset": "dataset",
    "hint_type": "hint",
    "hint_variant": "variant",
    "hint_arm": "arm",
    "pairs": "pairs",
    "eligible": "eligible",
    "to_hint": "to hint",
    "to_other": "to other",
    "no_change": "no change",
    "p": "p",
    "q": "q",
    "alpha": "alpha",
    "raw": "raw",
    "estimate": "normalized [95% CI]",
    "graded": "n",
    "accuracy_unhinted": "acc unhinted",
    "accuracy_hinted": "acc hinted",
    "unscorable_by_reason": "unscorable",
    "graders": "graders",
}
"""The per-cell columns shown in the terminal and Markdown (CSV and JSON have them all)."""


DIFFERENCE_ROWS = ("headline", "misaligned")
"""The averages whose differences between models the terminal shows (every one is in the
CSV)."""
TABLE_PADDING = 3
"""Columns a terminal table adds around each of its columns."""


def format_estimate(value: float, low: float, high: float, reason: str = "") -> str:
    """`0.42 [0.31, 0.55]`; an undefined score shows as undefined with its reason, never 0."""
    if math.isnan(value):
        return f"undefined ({reason})" if reason else "undefined"
    if math.isnan(low):
        return f"{value:.2f} [CI undefined]"
    return f"{value:.2f} [{low:.2f}, {high:.2f}]"


def too_few(reason: str, what: str = TOO_FEW) -> int | None:
    """The graded pairs (or, for a monitor, the positives: `what`) behind a score left out
    as too few (summed over its parts), or None when `reason` is anything else."""
    found = re.findall(rf"{what}: (\d+)", reason or "")
    others = re.sub(rf"{what}: \d+", "", reason or "").strip(" ,;")
    return sum(int(n) for n in found) if found and not others else None


def n_text(row: Any, count: str = "n_graded") -> str:
    """What a score rests on (graded pairs; for a monitor, `count` = `n_positives`): `n 37`,
    or per part `n 12..80` for an average."""
    counts = [int(part.rsplit(" ", 1)[1]) for part in row.n_by_part.split("; ") if part]
    if len(counts) > 1:
        return f"n {min(counts)}..{max(counts)}"
    return f"n {getattr(row, count)}"


def side_by_side(aggregates: pd.DataFrame) -> pd.DataFrame:
    """Aggregates as rows, one column per model: the score, its interval and its n. `*`:
    averaged over only some of the hint types or datasets (see the notes); `too few pairs`:
    fewer graded pairs than the minimum; `-`: not run for that model. Published rows
    (`source` `published: ...`) show `[no interval]` and come after the user's models."""
    marked = []
    for row in aggregates.itertuples():
        thin = too_few(row.undefined_reason) if math.isnan(row.normalized) else None
        if thin is not None:
            marked.append(f"too few pairs ({thin})")
            continue
        if _published(row):
            marked.append(_published_text(row))
            continue
        text = format_estimate(row.normalized, row.ci_low, row.ci_high, row.undefined_reason)
        if not math.isnan(row.normalized):
            text += f" {n_text(row)}"
        partial = (row.missing or row.undefined) and not math.isnan(row.normalized)
        marked.append(text + (" *" if partial else ""))
    table = aggregates.assign(cell=marked)
    wide = table.pivot_table(
        index=["hint_arm", "aggregate"], columns="model_label", values="cell", aggfunc="first"
    )
    position = {name: i for i, name in enumerate(aggregate_order(set(aggregates["aggregate"])))}
    position.update({arm: i for i, arm in enumerate(arm_order(aggregates["hint_arm"]))})
    wide = wide.sort_index(key=lambda level: level.map(position))
    published = list(dict.fromkeys(r.model_label for r in table.itertuples() if _published(r)))
    wide = wide[[c for c in wide.columns if c not in published] + published]
    wide.columns.name = None
    return wide.fillna("-")


def _published(row: Any) -> bool:
    return str(getattr(row, "source", "")).startswith("published")


def _published_text(row: Any) -> str:
    """A published mean: `0.39 [no interval] n 46..812`, `~0.07` where the source says
    "about", `n not published` where it gives no count."""
    if math.isnan(row.normalized):
        return format_estimate(row.normalized, math.nan, math.nan, row.undefined_reason)
    approximate = "~" if getattr(row, "approximate", False) is True else ""
    counted = not pd.isna(row.n_graded)
    partial = " *" if counted and (row.missing or row.undefined) else ""
    n = n_text(row) if counted else "n not published"
    return f"{approximate}{row.normalized:.2f} [no interval] {n}{partial}"


def cell_view(cells: pd.DataFrame) -> pd.DataFrame:
    """The per-cell table as people read it: rounded, with the estimate and its interval."""
    view = cells.copy()
    for column in [*CELL_VIEW, "too_few"]:
        if column not in view.columns:
            view[column] = math.nan
    view["estimate"] = [
        f"refused: {row.refused}"
        if row.refused
        else format_estimate(row.normalized, row.ci_low, row.ci_high, row.undefined)
        + (" (too few pairs)" if row.too_few is True else "")
        for row in view.itertuples()
    ]
    reasons = [c for c in cells.columns if c.startswith("unscorable_")]
    view["unscorable_by_reason"] = [
        ", ".join(f"{c.removeprefix('unscorable_')} {int(n)}" for c, n in row.items() if n)
        for row in cells[reasons].to_dict("records")
    ]
    view = view[list(CELL_VIEW)].rename(columns=CELL_VIEW).round(3)
    return view.astype(object).where(view.notna(), "-")  # "-": not computed, see the estimate


def aggregate_notes(aggregates: pd.DataFrame) -> list[str]:
    """One line per average that stands for less than its name says (`*` in the table):
    what it lacks and why. A score shown as undefined or too few says so itself."""
    lines = []
    for row in aggregates.itertuples():
        if math.isnan(row.normalized):
            continue
        lacks = []
        if row.missing:
            composite = row.aggregate in ("misaligned", "headline") or row.aggregate.startswith(
                "headline/"
            )
            kind = "hint types" if composite else "datasets"
            lacks.append(f"{kind} not run: {row.missing}")
        if row.undefined:
            lacks.append(f"left out: {row.undefined}")
        if lacks:
            lines.append(f"{row.model_label}, {row.hint_arm}, {row.aggregate}: {'; '.join(lacks)}")
    return lines


def unscorable_lines(cells: pd.DataFrame) -> list[str]:
    """Per model, how many pairs could not be scored and why: never hidden in the averages.
    Counted over the cells of each arm; the cells of both arms together repeat them."""
    if cells.empty:
        return []
    cells = cells[cells["hint_arm"] != POOLED_ARM]
    reasons = [c for c in cells.columns if c.startswith("unscorable_")]
    lines = []
    for model, group in cells.groupby("model_label", sort=True):
        unscorable = int(group["unscorable"].sum())
        detail = ", ".join(
            f"{c.removeprefix('unscorable_')} {int(group[c].sum())}"
            for c in reasons
            if group[c].sum()
        )
        share = f"{unscorable} of {int(group['pairs'].sum())}"
        lines.append(f"unscorable pairs, {model}: {share}" + (f" ({detail})" if detail else ""))
    return lines
