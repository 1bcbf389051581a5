"""Logs -> the table of pairs: one row per scored sample and epoch, whatever produced it.

Reads only log headers and sample summaries (scores with their metadata), never full
samples: that keeps a 100,000-sample folder within seconds and a few hundred megabytes.
Logs that are not this suite's are skipped and named; incomplete logs contribute what
completed; when the same run was made twice, the newest log wins and the older is named.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from inspect_ai.log import (
    EvalLog,
    list_eval_logs,
    read_eval_log,
    read_eval_log_sample_summaries,
)

from scorers.pair_outcome import PairOutcome

SUITE = "cot-faithfulness"
SCORER = "hint_faithfulness"
STANDIN_PROVIDER = "standin/"


class ReportInputError(Exception):
    """Nothing can be reported from the given folder(s); the message says why."""


@dataclass
class LogNote:
    """What happened to one log file."""

    path: str
    task: str = ""
    model: str = ""
    status: str = ""
    completed: int = 0
    total: int = 0
    used: bool = True
    note: str = ""


@dataclass
class PairTable:
    pairs: pd.DataFrame
    """One row per (log, sample, epoch, scorer): cell keys, `PairOutcome` fields, and
    `counts`, the pair's `PairCounts` (None when its answers can't be used)."""
    logs: list[LogNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


CELL_KEYS = ["model", "dataset", "hint_type", "hint_variant", "hint_arm"]
RUN_KEYS = ["model", "task", "dataset", "subset", "hint_variant", "seed", "hint_arms"]


def model_label(model: str) -> str:
    """The model's name, marked when it is the offline stand-in rather than a model."""
    return f"{model} (test double)" if model.startswith(STANDIN_PROVIDER) else model


def read_pairs(log_dirs: list[str]) -> PairTable:
    """Every pair of every suite log under the given folders (recursively)."""
    infos = []
    for log_dir in log_dirs:
        if not Path(log_dir).is_dir():
            raise ReportInputError(f"{log_dir} is not a directory")
        infos += list_eval_logs(log_dir)
    if not infos:
        raise ReportInputError(f"no Inspect logs (.eval or .json) under {', '.join(log_dirs)}")

    table = PairTable(pairs=pd.DataFrame())
    headers: list[tuple[EvalLog, LogNote]] = []
    for info in infos:
        note = LogNote(path=info.name)
        table.logs.append(note)
        try:
            header = read_eval_log(info, header_only=True)
        except Exception as error:  # a truncated or foreign file must not stop the report
            note.used, note.note = False, f"unreadable ({type(error).__name__})"
            continue
        note.task, note.model, note.status = header.eval.task, header.eval.model, header.status
        if (header.eval.metadata or {}).get("suite") != SUITE:
            note.used, note.note = False, "not a log of this suite"
            continue
        headers.append((header, note))

    runs = _newest_runs(headers, table.warnings)
    frames = []
    for (_, note), (frame, read_note) in zip(runs, _read_all(runs), strict=True):
        note.__dict__.update(read_note.__dict__)
        if frame is not None:
            frames.append(frame)
    if not frames:
        raise ReportInputError(
            f"none of the {len(infos)} logs under {', '.join(log_dirs)} has scored pairs of "
            "this suite (see the log list above)"
        )
    table.pairs = pd.concat(frames, ignore_index=True)
    return table


def _run_key(header: EvalLog) -> tuple[str, ...]:
    meta = header.eval.metadata or {}
    return (
        header.eval.model,
        header.eval.task,
        str(meta.get("dataset")),
        str(meta.get("subset")),
        str(meta.get("hint_variant")),
        str(meta.get("seed")),
        ",".join(meta.get("hint_arms") or []),
    )


def _newest_runs(
    headers: list[tuple[EvalLog, LogNote]], warnings: list[str]
) -> list[tuple[EvalLog, LogNote]]:
    """One log per run: the newest, with a warning naming the ones set aside."""
    by_key: dict[tuple[str, ...], list[tuple[EvalLog, LogNote]]] = {}
    for header, note in headers:
        by_key.setdefault(_run_key(header), []).append((header, note))
    chosen = []
    for runs in by_key.values():
        runs.sort(key=lambda run: run[0].eval.created, reverse=True)
        chosen.append(runs[0])
        for _, older in runs[1:]:
            older.used, older.note = False, f"older run of the same cell than {runs[0][1].path}"
            warnings.append(
                f"{older.path}: same run as the newer {runs[0][1].path}; using the newer"
            )
    return chosen


def _read_all(
    runs: list[tuple[EvalLog, LogNote]],
) -> list[tuple[pd.DataFrame | None, LogNote]]:
    """Read the logs' sample summaries, one process per core: reading is CPU-bound
    (validating every summary), and logs are independent."""
    workers = min(len(runs), os.cpu_count() or 1)
    if workers < 2:
        return [_log_pairs(header, note) for header, note in runs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_log_pairs, *zip(*runs, strict=True)))


def _log_pairs(header: EvalLog, note: LogNote) -> tuple[pd.DataFrame | None, LogNote]:
    meta = header.eval.metadata or {}
    epochs = header.eval.config.epochs or 1
    note.total = (header.eval.dataset.samples or 0) * epochs
    summaries = read_eval_log_sample_summaries(header.location)
    rows = []
    for summary in summaries:
        if summary.error or not summary.scores:
            continue
        note.completed += 1
        for scorer, score in summary.scores.items():
            if not scorer.startswith(SCORER) or not score.metadata:
                continue
            outcome = PairOutcome.model_validate(score.metadata)
            rows.append(
                {
                    "log": note.path,
                    "created": header.eval.created,
                    "model": header.eval.model,
                    "task": header.eval.task,
                    "dataset": meta.get("dataset", ""),
                    "subset": meta.get("subset"),
                    "hint_category": meta.get("hint_category", ""),
                    "sample_id": str(summary.id),
                    "epoch": summary.epoch,
                    "scorer": scorer,
                    **outcome.model_dump(),
                    "eligible": outcome.eligible,
                    "retained": outcome.retained,
                    "counts": outcome.counts(),
                }
            )
    if note.completed < note.total:
        note.note = f"{header.status}: {note.completed} of {note.total} samples completed"
    if not rows:
        note.used = False
        note.note = note.note or "no scored samples"
        return None, note
    return pd.DataFrame(rows), note
