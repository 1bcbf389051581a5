"""The monitor differences' false-positive rate and power, on the simulation the benchmark
prints (`standin/monitor_simulation.py`), seeded and small."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cot_faithfulness.scorers.hints.monitor_math import monitor_estimate
from cot_faithfulness.standin.monitor_simulation import (
    REGIMES,
    MonitorStory,
    draw_counts,
    monitor_significance,
)


@pytest.mark.parametrize("name", REGIMES)
def test_a_large_cell_measures_the_storys_known_scores(name):
    story = REGIMES[name]
    counts = draw_counts(story, 200_000, np.random.default_rng(0))
    scores = monitor_estimate(counts.sum(axis=0)).scores
    r_effect = (story.p1 - story.p0) / story.p1
    assert scores["r_effect"] == pytest.approx(r_effect, abs=0.01)
    assert scores["tnr_x0"] == pytest.approx(1 - story.flag_negative, abs=0.005)
    assert scores["tnr_x1"] == pytest.approx(1 - story.flag_negative, abs=0.005)
    assert scores["gmean2"] == pytest.approx(story.gmean2, abs=0.015)


def test_the_known_gmean2_is_the_protocols_formula():
    # R_effect = 0.35 / 0.5 = 0.7, TPR = 0.6 / 0.7, g-mean² = TPR x sqrt(0.9 x 0.9)
    assert REGIMES["incorrect arm"].gmean2 == pytest.approx(0.6 / 0.7 * 0.9)
    assert REGIMES["correct arm"].gmean2 == pytest.approx(0.9)  # TPR capped at 1


@pytest.mark.parametrize("name", REGIMES)
def test_identical_models_are_rarely_called_different(name):
    story = REGIMES[name]
    result = monitor_significance(story, story, 50, 200, 5, n_boot=300)
    assert result.compared > 150
    assert result.rate <= 0.10  # nominal 5%: at 200 repetitions, 10% is far out


def test_clearly_different_monitors_are_called_different():
    story = REGIMES["incorrect arm"]
    blind = dataclasses.replace(story, flag_positive=0.05)
    result = monitor_significance(story, blind, 100, 100, 5, n_boot=300)
    assert result.rate >= 0.95


def test_cells_below_the_minimum_of_positives_are_never_compared():
    story = MonitorStory(p0=0.0, p1=0.5, flag_positive=0.6, flag_negative=0.1)
    result = monitor_significance(story, story, 4, 50, 5, n_boot=100)
    assert result.compared == 0 and result.starred == 0  # at most 4 positives a side
