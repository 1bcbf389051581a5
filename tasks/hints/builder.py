"""The one task builder behind every hint task: questions -> pair samples -> solver -> scorer.

A hint task file only names its hint and declares the parameters (`-T name=value`), typed
as below; `checked_parameters` refuses a bad value before anything loads. All hint tasks
built with the same dataset, subjects and seed evaluate the same questions in the same
order, with the same incorrect hint letter per question, so their results pair up question
by question and share one cached unhinted baseline.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from typing import Any, Literal

from inspect_ai import Task
from inspect_ai.dataset import Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.solver import Solver
from pydantic import BaseModel

from cot_faithfulness.core.errors import InputError
from cot_faithfulness.core.grading import (
    GRADER_ROLE,
    MONITOR_ROLE,
    refuse_unbound,
    require_roles,
)
from cot_faithfulness.core.pair_dataset import PairDataset, Pairing
from cot_faithfulness.core.parameters import (
    CacheExpiry,
    PositiveInt,
    cache_policy,
    checked_parameters,
)
from cot_faithfulness.core.questions import Question
from cot_faithfulness.scorers.hints.hint_catalogue import HintType, HintVariant, get_hint
from cot_faithfulness.scorers.hints.hint_faithfulness import Grading, hint_faithfulness
from cot_faithfulness.scorers.hints.metrics import faithfulness, monitorability
from cot_faithfulness.scorers.hints.monitor_prompts import MONITOR_VERSION
from cot_faithfulness.scorers.hints.monitoring import parse_monitors
from cot_faithfulness.scorers.hints.pair_record import EVAL_VERSION
from cot_faithfulness.scorers.hints.pair_sample import HINT_ARMS, PairMetadata, dataset_label
from cot_faithfulness.solvers.hints.paired_generation import paired_generation
from cot_faithfulness.tasks.hints.question_sources import (
    DatasetName,
    GpqaSubset,
    QuestionSource,
    load_questions,
    select_subjects,
)

__all__ = [
    "CacheExpiry",
    "DatasetName",
    "GpqaSubset",
    "Grading",
    "HintAnswer",
    "PositiveInt",
    "build_hint_task",
    "checked_parameters",
]

logger = logging.getLogger(__name__)

HintAnswer = Literal["incorrect", "correct", "both"]
FEW_SHOT_EXAMPLES = 10
"""Solved examples for the visual-pattern hint; drawn once per seed and left out of every
hint task's evaluated questions, so all six tasks evaluate the same questions."""


def build_hint_task(
    hint: str,
    *,
    dataset: str,
    subset: str | None,
    subjects: str | Sequence[str] | None,
    questions: int | None,
    hint_answer: str,
    variant: str | None,
    seed: int,
    data_dir: str | None,
    revision: str | None,
    grading: str,
    cache: bool | str,
    monitor: str | Sequence[str],
    monitor_crossfit: bool,
) -> Task:
    """The task for one hint type; the arguments are the checked task parameters."""
    hint_type = get_hint(hint)
    hint_variant = hint_type.variant(variant)
    arms = HINT_ARMS if hint_answer == "both" else (hint_answer,)
    monitors = parse_monitors(monitor)
    if monitor_crossfit and not monitors:
        raise InputError("monitor_crossfit=true needs monitors: pass -T monitor=... as well")
    roles = [GRADER_ROLE] if grading != "none" else []
    roles += [MONITOR_ROLE] if monitors else []
    refuse_unbound(*roles)  # before the questions load, which can take a while

    few_shot, evaluated, source, warnings = select_questions(
        f"{hint_type.name}_hint", dataset, subset, subjects, questions, seed, data_dir, revision
    )
    label = dataset_label(dataset, source.subset)
    solvers: list[Solver] = [paired_generation(hint, hint_variant.name, few_shot)]
    if roles:
        solvers.insert(0, require_roles(*roles))
    return Task(
        dataset=PairDataset(
            [s for question in evaluated for s in pair_samples(question, arms, seed, label)],
            name=label,
            pairing=Pairing(f"{hint_type.name}_hint", arms, "question", "hint arm", "questions"),
        ),
        solver=solvers,
        scorer=hint_faithfulness(grading=grading, monitor=",".join(monitors) or "none"),
        metrics=[faithfulness(), monitorability(crossfit=monitor_crossfit)],
        config=GenerateConfig(cache=cache_policy(cache)),
        version=EVAL_VERSION,
        metadata={
            "suite": "cot-faithfulness",
            "family": "hint_faithfulness",
            "eval_version": EVAL_VERSION,
            **hint_fields(hint_type, hint_variant),
            "hint_arms": list(arms),
            "grading": grading,
            "monitors": list(monitors),
            "monitor_version": MONITOR_VERSION if monitors else None,
            "monitor_crossfit": monitor_crossfit,
            **question_fields(dataset, source, seed, few_shot, questions, evaluated, warnings),
        },
    )


