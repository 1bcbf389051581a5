"""Per-cell counts and their bootstrap resamples over questions.

The draws come from `faithfulness_math.resample_totals`, whose weights belong to each
question (see its module docstring): a cell's draws here equal those of its log's metric,
cells of one model that share questions share draws, and two models compared on the
questions both answered are resampled alike (a paired interval).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cot_faithfulness.report.log_reading import CELL_KEYS
from cot_faithfulness.scorers.faithfulness_math import (
    PairCounts,
    counts_by_question,
    resample_totals,
)

CellKey = tuple[str, ...]
"""Values of `CELL_KEYS` (model, dataset, hint type, variant, arm), or of `SHARED_KEYS`."""
SHARED_KEYS = [key for key in CELL_KEYS if key != "model"]
"""A cell of two models compared: the same cell keys without the model."""


@dataclass(frozen=True)
class CellCounts:
    totals: np.ndarray
    """Summed counts over the cell's questions (one row of COUNT_FIELDS)."""
    draws: np.ndarray
    """Summed counts of each bootstrap resample (n_boot x COUNT_FIELDS)."""


def counted(group: pd.DataFrame) -> list[PairCounts]:
    """The pairs of a group whose answers count."""
    return [c for c in group["counts"] if c is not None]


def resample_cell(pairs: list[PairCounts], n_boot: int, seed: int) -> CellCounts:
    keys, matrix = counts_by_question(pairs)
    [draws] = resample_totals(keys, [matrix], n_boot, seed)
    return CellCounts(totals=matrix.sum(axis=0), draws=draws)


def resample_model_cells(
    cells: dict[CellKey, list[PairCounts]], n_boot: int, seed: int
) -> dict[CellKey, CellCounts]:
    """Every cell resampled over its own questions."""
    return {key: resample_cell(pairs, n_boot, seed) for key, pairs in cells.items()}


def resample_shared_cells(
    cells_a: dict[CellKey, list[PairCounts]],
    cells_b: dict[CellKey, list[PairCounts]],
    n_boot: int,
    seed: int,
) -> tuple[dict[CellKey, CellCounts], dict[CellKey, CellCounts], dict[str, int]]:
    """Two models' cells restricted to what both have: the same cells (`SHARED_KEYS`) and,
    in each, the questions both answered. Also returns the number of shared questions per
    dataset."""
    dataset = SHARED_KEYS.index("dataset")
    result_a: dict[CellKey, CellCounts] = {}
    result_b: dict[CellKey, CellCounts] = {}
    shared: dict[str, set[str]] = {}
    for key in sorted(cells_a.keys() & cells_b.keys()):
        both = {c.question_id for c in cells_a[key]} & {c.question_id for c in cells_b[key]}
        shared.setdefault(key[dataset], set()).update(both)
        for side, side_cells in ((result_a, cells_a), (result_b, cells_b)):
            restricted = [c for c in side_cells[key] if c.question_id in both]
            side[key] = resample_cell(restricted, n_boot, seed)
    return result_a, result_b, {name: len(keys) for name, keys in shared.items()}
