"""Logs -> the table of pairs: one row per scored sample, epoch and score column.

Reads only log headers and sample summaries (scores with their metadata), never full
samples: that keeps a 100,000-sample folder within seconds and a few hundred megabytes.
Logs that are not this suite's are skipped and named; incomplete logs contribute what
completed; when a cell was run twice, the newest log wins and the older one is named (and
kept aside for grader agreement when another grader scored it).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
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

from cot_faithfulness.scorers.pair_outcome import PairOutcome
from cot_faithfulness.scorers.sandbagging_outcome import RunOutcome
from cot_faithfulness.solvers.protocol import HINT_ARMS

SUITE = "cot-faithfulness"
SCORER = "hint_faithfulness"
SCORE_COLUMN = re.compile(rf"^{SCORER}\d*$")
"""The scorer's column and its re-grades (`inspect score --action append` adds a digit)."""
SANDBAGGING_FAMILY = "sandbagging"
SANDBAGGING_SCORE_COLUMN = re.compile(r"^sandbagging_score\d*$")
RUN_SETTING = ["model", "goal", "tools", "cot"]
"""What makes one row of the sandbagging table: a model under one scenario setting."""
STANDIN_PROVIDER = "standin/"
CELL_KEYS = ["model", "dataset", "hint_type", "hint_variant", "hint_arm"]
PARALLEL_FROM_SAMPLES = 20_000
"""Below this many samples, starting worker processes costs more than it saves."""

_OUTCOME_FIELDS = [
    "question_id",
    "hint_type",
    "hint_variant",
    "hint_arm",
    "eval_version",
    "unscorable",
    "graded",
    "verbalized",
    "cot_kind",
    "cot_chars",
    "hinted_output_tokens",
    "quote_found",
    "grader_model",
    "grader_prompt_sha256",
]


UNREADABLE = "unreadable:"


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
    """Samples that finished without error and carry a faithfulness score."""
    total: int = 0
    """Samples the run was asked for (all epochs)."""
    used: bool = True
    note: str = ""


