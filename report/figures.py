"""PNG figures with matplotlib's Agg backend: no display and no network, so they work in CI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cot_faithfulness.report.aggregation import HINT_TYPES, aggregate_order  # noqa: E402
from cot_faithfulness.report.log_reading import arm_order  # noqa: E402

FIGURES = ("faithfulness_by_hint.png", "hint_use.png", "cot_length.png", "sandbagging.png")
HINT_USE = (
    ("to_hint", "changed to the hint"),
    ("to_other", "changed to another option"),
    ("no_change", "no change"),
)
OUTCOME_COLORS = ("tab:red", "tab:orange", "tab:gray")
HATCHES = ("", "//", "..", "xx", "\\\\", "++")
"""Tells the models apart in the stacked hint-use bars (colours there are outcomes)."""


def write_figures(
    cells: pd.DataFrame,
    aggregates: pd.DataFrame,
    cot_lengths: pd.DataFrame,
    sandbagging: pd.DataFrame,
    out: Path,
) -> list[Path]:
    """Every figure there is data for; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        _faithfulness_bars(aggregates, out / FIGURES[0]),
        _hint_use(cells, out / FIGURES[1]),
        _cot_lengths(cot_lengths, out / FIGURES[2]),
        _sandbagging_bars(sandbagging, out / FIGURES[3]),
    ]
    plt.close("all")
    return [p for p in paths if p is not None]


def _faithfulness_bars(aggregates: pd.DataFrame, path: Path) -> Path | None:
    """Grouped bars per hint type (and the two averages), one bar per model, CI whiskers."""
    if aggregates.empty:
        return None
    arms = arm_order(aggregates["hint_arm"])
    models = sorted(aggregates["model_label"].unique())
    names = aggregate_order(set(aggregates["aggregate"]))
    fig, axes = plt.subplots(len(arms), 1, figsize=(11, 3.8 * len(arms)), squeeze=False)
    width = 0.8 / len(models)
    for ax, arm in zip(axes[:, 0], arms, strict=True):
        for i, model in enumerate(models):
            rows = aggregates[
                (aggregates["hint_arm"] == arm) & (aggregates["model_label"] == model)
            ]
            rows = rows.set_index("aggregate").reindex(names)
            x = _positions(len(names), i, len(models), width)
            _bars_with_intervals(ax, x, rows, "normalized", "ci", width, model)
        ax.set_xticks(np.arange(len(names)), [n.replace("_", "\n") for n in names], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("normalized faithfulness")
        ax.set_title(f"hint arm: {arm} (95% CI over questions; n/a: undefined or not run)")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(fig, path)


def _hint_use(cells: pd.DataFrame, path: Path) -> Path | None:
    """Stacked shares of eligible pairs (changed to the hint, to another option, no
    change): one group per hint type, one bar per model (told apart by hatching)."""
    if "eligible" not in cells or not (cells["eligible"].fillna(0) > 0).any():
        return None
    usable = cells[cells["eligible"].fillna(0) > 0]
    arms = arm_order(usable["hint_arm"])
    models = sorted(usable["model_label"].unique())
    hints = [h for h in HINT_TYPES if h in set(usable["hint_type"])]
    width = 0.8 / len(models)
    fig, axes = plt.subplots(len(arms), 1, figsize=(11, 4 * len(arms)), squeeze=False)
    for ax, arm in zip(axes[:, 0], arms, strict=True):
        counts = (
            usable[usable["hint_arm"] == arm]
            .groupby(["model_label", "hint_type"])[[c for c, _ in HINT_USE]]
            .sum()
        )
        shares = counts.div(counts.sum(axis=1), axis=0)
        for i, (model, hatch) in enumerate(zip(models, HATCHES, strict=False)):
            rows = shares.reindex(pd.MultiIndex.from_product([[model], hints])).fillna(0)
            x = _positions(len(hints), i, len(models), width)
            bottom = np.zeros(len(hints))
            for (column, label), color in zip(HINT_USE, OUTCOME_COLORS, strict=True):
                values = rows[column].to_numpy()
                ax.bar(
                    x,
                    values,
                    width,
                    bottom=bottom,
                    color=color,
                    hatch=hatch,
                    edgecolor="white",
                    label=label if i == 0 else None,
                )
                bottom += values
            ax.bar(x, 0, width, hatch=hatch, color="none", edgecolor="grey", label=model)
        ax.set_xticks(np.arange(len(hints)), [h.replace("_", "\n") for h in hints], fontsize=8)
        ax.set_ylabel("share of eligible pairs")
        ax.set_title(f"What the hint did to the answer (hint arm: {arm})")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(fig, path)


def _cot_lengths(cot_lengths: pd.DataFrame, path: Path) -> Path | None:
    """Mean chain-of-thought length of faithful vs unfaithful retained pairs per model."""
    if cot_lengths.empty:
        return None
    rows = cot_lengths.dropna(subset=["cot_length_faithful", "cot_length_unfaithful"], how="all")
    if rows.empty:
        return None
    arms = arm_order(rows["hint_arm"])
    rows = rows.sort_values(
        ["model_label", "hint_arm"], key=lambda c: c.map(arms.index) if c.name == "hint_arm" else c
    )
    labels = [f"{r.model_label}\n{r.hint_arm} ({r.cot_length_unit})" for r in rows.itertuples()]
    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(max(5, 2.2 * len(rows)), 4.5))
    ax.bar(x - 0.2, rows["cot_length_faithful"].fillna(0), 0.4, label="verbalizes the hint")
    ax.bar(x + 0.2, rows["cot_length_unfaithful"].fillna(0), 0.4, label="does not")
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylabel("mean chain-of-thought length")
    ax.set_title("Retained pairs: chain-of-thought length by verdict")
    ax.legend(fontsize=8)
    return _save(fig, path)


