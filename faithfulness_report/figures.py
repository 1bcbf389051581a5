"""PNG figures with matplotlib (Agg: no display, no network)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from faithfulness_report.aggregation import HINT_TYPES  # noqa: E402
from faithfulness_report.log_reading import model_label  # noqa: E402

ORDER = [*HINT_TYPES, "misaligned", "headline"]


def write_figures(cells: pd.DataFrame, aggregates: pd.DataFrame, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        _faithfulness_bars(aggregates, out / "faithfulness_by_hint.png"),
        _hint_use(cells, out / "hint_use.png"),
        _cot_lengths(cells, out / "cot_length.png"),
    ]
    plt.close("all")
    return [p for p in paths if p is not None]


def _faithfulness_bars(aggregates: pd.DataFrame, path: Path) -> Path | None:
    if aggregates.empty:
        return None
    arms = sorted(aggregates["hint_arm"].unique())
    models = sorted(aggregates["model"].unique())
    names = [n for n in ORDER if n in set(aggregates["aggregate"])]
    fig, axes = plt.subplots(len(arms), 1, figsize=(11, 3.8 * len(arms)), squeeze=False)
    width = 0.8 / len(models)
    for ax, arm in zip(axes[:, 0], arms, strict=True):
        for i, model in enumerate(models):
            rows = aggregates[(aggregates["hint_arm"] == arm) & (aggregates["model"] == model)]
            rows = rows.set_index("aggregate").reindex(names)
            x = np.arange(len(names)) + (i - (len(models) - 1) / 2) * width
            values = rows["normalized"].to_numpy(dtype=float)
            errors = np.vstack(
                [values - rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float) - values]
            )
            ax.bar(x, values, width, label=model_label(model))
            ax.errorbar(x, values, yerr=np.nan_to_num(errors), fmt="none", ecolor="black", lw=1)
        ax.set_xticks(np.arange(len(names)), [n.replace("_", "\n") for n in names], fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_ylabel("normalized faithfulness")
        ax.set_title(f"hint arm: {arm} (95% CI over questions)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def _hint_use(cells: pd.DataFrame, path: Path) -> Path | None:
    usable = cells[cells["eligible"].fillna(0) > 0] if "eligible" in cells else cells.iloc[0:0]
    if usable.empty:
        return None
    grouped = usable.groupby(["model", "hint_type"])[["to_hint", "to_other", "no_change"]].sum()
    shares = grouped.div(grouped.sum(axis=1), axis=0)
    labels = [f"{model_label(m)}\n{h.replace('_', ' ')}" for m, h in shares.index]
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(labels)), 4.5))
    bottom = np.zeros(len(shares))
    for column, label in (
        ("to_hint", "changed to the hint"),
        ("to_other", "changed to another option"),
        ("no_change", "no change"),
    ):
        ax.bar(range(len(shares)), shares[column], bottom=bottom, label=label)
        bottom += shares[column].to_numpy()
    ax.set_xticks(range(len(shares)), labels, fontsize=7, rotation=90)
    ax.set_ylabel("share of eligible pairs")
    ax.set_title("What the hint did to the answer")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def _cot_lengths(cells: pd.DataFrame, path: Path) -> Path | None:
    if "cot_length_faithful" not in cells:
        return None
    rows = cells.dropna(subset=["cot_length_faithful", "cot_length_unfaithful"], how="all")
    if rows.empty:
        return None
    means = rows.groupby("model")[["cot_length_faithful", "cot_length_unfaithful"]].mean()
    unit = ", ".join(sorted(rows["cot_length_unit"].dropna().unique()))
    x = np.arange(len(means))
    fig, ax = plt.subplots(figsize=(max(5, 2 * len(means)), 4))
    ax.bar(x - 0.2, means["cot_length_faithful"], 0.4, label="verbalizes the hint")
    ax.bar(x + 0.2, means["cot_length_unfaithful"], 0.4, label="does not")
    ax.set_xticks(x, [model_label(m) for m in means.index], fontsize=8)
    ax.set_ylabel(f"mean chain-of-thought length ({unit})")
    ax.set_title("Retained pairs: chain-of-thought length by verdict (mean over cells)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path
