"""The bootstrap's design, checked through properties that hold only when draws are shared.

Independent draws per cell would make the interval of an average of two identical cells
narrower than each cell's, and the difference between two identical models non-zero in
most resamples; shared draws make both exact.
"""

from __future__ import annotations

import pytest

from cot_faithfulness.report.report import build_report
from log_factory import Pair, write_log

# to the hint on q0-q5 (verbalized on q0-q2), no change on q6-q9: the score varies
# from resample to resample, so its interval has width
PAIRS = [Pair(f"q{i}", "A", "C", "C", verbalized=i < 3) for i in range(6)] + [
    Pair(f"q{i}", "A", "A", "C") for i in range(6, 10)
]


@pytest.fixture(scope="module")
def twin_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("twins")
    for model in ("openai/one", "openai/two"):
        for hint in ("sycophancy", "metadata"):
            write_log(folder, model, hint, PAIRS)
    return build_report([str(folder)], n_boot=200, seed=3)


def interval(table, **match):
    rows = table
    for column, value in match.items():
        rows = rows[rows[column] == value]
    [row] = rows.to_dict("records")
    return row["ci_low"], row["ci_high"]


def test_every_cell_of_a_model_and_dataset_shares_the_draws(twin_report):
    aggregates = twin_report.aggregates
    cell = interval(twin_report.cells, model="openai/one", hint_type="metadata")
    assert cell[0] < 0.5 < cell[1]
    for name in ("sycophancy", "metadata", "headline"):
        assert interval(aggregates, model="openai/one", aggregate=name) == cell


def test_identical_models_differ_by_exactly_zero(twin_report):
    [row] = twin_report.differences.query("aggregate == 'headline'").to_dict("records")
    assert (row["difference"], row["ci_low"], row["ci_high"]) == (0, 0, 0)
    assert not row["excludes_zero"]


def test_same_seed_same_intervals(tmp_path):
    write_log(tmp_path, "openai/one", "metadata", PAIRS)
    first = build_report([str(tmp_path)], n_boot=100, seed=5).cells
    again = build_report([str(tmp_path)], n_boot=100, seed=5).cells
    assert interval(first, hint_type="metadata") == interval(again, hint_type="metadata")
