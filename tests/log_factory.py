"""Synthetic suite logs with chosen outcomes, for the report's tests and its benchmark.

A log written here has what a real hint-task log has where the report looks: the task
metadata and, per sample, a `hint_faithfulness` score whose metadata is a `PairRecord`.
Nothing else (no prompts, no events), so 100,000 samples are quick to write, and a
million with `write_zip_log`.
"""

from __future__ import annotations

import hashlib
import json
import math
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
from inspect_ai.log import (
    EvalConfig,
    EvalDataset,
    EvalError,
    EvalLog,
    EvalSample,
    EvalSpec,
    write_eval_log,
)
from inspect_ai.log._util import thin_metadata
from inspect_ai.scorer import Score

from cot_faithfulness.scorers.hints.hint_catalogue import get_hint
from cot_faithfulness.scorers.hints.monitor_prompts import MONITOR_VERSION
from cot_faithfulness.scorers.hints.monitor_record import MonitorReading, MonitorRecord
from cot_faithfulness.scorers.hints.pair_record import EVAL_VERSION, PairRecord

CREATED = "2026-11-22T10:00:00+00:00"


@dataclass(frozen=True)
class Pair:
    """One scored pair, as a test states it: answers without and with the hint, the hint
    and correct letters, and the grader's verdict (None: not graded)."""

    question: str
    unhinted: str | None
    hinted: str | None
    hint: str
    correct: str = "A"
    verbalized: bool | None = None
    unscorable: str | None = None
    arm: str = "incorrect"
    epoch: int = 1
    tokens: int | None = 100
    chars: int = 400
    cot_kind: str = "raw"
    grader: str | None = "offline_grader/rules"
    grader_prompt: str = "prompt-v1"
    eval_version: str = EVAL_VERSION
    quote_found: bool | None = None
    error: str | None = None
    """The sample failed with this message: no scores, as in a real log."""
    content: str | None = None
    """Stands for the question's text and options: pairs pair up only on equal content."""
    monitors: tuple[tuple[str, bool | None, bool | None], ...] = ()
    """Each monitor's verdicts (Z) on the unhinted and the hinted side, by monitor name;
    None: the monitor failed on that side."""
    monitor_model: str = "offline_grader/rules"
    monitor_prompt: str = "monitor-prompt-v1"
    """Stands for the monitor prompt; its sha256 is recorded."""
    monitor_version: str = MONITOR_VERSION

    def readings(self) -> dict[str, MonitorRecord]:
        def reading(flagged: bool | None) -> MonitorReading:
            if flagged is None:
                return MonitorReading(attempts=2, problem="monitor_failed")
            return MonitorReading(flagged=flagged, choice="A" if flagged else "D", attempts=1)

        return {
            name: MonitorRecord(
                monitor_version=self.monitor_version,
                monitor_model=self.monitor_model,
                prompt_sha256=hashlib.sha256(f"{name}:{self.monitor_prompt}".encode()).hexdigest(),
                unhinted=reading(unhinted),
                hinted=reading(hinted),
            )
            for name, unhinted, hinted in self.monitors
        }

    def outcome(self, hint_type: str, variant: str) -> PairRecord:
        graded = self.verbalized is not None
        return PairRecord(
            eval_version=self.eval_version,
            question_id=self.question,
            question_sha256=self.content and hashlib.sha256(self.content.encode()).hexdigest(),
            hint_type=hint_type,
            hint_variant=variant,
            hint_arm=self.arm,
            hint_letter=self.hint,
            correct_letter=self.correct,
            unhinted_answer=self.unhinted,
            hinted_answer=self.hinted,
            cot_kind=self.cot_kind,  # type: ignore[arg-type]
            cot_chars=self.chars,
            hinted_output_tokens=self.tokens,
            reasoning_tokens=None if self.tokens is None else self.tokens - 1,
            unscorable=self.unscorable,  # type: ignore[arg-type]
            graded=graded,
            mentions=self.verbalized,
            depends=self.verbalized,
            verbalized=self.verbalized,
            quote_found=self.quote_found,
            grader_model=self.grader if graded else None,
            grader_prompt_sha256=self.grader_prompt if graded else None,
            monitors=self.readings(),
        )


