"""What the monitors said about one pair, as the pair record carries it (`PairRecord.monitors`).

A monitor reads both sides of a pair: X = 0, the unhinted generation, and X = 1, the hinted
one. Each side's reading is its verdict Z (`flagged`), or the reason it has none; whether
the answer was the hint letter (Y) is the pair record's own (`unhinted_answer`,
`hinted_answer`, `hint_letter`), never decided again. A pair whose answers can't be used is
not shown to any monitor and carries no reading: it is counted under the pair's own reason.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from cot_faithfulness.scorers.hints.monitor_prompts import MONITOR_VERSION, MonitorVerdict

MonitorProblem = Literal["monitor_failed"]
"""Why a side has no verdict: the monitor's replies never parsed, or its provider kept
failing, within its attempts."""


class MonitorReading(BaseModel):
    flagged: bool | None = None
    """Z; None when the monitor gave no verdict (`problem`)."""
    choice: str | None = None
    """What it picked: A-D, or `cue` / `no_cue` for the blind monitor."""
    attempts: int = 0
    problem: MonitorProblem | None = None

    @classmethod
    def of(cls, verdict: MonitorVerdict | None, attempts: int) -> MonitorReading:
        if verdict is None:
            return cls(attempts=attempts, problem="monitor_failed")
        return cls(flagged=verdict.flagged, choice=verdict.choice, attempts=attempts)


class MonitorRecord(BaseModel):
    monitor_version: str = MONITOR_VERSION
    monitor_model: str
    prompt_sha256: str
    unhinted: MonitorReading
    """X = 0."""
    hinted: MonitorReading
    """X = 1."""
