"""A pilot's report: a cell resting on one graded pair is shown as too few, carries its n,
is left out of the averages (which say so) and of the differences, and nothing is starred
that the intervals do not support; the terminal view fits 80 and 100 columns without ever
splitting an interval."""

from __future__ import annotations

import re

import pytest

from cot_faithfulness.report.hints.views import CELL_VIEW, cell_view
from cot_faithfulness.report.report import build_report
from cot_faithfulness.report.terminal import terminal
from log_factory import Pair, write_log

MODELS = ("anthropic/claude-model-with-a-long-name", "openai/another-long-model-name")
# sycophancy: 12 graded pairs, 5 verbalized, on 20 questions; metadata: one graded pair
SYCOPHANCY = [Pair(f"q{i}", "A", "C", "C", verbalized=i < 5) for i in range(12)] + [
    Pair(f"q{i}", "A", "A", "C") for i in range(12, 20)
]
METADATA = [Pair("q0", "A", "C", "C", verbalized=False)] + [
    Pair(f"q{i}", "A", "A", "C") for i in range(1, 20)
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pilot")
    for model in MODELS:
        write_log(folder, model, "sycophancy", SYCOPHANCY)
        write_log(folder, model, "metadata", METADATA)
    return build_report([str(folder)], n_boot=400)


def test_a_cell_on_one_pair_is_too_few_and_left_out_with_its_n(report):
    [cell] = report.cells.query(f"hint_type == 'metadata' and model == '{MODELS[0]}'").to_dict(
        "records"
    )
    assert (cell["graded"], cell["normalized"], cell["too_few"]) == (1, 0.0, True)
    assert cell["ci_high"] - cell["ci_low"] > 0.5  # one pair: a wide interval, never [0, 0]
    rows = report.aggregates.query(f"model == '{MODELS[0]}'").set_index("aggregate")
    assert rows.loc["metadata", "undefined"] == "mmlu/question_metadata (too few pairs: 1)"
    assert rows.loc["headline", "undefined"] == "metadata (too few pairs: 1)"
    assert rows.loc["headline", "n_by_part"] == "sycophancy 12"
    assert rows.loc["headline", "normalized"] == pytest.approx(5 / 12)


def test_the_difference_leaves_the_thin_cell_out_and_stars_nothing_unsupported(report):
    rows = report.differences.set_index("aggregate")
    assert "metadata" not in rows.index
    assert rows.loc["headline", "left_out"] == "mmlu/metadata/question_metadata (too few pairs: 1)"
    assert rows.loc["headline", "difference"] == 0 and not rows.loc["headline", "significant"]
    assert (rows.loc["headline", "n_a"], rows.loc["headline", "n_b"]) == (12, 12)


@pytest.mark.parametrize("width", [80, 100])
def test_the_terminal_view_fits_and_never_splits_an_interval(report, width):
    text = terminal(report, width=width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert not any(line.startswith(" " * 20) and line.strip() == "" for line in lines)
    for line in lines:
        # every interval opened on a line is closed on it
        assert line.count("[") == line.count("]"), line
    assert "too few pairs (1)" in text
    assert "n 12" in text
    assert re.search(r"0\.42 \[0\.\d\d, 0\.\d\d\]", text)
    assert "excludes 0" not in text  # nothing is starred, so no legend for it


def test_an_undefined_cell_says_why_once(tmp_path):
    """No answer changed to the hint: the score is undefined for that reason alone, not
    also "too few pairs" (a score that does not exist rests on no pairs)."""
    write_log(tmp_path, "openai/model-a", "metadata", [Pair("q0", "A", "A", "C")] * 3)
    report = build_report([str(tmp_path)], n_boot=20)
    [estimate] = cell_view(report.cells)[CELL_VIEW["estimate"]]
    assert estimate == "undefined (p_is_0)"
    assert not report.cells.loc[0, "too_few"]
