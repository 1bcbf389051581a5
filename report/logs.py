"""Log folders, local or at any fsspec URL Inspect accepts for `--log-dir` (`s3://...`),
-> each family's rows: one row per scored sample, epoch and score column.

Reads only log headers and sample summaries (scores with their metadata), never full
samples, straight from the `.eval` zip members (`eval_zip`), with Inspect's reader for the
logs that reader does not know; logs are read in parallel, one process per core, and a log
read before and unchanged since is taken from the row cache (`row_cache`) when one is given.
Logs that are not this suite's are skipped and named; incomplete logs contribute what
completed; a log whose sample summaries are damaged is read sample by sample instead. What
a row holds is the family's business (`RowReader`): each family reads its own record.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fsspec
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

from cot_faithfulness.report import eval_zip
from cot_faithfulness.report.eval_zip import SHORTENED, Summary
from cot_faithfulness.report.row_cache import LogFile, RowCache

SUITE = "cot-faithfulness"
HINT_FAMILY = "hint_faithfulness"
"""The family a suite log belongs to when its header names none (logs before the second
family)."""
STANDIN_PROVIDER = "standin/"
PARALLEL_FROM_BYTES = 4_000_000
"""Below this many bytes of logs to read (about 20,000 samples of the hint tasks), starting
worker processes costs more than it saves."""
LOG_SUFFIXES = (".eval", ".json")
UNREADABLE = "unreadable:"
NOT_OF_SUITE = "not a log of this suite"


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
    error: str = ""
    """The first line of the error a run stopped with, if it did."""


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


@dataclass
class LogRows:
    """What one log gave: its note, its family's rows (None: none) and the warnings it
    raises. What the row cache keeps of a log."""

    note: LogNote
    family: str = ""
    frame: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)


def read_suite_logs(
    log_paths: list[str],
    readers: Mapping[str, RowReader],
    cache: RowCache | None = None,
) -> SuiteRows:
    """Every scored sample of every suite log in the given folders (recursively), files or
    URLs, as the rows of its family; logs unchanged since `cache` saw them are not read
    again."""
    files = log_files(log_paths)
    results = _read_all(files, readers, cache, remote=any(_is_remote(p) for p in log_paths))
    warnings: list[str] = []
    frames: dict[str, list[pd.DataFrame]] = {}
    for result in results:
        warnings += result.warnings
        if result.frame is not None:
            frames.setdefault(result.family, []).append(result.frame)
    notes = [result.note for result in results]
    if not frames:
        stopped = [n for n in notes if n.status in ("error", "cancelled") and n.total]
        if stopped:
            first = stopped[0]
            raise ReportInputError(
                f"no log here has scored samples: {len(stopped)} of this suite stopped before "
                f"any sample was scored ({Path(first.path).name}: {first.status}"
                + (f", {first.error}" if first.error else "")
                + "); `inspect eval-retry LOG` runs what is left"
            )
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


def log_files(log_paths: list[str]) -> list[LogFile]:
    """The log files in the given folders (recursively), files or URLs, each with what
    tells whether it changed (size and modification time)."""
    files: dict[str, LogFile] = {}
    for given in log_paths:
        for found in _listed(given):
            files.setdefault(found.location, found)
    if not files:
        raise ReportInputError(
            f"no Inspect logs (.eval or .json) in {', '.join(log_paths)}; "
            "give the folder that `inspect eval` wrote them to"
        )
    return [files[location] for location in sorted(files)]


def _listed(given: str) -> list[LogFile]:
    if not _is_remote(given):
        path = Path(given.removeprefix("file://"))
        if path.is_file():
            stat = path.stat()
            return [LogFile(str(path), stat.st_size, stat.st_mtime)]
        if path.is_dir():
            return [_log_file(info) for info in list_eval_logs(str(path))]
        raise ReportInputError(f"{given}: no such folder or log file")
    try:
        fs, path = fsspec.core.url_to_fs(given)
        if not fs.exists(path):
            raise ReportInputError(f"{given}: no such folder or log file")
        if given.endswith(LOG_SUFFIXES) and fs.isfile(path):
            info = fs.info(path)
            return [LogFile(given, int(info.get("size") or 0), _modified(info))]
        return [_log_file(info) for info in list_eval_logs(given)]
    except ReportInputError:
        raise
    except ImportError as error:
        raise ReportInputError(f"{given}: cannot read this kind of URL ({error})") from None
    except ValueError as error:
        raise ReportInputError(f"{given}: {_first_line(error)}") from None
    except Exception as error:  # the store's own errors: credentials, network, no bucket
        raise ReportInputError(
            f"{given}: cannot list the logs ({type(error).__name__}: {_first_line(error)})"
        ) from None


def _log_file(info: Any) -> LogFile:
    return LogFile(info.name.removeprefix("file://"), info.size, info.mtime)


def _modified(info: Mapping[str, Any]) -> float | str | None:
    """A remote file's version: its ETag where the store gives one, else its time."""
    stamp = info.get("ETag") or info.get("LastModified") or info.get("mtime")
    return stamp if stamp is None or isinstance(stamp, float | str) else str(stamp)


