"""The report's monitorability part, beside the faithfulness tables and never mixed into
them: pair table -> monitor cells -> averages, the chain of thought's contribution and the
differences between models (docs/protocol.md §6). Empty when no monitor ran."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from cot_faithfulness.report.hints.monitor_aggregation import (
    cot_contribution,
    monitor_aggregate_table,
    monitor_differences,
    monitor_parts,
)
from cot_faithfulness.report.hints.monitor_cells import (
    build_monitor_cells,
    monitor_cell_table,
    monitor_order,
    monitor_pairs,
    resample_monitor_cell,
)
from cot_faithfulness.report.hints.records import mixed_by_model


@dataclass
class MonitorTables:
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per monitor cell (`monitor_cells.monitor_cell_table`)."""
    aggregates: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per model, arm, monitor and aggregate: mean g-mean² over hint types."""
    cot_contribution: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per model and arm, per cell and aggregate: informed minus answer-only g-mean²."""
    differences: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per pair of models, monitor, arm and aggregate: A minus B."""

    def files(self) -> dict[str, pd.DataFrame]:
        """The tables as the report's files name them; none when no monitor ran."""
        if self.cells.empty:
            return {}
        return {
            "monitorability": self.cells,
            "monitorability_aggregates": self.aggregates,
            "monitorability_cot_contribution": self.cot_contribution,
            "monitorability_differences": self.differences,
        }


def monitor_tables(
    pairs: pd.DataFrame,
    comparisons: Sequence[tuple[str, str]],
    n_boot: int,
    seed: int,
    min_pairs: int,
    warnings: list[str],
) -> MonitorTables:
    """Every monitorability table from the pair table; refused cells and cells scored
    under different monitors are named in `warnings`."""
    rows = monitor_pairs(pairs)
    if rows.empty:
        return MonitorTables()
    cells = build_monitor_cells(rows)
    for cell in cells.values():
        if cell.refused:
            warnings.append(
                f"monitor cell {', '.join(cell.key)}: {cell.refused}; not pooled, left out"
            )
    pooled = [cell for cell in cells.values() if not cell.refused]
    if pooled:
        read = pd.concat([cell.pairs for cell in pooled])
        warnings += _mixed_monitors(read[read["read"]])
    resampled = {cell.key: resample_monitor_cell(cell, n_boot, seed) for cell in pooled}
    parts = monitor_parts(cells, resampled, n_boot, min_pairs)
    models = sorted({cell.field("model") for cell in cells.values()})
    differences = [
        monitor_differences(cells, a, b, n_boot, seed, min_pairs)
        for a, b in (comparisons or itertools.combinations(models, 2))
        if a in models and b in models
    ]
    return MonitorTables(
        cells=monitor_cell_table(cells.values(), resampled, n_boot, seed, min_pairs),
        aggregates=monitor_aggregate_table(parts),
        cot_contribution=cot_contribution(cells, n_boot, seed, min_pairs),
        differences=pd.concat(differences, ignore_index=True) if differences else pd.DataFrame(),
    )


def _mixed_monitors(read: pd.DataFrame) -> list[str]:
    """A monitor whose pooled cells were read by different models or under different
    prompts or versions: each cell is sound, but averages and comparisons that span them
    pool unlike verdicts."""
    warnings = []
    for monitor, group in sorted(read.groupby("monitor"), key=lambda g: monitor_order(g[0])):
        for column, what, shown in (
            ("monitor_model", "monitor models", None),
            ("prompt_sha256", "prompts", 12),
            ("monitor_version", "monitor versions", None),
        ):
            listed = mixed_by_model(group, column, shown)
            if listed:
                warnings.append(
                    f"monitor {monitor}: cells were read under different {what} ({listed}); "
                    "averages and comparisons that span them pool unlike verdicts"
                )
    return warnings
