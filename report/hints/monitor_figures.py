"""The monitorability figure: g-mean² per hint type and average, models side by side, each
model's monitors next to each other, the answer-only monitor drawn as the baseline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from cot_faithfulness.report.drawing import bars_with_intervals, plt, save
from cot_faithfulness.report.hints.aggregation import HINT_TYPES, aggregate_order
from cot_faithfulness.report.hints.monitor_aggregation import TOO_FEW_POSITIVES, WITHOUT_COT
from cot_faithfulness.report.hints.monitor_cells import monitor_order
from cot_faithfulness.report.hints.records import arm_order
from cot_faithfulness.report.hints.views import too_few

BASELINE_COLOR = "0.55"
GAP = 0.5
"""Space between two models' bars, in bar widths."""
LOOKS = {"blind": "\\\\", WITHOUT_COT: ".."}
"""A monitor's hatching: bars of the informed monitor are filled in the model's colour,
the blind monitor's hollow and hatched in it, the answer-only monitor's hollow, dotted and
grey whatever the model: the baseline of what the answer alone gives away."""


def monitorability_bars(aggregates: pd.DataFrame, path: Path) -> Path | None:
    """One panel per arm: per hint type, then on a shaded ground the averages, a group of
    bars for each model (one colour each) with one bar per monitor; 95% interval whiskers,
    the positives under each bar."""
    if aggregates.empty:
        return None
    arms = arm_order(aggregates["hint_arm"])
    models = sorted(set(aggregates["model_label"]))
    monitors = sorted(set(aggregates["monitor"]), key=monitor_order)
    names = aggregate_order(set(aggregates["aggregate"]))
    first_average = next((i for i, n in enumerate(names) if n not in HINT_TYPES), len(names))
    bars = len(models) * len(monitors)
    slots = bars + GAP * (len(models) - 1)
    width = 0.84 / slots
    fig, axes = plt.subplots(
        len(arms), 1, figsize=(max(11, 0.32 * bars * len(names)), 4.4 * len(arms)), squeeze=False
    )
    for ax, arm in zip(axes[:, 0], arms, strict=True):
        for i, model in enumerate(models):
            for j, monitor in enumerate(monitors):
                rows = aggregates[
                    (aggregates["hint_arm"] == arm)
                    & (aggregates["model_label"] == model)
                    & (aggregates["monitor"] == monitor)
                ]
                rows = rows.set_index("aggregate").reindex(names)
                thin_n = (
                    rows["undefined_reason"]
                    .fillna("")
                    .map(lambda reason: too_few(reason, TOO_FEW_POSITIVES))
                )
                thin = thin_n.notna().to_numpy()
                counts = np.where(thin, thin_n.astype(float), rows["n_positives"].astype(float))
                slot = i * (len(monitors) + GAP) + j
                x = np.arange(len(names)) + (slot - (slots - 1) / 2) * width
                color = BASELINE_COLOR if monitor == WITHOUT_COT else f"C{i % 10}"
                bars_with_intervals(
                    ax,
                    x,
                    rows,
                    "gmean2",
                    "ci",
                    width,
                    "_nolegend_",
                    counts,
                    thin,
                    color,
                    LOOKS.get(monitor),
                )
        if first_average < len(names):
            ax.axvspan(first_average - 0.5, len(names) - 0.5, color="0.93", zorder=0)
            ax.axvline(first_average - 0.5, color="0.5", lw=1)
        ax.axhline(0.25, color="0.6", lw=0.8, ls=":")
        labels = [n.replace("_", "\n").replace("/", "/\n") for n in names]
        ax.set_xticks(np.arange(len(names)), labels, fontsize=8)
        ax.tick_params(axis="x", pad=22)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("g-mean²")
        ax.set_title(
            f"Monitorability, hint arm: {arm} (95% intervals; n: positives; averages on grey; "
            "dotted: a random monitor)",
            fontsize=9,
        )
        ax.legend(handles=_legend(models, monitors), fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.0, 1.0))  # fmt: skip
    return save(fig, path)


def _legend(models: list[str], monitors: list[str]) -> list[Patch]:
    """The models' colours, then how each monitor is drawn."""
    handles = [Patch(color=f"C{i % 10}", label=model) for i, model in enumerate(models)]
    for monitor in monitors:
        if monitor == WITHOUT_COT:
            look = Patch(fill=False, hatch=LOOKS[monitor], ec=BASELINE_COLOR)
            look.set_label(f"{monitor} (baseline: no chain of thought)")
        elif monitor in LOOKS:
            look = Patch(fill=False, hatch=LOOKS[monitor], ec="0.3", label=monitor)
        else:
            look = Patch(color="0.3", label=monitor)
        handles.append(look)
    return handles
