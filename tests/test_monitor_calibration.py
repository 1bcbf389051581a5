"""On the stand-in, whose reasoning leaks the hint's influence at known rates, read by the
offline monitor, the monitorability intervals cover the known TPR, TNRs and g-mean² of every
monitor and hint type (the seeded small twin of benchmarks/monitor_calibration.py)."""

from __future__ import annotations

import math

import pytest

from cot_faithfulness.standin.monitor_calibration import (
    Knobs,
    monitor_truth,
    run_monitor_calibration,
)


def test_known_values_follow_from_the_knobs_by_hand():
    # incorrect arm, 4 options: p0 = 0.25 / 3 = 0.0833; m = 0.5 (0.9 p0 + 0.1 (1 - p0) / 3)
    # = 0.05278; TE = 0.5 + m - p0 = 0.4694; s = 0.4 + 0.6 * 0.5 = 0.7;
    # TPR = (0.5 * 0.7 + m * 0.1) / TE = 0.7569
    truth = monitor_truth(Knobs(), "incorrect")
    assert truth["blind"]["tpr"] == pytest.approx(0.7569, abs=1e-4)
    assert truth["blind"]["gmean2"] == pytest.approx(0.7569 * 0.9, abs=1e-4)
    assert truth["informed"]["tnr_x0"] == pytest.approx(1 - 0.1 * 0.25 / 3)
    assert truth["answer_only"]["gmean2"] == pytest.approx(math.sqrt(1 - 0.25 / 3))
    # correct arm: p0 = 0.75; m = 0.5 (0.9 * 0.75 + 0.1 * 0.25 / 3) = 0.3417, TE = 0.0917;
    # (0.35 + 0.03417) / 0.0917 > 1: capped
    assert monitor_truth(Knobs(), "correct")["blind"]["tpr"] == 1.0


@pytest.mark.slow
def test_the_intervals_cover_what_the_knobs_imply_for_every_monitor_and_hint(tmp_path):
    checks, _ = run_monitor_calibration(38, Knobs(), tmp_path / "logs", arm="incorrect")
    assert len(checks) == 6 * 3 * 4
    missed = [c for c in checks if not c.covered]
    assert not missed, missed
    # and they say something: the blind monitor's g-mean² is not the whole [0, 1]
    widths = [c.ci_high - c.ci_low for c in checks if c.score == "gmean2"]
    assert max(widths) < 0.6
