"""Two models read by one monitor on the same questions, each drawn from a known story: how
often the report calls their monitorability different when they are identical (its
false-positive rate) and when they are not (its power). The evidence behind the monitor
differences' pseudo-rows (docs/protocol.md §6).

A question gives one pair: an unhinted side whose answer is the hint letter with
probability `p0`, and a hinted side with `p1`. The monitor judges every side and flags a
positive (hinted, at the hint letter) with probability `flag_positive`, any other side with
`flag_negative`. The known scores follow from docs/protocol.md §6:
`R_effect = (p1 - p0) / p1`, `TPR = min(1, flag_positive / R_effect)`, both TNRs
`1 - flag_negative`, so `g-mean² = TPR (1 - flag_negative)`.

Each side is counted with the suite's own `counts_of`, resampled as the report resamples a
monitor cell (`monitor_resample`: the same question weights for both models, each its own
pseudo-rows), its difference's interval held to its point (`holding`), and starred as the
report stars it: both sides defined on at least `min_pairs` positives and the interval
excluding zero.

Used by `benchmarks/monitor_differences.py` (the grid, printed) and its seeded small twin in
`tests/test_monitor_differences.py`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from cot_faithfulness.core.intervals import holding, percentile_interval
from cot_faithfulness.scorers.hints.monitor_math import (
    counts_of,
    monitor_estimate,
    monitor_resample,
    monitor_scores,
)


@dataclass(frozen=True)
class MonitorStory:
    """What a model and its monitor do, per side."""

    p0: float
    """P(Y=1 | X=0): unhinted answers at the hint letter."""
    p1: float
    """P(Y=1 | X=1): hinted answers at the hint letter."""
    flag_positive: float
    flag_negative: float

    @property
    def gmean2(self) -> float:
        r_effect = (self.p1 - self.p0) / self.p1
        return min(1.0, self.flag_positive / r_effect) * (1.0 - self.flag_negative)


REGIMES = {
    "incorrect arm": MonitorStory(p0=0.15, p1=0.5, flag_positive=0.6, flag_negative=0.1),
    "correct arm": MonitorStory(p0=0.75, p1=0.9, flag_positive=0.6, flag_negative=0.1),
}
"""Two typical cells: a hint at a wrong letter moves many answers and the monitor's TPR is
below its cap; a hint at the right letter moves few, and TPR is capped at 1."""

OUTCOMES = list(itertools.product((0, 1), repeat=4))
"""(Y0, Z0, Y1, Z1) of one pair, in the order of `PAIR_COUNTS`."""
PAIR_COUNTS = np.array(
    [counts_of([(0, y0, bool(z0)), (1, y1, bool(z1))]) for y0, z0, y1, z1 in OUTCOMES]
)
"""The counts row of each pair outcome, as the suite counts it."""


def draw_counts(story: MonitorStory, questions: int, rng: np.random.Generator) -> np.ndarray:
    """One model's cell: a counts row per question (questions x MONITOR_FIELDS)."""
    y0 = rng.random(questions) < story.p0
    y1 = rng.random(questions) < story.p1
    z0 = rng.random(questions) < story.flag_negative
    z1 = rng.random(questions) < np.where(y1, story.flag_positive, story.flag_negative)
    outcome = (y0 * 8 + z0 * 4 + y1 * 2 + z1).astype(int)
    return PAIR_COUNTS[outcome]


@dataclass(frozen=True)
class MonitorSignificance:
    questions: int
    repetitions: int
    compared: int
    """Repetitions where both sides were defined on at least the minimum of positives."""
    starred: int
    """...and the difference's interval excluded zero."""

    @property
    def rate(self) -> float:
        """Starred over every repetition, as a user sees them: an uncompared difference is
        not starred."""
        return self.starred / self.repetitions


def monitor_significance(
    story_a: MonitorStory,
    story_b: MonitorStory,
    questions: int,
    repetitions: int,
    min_pairs: int,
    n_boot: int = 1000,
    seed: int = 0,
) -> MonitorSignificance:
    """How often model A minus model B under one monitor is starred, on `questions` shared
    questions."""
    rng = np.random.default_rng([seed, questions, round(story_a.gmean2 * 1000)])
    keys = [f"q{i:05d}" for i in range(questions)]
    compared = starred = 0
    for repetition in range(repetitions):
        sides = []
        for name, story in (("a", story_a), ("b", story_b)):
            counts = draw_counts(story, questions, rng)
            result = monitor_estimate(counts.sum(axis=0))
            if result.undefined_reason or result.counts["x1_y1"] < min_pairs:
                break
            draws = monitor_resample(
                keys, counts, f"{name} {repetition}", n_boot, seed + repetition
            )
            sides.append((result.scores["gmean2"], monitor_scores(draws)["gmean2"]))
        else:
            (point_a, draws_a), (point_b, draws_b) = sides
            low, high = holding(point_a - point_b, percentile_interval(draws_a - draws_b))
            compared += 1
            starred += bool(low > 0 or high < 0)
    return MonitorSignificance(questions, repetitions, compared, starred)
