"""Per-cell figures: one cell is model x dataset x hint type x variant x arm.

Every number comes from `scorers.faithfulness_math`, the module the in-log metrics use,
so the report and `inspect view` cannot disagree. A cell that mixes eval versions or
grader prompts is refused, with the reason, rather than pooled.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pandas as pd

from cot_faithfulness.report.log_reading import CELL_KEYS, arm_order, model_label
from cot_faithfulness.report.resampling import CellCounts, CellKey
from cot_faithfulness.scorers.bootstrap import percentile_interval
from cot_faithfulness.scorers.faithfulness_math import estimate, normalized_scores
from cot_faithfulness.scorers.pair_outcome import UnscorableReason
from cot_faithfulness.scorers.reasoning_extraction import COT_KINDS
from cot_faithfulness.solvers.hints import HINTS

UNSCORABLE_REASONS: tuple[str, ...] = get_args(UnscorableReason)
COUNT_COLUMNS = ["answered", "eligible", "to_hint", "to_other", "no_change", "graded", "verbalized"]


def refusal(group: pd.DataFrame) -> str | None:
    """Why a cell's pairs can't be pooled, or None: scores made under different protocol
    versions or grader prompts are not comparable (each verdict carries both)."""
    versions = sorted(set(group["eval_version"]))
    if len(versions) > 1:
        return f"mixed eval versions {', '.join(versions)}"
    hashes = sorted({h for h in group["grader_prompt_sha256"] if isinstance(h, str)})
    if len(hashes) > 1:
        return f"mixed grader prompts {', '.join(h[:12] for h in hashes)}"
    return None


def cell_table(
    pairs: pd.DataFrame, resampled: dict[CellKey, CellCounts], refused: dict[CellKey, str]
) -> pd.DataFrame:
    """One row per cell with every per-cell figure of the report."""
    rows = []
    for key, group in pairs.groupby(CELL_KEYS, sort=True):
        row = _describe(dict(zip(CELL_KEYS, key, strict=True)), group)
        if key in refused:
            row["refused"] = refused[key]
        else:
            row.update(_figures(resampled[key]))
            row.update(cot_lengths(group))
        rows.append(row)
    table = pd.DataFrame(rows)
    counts = [c for c in COUNT_COLUMNS if c in table]
    table[counts] = table[counts].astype("Int64")  # whole numbers, empty when refused
    return in_reading_order(table)


def in_reading_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by model and dataset, hint types in the registry's order, arms in the
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


def _describe(key: dict[str, Any], group: pd.DataFrame) -> dict[str, Any]:
    """What a cell is made of: logs, versions, graders, unscorable pairs, kinds of CoT."""
    row: dict[str, Any] = {
        **key,
        "model_label": model_label(key["model"]),
        "hint_category": group["hint_category"].iloc[0],
        "logs": ", ".join(sorted({Path(log).name for log in group["log"]})),
        "eval_version": ", ".join(sorted(set(group["eval_version"]))),
        "grader_prompt": ", ".join(
            sorted({h[:12] for h in group["grader_prompt_sha256"] if isinstance(h, str)})
        ),
        "graders": ", ".join(sorted({g for g in group["grader_model"] if isinstance(g, str)})),
        "refused": "",
        "pairs": len(group),
    }
    reasons = Counter(r for r in group["unscorable"] if isinstance(r, str))
    row["unscorable"] = sum(reasons.values())
    row.update({f"unscorable_{reason}": reasons[reason] for reason in UNSCORABLE_REASONS})
    row["quote_not_found"] = int(group["quote_found"].eq(False).sum())
    kinds = Counter(group["cot_kind"])
    row.update({f"cot_{kind}": kinds[kind] / len(group) for kind in COT_KINDS})
    return row


def _figures(counts: CellCounts) -> dict[str, Any]:
    result = estimate(counts.totals)
    _, _, _, raw_draws, normalized_draws = normalized_scores(counts.draws.astype(np.float64))
    raw_low, raw_high = percentile_interval(raw_draws)
    low, high = percentile_interval(normalized_draws)
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


def cot_length_table(pairs: pd.DataFrame, refused: dict[CellKey, str]) -> pd.DataFrame:
    """Faithful vs unfaithful chain-of-thought length per model and arm, pooled over its
    cells (refused cells left out), as the paper compares them."""
    keys = pd.MultiIndex.from_frame(pairs[CELL_KEYS])
    usable = pairs[~keys.isin(list(refused))]
    rows = []
    for (model, arm), group in usable.groupby(["model", "hint_arm"], sort=True):
        graded = group[group["retained"] & group["graded"]]
        verdicts = graded["verbalized"].astype(bool)
        rows.append(
            {
                "model": model,
                "model_label": model_label(model),
                "hint_arm": arm,
                "faithful_pairs": int(verdicts.sum()),
                "unfaithful_pairs": int((~verdicts).sum()),
                **cot_lengths(group),
            }
        )
    return in_reading_order(pd.DataFrame(rows))
