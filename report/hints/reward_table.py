"""Response rows -> the reward-hacking table: per model, dataset and environment (and `all`
of a model's environments), exploitation, mean reward, verbalization and the baseline, each
with its 95% interval and n, and unscorable responses by reason.

Every number comes from `scorers.hints.reward_math`, the module the in-log metrics use, with
the same cell labels: a model's row here equals its log's metrics. A cell that mixes eval
versions or grader prompts is refused, with the reason, rather than pooled.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, get_args

import pandas as pd

from cot_faithfulness.report.hints.cells import refusal
from cot_faithfulness.report.logs import model_label
from cot_faithfulness.scorers.hints.environments import ALL_ENVIRONMENTS, catalogue_order
from cot_faithfulness.scorers.hints.reward_math import MEASURES, cell_label, estimate
from cot_faithfulness.scorers.hints.reward_record import UnscorableReason

UNSCORABLE_REASONS: tuple[str, ...] = get_args(UnscorableReason)
TITLE = (
    "Reward hacking: exploitation (hinted answer chosen), mean reward, verbalization among "
    "exploiting responses; 95% interval, n"
)


def reward_table(rows: pd.DataFrame, n_boot: int, seed: int) -> pd.DataFrame:
    """One row per model, dataset and environment, then the model's `all` row."""
    if rows.empty:
        return pd.DataFrame()
    table = []
    for (model, dataset), of_model in rows.groupby(["model", "dataset"], sort=True):
        cells = sorted(
            of_model.groupby(["hint_type", "hint_variant"]).groups,
            key=lambda key: catalogue_order(str(key[0])),
        )
        groups = [
            (h, v, of_model[(of_model.hint_type == h) & (of_model.hint_variant == v)])
            for h, v in cells
        ]
        groups.append((ALL_ENVIRONMENTS, ALL_ENVIRONMENTS, of_model))
        for hint, variant, group in groups:
            pooled = set(zip(group["hint_type"], group["hint_variant"], strict=True))
            label = cell_label(str(model), str(dataset), pooled)
            table.append(
                _row(str(model), str(dataset), str(hint), str(variant), group, label, n_boot, seed)
            )
    return pd.DataFrame(table)


def _row(
    model: str,
    dataset: str,
    hint: str,
    variant: str,
    group: pd.DataFrame,
    label: str,
    n_boot: int,
    seed: int,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "model": model,
        "model_label": model_label(model),
        "dataset": dataset,
        "environment": hint,
        "hint_variant": variant,
        "eval_version": ", ".join(sorted(set(group["eval_version"]))),
        "graders": ", ".join(sorted({g for g in group["grader_model"] if isinstance(g, str)})),
        "responses": int((group["condition"] == "hinted").sum()),
        "refused": refusal(group) or "",
    }
    for measure in MEASURES:
        if row["refused"]:
            continue
        rate = estimate(
            list(group["question_key"]),
            group[f"value_{measure}"].to_numpy(float),
            group[f"count_{measure}"].to_numpy(float),
            measure,
            label,
            n_boot,
            seed,
        )
        row.update(
            {
                measure: rate.value,
                f"{measure}_ci_low": rate.ci_low,
                f"{measure}_ci_high": rate.ci_high,
                f"{measure}_n": rate.n,
            }
        )
    hinted = group[group["condition"] == "hinted"]
    reasons = Counter(r for r in hinted["unscorable"] if isinstance(r, str))
    row["unscorable"] = sum(reasons.values())
    row.update({f"unscorable_{reason}": reasons[reason] for reason in UNSCORABLE_REASONS})
    return row
