"""The series figure: exploitation, verbalization and the hint tasks' faithfulness against
checkpoint order, one line per environment (or arm), 95% intervals as whiskers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cot_faithfulness.report.drawing import plt, save
from cot_faithfulness.scorers.hints.environments import ALL_ENVIRONMENTS, catalogue_order

PANELS = (
    ("exploitation", "exploitation (hinted answer chosen)", "environment"),
    ("verbalization", "verbalization among exploiting responses", "environment"),
    ("faithfulness", "hint tasks: normalized faithfulness, headline", "hint_arm"),
)


def series_figure(series: pd.DataFrame, path: Path) -> Path | None:
    """One panel per measure that the series has; None when it has nothing to draw."""
    if series.empty:
        return None
    panels = [p for p in PANELS if (series["measure"] == p[0]).any()]
    if not panels:
        return None
    order = series.drop_duplicates("position").sort_values("position")
    ticks = [
        str(int(step)) if not pd.isna(step) else label
        for step, label in zip(order["step"], order["model_label"], strict=True)
    ]
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 3.2 * len(panels)), squeeze=False)
    for ax, (measure, title, by) in zip(axes[:, 0], panels, strict=True):
        rows = series[series["measure"] == measure]
        lines = sorted(rows[by].unique(), key=catalogue_order)
        for index, line in enumerate(lines):
            nudge = (index - (len(lines) - 1) / 2) * 0.03  # whiskers side by side, not on top
            for dataset, group in rows[rows[by] == line].groupby("dataset"):
                group = group.sort_values("position")
                x = group["position"].to_numpy(float) + nudge
                y = group["value"].to_numpy(float)
                errors = np.clip(
                    np.nan_to_num(
                        np.vstack(
                            [
                                y - group["ci_low"].to_numpy(float),
                                group["ci_high"].to_numpy(float) - y,
                            ]
                        )
                    ),
                    0,
                    None,
                )
                bold = line in (ALL_ENVIRONMENTS, "both")
                name = f"{line} ({dataset})" if dataset and rows["dataset"].nunique() > 1 else line
                ax.errorbar(
                    x,
                    y,
                    yerr=errors,
                    marker="o",
                    lw=2.5 if bold else 1,
                    color="black" if bold else None,
                    capsize=3,
                    label=name,
                )
        ax.set_xticks(order["position"].to_numpy(float), ticks, fontsize=8)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(f"{title} (95% intervals)", fontsize=9)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes[-1, 0].set_xlabel("checkpoint (step)" if order["step"].notna().all() else "checkpoint")
    return save(fig, path)