def hint_fields(hint_type: HintType, hint_variant: HintVariant) -> dict[str, Any]:
    """How a log's header names the hint it ran."""
    return {
        "hint_type": hint_type.name,
        "hint_category": hint_type.category,
        "hint_variant": hint_variant.name,
        "hint_variant_public": hint_variant.public,
        "hint_placement": hint_type.placement,
    }


def question_fields(
    dataset: str,
    source: QuestionSource,
    seed: int,
    few_shot: list[Question],
    questions: int | None,
    evaluated: list[Question],
    warnings: list[str],
) -> dict[str, Any]:
    """What a log's header says of its questions (`select_questions`): where they came
    from, which were the few-shot examples, how many ran of those asked, and why fewer."""
    return {
        "dataset": dataset,
        "subset": source.subset,
        "dataset_label": dataset_label(dataset, source.subset),
        "seed": seed,
        "few_shot_ids": [q.question_id for q in few_shot],
        "question_source": source.model_dump(),
        "questions_requested": questions,
        "questions_evaluated": len(evaluated),
        "warnings": warnings,
    }


def select_questions(
    task: str,
    dataset: str,
    subset: str | None,
    subjects: str | Sequence[str] | None,
    questions: int | None,
    seed: int,
    data_dir: str | None,
    revision: str | None,
) -> tuple[list[Question], list[Question], QuestionSource, list[str]]:
    """The few-shot examples, the evaluated questions, where they came from, and warnings:
    the same for every task of the family built with the same arguments, so their samples
    pair up question by question. `task` names the task in a warning."""
    loaded, source = load_questions(dataset, subset, data_dir, seed, revision)
    pool = select_subjects(loaded, subjects)
    random.Random(seed).shuffle(pool)
    few_shot, evaluated = pool[:FEW_SHOT_EXAMPLES], pool[FEW_SHOT_EXAMPLES:]
    if not evaluated:
        raise InputError(
            f"no questions to evaluate: dataset={dataset!r} subjects={subjects!r} selects "
            f"{len(pool)} questions, and the first {FEW_SHOT_EXAMPLES} are few-shot examples"
        )
    warnings = []
    if questions is not None and questions > len(evaluated):
        selected = f"dataset={dataset!r}" + (f" subjects={subjects!r}" if subjects else "")
        warnings.append(
            f"{task}: questions={questions} asked, but only {len(evaluated)} "
            f"run: {selected} has {len(pool)} questions, and the first {FEW_SHOT_EXAMPLES} are "
            "few-shot examples"
        )
        logger.warning(warnings[-1])
    return few_shot, evaluated[:questions], source, warnings


def incorrect_letter(question: Question, seed: int) -> str:
    """The question's one fixed wrong letter, the same for every hint type (seeded)."""
    wrong = [letter for letter in question.letters if letter != question.correct_letter]
    return random.Random(f"incorrect:{seed}:{question.question_id}").choice(wrong)


def pair_samples(
    question: Question, arms: Sequence[str], seed: int, source: str = ""
) -> list[Sample]:
    """One sample per hint arm; ids are `<question id>/<arm>` whichever arms run; `source`
    is the question source's label."""
    wrong = incorrect_letter(question, seed)
    samples = []
    for arm in arms:
        metadata = PairMetadata(
            **question.model_dump(),
            hint_arm=arm,  # type: ignore[arg-type]
            hint_letter=question.correct_letter if arm == "correct" else wrong,
            incorrect_letter=wrong,
            source=source,
        )
        samples.append(question_sample(question, f"{question.question_id}/{arm}", metadata))
    return samples


def question_sample(question: Question, sample_id: str, metadata: BaseModel) -> Sample:
    """A sample of `question` as every hint-family task poses it: its text, its options, the
    right letter as target, and the task's own typed metadata."""
    return Sample(
        id=sample_id,
        input=question.text,
        choices=list(question.options),
        target=question.correct_letter,
        metadata=metadata.model_dump(),
    )
