"""Pair records -> cells: one cell is model x dataset x hint type x variant x arm.

Each cell is built once (`build_cells`): its records, whether it can be pooled, its counts
per question and their bootstrap resamples. Every number comes from
`scorers.hints.faithfulness_math`, the module the in-log metrics use, and the draws from
per-question weights (`core.intervals`): a cell's interval here equals its log's, cells
of one model that share questions share draws, and two models compared on the questions
both answered are resampled alike (a paired interval). A cell that mixes eval versions or
grader prompts is refused, with the reason, rather than pooled.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, get_args

import numpy as np
import pandas as pd

from cot_faithfulness.core.intervals import (
    JEFFREYS,
    percentile_interval,
    subset_sums,
    unit_sums,
    unit_weights,
)
from cot_faithfulness.core.reasoning import COT_KINDS
from cot_faithfulness.report.hints.records import CELL_KEYS, COUNT_COLUMNS, arm_order
from cot_faithfulness.report.logs import model_label
from cot_faithfulness.scorers.hints.faithfulness_math import (
    ScoreDraws,
    estimate,
    resample,
)
from cot_faithfulness.scorers.hints.hint_catalogue import HINTS
from cot_faithfulness.scorers.hints.pair_record import POOLED_ARM, UnscorableReason

UNSCORABLE_REASONS: tuple[str, ...] = get_args(UnscorableReason)
COUNT_TABLE_COLUMNS = [
    "answered", "eligible", "to_hint", "to_other", "no_change", "graded", "verbalized"
]  # fmt: skip

COT_LENGTH_COLUMNS = [
    "retained", "graded", "verbalized", "hinted_output_tokens", "cot_chars", "question_key"
]  # fmt: skip
"""What the chain-of-thought lengths and their intervals read of a pair."""

CellKey = tuple[str, ...]
"""Values of `CELL_KEYS`: model, dataset, hint type, variant, arm."""


@dataclass(frozen=True)
class Cell:
    key: CellKey
    pairs: pd.DataFrame
    """The cell's rows of the pair table."""
    refused: str
    """Why its pairs can't be pooled (mixed eval versions or grader prompts); empty when
    they can."""
    question_keys: list[str]
    """The questions whose answers count, in key order."""
    counts: np.ndarray
    """Per question (rows, in `question_keys` order): summed COUNT_FIELDS."""
    sums: dict[tuple[int, int], np.ndarray] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )
    """Its questions' counts summed under each (n_boot, seed)'s draws (`drawn_on`): drawn
    once, for its own interval and for every model it is compared with."""

    def field(self, name: str) -> str:
        return self.key[CELL_KEYS.index(name)]

    @property
    def label(self) -> str:
        """The cell's name as its log's metric knows it (`pair_record.cell_label`)."""
        return "|".join(self.key)


class PerQuestion(Protocol):
    """A cell of either family (hints or monitors): counts per question, and their draws."""

    @property
    def question_keys(self) -> list[str]: ...
    @property
    def counts(self) -> np.ndarray: ...
    @property
    def sums(self) -> dict[tuple[int, int], np.ndarray]: ...


