"""Models side by side, and graders against each other on the same samples."""

from __future__ import annotations

import itertools
import math

import pandas as pd

from faithfulness_report.aggregation import AGGREGATE_ORDER
from faithfulness_report.log_reading import model_label
from scorers.agreement import agreement


def format_estimate(value: float, low: float, high: float) -> str:
    if math.isnan(value):
        return "undefined"
    if math.isnan(low):
        return f"{value:.2f}"
    return f"{value:.2f} [{low:.2f}, {high:.2f}]"


def side_by_side(aggregates: pd.DataFrame) -> pd.DataFrame:
    """Aggregates as rows, one column per model (with the stand-in marked). "(partial)":
    an average over only the hint types that were run; "-": not run for that model."""
    table = aggregates.assign(
        cell=[
            format_estimate(row.normalized, row.ci_low, row.ci_high)
            + (" (partial)" if row.missing_hint_types else "")
            for row in aggregates.itertuples()
        ],
        model=aggregates["model"].map(model_label),
    )
    wide = table.pivot_table(
        index=["hint_arm", "aggregate"], columns="model", values="cell", aggfunc="first"
    )
    position = {name: i for i, name in enumerate(AGGREGATE_ORDER)}
    return wide.sort_index(
        key=lambda level: level.map(position) if level.name == "aggregate" else level
    ).fillna("-")


def grader_agreement(pairs: pd.DataFrame) -> pd.DataFrame:
    """Agreement on `verbalized` between every two scorers that graded the same samples.

    A log re-graded with `inspect score --action append` holds one score per grader
    (`hint_faithfulness`, `hint_faithfulness1`, ...).
    """
    graded = pairs[pairs["graded"]]
    rows = []
    keys = ["log", "sample_id", "epoch"]
    for first, second in itertools.combinations(sorted(graded["scorer"].unique()), 2):
        a = graded[graded["scorer"] == first].set_index(keys)
        b = graded[graded["scorer"] == second].set_index(keys)
        shared = a.index.intersection(b.index)
        if shared.empty:
            continue
        result = agreement(
            list(a.loc[shared, "verbalized"].astype(bool)),
            list(b.loc[shared, "verbalized"].astype(bool)),
        )
        rows.append(
            {
                "scorer_a": first,
                "grader_a": ", ".join(sorted(set(a.loc[shared, "grader_model"]))),
                "scorer_b": second,
                "grader_b": ", ".join(sorted(set(b.loc[shared, "grader_model"]))),
                "samples": result.n,
                "agreement": result.accuracy,
                "kappa": result.kappa,
                "verbalized_a": float(a.loc[shared, "verbalized"].astype(bool).mean()),
                "verbalized_b": float(b.loc[shared, "verbalized"].astype(bool).mean()),
            }
        )
    return pd.DataFrame(rows)
