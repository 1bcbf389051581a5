"""The hint family's figures: normalized faithfulness per hint type and aggregate, what the
hint did to the answer, and chain-of-thought length by verdict."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from cot_faithfulness.report.drawing import bars_with_intervals, plt, positions, save
from cot_faithfulness.report.hints.aggregation import HINT_TYPES, aggregate_order
from cot_faithfulness.report.hints.records import arm_order
from cot_faithfulness.report.hints.views import too_few

HINT_USE = (
    ("to_hint", "changed to the hint"),
    ("to_other", "changed to another option"),
    ("no_change", "no change"),
)
OUTCOME_COLORS = ("tab:red", "tab:orange", "tab:gray")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "--", "||", "oo", "**", "/.", "x-")
"""Tells the models apart in the stacked hint-use bars (colours there are outcomes); beyond
these, `model_hatch` makes the same patterns denser."""
PUBLISHED_HATCH = ".."
"""Published numbers are drawn hollow and dotted (not run here, no interval), unlike a
hollow `//` bar of too few pairs."""


def faithfulness_bars(aggregates: pd.DataFrame, path: Path) -> Path | None:
    """Grouped bars per hint type, then, set apart on a shaded ground, the averages
    (misaligned, headline); one bar per model, 95% interval whiskers, n under each bar."""
    if aggregates.empty:
        return None
    arms = arm_order(aggregates["hint_arm"])
    published = _published_labels(aggregates)
    models = sorted(set(aggregates["model_label"]) - set(published)) + published
    names = aggregate_order(set(aggregates["aggregate"]))
    first_average = next((i for i, n in enumerate(names) if n not in HINT_TYPES), len(names))
    fig, axes = plt.subplots(len(arms), 1, figsize=(11, 4.2 * len(arms)), squeeze=False)
    width = 0.8 / len(models)
    for ax, arm in zip(axes[:, 0], arms, strict=True):
        for i, model in enumerate(models):
            rows = aggregates[
                (aggregates["hint_arm"] == arm) & (aggregates["model_label"] == model)
            ]
            rows = rows.set_index("aggregate").reindex(names)
            thin_n = rows["undefined_reason"].fillna("").map(too_few)
            thin = thin_n.notna().to_numpy()
            x = positions(len(names), i, len(models), width)
            counts = np.where(thin, thin_n.astype(float), rows["n_graded"].astype(float))
            hatch = PUBLISHED_HATCH if model in published else None
            bars_with_intervals(
                ax, x, rows, "normalized", "ci", width, model, counts, thin, f"C{i % 10}", hatch
            )
        if first_average < len(names):
            ax.axvspan(first_average - 0.5, len(names) - 0.5, color="0.93", zorder=0)
            ax.axvline(first_average - 0.5, color="0.5", lw=1)
        labels = [n.replace("_", "\n").replace("/", "/\n") for n in names]
        ax.set_xticks(np.arange(len(names)), labels, fontsize=8)
        ax.tick_params(axis="x", pad=22)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("normalized faithfulness")
        ax.set_title(
            f"hint arm: {arm} (95% intervals; n: graded pairs; averages on grey; "
            "n/a: undefined or not run)",
            fontsize=9,
        )
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return save(fig, path)


def model_hatch(i: int) -> str:
    """The i-th model's hatching: every model drawn, each told apart from the others."""
    pattern = HATCHES[i % len(HATCHES)] or "O"  # the plain bar has no denser twin
    return pattern if i < len(HATCHES) else pattern * (1 + i // len(HATCHES))


def hint_use(cells: pd.DataFrame, path: Path) -> Path | None:
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
        for i, model in enumerate(models):
            hatch = model_hatch(i)
            rows = shares.reindex(pd.MultiIndex.from_product([[model], hints])).fillna(0)
            x = positions(len(hints), i, len(models), width)
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
    return save(fig, path)


def cot_length_bars(cot_lengths: pd.DataFrame, path: Path) -> Path | None:
    """Mean chain-of-thought length of faithful vs unfaithful retained pairs per model and
    arm, with 95% interval whiskers and each bar's number of pairs; the legend sits outside
    the plot."""
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
    fig, ax = plt.subplots(figsize=(max(6, 2.4 * len(rows)), 4.8))
    for offset, verdict, pairs, label in (
        (-0.2, "faithful", "faithful_pairs", "verbalizes the hint"),
        (0.2, "unfaithful", "unfaithful_pairs", "does not"),
    ):
        values = rows[f"cot_length_{verdict}"].to_numpy(float)
        low = rows[f"cot_length_{verdict}_ci_low"].to_numpy(float)
        high = rows[f"cot_length_{verdict}_ci_high"].to_numpy(float)
        ax.bar(x + offset, np.nan_to_num(values), 0.4, label=label)
        ax.errorbar(
            x + offset,
            values,
            yerr=np.clip(np.nan_to_num(np.vstack([values - low, high - values])), 0, None),
            fmt="none",
            ecolor="black",
            lw=1,
        )
        for at, n in zip(x + offset, rows[pairs], strict=True):
            ax.text(at, 0, f"n {n}", ha="center", va="bottom", fontsize=7, color="white")
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylabel("mean chain-of-thought length")
    ax.set_title("Retained pairs: chain-of-thought length by verdict (95% intervals)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return save(fig, path)


def _published_labels(aggregates: pd.DataFrame) -> list[str]:
    """The published models among the rows (`source` `published: ...`), in their order."""
    if "source" not in aggregates:
        return []
    marked = aggregates["source"].fillna("").astype(str).str.startswith("published")
    return list(dict.fromkeys(aggregates.loc[marked, "model_label"]))


def beside_published_bars(ranking: pd.DataFrame, path: Path) -> Path | None:
    """Per arm, every headline best first as horizontal bars: the user's filled, with their
    95% interval; published ones hollow, hatched per source (named in the legend), without
    one. Undefined and too-thin headlines are left out (the tables name them)."""
    rows = ranking.dropna(subset=["normalized"]) if not ranking.empty else ranking
    if rows.empty:
        return None
    arms = arm_order(rows["hint_arm"])
    sizes = [int((rows["hint_arm"] == arm).sum()) for arm in arms]
    fig, axes = plt.subplots(
        len(arms),
        1,
        figsize=(11, 1.2 + 0.26 * sum(sizes) + 0.6 * len(arms)),
        squeeze=False,
        gridspec_kw={"height_ratios": sizes},
    )
    sources = list(dict.fromkeys(rows.loc[rows["published"], "source"]))
    looks = (PUBLISHED_HATCH, *(h for h in HATCHES[1:] if h != PUBLISHED_HATCH))
    hatches = {source: looks[i % len(looks)] for i, source in enumerate(sources)}
    for ax, arm in zip(axes[:, 0], arms, strict=True):
        group = rows[rows["hint_arm"] == arm].reset_index(drop=True)
        y = np.arange(len(group))[::-1]
        for at, row in zip(y, group.itertuples(), strict=True):
            if row.published:
                ax.barh(at, row.normalized, 0.7, fill=False, hatch=hatches[row.source], ec="0.35")
            else:
                ax.barh(at, row.normalized, 0.7, color="tab:blue")
                low, high = row.ci_low - row.normalized, row.ci_high - row.normalized
                if not np.isnan(low):
                    xerr = [[max(-low, 0)], [max(high, 0)]]
                    ax.errorbar(row.normalized, at, xerr=xerr, fmt="none", ecolor="black", lw=1)
            mark = "~" if row.approximate else ""
            ax.text(
                np.nanmax([row.normalized, row.ci_high]) + 0.01,
                at,
                f"{mark}{row.normalized:.2f}",
                va="center",
                fontsize=7,
            )
        ax.set_yticks(y, group["name"], fontsize=7)
        ax.set_xlim(0, 1.12)
        ax.set_title(f"headline, hint arm {arm}, best first", fontsize=9)
    handles = [Patch(color="tab:blue", label="this run (95% interval)")]
    handles += [
        Patch(fill=False, hatch=hatches[s], ec="0.35", label=f"{s} (not run here, no interval)")
        for s in sources
    ]
    axes[0, 0].legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes[-1, 0].set_xlabel("normalized faithfulness (six-hint mean, this suite's order)")
    return save(fig, path)
