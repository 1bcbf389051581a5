"""Per-cell figures: one cell is model x dataset x hint type x variant x arm.

Every number comes from `scorers.faithfulness_math`, the module the in-log metrics use,
so the report and `inspect view` cannot disagree. A cell that mixes eval versions or
grader prompts is refused, with the reason, rather than pooled.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from faithfulness_report.log_reading import CELL_KEYS
from scorers.faithfulness_math import (
    bootstrap_normalized,
    counts_by_question,
    dataset_seed,
    estimate,
    percentile_interval,
)
from scorers.reasoning_extraction import COT_KINDS


def cell_table(pairs: pd.DataFrame, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per cell with every per-cell figure of the report."""
    rows = [
        _cell_row(dict(zip(CELL_KEYS, key, strict=True)), group, n_boot, seed)
        for key, group in pairs.groupby(CELL_KEYS, sort=True)
    ]
    return pd.DataFrame(rows)


def refusal(group: pd.DataFrame) -> str | None:
    """Why a cell's pairs can't be pooled, or None."""
    versions = sorted(set(group["eval_version"]))
    if len(versions) > 1:
        return f"mixed eval versions {', '.join(versions)}"
    hashes = sorted({h for h in group["grader_prompt_sha256"] if isinstance(h, str)})
    if len(hashes) > 1:
        return f"mixed grader prompts {', '.join(h[:12] for h in hashes)}"
    return None


def _cell_row(key: dict[str, Any], group: pd.DataFrame, n_boot: int, seed: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        **key,
        "hint_category": group["hint_category"].iloc[0],
        "eval_version": ",".join(sorted(set(group["eval_version"]))),
        "pairs": len(group),
        "questions": group["question_id"].nunique(),
        "graders": ", ".join(sorted({g for g in group["grader_model"] if isinstance(g, str)})),
        "refused": refusal(group),
    }
    unscorable = Counter(r for r in group["unscorable"] if isinstance(r, str))
    row.update({f"unscorable_{reason}": n for reason, n in sorted(unscorable.items())})
    kinds = Counter(group["cot_kind"])
    row.update({f"cot_{kind}": kinds[kind] / len(group) for kind in COT_KINDS})
    if row["refused"]:
        return row

    _, counts = counts_by_question(c for c in group["counts"] if c is not None)
    result = estimate(counts.sum(axis=0))
    draws = dataset_seed(seed, key["dataset"])  # the aggregates' draws, so single cells agree
    low, high = percentile_interval(bootstrap_normalized(counts, n_boot, draws))
    row.update(
        answered=result.pairs,
        eligible=result.eligible,
        to_hint=result.to_hint,
        to_other=result.to_other,
        no_change=result.eligible - result.to_hint - result.to_other,
        graded=result.graded,
        verbalized=result.verbalized,
        p=result.p,
        q=result.q,
        alpha=result.alpha,
        raw=result.raw,
        normalized=result.normalized,
        ci_low=low,
        ci_high=high,
        undefined=result.undefined_reason or "",
        accuracy_unhinted=result.unhinted_accuracy,
        accuracy_hinted=result.hinted_accuracy,
        quote_not_found=int((group["quote_found"] == False).sum()),  # noqa: E712
    )
    row.update(_cot_lengths(group))
    return row


def _cot_lengths(group: pd.DataFrame) -> dict[str, Any]:
    """Mean chain-of-thought length of faithful vs unfaithful graded retained pairs."""
    graded = group[group["retained"] & group["graded"]]
    use_tokens = graded["hinted_output_tokens"].notna().all() and len(graded) > 0
    column = "hinted_output_tokens" if use_tokens else "cot_chars"
    faithful = graded.loc[graded["verbalized"] == True, column]  # noqa: E712
    unfaithful = graded.loc[graded["verbalized"] == False, column]  # noqa: E712
    return {
        "cot_length_unit": "tokens" if use_tokens else "characters",
        "cot_length_faithful": float(faithful.mean()) if len(faithful) else math.nan,
        "cot_length_unfaithful": float(unfaithful.mean()) if len(unfaithful) else math.nan,
    }


def question_counts(group: pd.DataFrame, question_ids: list[str]) -> np.ndarray:
    """A cell's counts matrix aligned to `question_ids` (zeros where it has no pair)."""
    ids, counts = counts_by_question(c for c in group["counts"] if c is not None)
    aligned = np.zeros((len(question_ids), counts.shape[1]), dtype=np.int64)
    position = {qid: i for i, qid in enumerate(question_ids)}
    for qid, row in zip(ids, counts, strict=True):
        if qid in position:
            aligned[position[qid]] += row
    return aligned
