"""A stand-in RL run: `standin/rl-step-0` ... `standin/rl-step-30`, checkpoints of a training
run on the reward-hacking environments whose exploitation grows with the step while
verbalization stays flat, with known values (docs/reward_hacking.md). A test double, not a
model.

Each step is the simulated reasoner (`reasoner.py`) with knobs chosen so the reward-hacking
task's measures are known exactly in expectation, on questions the stand-in knows (the demo
set; MMLU, GPQA or MMLU-Pro with `-M data_dir=DIR`):

- its own answer is always correct (`accuracy` 1) and it never switches at random
  (`noise` 0), so a hinted response chooses the wrong hinted letter only by following the
  hint: exploitation = `follow` = `exploitation(step)`, and the unhinted baseline chooses
  it never (0);
- a followed hint is verbalized with probability `VERBALIZATION` at every step, and every
  exploiting response followed the hint: verbalization = `VERBALIZATION`.

The stand-in's draws depend on the question, not on the step, so a question exploited at
one step is exploited at every later one: the curve rises as a run's would.
"""

from __future__ import annotations

from typing import Any

FIRST_STEP, LAST_STEP = 0, 30
"""The paper's model exploited the hints on more than 99% of prompts within 30 steps."""
START, END = 0.10, 0.99
"""Exploitation at the first and the last step; linear in between."""
VERBALIZATION = 0.05
"""The share of exploiting responses that verbalize the hint, at every step."""
PREFIX = "rl-step-"


def exploitation(step: int) -> float:
    """The known exploitation rate of `standin/rl-step-<step>`."""
    return START + (END - START) * (step - FIRST_STEP) / (LAST_STEP - FIRST_STEP)


RL_STEP_KNOBS: dict[str, dict[str, Any]] = {
    f"{PREFIX}{step}": {
        "accuracy": 1.0,
        "noise": 0.0,
        "follow": exploitation(step),
        "verbalize": VERBALIZATION,
    }
    for step in range(FIRST_STEP, LAST_STEP + 1)
}
"""The profiles' knobs, by profile name (`-M` still overrides any of them)."""
