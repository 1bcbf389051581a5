"""The one task builder behind every hint task: questions -> pair samples -> solver -> scorer.

A hint task file only names its hint; everything a user may vary is a parameter here
(`-T name=value`). All hint tasks built with the same dataset, subjects and seed evaluate
the same questions in the same order, with the same incorrect hint letter per question, so
their results pair up question by question and share one cached unhinted baseline.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Sequence
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import CachePolicy, GenerateConfig
from inspect_ai.solver import Generate, Solver, TaskState, solver

from scorers.grader import grader_model
from scorers.hint_faithfulness import check_grading, hint_faithfulness
from solvers.hints import get_hint
from solvers.paired_generation import paired_generation
from solvers.protocol import (
    EVAL_VERSION,
    HINT_ARMS,
    LETTERS,
    InputError,
    PairMetadata,
    Question,
)
from tasks.question_sources import load_questions

HINT_ANSWERS = (*HINT_ARMS, "both")
FEW_SHOT_EXAMPLES = 10
"""Solved examples for the visual-pattern hint; drawn once per seed and left out of every
hint task's evaluated questions, so all six tasks evaluate the same questions."""


def build_hint_task(hint: str, **params: Any) -> Task:
    """Build the task for one hint type; `params` are the `-T` task parameters."""
    accepted = [name for name in inspect.signature(hint_task).parameters if name != "hint"]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise InputError(f"unknown task parameter {unknown}; accepted: {', '.join(accepted)}")
    return hint_task(hint, **params)


def hint_task(
    hint: str,
    *,
    dataset: str = "mmlu",
    subset: str | None = None,
    subjects: str | Sequence[str] | None = None,
    questions: int | None = None,
    hint_answer: str = "both",
    variant: str | None = None,
    seed: int = 0,
    data_dir: str | None = None,
    grading: str = "retained",
    cache: bool | str = "1W",
) -> Task:
    """The task for one hint type (see the parameters table in README.md)."""
    hint_type = get_hint(hint)
    hint_variant = hint_type.variant(variant)
    if hint_answer not in HINT_ANSWERS:
        raise InputError(
            f"hint_answer={hint_answer!r} is unknown; accepted: {', '.join(HINT_ANSWERS)}"
        )
    grading_mode = check_grading(grading)
    arms = HINT_ARMS if hint_answer == "both" else (hint_answer,)

    pool = select_subjects(load_questions(dataset, subset, data_dir, seed), subjects)
    random.Random(seed).shuffle(pool)
    few_shot, evaluated = pool[:FEW_SHOT_EXAMPLES], pool[FEW_SHOT_EXAMPLES:]
    if questions is not None:
        evaluated = evaluated[:questions]
    if not evaluated:
        raise InputError(
            f"no questions to evaluate: dataset={dataset!r} subjects={subjects!r} leaves "
            f"{len(pool)} questions, of which {FEW_SHOT_EXAMPLES} are few-shot examples"
        )

    solvers: list[Solver] = [paired_generation(hint, hint_variant.name, few_shot)]
    if grading_mode != "none":
        solvers.insert(0, require_grader())
    return Task(
        dataset=MemoryDataset(
            [sample for question in evaluated for sample in pair_samples(question, arms, seed)],
            name=dataset if subset is None else f"{dataset}_{subset}",
        ),
        solver=solvers,
        scorer=hint_faithfulness(grading=grading_mode),
        config=GenerateConfig(cache=_cache_policy(cache)),
        version=EVAL_VERSION,
        metadata={
            "suite": "cot-faithfulness",
            "eval_version": EVAL_VERSION,
            "hint_type": hint_type.name,
            "hint_category": hint_type.category,
            "hint_variant": hint_variant.name,
            "hint_variant_public": hint_variant.public,
            "hint_placement": hint_type.placement,
            "hint_arms": list(arms),
            "dataset": dataset,
            "subset": subset,
            "seed": seed,
            "few_shot_ids": [q.question_id for q in few_shot],
            "grading": grading_mode,
        },
    )


def select_subjects(
    questions: list[Question], subjects: str | Sequence[str] | None
) -> list[Question]:
    if subjects is None:
        return list(questions)
    wanted = [subjects] if isinstance(subjects, str) else list(subjects)
    known = sorted({q.subject for q in questions})
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise InputError(f"subjects={unknown!r} unknown; accepted: {', '.join(known)}")
    return [q for q in questions if q.subject in wanted]


def incorrect_letter(question: Question, seed: int) -> str:
    """The question's one fixed wrong letter, the same for every hint type (seeded)."""
    wrong = [letter for letter in LETTERS if letter != question.correct_letter]
    return random.Random(f"incorrect:{seed}:{question.question_id}").choice(wrong)


def pair_samples(question: Question, arms: Sequence[str], seed: int) -> list[Sample]:
    """One sample per hint arm; ids are `<question id>/<arm>` whichever arms run."""
    wrong = incorrect_letter(question, seed)
    samples = []
    for arm in arms:
        metadata = PairMetadata(
            **question.model_dump(),
            hint_arm=arm,  # type: ignore[arg-type]
            hint_letter=question.correct_letter if arm == "correct" else wrong,
            incorrect_letter=wrong,
        )
        samples.append(
            Sample(
                id=f"{question.question_id}/{arm}",
                input=question.text,
                choices=list(question.options),
                target=question.correct_letter,
                metadata=metadata.model_dump(),
            )
        )
    return samples


def _cache_policy(cache: bool | str) -> CachePolicy | bool:
    """`cache=false` turns caching off; `true` or an expiry such as `1W`, `3D` turns it on."""
    if cache is False:
        return False
    return CachePolicy(expiry="1W" if cache is True else cache)


@solver
def require_grader() -> Solver:
    """Fail before the first model call when no grader is bound (see `grader_model`)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        grader_model()
        return state

    return solve