def write_log(
    folder: Path,
    model: str,
    hint_type: str,
    pairs: Sequence[Pair],
    *,
    dataset: str = "mmlu",
    subset: str | None = None,
    variant: str | None = None,
    created: str = CREATED,
    status: str = "success",
    run_error: str | None = None,
    total_samples: int | None = None,
    extra_scores: dict[str, Sequence[Pair]] | None = None,
    name: str | None = None,
    data_sha256: str | None = None,
    monitor_crossfit: bool = False,
    nested_monitors: bool = False,
) -> Path:
    """A `.eval` log of one hint task; `extra_scores` adds re-grades (`hint_faithfulness1`).

    `total_samples` is what the dataset held (more than `pairs` for a run that stopped).
    The header names the monitors the pairs carry; `nested_monitors` writes their readings
    as one `monitors` mapping, as records were written before each monitor had its own
    metadata key."""
    hint = get_hint(hint_type)
    variant_name = hint.variant(variant).name
    monitors = sorted({name for pair in pairs for name, _, _ in pair.monitors})
    samples = []
    for index, pair in enumerate(pairs):
        score = _score(pair.outcome(hint_type, variant_name), nested_monitors)
        scores = {"hint_faithfulness": score}
        for scorer, regraded in (extra_scores or {}).items():
            scores[scorer] = _score(regraded[index].outcome(hint_type, variant_name))
        error = pair.error and EvalError(message=pair.error, traceback="", traceback_ansi="")
        samples.append(
            EvalSample(
                id=f"{pair.question}/{pair.arm}",
                epoch=pair.epoch,
                input="(synthetic)",
                target=pair.correct,
                scores=None if error else scores,
                error=error or None,
            )
        )
    log = EvalLog(
        status=status,  # type: ignore[arg-type]
        error=run_error and EvalError(message=run_error, traceback="", traceback_ansi=""),
        eval=EvalSpec(
            created=created,
            task=f"{hint_type}_hint",
            task_version=EVAL_VERSION,
            dataset=EvalDataset(
                name=dataset, samples=total_samples or len({s.id for s in samples})
            ),
            model=model,
            config=EvalConfig(epochs=max((p.epoch for p in pairs), default=1)),
            metadata={
                "suite": "cot-faithfulness",
                "eval_version": EVAL_VERSION,
                "hint_type": hint_type,
                "hint_category": hint.category,
                "hint_variant": variant_name,
                "hint_arms": sorted({p.arm for p in pairs}),
                "dataset": dataset,
                "subset": subset,
                "seed": 0,
                "grading": "retained",
                **(
                    {
                        "monitors": monitors,
                        "monitor_version": MONITOR_VERSION,
                        "monitor_crossfit": monitor_crossfit,
                    }
                    if monitors
                    else {}
                ),
                "question_source": {"questions_sha256": data_sha256} if data_sha256 else None,
            },
        ),
        samples=samples,
    )
    stem = name or f"{model.replace('/', '-')}_{hint_type}_{variant_name}_{dataset}_{created[:19]}"
    path = folder / f"{stem.replace(':', '-')}.eval"
    write_eval_log(log, str(path))
    return path


def write_foreign_log(folder: Path, name: str = "foreign") -> Path:
    """A log of some other Inspect task (no suite metadata)."""
    log = EvalLog(
        eval=EvalSpec(
            created=CREATED,
            task="other_task",
            dataset=EvalDataset(),
            model="openai/other",
            config=EvalConfig(),
        )
    )
    path = folder / f"{name}.eval"
    write_eval_log(log, str(path))
    return path


def _score(outcome: PairRecord, nested_monitors: bool = False) -> Score:
    metadata = outcome.model_dump() if nested_monitors else outcome.metadata()
    return Score(value=outcome.value(), metadata=metadata)


def write_zip_log(
    folder: Path,
    model: str,
    hint_type: str,
    pairs: Sequence[Pair],
    *,
    dataset: str = "mmlu",
    created: str = CREATED,
    name: str | None = None,
) -> Path:
    """The log `write_log` writes, written member by member (header, summaries, samples)
    without building Inspect's objects: a million samples take minutes, not hours.

    The header and the members' shape are those of a `write_log` log of one pair per kind
    (arm, monitors, epoch, errored or not), so the format is Inspect's own; each pair's
    score is its `PairRecord`, as `write_log` writes it, and its summary is thinned by
    Inspect's `thin_metadata`."""
    kinds = {(p.arm, p.monitors, p.epoch, p.error is None): p for p in pairs}
    samples = len({(p.question, p.arm) for p in pairs})
    with tempfile.TemporaryDirectory() as scratch:
        shape = write_log(
            Path(scratch),
            model,
            hint_type,
            list(kinds.values()),
            dataset=dataset,
            created=created,
            total_samples=samples,
        )
        with zipfile.ZipFile(shape) as source:
            header = source.read("header.json")
            start = source.read("_journal/start.json")
            scored = json.loads(source.read("summaries.json"))[0]
            sample = json.loads(source.read(source.namelist()[1]))
    for unused in ("scores", "error"):
        scored.pop(unused, None)
        sample.pop(unused, None)
    variant = get_hint(hint_type).variant(None).name
    stem = name or f"{created[:19]}_{hint_type.replace('_', '-')}-hint_{model}-{dataset}"
    path = folder / f"{stem.replace(':', '-').replace('/', '-')}.eval"
    summaries = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        target.writestr("_journal/start.json", start)
        for pair in pairs:
            sample_id = f"{pair.question}/{pair.arm}"
            item = {"id": sample_id, "epoch": pair.epoch, "target": pair.correct}
            if pair.error:
                error = {"message": pair.error, "traceback": "", "traceback_ansi": ""}
                summary = {**scored, **item, "error": pair.error}
                full = {**sample, **item, "error": error}
            else:
                record = pair.outcome(hint_type, variant)
                value = {k: MARK_NAN if math.isnan(v) else v for k, v in record.value().items()}
                metadata = record.metadata()
                score = {"value": value, "metadata": metadata, "history": []}
                thinned = {**score, "metadata": thin_metadata(metadata)}
                summary = {**scored, **item, "scores": {"hint_faithfulness": thinned}}
                full = {**sample, **item, "scores": {"hint_faithfulness": score}}
            summaries.append(summary)
            member = f"samples/{sample_id}_epoch_{pair.epoch}.json"
            target.writestr(member, _nan(msgspec.json.encode(full)))
        target.writestr("summaries.json", _nan(msgspec.json.encode(summaries)))
        target.writestr("header.json", header)
    return path


MARK_NAN = "\x00NaN"
"""Stands for NaN until the JSON is written: msgspec writes NaN as null, Inspect as NaN."""


def _nan(data: bytes) -> bytes:
    return data.replace(b'"\\u0000NaN"', b"NaN")
