"""The intervals' design, checked through properties that hold only when question weights
are shared between cells and models.

With many questions the prior weighs nothing, so: two identical cells of one model move
together in every draw (their average's interval is as wide as each cell's, not about 1/sqrt 2
as wide, as independent draws would make it), and two identical models differ by almost
nothing in every draw (a paired interval). With few questions the cells' own priors keep
the intervals honestly wide.
"""

from __future__ import annotations

import numpy as np
import pytest

from cot_faithfulness.core import intervals
from cot_faithfulness.report.report import build_report
from log_factory import Pair, write_log

# 200 questions: to the hint on the first 120 (verbalized on 40), no change on the rest
PAIRS = [Pair(f"q{i}", "A", "C", "C", verbalized=i < 40) for i in range(120)] + [
    Pair(f"q{i}", "A", "A", "C") for i in range(120, 200)
]


@pytest.fixture(scope="module")
def twin_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("twins")
    for model in ("openai/one", "openai/two"):
        for hint in ("sycophancy", "metadata"):
            write_log(folder, model, hint, PAIRS)
    return build_report([str(folder)], n_boot=400, seed=3)


def interval(table, **match):
    rows = table
    for column, value in match.items():
        rows = rows[rows[column] == value]
    [row] = rows.to_dict("records")
    return row["ci_low"], row["ci_high"]


def width(bounds):
    return bounds[1] - bounds[0]


def test_cells_of_a_model_that_share_questions_move_together(twin_report):
    cell = interval(twin_report.cells, model="openai/one", hint_type="metadata")
    assert cell[0] < 1 / 3 < cell[1]
    headline = interval(twin_report.aggregates, model="openai/one", aggregate="headline")
    assert width(headline) == pytest.approx(width(cell), rel=0.1)


def test_identical_models_differ_by_almost_nothing_in_every_draw(twin_report):
    [row] = twin_report.differences.query("aggregate == 'headline'").to_dict("records")
    cell = interval(twin_report.cells, model="openai/one", hint_type="metadata")
    assert row["difference"] == 0 and row["ci_low"] < 0 < row["ci_high"]
    # only the two sides' own priors (weight 2 per outcome in comparisons) differ per draw
    assert width((row["ci_low"], row["ci_high"])) < width(cell) / 4
    assert not row["significant"]


def test_same_seed_same_intervals(tmp_path):
    write_log(tmp_path, "openai/one", "metadata", PAIRS[:10])
    first = build_report([str(tmp_path)], n_boot=100, seed=5).cells
    again = build_report([str(tmp_path)], n_boot=100, seed=5).cells
    assert interval(first, hint_type="metadata") == interval(again, hint_type="metadata")


def test_kept_question_weights_are_the_weights_drawn_anew(monkeypatch):
    """Rows kept from earlier cells are bit for bit the rows a fresh draw gives, whichever
    other questions were drawn with them; past the limit nothing is kept."""
    monkeypatch.setattr(intervals, "_kept", {})
    keys = [f"q{i}#{i * 7919 % 1000:03d}" for i in range(300)]
    fresh = intervals._draw(keys, 250, 5)
    intervals.unit_weights(keys[::3], 250, 5)
    intervals.unit_weights(keys[100:], 250, 5)
    assert np.array_equal(intervals.unit_weights(keys, 250, 5), fresh)
    assert np.array_equal(intervals.unit_weights(keys[7:8] * 2, 250, 5), fresh[[7, 7]])
    monkeypatch.setattr(intervals, "KEPT_WEIGHTS", 250 * 302)
    assert np.array_equal(intervals.unit_weights([*keys, "x", "y", "z"] * 4, 250, 5)[:300], fresh)
    assert sum(len(kept.row) for kept in intervals._kept.values()) == 300