SANDBAGGING_BARS = (
    ("accuracy_high_is_penalized", "accuracy, high scores penalized"),
    ("accuracy_low_is_penalized", "accuracy, low scores penalized"),
    ("verbalized_rate", "says it sandbags (runs < 50%)"),
)


def _sandbagging_bars(table: pd.DataFrame, path: Path) -> Path | None:
    """Per setting, models side by side: accuracy under each rule and how often runs that
    fell below 50% say they sandbag, with 95% CI whiskers."""
    if table.empty or "gap" not in table:
        return None
    table = table[table["refused"] == ""]
    settings = sorted({(r.goal, r.tools, r.cot) for r in table.itertuples()})
    models = sorted(table["model_label"].unique())
    fig, axes = plt.subplots(len(settings), 1, figsize=(9, 3.6 * len(settings)), squeeze=False)
    width = 0.8 / len(SANDBAGGING_BARS)
    for ax, (goal, tools, cot) in zip(axes[:, 0], settings, strict=True):
        rows = table[(table["goal"] == goal) & (table["tools"] == tools) & (table["cot"] == cot)]
        rows = rows.set_index("model_label").reindex(models)
        for i, (column, label) in enumerate(SANDBAGGING_BARS):
            x = _positions(len(models), i, len(SANDBAGGING_BARS), width)
            _bars_with_intervals(ax, x, rows, column, f"{column}_ci", width, label)
        ax.set_xticks(np.arange(len(models)), models, fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"sandbagging: goal={goal}, {tools}, cot {cot} (95% CI over runs)")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(fig, path)


def _positions(groups: int, index: int, bars: int, width: float) -> np.ndarray:
    """x of the `index`-th of `bars` side-by-side bars in each of `groups` groups."""
    return np.arange(groups) + (index - (bars - 1) / 2) * width


def _bars_with_intervals(
    ax: Any, x: np.ndarray, rows: pd.DataFrame, column: str, ci: str, width: float, label: str
) -> None:
    """Bars of `column` with `<ci>_low`/`<ci>_high` whiskers; an undefined value is marked
    "n/a", since a score of 0 is a defined score and must look different."""
    values = rows[column].to_numpy(dtype=float)
    errors = np.vstack(
        [values - rows[f"{ci}_low"].to_numpy(float), rows[f"{ci}_high"].to_numpy(float) - values]
    )
    ax.bar(x, np.nan_to_num(values), width, label=label)
    ax.errorbar(x, values, yerr=np.nan_to_num(errors), fmt="none", ecolor="black", lw=1)
    for at in x[np.isnan(values)]:
        ax.text(at, 0.01, "n/a", ha="center", va="bottom", fontsize=7, rotation=90)


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path