def _is_remote(location: str) -> bool:
    return "://" in location and not location.startswith("file://")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


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
    files: list[LogFile], readers: Mapping[str, RowReader], cache: RowCache | None, remote: bool
) -> list[LogRows]:
    """Each log's rows: from the cache where it holds the log as it is now, else read, one
    process per core for large folders (reading is CPU-bound: parsing and validating every
    record; logs are independent). Progress goes to the terminal's error stream: a bar on a
    terminal for large or remote folders, and for remote ones a line at start and end."""
    results: dict[int, LogRows] = {}
    if cache is not None:
        for index, file in enumerate(files):
            cached = cache.get(file)
            if cached is not None:
                results[index] = cached
    missing = [index for index in range(len(files)) if index not in results]
    size = sum(files[index].size for index in missing)
    workers = min(len(missing), os.cpu_count() or 1)
    large = size >= PARALLEL_FROM_BYTES
    if remote:
        print(
            f"faithfulness-report: reading {len(missing)} of {len(files)} logs "
            f"({len(files) - len(missing)} unchanged since the last report)",
            file=sys.stderr,
            flush=True,
        )
    with Progress(
        *Progress.get_default_columns(),
        console=Console(stderr=True),
        transient=True,
        disable=not ((large or remote) and sys.stderr.isatty()),
    ) as progress:
        reading = progress.add_task(f"reading {len(missing)} logs", total=len(missing))
        fresh = _read_missing(missing, files, readers, workers, large)
        for index, result in zip(missing, fresh, strict=True):
            results[index] = result
            if cache is not None:
                cache.put(files[index], result)
            progress.advance(reading)
    if cache is not None:
        cache.prune()
    return [results[index] for index in range(len(files))]


def _read_missing(
    missing: list[int],
    files: list[LogFile],
    readers: Mapping[str, RowReader],
    workers: int,
    large: bool,
) -> Iterator[LogRows]:
    locations = [files[index].location for index in missing]
    if workers < 2 or not large:
        yield from (read_log(location, readers) for location in locations)
        return
    with ProcessPoolExecutor(workers) as pool:
        yield from pool.map(read_log, locations, [readers] * len(locations))


def read_log(location: str, readers: Mapping[str, RowReader]) -> LogRows:
    """One log's rows and note: read from its zip members where `eval_zip` knows the log,
    else with Inspect's reader."""
    with _no_cycle_collection():
        return _read_log(location, readers)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: reading a log builds a few small objects per field
    of every record (a million records: tens of millions), none in a cycle, freed by their
    reference counts; the collector would walk them again and again as they pile up, a
    fifth of the reading time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_log(location: str, readers: Mapping[str, RowReader]) -> LogRows:
    note = LogNote(path=location)
    try:
        header, summaries = _read_fast(location, readers)
    except Exception:  # not known, or damaged: Inspect's reader reads it or says why not
        try:
            header = read_eval_log(location, header_only=True)
        except Exception as error:  # a damaged or foreign file must not stop the report
            note.used, note.note = False, f"{UNREADABLE} header ({type(error).__name__})"
            return LogRows(note)
        summaries = None
    note.task, note.model, note.status = header.eval.task, header.eval.model, header.status
    if (header.eval.metadata or {}).get("suite") != SUITE:
        note.used, note.note = False, NOT_OF_SUITE
        return LogRows(note)
    if header.error is not None:
        note.error = next(iter(header.error.message.strip().splitlines()), "")
    if family(header) not in readers:
        note.used, note.note = False, f"family {family(header)!r} is not read by this report"
        return LogRows(note)
    note.total = _expected_samples(header)
    reader = readers[family(header)]
    fields = {
        "log": location,
        "created": header.eval.created,
        "model": header.eval.model,
        "task": header.eval.task,
        **reader.header_fields(header),
    }
    frame, completed, problems = _log_rows(location, fields, reader, summaries)
    name = Path(location).name
    if frame is None and problems.startswith(UNREADABLE):
        note.used, note.note = False, problems
        return LogRows(note, warnings=[f"{name}: {problems}; left out"])
    warnings = []
    note.completed = completed
    if note.completed < note.total or note.status not in ("success", ""):
        note.note = f"{note.status}: {note.completed} of {note.total} samples completed"
        warnings.append(f"{name}: {note.note}; using what completed")
    if problems:
        warnings.append(f"{name}: {problems}")
    if frame is None:
        note.used = False
        note.note = ", ".join(filter(None, [note.note, "no scored samples"]))
    return LogRows(note, family(header), frame, warnings)