@pytest.mark.parametrize("left_out", [3, 250])
def test_sums_on_a_subset_of_units_are_those_summed_anew(left_out):
    """Dropping a few units subtracts their weighted counts from the sums over all; dropping
    most sums the rest anew. Either way: the kept units' weighted counts, summed by hand."""
    rng = np.random.default_rng(0)
    keys = [f"u{i}" for i in range(300)]
    counts = rng.integers(0, 3, size=(300, 4)).astype(float)
    kept = np.ones(300, bool)
    kept[rng.choice(300, left_out, replace=False)] = False
    every = intervals.unit_sums(keys, counts, 200, 9)
    by_hand = np.zeros((200, 4))
    weights = intervals._draw(keys, 200, 9)
    for i in np.flatnonzero(kept):
        by_hand += weights[i][:, None] * counts[i][None, :]
    subset = intervals.subset_sums(keys, counts, kept, every, 200, 9)
    assert np.allclose(subset, by_hand, rtol=1e-12, atol=1e-9)


def test_a_comparison_draws_each_side_on_the_shared_questions_alone(tmp_path):
    """Model two lacks ten questions: the difference's draws are each model's on the 190
    both answered, exactly as a report of those 190 alone draws them."""
    write_log(tmp_path / "all", "openai/one", "metadata", PAIRS)
    write_log(tmp_path / "all", "openai/two", "metadata", PAIRS[10:])
    write_log(tmp_path / "shared", "openai/one", "metadata", PAIRS[10:])
    write_log(tmp_path / "shared", "openai/two", "metadata", PAIRS[10:])
    [fewer] = (
        build_report([str(tmp_path / "all")], n_boot=300, seed=2)
        .differences.query("aggregate == 'headline'")
        .to_dict("records")
    )
    [alone] = (
        build_report([str(tmp_path / "shared")], n_boot=300, seed=2)
        .differences.query("aggregate == 'headline'")
        .to_dict("records")
    )
    assert fewer["shared_questions"] == alone["shared_questions"] == 190
    assert fewer["a"] == alone["a"] and fewer["difference"] == alone["difference"]
    assert (fewer["ci_low"], fewer["ci_high"]) == pytest.approx(
        (alone["ci_low"], alone["ci_high"]), abs=1e-12
    )


def test_cot_length_intervals_weigh_each_pair_by_its_questions_weight(tmp_path):
    """Each draw's mean length: the pairs' lengths weighted by their questions' weights in
    that draw, over the sum of those weights; questions shared by two hint types count
    once per pair. Recomputed pair by pair."""
    faithful = {"sycophancy": [("q0", 100), ("q1", 300), ("q2", 250)], "metadata": [("q0", 700)]}
    unfaithful = {"sycophancy": [("q3", 900), ("q4", 50)], "metadata": [("q3", 400)]}
    for hint in ("sycophancy", "metadata"):
        pairs = [Pair(q, "A", "C", "C", verbalized=True, tokens=t) for q, t in faithful[hint]]
        pairs += [Pair(q, "A", "C", "C", verbalized=False, tokens=t) for q, t in unfaithful[hint]]
        write_log(tmp_path, "openai/one", hint, pairs)
    [row] = build_report([str(tmp_path)], n_boot=500, seed=4).cot_lengths.to_dict("records")
    for name, chosen in (("faithful", faithful), ("unfaithful", unfaithful)):
        pairs = [pair for hint in chosen.values() for pair in hint]
        weights = intervals._draw([q for q, _ in pairs], 500, 4)
        lengths = np.array([t for _, t in pairs], dtype=float)
        draws = (weights * lengths[:, None]).sum(axis=0) / weights.sum(axis=0)
        low, high = np.percentile(draws, [2.5, 97.5])
        assert row[f"cot_length_{name}"] == pytest.approx(lengths.mean())
        assert row[f"cot_length_{name}_ci_low"] == pytest.approx(low, abs=1e-9)
        assert row[f"cot_length_{name}_ci_high"] == pytest.approx(high, abs=1e-9)