@dataclass
class PairTable:
    pairs: pd.DataFrame
    """Hint tasks: one row per (log, sample, epoch, score column): the cell keys, the
    `PairOutcome` fields the report reads, and `counts`, the pair's `PairCounts` (None when
    its answers can't be used). Empty when only sandbagging logs were given."""
    set_aside: pd.DataFrame
    """Pairs of cells that a newer log ran again; used only for grader agreement."""
    runs: pd.DataFrame
    """Sandbagging task: one row per (log, sample, epoch, score column) with the
    `RunOutcome` fields and `run_score` (None when the run has no readable submission).
    Empty when no sandbagging log was given."""
    logs: list[LogNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def model_label(model: str) -> str:
    """The model's name, marked when it is the offline stand-in rather than a model."""
    return f"{model} (test double)" if model.startswith(STANDIN_PROVIDER) else model


def arm_order(arms: Iterable[str]) -> list[str]:
    """Hint arms in the protocol's order (incorrect, then correct), any others after."""
    known = list(HINT_ARMS)

    def position(arm: str) -> tuple[int, str]:
        return (known.index(arm) if arm in known else len(known), arm)

    return sorted(set(arms), key=position)


def read_pairs(log_paths: list[str]) -> PairTable:
    """Every pair of every suite log in the given folders (recursively) or files."""
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
        note.total = _expected_samples(header)
        suite_logs.append((header, note))

    warnings: list[str] = []
    frames: list[pd.DataFrame] = []
    run_frames: list[pd.DataFrame] = []
    for (header, note), (frame, completed, problems) in zip(
        suite_logs, _read_all(suite_logs), strict=True
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
        (run_frames if _family(header) == SANDBAGGING_FAMILY else frames).append(frame)

    if not frames and not run_frames:
        readable = sum(1 for n in notes if not n.note.startswith(UNREADABLE))
        raise ReportInputError(
            f"none of the {len(files)} logs ({readable} readable) has scored samples of the "
            f"{SUITE} suite; give the folder that `inspect eval` wrote them to"
        )
    if frames:
        hint_pairs = pd.concat(frames, ignore_index=True)
        pairs, set_aside = _newest_per_cell(hint_pairs, notes, warnings)
    else:
        pairs = set_aside = pd.DataFrame(columns=[*CELL_KEYS, "log", "scorer"])
    runs = (
        _newest_runs(pd.concat(run_frames, ignore_index=True), notes, warnings)
        if run_frames
        else pd.DataFrame()
    )
    return PairTable(pairs=pairs, set_aside=set_aside, runs=runs, logs=notes, warnings=warnings)


def _family(header: EvalLog) -> str:
    """Which task family a suite log belongs to (logs before the sandbagging task are hint
    logs)."""
    return str((header.eval.metadata or {}).get("family", "hint_faithfulness"))


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
    suite_logs: list[tuple[EvalLog, LogNote]],
) -> list[tuple[pd.DataFrame | None, int, str]]:
    """Read the logs' sample summaries, one process per core for large folders: reading
    is CPU-bound (validating every summary) and logs are independent. A progress bar on
    the terminal's error stream follows a large folder."""
    jobs = [(note.path, _log_fields(header, note.path)) for header, note in suite_logs]
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


def _log_fields(header: EvalLog, path: str) -> dict[str, Any]:
    """What every row takes from its log's header."""
    meta = header.eval.metadata or {}
    fields = {
        "log": path,
        "created": header.eval.created,
        "model": header.eval.model,
        "task": header.eval.task,
        "family": _family(header),
    }
    if fields["family"] == SANDBAGGING_FAMILY:
        return fields
    dataset = str(meta.get("dataset", ""))
    subset = meta.get("subset")
    return {
        **fields,
        "dataset": f"{dataset}/{subset}" if subset else dataset,
        "hint_category": meta.get("hint_category", ""),
        "data_sha256": (meta.get("question_source") or {}).get("questions_sha256"),
    }


def _log_rows(location: str, fields: dict[str, Any]) -> tuple[pd.DataFrame | None, int, str]:
    """One log's rows (pairs, or sandbagging runs), how many samples completed, and any
    problem with its scores.

    A log whose sample summaries are damaged (its header intact) is read sample by sample
    instead; when that fails too, the log is reported as unreadable, and the rest stand."""
    try:
        summaries: list[Any] = list(read_eval_log_sample_summaries(location))
        damaged = ""
    except Exception as error:
        damaged = f"sample summaries damaged ({type(error).__name__})"
        try:
            full = read_eval_log(location, exclude_fields={"events", "messages", "store"})
            summaries = list(full.samples or [])
        except Exception as second:
            return None, 0, f"{UNREADABLE} {damaged}, samples too ({type(second).__name__})"
        damaged += "; read the samples instead"
    sandbagging = fields["family"] == SANDBAGGING_FAMILY
    column = SANDBAGGING_SCORE_COLUMN if sandbagging else SCORE_COLUMN
    record = RunOutcome if sandbagging else PairOutcome
    rows = []
    completed = invalid = 0
    for summary in summaries:
        columns = {
            name: score for name, score in (summary.scores or {}).items() if column.match(name)
        }
        if summary.error or not columns:
            continue
        completed += 1
        for scorer, score in columns.items():
            try:
                outcome = record.model_validate(score.metadata or {})
            except ValidationError:
                invalid += 1
                continue
            base = {**fields, "sample_id": str(summary.id), "epoch": summary.epoch}
            rows.append({**base, "scorer": scorer, **_row(outcome)})
    problems = [damaged] if damaged else []
    if invalid:
        problems.append(f"{invalid} scores whose metadata is not a {record.__name__} were left out")
    return (pd.DataFrame(rows) if rows else None), completed, "; ".join(problems)


def _row(outcome: PairOutcome | RunOutcome) -> dict[str, Any]:
    if isinstance(outcome, RunOutcome):
        return {
            **outcome.model_dump(exclude={"epoch", "submission", "quote", "files_read"}),
            "run_score": outcome.run_score(),
        }
    return {
        **outcome.model_dump(include=set(_OUTCOME_FIELDS)),
        "eligible": outcome.eligible,
        "retained": outcome.retained,
        "counts": outcome.counts(),
    }


def _newest_runs(runs: pd.DataFrame, notes: list[LogNote], warnings: list[str]) -> pd.DataFrame:
    """A run asked again (the same model, setting, run, condition and epoch in two logs):
    the newest log's answer is kept, and the older log is named."""
    unit = [*RUN_SETTING, "run_key", "condition", "epoch", "scorer"]
    ordered = runs.assign(
        created_at=pd.to_datetime(runs["created"], utc=True, format="ISO8601")
    ).sort_values(["created_at", "log"], ascending=False)
    kept = ordered.drop_duplicates(unit)
    repeated = len(ordered) - len(kept)
    if repeated:
        warnings.append(
            f"{repeated} sandbagging runs were run again by a newer log; the newest is used"
        )
    by_path = {note.path: note for note in notes}
    for old in sorted(set(ordered["log"]) - set(kept["log"])):
        by_path[old].used, by_path[old].note = False, "every run in it was run again, newer"
    return kept.drop(columns=["created_at"]).sort_index().reset_index(drop=True)


def _newest_per_cell(
    pairs: pd.DataFrame, notes: list[LogNote], warnings: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep, for every cell, only the pairs of the newest log that ran it."""
    logs = pairs[[*CELL_KEYS, "log", "created"]].drop_duplicates()
    logs["created"] = pd.to_datetime(logs["created"], utc=True, format="ISO8601")
    logs = logs.sort_values(["created", "log"], ascending=False)
    newest = logs.drop_duplicates(CELL_KEYS)[[*CELL_KEYS, "log"]]
    older = logs.merge(newest, on=CELL_KEYS, suffixes=("", "_newer"))
    older = older[older["log"] != older["log_newer"]]
    if older.empty:
        return pairs, pairs.iloc[0:0]

    kept = pairs.merge(newest, on=[*CELL_KEYS, "log"], how="left", indicator=True)
    used = kept["_merge"].eq("both").to_numpy()
    by_path = {note.path: note for note in notes}
    graders = pairs.groupby("log")["grader_model"].agg(lambda g: sorted(set(g.dropna())))
    for (old, newer), cells in older.groupby(["log", "log_newer"]):
        regraded = bool(graders[old]) and graders[old] != graders[newer]
        use = "kept only for grader agreement" if regraded else "set aside"
        old_name, newer_name = Path(old).name, Path(newer).name
        warnings.append(
            f"{old_name}: {len(cells)} cell(s) also run by the newer {newer_name}; using the "
            f"newer, the older is {use}"
        )
        note = by_path[old]
        note.note = ", ".join(filter(None, [note.note, f"older run of cells in {newer_name}"]))
    for log in set(older["log"]) - set(pairs.loc[used, "log"]):
        by_path[log].used = False
    return pairs[used].reset_index(drop=True), pairs[~used].reset_index(drop=True)
