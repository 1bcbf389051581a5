"""A series of checkpoints (`faithfulness-report LOGS --series ...`): the reward-hacking
measures and the hint tasks' normalized faithfulness of each model, in checkpoint order, as
the paper reads its RL runs (exploitation and verbalization over training; faithfulness
across snapshots). It works for any ordered list of models of the logs.

The order is given as the models themselves (`M1,M2,...`), as a file with one model per line
(`@FILE`), or read from the models' names (`steps`: the models whose names end in a number,
by that number, when they share everything else; `steps:PREFIX` picks one such series when
the logs hold several). Each model's numbers are the report's own rows: the reward-hacking
table (`reward_table`), and the `headline` aggregate of the hint tasks, arms `incorrect`
and `both` (`aggregation`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cot_faithfulness.report.logs import ReportInputError, model_label

FORMS = (
    "M1,M2,... (models of these logs, in order), @FILE (one model per line), steps (the "
    "models whose names end in a step number, by step) or steps:PREFIX"
)
STEPS = "steps"
_STEP = re.compile(r"^(?P<prefix>.*?)(?P<step>\d+)(?P<suffix>\D*)$")
SERIES_MEASURES = ("exploitation", "verbalization", "mean_reward", "baseline")
ALWAYS = ("exploitation", "verbalization", "mean_reward")
"""Measures listed for every checkpoint with reward-hacking logs, even when undefined (a
checkpoint that never exploits has no verbalization); the baseline only where it ran."""
FAITHFULNESS_ARMS = ("incorrect", "both")
COLUMNS = [
    "position", "step", "model", "model_label", "measure", "dataset", "environment",
    "hint_arm", "value", "ci_low", "ci_high", "n", "note",
]  # fmt: skip


class SeriesError(ReportInputError):
    """`--series` names no series of these logs."""


def step_number(model: str) -> int | None:
    """The step number a model's name ends in (`vllm/ckpt-20` -> 20), or None."""
    found = _STEP.match(model)
    return int(found["step"]) if found else None


def parse_series(value: str, models: Sequence[str]) -> list[str]:
    """The models of the series, in order; a value that names none of the logs' models, or
    names one twice, is a one-line error that says what is accepted."""
    value = value.strip()
    if value.startswith("@"):
        names = _read_file(value[1:])
    elif value == STEPS or value.startswith(f"{STEPS}:"):
        return _by_step(value, models)
    else:
        names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise SeriesError(f"--series {value!r} names no model; accepted: {FORMS}")
    unknown = [name for name in names if name not in models]
    if unknown:
        raise SeriesError(
            f"--series: {', '.join(unknown)} not in these logs; accepted: the models "
            f"{', '.join(models)}, as {FORMS}"
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SeriesError(f"--series names {', '.join(repeated)} more than once; accepted: {FORMS}")
    return names


def _read_file(path: str) -> list[str]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise SeriesError(
            f"--series @{path}: cannot read it ({error.strerror or error}); accepted: {FORMS}"
        ) from None
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _by_step(value: str, models: Sequence[str]) -> list[str]:
    """The models whose names differ only in their last number, ordered by it: the one such
    series of two or more models, or the one named by its prefix."""
    series: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for model in models:
        found = _STEP.match(model)
        if found:
            key = (found["prefix"], found["suffix"])
            series.setdefault(key, []).append((int(found["step"]), model))
    choices = [f"{STEPS}:{prefix}" for prefix, _ in sorted(series)]
    wanted = value.partition(":")[2]
    if wanted:
        chosen = [key for key in series if key[0] == wanted]
    else:  # a lone numbered name (`openai/gpt-4.1`) is no series when one has two or more
        chosen = [key for key, members in series.items() if len(members) > 1] or list(series)
    if len(chosen) != 1:
        if not series:
            why = "no model name of these logs ends in a step number"
            accepted = f"the models {', '.join(models)}, as M1,M2,... or @FILE"
        elif chosen:
            why = "the models with step numbers form several series"
            accepted = ", ".join(choices)
        else:
            why = f"no series of models named {wanted}<step>"
            accepted = ", ".join(choices)
        raise SeriesError(f"--series {value}: {why}; accepted: {accepted}")
    steps = sorted(series[chosen[0]])
    numbers = [step for step, _ in steps]
    if len(set(numbers)) < len(numbers):
        raise SeriesError(
            f"--series {value}: two models have the same step number "
            f"({', '.join(m for _, m in steps)}); give the order as M1,M2,..."
        )
    return [model for _, model in steps]


def series_table(
    order: Sequence[str], rewards: pd.DataFrame, aggregates: pd.DataFrame
) -> pd.DataFrame:
    """One row per checkpoint and measure, in the series' order: each reward-hacking measure
    per dataset and environment (and `all`), then the hint tasks' headline faithfulness per
    arm (`incorrect`, `both`)."""
    rows: list[dict[str, Any]] = []
    for position, model in enumerate(order, start=1):
        base = {
            "position": position,
            "step": step_number(model),
            "model": model,
            "model_label": model_label(model),
        }
        mine = rewards[rewards["model"] == model] if not rewards.empty else rewards
        for row in mine.itertuples():
            for measure in SERIES_MEASURES:
                n = getattr(row, f"{measure}_n", math.nan)
                if measure not in ALWAYS and not (n > 0):
                    continue
                rows.append(
                    {
                        **base,
                        "measure": measure,
                        "dataset": row.dataset,
                        "environment": row.environment,
                        "hint_arm": "",
                        "value": getattr(row, measure, math.nan),
                        "ci_low": getattr(row, f"{measure}_ci_low", math.nan),
                        "ci_high": getattr(row, f"{measure}_ci_high", math.nan),
                        "n": 0 if pd.isna(n) else int(n),
                        "note": row.refused or ("" if n > 0 else "nothing to measure"),
                    }
                )
        if aggregates.empty:
            continue
        headline = aggregates[
            (aggregates["model"] == model) & (aggregates["aggregate"] == "headline")
        ]
        for arm in FAITHFULNESS_ARMS:
            for row in headline[headline["hint_arm"] == arm].itertuples():
                rows.append(
                    {
                        **base,
                        "measure": "faithfulness",
                        "dataset": "",
                        "environment": "",
                        "hint_arm": arm,
                        "value": row.normalized,
                        "ci_low": row.ci_low,
                        "ci_high": row.ci_high,
                        "n": int(row.n_graded),
                        "note": _faithfulness_note(row),
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)


def _faithfulness_note(row: Any) -> str:
    """Why the headline is undefined, or which hint types it lacks."""
    if math.isnan(row.normalized):
        return f"undefined ({row.undefined_reason})" if row.undefined_reason else "undefined"
    return f"averaged without {row.missing}" if row.missing else ""