def drawn_on(
    cell: PerQuestion, n_boot: int, seed: int, questions: set[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The count rows of a cell's questions that belong to `questions` (all of them when
    None) and their sums under each draw's weights (`core.intervals.unit_sums`). The sums
    over all its questions are drawn once; those on a subset come from them
    (`subset_sums`)."""
    if (n_boot, seed) not in cell.sums:
        cell.sums[(n_boot, seed)] = unit_sums(cell.question_keys, cell.counts, n_boot, seed)
    every = cell.sums[(n_boot, seed)]
    if questions is None:
        return cell.counts, every
    kept = np.fromiter((key in questions for key in cell.question_keys), bool)
    if kept.all():
        return cell.counts, every
    return cell.counts[kept], subset_sums(
        cell.question_keys, cell.counts, kept, every, n_boot, seed
    )


@dataclass(frozen=True)
class Resampled:
    """Summed counts of a cell (or of its shared questions) and of each draw."""

    totals: np.ndarray
    """One row of COUNT_FIELDS."""
    draws: np.ndarray
    """n_boot x COUNT_FIELDS."""

    @property
    def scores(self) -> ScoreDraws:
        return ScoreDraws.of(self.draws)


def build_cells(pairs: pd.DataFrame) -> dict[CellKey, Cell]:
    """Every cell of the pair table, in key order; where a hint type and variant ran both
    hint arms, also the cell of both arms together (arm `both`, the paper's construction)."""
    cells = {}
    for key, group in _groups(pairs, CELL_KEYS):
        cells[key] = _cell(key, group)
    pooled_keys = [k for k in CELL_KEYS if k != "hint_arm"]
    for key, group in _groups(pairs, pooled_keys):
        if group["hint_arm"].nunique() > 1:
            cells[(*key, POOLED_ARM)] = _cell((*key, POOLED_ARM), group)
    return cells


def _groups(frame: pd.DataFrame, keys: list[str]) -> Iterator[tuple[CellKey, pd.DataFrame]]:
    """The groups `frame.groupby(keys, sort=True)` gives, in its order and each in the
    frame's order, as slices of one stable sort: a million rows are sorted once, not copied
    group by group."""
    if frame.empty or frame[keys].isna().any(axis=None):
        yield from frame.groupby(keys, sort=True)
        return
    ordered = frame.sort_values(keys, kind="stable")
    values = ordered[keys]
    starts = np.flatnonzero((values != values.shift()).any(axis=1).to_numpy())
    for start, end in zip(starts, [*starts[1:], len(ordered)], strict=True):
        yield tuple(values.iloc[start]), ordered.iloc[start:end]


def _cell(key: CellKey, group: pd.DataFrame) -> Cell:
    usable = group.loc[group[COUNT_COLUMNS[0]] > 0, ["question_key", *COUNT_COLUMNS]]
    # questions in key order: draws are float sums, so their order must not follow the order
    # in which samples happened to finish
    per_question = usable.groupby("question_key", sort=True)[COUNT_COLUMNS].sum()
    return Cell(
        key=key,
        pairs=group,
        refused=refusal(group) or "",
        question_keys=per_question.index.tolist(),
        counts=per_question.to_numpy(dtype=np.float64),
    )


def refusal(group: pd.DataFrame) -> str | None:
    """Why a cell's pairs can't be pooled, or None: scores made under different protocol
    versions or grader prompts are not comparable (each verdict carries both)."""
    versions = sorted(set(group["eval_version"].unique()))
    if len(versions) > 1:
        return f"mixed eval versions {', '.join(versions)}"
    hashes = sorted({h for h in group["grader_prompt_sha256"].unique() if isinstance(h, str)})
    if len(hashes) > 1:
        return f"mixed grader prompts {', '.join(h[:12] for h in hashes)}"
    return None


def resample_cell(
    cell: Cell,
    n_boot: int,
    seed: int,
    questions: set[str] | None = None,
    concentration: float = JEFFREYS,
) -> Resampled:
    """A cell's totals and draws, on all its questions or on `questions` only, with its
    pseudo-pairs of weight Gamma(`concentration`): on all of them, the numbers its log's
    metric gives."""
    counts, sums = drawn_on(cell, n_boot, seed, questions)
    draws = resample(cell.question_keys, counts, cell.label, n_boot, seed, concentration, sums)
    return Resampled(totals=counts.sum(axis=0), draws=draws)


def cell_table(
    cells: Iterable[Cell], resampled: dict[CellKey, Resampled], min_pairs: int
) -> pd.DataFrame:
    """One row per cell with every per-cell figure of the report; `too_few` marks a cell
    whose score rests on fewer than `min_pairs` graded pairs."""
    rows = []
    for cell in cells:
        row = _describe(cell)
        if cell.refused:
            row["refused"] = cell.refused
        else:
            row.update(_figures(resampled[cell.key]))
            # too few pairs behind a score; an undefined one says why instead
            row["too_few"] = row["graded"] < min_pairs and not math.isnan(row["normalized"])
            row.update(cot_lengths(cell.pairs))
        rows.append(row)
    table = pd.DataFrame(rows)
    counts = [c for c in COUNT_TABLE_COLUMNS if c in table]
    table[counts] = table[counts].astype("Int64")  # whole numbers, empty when refused
    return in_reading_order(table)


def in_reading_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by model and dataset, hint types in the catalogue's order, arms in the
    protocol's order (incorrect first)."""
    hints = {name: i for i, name in enumerate(HINTS)}
    arms = {arm: i for i, arm in enumerate(arm_order(table["hint_arm"]))}
    position = {
        "hint_type": lambda c: c.map(hints).fillna(len(hints)),
        "hint_arm": lambda c: c.map(arms),
    }
    columns = [
        c for c in ("model", "dataset", "hint_type", "hint_variant", "hint_arm") if c in table
    ]
    ordered = table.sort_values(columns, key=lambda c: position.get(c.name, lambda x: x)(c))
    return ordered.reset_index(drop=True)


def _describe(cell: Cell) -> dict[str, Any]:
    """What a cell is made of: logs, versions, graders, unscorable pairs, kinds of CoT."""
    group = cell.pairs
    key = dict(zip(CELL_KEYS, cell.key, strict=True))
    row: dict[str, Any] = {
        **key,
        "model_label": model_label(key["model"]),
        "hint_category": group["hint_category"].iloc[0],
        "logs": ", ".join(sorted({Path(log).name for log in group["log"].unique()})),
        "eval_version": ", ".join(sorted(set(group["eval_version"].unique()))),
        "grader_prompt": ", ".join(
            sorted({h[:12] for h in group["grader_prompt_sha256"].unique() if isinstance(h, str)})
        ),
        "graders": ", ".join(
            sorted({g for g in group["grader_model"].unique() if isinstance(g, str)})
        ),
        "refused": "",
        "pairs": len(group),
    }
    reasons = _counts(group["unscorable"])
    row["unscorable"] = sum(reasons.values())
    row.update({f"unscorable_{reason}": reasons[reason] for reason in UNSCORABLE_REASONS})
    row["quote_not_found"] = int(group["quote_found"].eq(False).sum())
    kinds = _counts(group["cot_kind"])
    row.update({f"cot_{kind}": kinds[kind] / len(group) for kind in COT_KINDS})
    return row


def _counts(values: pd.Series) -> Counter[str]:
    """How often each string occurs in `values` (missing values not counted)."""
    return Counter(
        {value: int(n) for value, n in values.value_counts().items() if isinstance(value, str)}
    )


def _figures(counts: Resampled) -> dict[str, Any]:
    result = estimate(counts.totals)
    raw_low, raw_high = counts.scores.raw_interval()
    low, high = counts.scores.normalized_interval()
    return {
        "answered": result.pairs,
        "eligible": result.eligible,
        "to_hint": result.to_hint,
        "to_other": result.to_other,
        "no_change": result.eligible - result.to_hint - result.to_other,
        "p": result.p,
        "q": result.q,
        "share_no_change": (
            (result.eligible - result.to_hint - result.to_other) / result.eligible
            if result.eligible
            else math.nan
        ),
        "alpha": result.alpha,
        "graded": result.graded,
        "verbalized": result.verbalized,
        "raw": result.raw,
        "raw_ci_low": raw_low,
        "raw_ci_high": raw_high,
        "normalized": result.normalized,
        "ci_low": low,
        "ci_high": high,
        "undefined": result.undefined_reason or "",
        "accuracy_unhinted": result.unhinted_accuracy,
        "accuracy_hinted": result.hinted_accuracy,
    }


def cot_lengths(group: pd.DataFrame) -> dict[str, Any]:
    """Mean chain-of-thought length of faithful vs unfaithful graded retained pairs, in
    tokens when every one of them has a token count, else in characters."""
    graded = group[group["retained"] & group["graded"]]
    use_tokens = len(graded) > 0 and graded["hinted_output_tokens"].notna().all()
    column = "hinted_output_tokens" if use_tokens else "cot_chars"
    verdicts = graded["verbalized"].astype(bool)
    faithful, unfaithful = graded.loc[verdicts, column], graded.loc[~verdicts, column]
    return {
        "cot_length_unit": ("tokens" if use_tokens else "characters") if len(graded) else "",
        "cot_length_faithful": float(faithful.mean()) if len(faithful) else math.nan,
        "cot_length_unfaithful": float(unfaithful.mean()) if len(unfaithful) else math.nan,
    }


def cot_length_table(cells: Iterable[Cell], n_boot: int, seed: int) -> pd.DataFrame:
    """Faithful vs unfaithful chain-of-thought length per model and arm, pooled over its
    cells (refused cells left out), as the paper compares them, with 95% intervals of each
    mean (the suite's bootstrap over questions; none from fewer than two pairs)."""
    pooled: dict[tuple[str, str], list[pd.DataFrame]] = {}
    for cell in cells:
        if not cell.refused:
            pairs = cell.pairs[COT_LENGTH_COLUMNS]
            pooled.setdefault((cell.field("model"), cell.field("hint_arm")), []).append(pairs)
    rows = []
    for (model, arm), groups in sorted(pooled.items()):
        group = pd.concat(groups)
        graded = group[group["retained"] & group["graded"]]
        verdicts = graded["verbalized"].astype(bool)
        lengths = cot_lengths(group)
        column = "hinted_output_tokens" if lengths["cot_length_unit"] == "tokens" else "cot_chars"
        row = {
            "model": model,
            "model_label": model_label(model),
            "hint_arm": arm,
            "faithful_pairs": int(verdicts.sum()),
            "unfaithful_pairs": int((~verdicts).sum()),
            **lengths,
        }
        for name, chosen in (("faithful", graded[verdicts]), ("unfaithful", graded[~verdicts])):
            low, high = _mean_interval(chosen, column, n_boot, seed)
            row[f"cot_length_{name}_ci_low"], row[f"cot_length_{name}_ci_high"] = low, high
        rows.append(row)
    return in_reading_order(pd.DataFrame(rows))


def _mean_interval(pairs: pd.DataFrame, column: str, n_boot: int, seed: int) -> tuple[float, float]:
    """95% interval of a mean over pairs, whole questions weighted alike in each draw: each
    draw's weighted sum of the pairs' lengths over its weighted count of pairs, summed per
    question first (lengths are whole numbers: their sums are exact in any order)."""
    if len(pairs) < 2:
        return math.nan, math.nan
    per_question = pairs.groupby("question_key", sort=True)[column].agg(["sum", "count"])
    weights = unit_weights(per_question.index.tolist(), n_boot, seed).T
    totals = weights @ per_question.to_numpy(dtype=np.float64)
    return percentile_interval(totals[:, 0] / totals[:, 1])
