"""Log folders -> each family's rows: one row per scored sample, epoch and score column.

Reads only log headers and sample summaries (scores with their metadata), never full
samples: that keeps a 100,000-sample folder within seconds and a few hundred megabytes.
Logs that are not this suite's are skipped and named; incomplete logs contribute what
completed; a log whose sample summaries are damaged is read sample by sample instead. What
a row holds is the family's business (`RowReader`): each family reads its own record.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import (
    EvalLog,
    list_eval_logs,
    read_eval_log,
    read_eval_log_sample_summaries,
)
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress

SUITE = "cot-faithfulness"
HINT_FAMILY = "hint_faithfulness"
"""The family a suite log belongs to when its header names none (logs before the second
family)."""
STANDIN_PROVIDER = "standin/"
PARALLEL_FROM_SAMPLES = 20_000
"""Below this many samples, starting worker processes costs more than it saves."""
UNREADABLE = "unreadable:"
SHORTENED = "Key removed from summary"
"""What Inspect puts in a sample summary in place of a metadata value over 1 KB."""


class ReportInputError(Exception):
    """Nothing can be reported from the given logs; the message says why."""


@dataclass
class LogNote:
    """What happened to one log file, shown in the report's list of logs."""

    path: str
    task: str = ""
    model: str = ""
    status: str = ""
    completed: int = 0
    """Samples that finished without error and carry a score of their family."""
    total: int = 0
    """Samples the run was asked for (all epochs)."""
    used: bool = True
    note: str = ""


@dataclass(frozen=True)
class RowReader:
    """How one family's rows are read: which score columns are its own, what a row takes
    from the log header, and the row of one score (its record, flattened). Module-level
    functions only: rows are read in worker processes for large folders."""

    column: re.Pattern[str]
    """Score columns of the family, with re-grades (`inspect score --action append` adds a
    digit)."""
    header_fields: Callable[[EvalLog], dict[str, Any]]
    row: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]
    """(score metadata, header fields) -> the row; raises ValidationError for metadata that
    is not the family's record."""
    record_name: str


@dataclass
class SuiteRows:
    rows: dict[str, pd.DataFrame]
    """Per family, one row per (log, sample, epoch, score column); families without a log
    are absent."""
    logs: list[LogNote]
    warnings: list[str]


def model_label(model: str) -> str:
    """The model's name, marked when it is the offline stand-in rather than a model."""
    return f"{model} (test double)" if model.startswith(STANDIN_PROVIDER) else model


def read_suite_logs(log_paths: list[str], readers: Mapping[str, RowReader]) -> SuiteRows:
    """Every scored sample of every suite log in the given folders (recursively) or files,
    as the rows of its family."""
    files = _log_files(log_paths)
    notes: list[LogNote] = []
    suite_logs: list[tuple[EvalLog, LogNote]] = []
    for path in files:
        note = LogNote(path=path)
        notes.append(note)
        try:
            header = read_eval_log(path, header_only=True)
        except Exception as error:  # a damaged or foreign file must not stop the report
            note.used, note.note = False, f"{UNREADABLE} header ({type(error).__name__})"
            continue
        note.task, note.model, note.status = header.eval.task, header.eval.model, header.status
        if (header.eval.metadata or {}).get("suite") != SUITE:
            note.used, note.note = False, "not a log of this suite"
            continue
        if family(header) not in readers:
            note.used, note.note = False, f"family {family(header)!r} is not read by this report"
            continue
        note.total = _expected_samples(header)
        suite_logs.append((header, note))

    warnings: list[str] = []
    frames: dict[str, list[pd.DataFrame]] = {}
    for (header, note), (frame, completed, problems) in zip(
        suite_logs, _read_all(suite_logs, readers), strict=True
    ):
        if frame is None and problems.startswith(UNREADABLE):
            note.used, note.note = False, problems
            warnings.append(f"{Path(note.path).name}: {problems}; left out")
            continue
        note.completed = completed
        if note.completed < note.total or note.status not in ("success", ""):
            note.note = f"{note.status}: {note.completed} of {note.total} samples completed"
            warnings.append(f"{Path(note.path).name}: {note.note}; using what completed")
        if problems:
            warnings.append(f"{Path(note.path).name}: {problems}")
        if frame is None:
            note.used = False
            note.note = ", ".join(filter(None, [note.note, "no scored samples"]))
            continue
        frames.setdefault(family(header), []).append(frame)

    if not frames:
        readable = sum(1 for n in notes if not n.note.startswith(UNREADABLE))
        raise ReportInputError(
            f"none of the {len(files)} logs ({readable} readable) has scored samples of the "
            f"{SUITE} suite; give the folder that `inspect eval` wrote them to"
        )
    rows = {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}
    return SuiteRows(rows=rows, logs=notes, warnings=warnings)


def family(header: EvalLog) -> str:
    """Which task family a suite log belongs to."""
    return str((header.eval.metadata or {}).get("family", HINT_FAMILY))


