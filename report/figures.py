"""PNG figures of every family the report has data for."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cot_faithfulness.report.drawing import plt
from cot_faithfulness.report.hints.figures import (
    beside_published_bars,
    cot_length_bars,
    faithfulness_bars,
    hint_use,
)
from cot_faithfulness.report.hints.monitor_figures import monitorability_bars
from cot_faithfulness.report.hints.series_figure import series_figure
from cot_faithfulness.report.scheming.figures import sandbagging_bars, scheming_bars

FIGURES = (
    "faithfulness_by_hint.png",
    "hint_use.png",
    "cot_length.png",
    "sandbagging.png",
    "faithfulness_beside_published.png",
)
SCHEMING_FIGURE = "scheming.png"
SERIES_FIGURE = "series.png"
MONITOR_FIGURE = "monitorability.png"


def write_figures(
    cells: pd.DataFrame,
    aggregates: pd.DataFrame,
    cot_lengths: pd.DataFrame,
    sandbagging: pd.DataFrame,
    out: Path,
    ranking: pd.DataFrame | None = None,
    scheming: pd.DataFrame | None = None,
    series: pd.DataFrame | None = None,
    monitorability: pd.DataFrame | None = None,
) -> list[Path]:
    """Every figure there is data for; returns the files written. `ranking`: the user's
    headlines among published ones (`--reference`); `series`: the checkpoints of `--series`;
    `monitorability`: the monitors' averages (none when no monitor ran)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        faithfulness_bars(aggregates, out / FIGURES[0]),
        hint_use(cells, out / FIGURES[1]),
        cot_length_bars(cot_lengths, out / FIGURES[2]),
        sandbagging_bars(sandbagging, out / FIGURES[3]),
        beside_published_bars(ranking, out / FIGURES[4]) if ranking is not None else None,
    ]
    if scheming is not None:
        paths.append(scheming_bars(scheming, out / SCHEMING_FIGURE))
    if series is not None:
        paths.append(series_figure(series, out / SERIES_FIGURE))
    if monitorability is not None:
        paths.append(monitorability_bars(monitorability, out / MONITOR_FIGURE))
    plt.close("all")
    return [p for p in paths if p is not None]
