"""Per-cell counts and their bootstrap resamples over questions, with shared draws.

For one model, every cell of a dataset (each hint type, variant and arm) is resampled with
the same question draws: an average over hint types then varies as it would if the
questions were drawn again, and each cell's interval comes from the same draws as the
averages it enters. For two models, the cells both ran are resampled on the questions
both answered with the same draws, which makes their difference paired.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cot_faithfulness.report.log_reading import CELL_KEYS
from cot_faithfulness.scorers.faithfulness_math import (
    COUNT_FIELDS,
    PairCounts,
    counts_by_question,
    dataset_seed,
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


def aligned_counts(pairs: Iterable[PairCounts], question_ids: list[str]) -> np.ndarray:
    """Counts per question in the order of `question_ids`: zeros for a question without a
    pair, and pairs of questions not listed are left out."""
    ids, counts = counts_by_question(pairs)
    aligned = np.zeros((len(question_ids), len(COUNT_FIELDS)), dtype=np.int64)
    position = {qid: i for i, qid in enumerate(question_ids)}
    for qid, row in zip(ids, counts, strict=True):
        if qid in position:
            aligned[position[qid]] = row
    return aligned


def resample_model_cells(
    cells: dict[CellKey, list[PairCounts]], n_boot: int, seed: int
) -> dict[CellKey, CellCounts]:
    """Every cell resampled over its model's questions in its dataset, one set of draws
    per model and dataset (the same for every model, given the same question list)."""
    model, dataset = CELL_KEYS.index("model"), CELL_KEYS.index("dataset")
    groups: dict[tuple[str, str], list[CellKey]] = {}
    for key in cells:
        groups.setdefault((key[model], key[dataset]), []).append(key)
    result: dict[CellKey, CellCounts] = {}
    for (_, name), keys in groups.items():
        questions = sorted({c.question_id for key in keys for c in cells[key]})
        result.update(_resample({key: cells[key] for key in keys}, questions, n_boot, seed, name))
    return result


def resample_shared_cells(
    cells_a: dict[CellKey, list[PairCounts]],
    cells_b: dict[CellKey, list[PairCounts]],
    n_boot: int,
    seed: int,
) -> tuple[dict[CellKey, CellCounts], dict[CellKey, CellCounts], dict[str, int]]:
    """Two models' cells restricted to what both have: the same cells (`SHARED_KEYS`)
    and, in each, the questions both answered; resampled with the same draws. Also
    returns the number of shared questions per dataset."""
    dataset = SHARED_KEYS.index("dataset")
    shared_keys = sorted(cells_a.keys() & cells_b.keys())
    by_dataset: dict[str, list[CellKey]] = {}
    for key in shared_keys:
        by_dataset.setdefault(key[dataset], []).append(key)
    result_a: dict[CellKey, CellCounts] = {}
    result_b: dict[CellKey, CellCounts] = {}
    shared_questions: dict[str, int] = {}
    for name, keys in by_dataset.items():
        both: dict[CellKey, set[str]] = {
            key: {c.question_id for c in cells_a[key]} & {c.question_id for c in cells_b[key]}
            for key in keys
        }
        questions = sorted(set().union(*both.values()))
        shared_questions[name] = len(questions)
        restricted = {
            (side, *key): [c for c in side_cells[key] if c.question_id in both[key]]
            for side, side_cells in (("a", cells_a), ("b", cells_b))
            for key in keys
        }
        resampled = _resample(restricted, questions, n_boot, seed, name)
        for side_key, counts in resampled.items():
            (result_a if side_key[0] == "a" else result_b)[side_key[1:]] = counts
    return result_a, result_b, shared_questions


def _resample(
    cells: dict[CellKey, list[PairCounts]],
    questions: list[str],
    n_boot: int,
    seed: int,
    dataset: str,
) -> dict[CellKey, CellCounts]:
    matrices = [aligned_counts(counts, questions) for counts in cells.values()]
    if not questions:
        draws = [np.zeros((n_boot, len(COUNT_FIELDS)), dtype=np.int64) for _ in matrices]
    else:
        draws = resample_totals(matrices, n_boot, dataset_seed(seed, dataset))
    return {
        key: CellCounts(totals=matrix.sum(axis=0), draws=resampled)
        for key, matrix, resampled in zip(cells, matrices, draws, strict=True)
    }