def _log_files(log_paths: list[str]) -> list[str]:
    files: list[str] = []
    for given in log_paths:
        path = Path(given)
        if path.is_file():
            files.append(str(path))
        elif path.is_dir():
            files += [info.name.removeprefix("file://") for info in list_eval_logs(str(path))]
        else:
            raise ReportInputError(f"{given}: no such folder or log file")
    if not files:
        raise ReportInputError(
            f"no Inspect logs (.eval or .json) in {', '.join(log_paths)}; "
            "give the folder that `inspect eval` wrote them to"
        )
    return sorted(set(files))


def _expected_samples(header: EvalLog) -> int:
    """How many samples the run was asked for, all epochs, whether or not it finished."""
    if header.results is not None and header.results.total_samples:
        return header.results.total_samples
    config = header.eval.config
    samples = header.eval.dataset.samples or 0
    if isinstance(config.limit, int):
        samples = min(samples, config.limit)
    elif isinstance(config.limit, tuple):
        samples = min(samples, config.limit[1] - config.limit[0])
    if isinstance(config.sample_id, list):
        samples = len(config.sample_id)
    elif config.sample_id is not None:
        samples = 1
    return samples * (config.epochs or 1)


def _read_all(
    suite_logs: list[tuple[EvalLog, LogNote]], readers: Mapping[str, RowReader]
) -> list[tuple[pd.DataFrame | None, int, str]]:
    """Read the logs' sample summaries, one process per core for large folders: reading
    is CPU-bound (validating every summary) and logs are independent. A progress bar on
    the terminal's error stream follows a large folder."""
    jobs = []
    for header, note in suite_logs:
        reader = readers[family(header)]
        fields = {
            "log": note.path,
            "created": header.eval.created,
            "model": header.eval.model,
            "task": header.eval.task,
            **reader.header_fields(header),
        }
        jobs.append((note.path, fields, reader))
    total = sum(note.total for _, note in suite_logs)
    workers = min(len(jobs), os.cpu_count() or 1)
    large = total >= PARALLEL_FROM_SAMPLES
    with Progress(
        *Progress.get_default_columns(),
        console=Console(stderr=True),
        transient=True,
        disable=not (large and sys.stderr.isatty()),
    ) as progress:
        reading = progress.add_task(f"reading {len(jobs)} logs", total=len(jobs))
        results = []
        if workers < 2 or not large:
            rows: Iterable[tuple[pd.DataFrame | None, int, str]] = (_log_rows(*job) for job in jobs)
            for result in rows:
                results.append(result)
                progress.advance(reading)
            return results
        with ProcessPoolExecutor(workers) as pool:
            for result in pool.map(_log_rows, *zip(*jobs, strict=True)):
                results.append(result)
                progress.advance(reading)
        return results


def _log_rows(
    location: str, fields: dict[str, Any], reader: RowReader
) -> tuple[pd.DataFrame | None, int, str]:
    """One log's rows, how many samples completed, and any problem with its scores.

    A log whose sample summaries are damaged (its header intact) is read sample by sample
    instead; when that fails too, the log is reported as unreadable, and the rest stand."""
    try:
        summaries: list[Any] = list(read_eval_log_sample_summaries(location))
        damaged = ""
    except Exception as error:
        summaries, damaged = [], f"sample summaries damaged ({type(error).__name__})"
    if damaged or _shortened(summaries, reader):
        try:
            full = read_eval_log(location, exclude_fields={"events", "messages", "store"})
            summaries = list(full.samples or [])
        except Exception as second:
            cause = damaged or "sample summaries shortened"
            return None, 0, f"{UNREADABLE} {cause}, samples too ({type(second).__name__})"
        if damaged:
            damaged += "; read the samples instead"
    rows = []
    completed = invalid = 0
    for summary in summaries:
        columns = {
            name: score
            for name, score in (summary.scores or {}).items()
            if reader.column.match(name)
        }
        if summary.error or not columns:
            continue
        completed += 1
        for scorer, score in columns.items():
            try:
                row = reader.row(score.metadata or {}, fields)
            except ValidationError:
                invalid += 1
                continue
            base = {**fields, "sample_id": str(summary.id), "epoch": summary.epoch}
            rows.append({**base, "scorer": scorer, **row})
    problems = [damaged] if damaged else []
    if invalid:
        problems.append(
            f"{invalid} scores whose metadata is not a {reader.record_name} were left out"
        )
    return (pd.DataFrame(rows) if rows else None), completed, "; ".join(problems)


def _shortened(summaries: list[Any], reader: RowReader) -> bool:
    """Whether a summary lost part of a family's record (a metadata value over 1 KB, as
    the monitor readings were before each got a key of their own): the samples hold it."""
    return any(
        isinstance(value, str) and value.startswith(SHORTENED)
        for summary in summaries
        for name, score in (summary.scores or {}).items()
        if reader.column.match(name)
        for value in (score.metadata or {}).values()
    )
