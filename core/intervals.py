"""The intervals the suite prints: a Bayesian bootstrap over units, with a Jeffreys prior.

Each resample gives every unit (a question for the hint tasks, a run for sandbagging) a
weight drawn from Exp(1), the Bayesian bootstrap (Rubin 1981), and adds a few pseudo-units,
one per outcome category of the measurement, whose weights are drawn from Gamma(1/2). With
one observation per unit the draws of the category shares are then exactly those of their
Jeffreys posterior, Dirichlet(counts + 1/2): a handful of pairs gives an interval as wide
as the evidence is thin, never the zero-width interval a percentile bootstrap gives when
every resample can only repeat the same one or three pairs. With many units the prior
weighs nothing and the intervals are those of the bootstrap. The coverage of both, per
sample size, is measured in `benchmarks/interval_coverage.py` (docs/protocol.md §3).

A unit's weights depend only on its key and the seed, never on which other units are
present: the same unit is weighted alike in every cell, metric and model, so draws computed
in a log's metric and in the report are the same numbers, averages over cells that share
units vary as they would if the units were drawn again, and two models (or two conditions)
on the same units are resampled alike, a paired interval. A cell's pseudo-units are keyed
by its label: the hint family's labels name the model, so two models it compares never
share their prior (sandbagging's name only the estimate: its report compares no models).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np

JEFFREYS = 0.5
"""The prior weight of each outcome category (the Jeffreys prior of a multinomial)."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


KEPT_WEIGHTS = 2**25
"""Unit weights kept for reuse at most (256 MB of floats): the report draws the same
questions' weights for every model, hint type and arm, so each row is computed once; past
this many, rows are computed anew each time."""


class _Kept:
    """Rows of weights already drawn under one (n_boot, seed), by key."""

    def __init__(self, n_boot: int) -> None:
        self.row: dict[str, int] = {}
        self.matrix = np.zeros((0, n_boot))


_kept: dict[tuple[int, int], _Kept] = {}


def unit_weights(keys: Sequence[str], n_boot: int, seed: int) -> np.ndarray:
    """Exp(1) weights, one row per unit and one column per resample; each unit's row
    depends only on its key and the seed (rows are kept and reused, bit for bit the same:
    each number is computed elementwise from its unit's key and column alone)."""
    if not keys:
        return np.zeros((0, n_boot))
    kept = _kept.setdefault((n_boot, seed), _Kept(n_boot))
    missing = [key for key in dict.fromkeys(keys) if key not in kept.row]
    if (sum(len(k.row) for k in _kept.values()) + len(missing)) * n_boot > KEPT_WEIGHTS:
        return _draw(keys, n_boot, seed)
    if missing:
        kept.row.update({key: len(kept.row) + i for i, key in enumerate(missing)})
        kept.matrix = np.concatenate([kept.matrix, _draw(missing, n_boot, seed)])
    return kept.matrix[[kept.row[key] for key in keys]]


def _draw(keys: Sequence[str], n_boot: int, seed: int) -> np.ndarray:
    bases = np.array([_key_hash(seed, key) for key in keys], dtype=np.uint64)
    counters = bases[:, None] + _GOLDEN * np.arange(1, n_boot + 1, dtype=np.uint64)[None, :]
    uniform = ((_splitmix64(counters) >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53
    return -np.log(uniform)


def prior_weights(
    label: str, categories: int, n_boot: int, seed: int, concentration: float = JEFFREYS
) -> np.ndarray:
    """Gamma(`concentration`) weights of a cell's pseudo-units, one row per outcome
    category and one column per draw, seeded by the cell's label."""
    rng = np.random.default_rng(_key_hash(seed, f"prior\x1f{label}\x1f{concentration}"))
    return rng.gamma(concentration, 1.0, size=(categories, n_boot))


def unit_sums(keys: Sequence[str], counts: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """The units' counts (one row of `counts` per key, in that order) summed under each
    draw's `unit_weights` (n_boot x columns): the part of a Bayesian bootstrap's draws that
    the data give, without the pseudo-units."""
    return unit_weights(keys, n_boot, seed).T @ counts.astype(np.float64)


def subset_sums(
    keys: Sequence[str],
    counts: np.ndarray,
    kept: np.ndarray,
    sums: np.ndarray,
    n_boot: int,
    seed: int,
) -> np.ndarray:
    """`unit_sums` of the units that `kept` (a mask over `keys`) marks, from `sums`, those of
    all of them: `sums` minus the sums of the units left out where these are fewer than the
    units kept, else drawn anew. Two models compared on the units both have leave out only
    the few each has alone, so each comparison costs those few rows, not all of them; the
    numbers are those of summing the kept units anew up to rounding (a float sum taken in
    another order), and the same units still carry the same weights on both sides."""
    left_out = ~kept
    if left_out.sum() >= kept.sum():
        chosen = [key for key, keep in zip(keys, kept, strict=True) if keep]
        return unit_sums(chosen, counts[kept], n_boot, seed)
    dropped = [key for key, keep in zip(keys, kept, strict=True) if not keep]
    return sums - unit_sums(dropped, counts[left_out], n_boot, seed)


def bayesian_bootstrap(
    keys: Sequence[str],
    counts: np.ndarray,
    label: str,
    prior_rows: np.ndarray,
    n_boot: int,
    seed: int,
    concentration: float = JEFFREYS,
    sums: np.ndarray | None = None,
) -> np.ndarray:
    """Summed counts of `n_boot` draws (n_boot x columns): the units of `keys` (one row of
    `counts` each, in that order) weighted by `unit_weights`, plus the pseudo-units
    `prior_rows` (one per outcome category) weighted by the cell's `prior_weights`. `sums`,
    where given, are the units' part already drawn (`unit_sums`, `subset_sums`)."""
    if sums is None:
        sums = unit_sums(keys, counts, n_boot, seed)
    prior = prior_weights(label, len(prior_rows), n_boot, seed, concentration).T
    return sums + prior @ prior_rows


def percentile_interval(samples: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Equal-tailed interval of the defined draws; NaN when under half are defined."""
    defined = samples[~np.isnan(samples)]
    if len(defined) < len(samples) / 2 or len(defined) == 0:
        return math.nan, math.nan
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high)


def holding(point: float, interval: tuple[float, float]) -> tuple[float, float]:
    """The interval, widened where needed to hold its point estimate; NaN where either is.

    The draws carry the pseudo-rows, the point does not: they pull every draw off the ends
    of the range (the more, the more rates a score multiplies), so near a boundary the
    central 95% of the draws can miss the point (a perfect monitor: g-mean² 1, every draw
    below; a mean reward of 1 from a handful of responses), and with it the truth.
    Widening to the point closes the interval at the end its data reach, as a Jeffreys
    interval is closed at x = 0 and x = n (Brown, Cai & DasGupta 2001); away from the
    boundaries the point lies inside anyway."""
    low, high = interval
    if math.isnan(point) or math.isnan(low):
        return math.nan, math.nan
    return min(low, point), max(high, point)


def _key_hash(seed: int, key: str) -> int:
    digest = hashlib.sha256(f"{seed}\x1f{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's output function (Steele et al. 2014): a well-mixed 64-bit hash of each
    counter, so every (unit, resample) draw is independent of every other."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))
