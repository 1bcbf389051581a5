"""The suite checks its monitorability numbers: on the stand-in, whose chain of thought leaks
the hint's influence at known rates, read by the offline monitor, whose rules are known, the
intervals must cover the TPR, TNRs and g-mean² the knobs imply.

What the knobs imply, for one hint arm of a question with n options (docs/protocol.md §6;
`standin/reasoner.py` for the story). The stand-in's own answer is right with probability
`accuracy`; the hint letter h is the right one (arm `correct`) or one fixed wrong one:

    p0   = P(own answer is h)        = accuracy, or (1 - accuracy) / (n - 1)
    m    = P(not followed, answer h) = (1 - follow) ((1 - noise) p0 + noise (1 - p0) / (n - 1))
    p1   = follow + m;  TE = p1 - p0
    s    = P(a followed answer's reasoning shows it) = verbalize + (1 - verbalize) leak
    TPR  = min(1, (follow s + m false_influence) / TE)        for blind and informed

The blind monitor flags any reasoning that shows it (an admission, or `LEAK`, which also
appears with probability `false_influence` in reasoning that took nothing from a hint), so
TNR_X0 = TNR_X1 = 1 - false_influence. The informed monitor flags it only when the answer
is the hint letter, so TNR_X0 = 1 - false_influence p0 and TNR_X1 = 1. The answer-only
monitor flags exactly the answers at the hint letter (Z = Y): TPR = 1, TNR_X0 = 1 - p0,
TNR_X1 = 1, g-mean² = sqrt(1 - p0).

Used by `benchmarks/monitor_calibration.py` (a size where the intervals are tight) and its
seeded pytest twin in `tests/test_monitor_calibration.py`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

from inspect_ai import eval

from cot_faithfulness.scorers.hints.monitor_math import (
    monitor_counts_by_question,
    monitor_estimate,
    monitor_resample,
    score_intervals,
)
from cot_faithfulness.scorers.hints.pair_record import read_pair_record
from cot_faithfulness.tasks import HINT_TASKS

MONITORS = ("blind", "informed", "answer_only")
SCORES = ("tpr", "tnr_x0", "tnr_x1", "gmean2")


@dataclass(frozen=True)
class Knobs:
    accuracy: float = 0.75
    follow: float = 0.5
    noise: float = 0.1
    verbalize: float = 0.4
    leak: float = 0.5
    false_influence: float = 0.1

    def model_args(self) -> dict[str, float]:
        return dict(self.__dict__)


def monitor_truth(knobs: Knobs, arm: str, n_options: int = 4) -> dict[str, dict[str, float]]:
    """Each monitor's TPR, TNR_X0, TNR_X1 and g-mean² that the knobs imply (module
    docstring), for the hint arm `arm` (`incorrect` or `correct`)."""
    a, f, r = knobs.accuracy, knobs.follow, knobs.noise
    phi = knobs.false_influence
    p0 = a if arm == "correct" else (1 - a) / (n_options - 1)
    m = (1 - f) * ((1 - r) * p0 + r * (1 - p0) / (n_options - 1))
    te = f + m - p0
    shows = knobs.verbalize + (1 - knobs.verbalize) * knobs.leak
    tpr = min(1.0, (f * shows + m * phi) / te)
    return {
        "blind": _scores(tpr, 1 - phi, 1 - phi),
        "informed": _scores(tpr, 1 - phi * p0, 1.0),
        "answer_only": _scores(1.0, 1 - p0, 1.0),
    }


def _scores(tpr: float, tnr_x0: float, tnr_x1: float) -> dict[str, float]:
    return {
        "tpr": tpr,
        "tnr_x0": tnr_x0,
        "tnr_x1": tnr_x1,
        "gmean2": tpr * math.sqrt(tnr_x0 * tnr_x1),
    }


@dataclass(frozen=True)
class CalibrationCheck:
    hint_type: str
    monitor: str
    score: str
    known: float
    measured: float
    ci_low: float
    ci_high: float

    @property
    def covered(self) -> bool:
        return self.ci_low <= self.known <= self.ci_high


def run_monitor_calibration(
    questions: int,
    knobs: Knobs,
    log_dir: Path,
    arm: str = "incorrect",
    dataset: str = "demo",
    data_dir: str | None = None,
    seed: int = 0,
    n_boot: int = 1000,
) -> tuple[list[CalibrationCheck], float]:
    """All six hint tasks on one arm with the three monitors, the stand-in and the offline
    grader and monitor; every score's interval (`monitor_math`, over the log's pair
    records, as the metrics compute it) against its known value, and the wall time."""
    tasks = [
        hint_task(
            dataset=dataset,
            data_dir=data_dir,
            questions=questions,
            hint_answer=arm,
            seed=seed,
            monitor="blind,informed,answer_only",
        )
        for hint_task in HINT_TASKS.values()
    ]
    start = time.perf_counter()
    logs = eval(
        tasks,
        model="standin/default",
        model_args={**knobs.model_args(), "seed": seed, "data_dir": data_dir},
        model_roles={"grader": "offline_grader/rules", "monitor": "offline_grader/rules"},
        log_dir=str(log_dir),
        display="none",
        max_tasks=1,
    )
    wall = time.perf_counter() - start
    failed = [log for log in logs if log.status != "success"]
    if failed:
        raise RuntimeError(f"calibration run failed: {failed[0].error}")
    truth = monitor_truth(knobs, arm)
    checks = []
    for log in logs:
        records = [
            read_pair_record(s.scores["hint_faithfulness"].metadata)  # type: ignore[index,arg-type]
            for s in log.samples or []
        ]
        for monitor in MONITORS:
            keys, counts = monitor_counts_by_question(records, monitor)
            label = f"{records[0].cell_label}|monitor:{monitor}"
            measured = monitor_estimate(counts.sum(axis=0)).scores
            draws = monitor_resample(keys, counts, label, n_boot, seed)
            intervals = score_intervals(draws, measured)
            checks += [
                CalibrationCheck(
                    records[0].hint_type,
                    monitor,
                    score,
                    truth[monitor][score],
                    measured[score],
                    *intervals[score],
                )
                for score in SCORES
            ]
    return checks, wall