def _read_fast(
    location: str, readers: Mapping[str, RowReader]
) -> tuple[EvalLog, list[Summary] | None]:
    """The header and, for a log of a family read here, its summaries, from the zip (None
    when a summary may have lost part of a record: the samples are read instead)."""
    with eval_zip.open_zip(location) as archive:
        header = eval_zip.read_header(archive)
        suite = (header.eval.metadata or {}).get("suite") == SUITE
        reader = readers.get(family(header)) if suite else None
        if reader is None:
            return header, None
        summaries, shortened = eval_zip.read_summaries(archive, reader.column)
        return header, None if shortened else summaries


def _inspect_summaries(location: str, reader: RowReader) -> list[Summary]:
    """The sample summaries as Inspect's reader gives them."""
    return [
        _summary(item, reader, failed=bool(item.error))
        for item in read_eval_log_sample_summaries(location)
    ]


def _inspect_samples(location: str, reader: RowReader) -> list[Summary]:
    """The samples themselves, without their transcripts, as summaries."""
    full = read_eval_log(location, exclude_fields={"events", "messages", "store"})
    return [_summary(item, reader, failed=item.error is not None) for item in full.samples or []]


def _summary(item: Any, reader: RowReader, failed: bool) -> Summary:
    scores = {
        name: score.metadata or {}
        for name, score in (item.scores or {}).items()
        if reader.column.match(name)
    }
    return Summary(str(item.id), item.epoch, failed, scores)


def _log_rows(
    location: str, fields: dict[str, Any], reader: RowReader, summaries: list[Summary] | None
) -> tuple[pd.DataFrame | None, int, str]:
    """One log's rows, how many samples completed, and any problem with its scores.

    `summaries` None: read them with Inspect's reader (given, they are whole). A log whose
    sample summaries are damaged (its header intact) or shortened is read sample by sample
    instead; when that fails too, the log is reported as unreadable, and the rest stand."""
    damaged = ""
    shortened = False
    if summaries is None:
        try:
            summaries = _inspect_summaries(location, reader)
            shortened = _shortened(summaries)
        except Exception as error:
            summaries, damaged = [], f"sample summaries damaged ({type(error).__name__})"
    if damaged or shortened:
        try:
            summaries = _inspect_samples(location, reader)
        except Exception as second:
            cause = damaged or "sample summaries shortened"
            return None, 0, f"{UNREADABLE} {cause}, samples too ({type(second).__name__})"
        if damaged:
            damaged += "; read the samples instead"
    rows = []
    completed = invalid = 0
    for summary in summaries:
        if summary.failed or not summary.scores:
            continue
        completed += 1
        for scorer, metadata in summary.scores.items():
            try:
                row = reader.row(metadata, fields)
            except ValidationError:
                invalid += 1
                continue
            base = {**fields, "sample_id": summary.id, "epoch": summary.epoch}
            rows.append({**base, "scorer": scorer, **row})
    problems = [damaged] if damaged else []
    if invalid:
        problems.append(
            f"{invalid} scores whose metadata is not a {reader.record_name} were left out"
        )
    return (pd.DataFrame(rows) if rows else None), completed, "; ".join(problems)


def _shortened(summaries: list[Summary]) -> bool:
    """Whether a summary lost part of a family's record (a metadata value over 1 KB, as
    the monitor readings were before each got a key of their own): the samples hold it."""
    return any(
        isinstance(value, str) and value.startswith(SHORTENED)
        for summary in summaries
        for metadata in summary.scores.values()
        for value in metadata.values()
    )
