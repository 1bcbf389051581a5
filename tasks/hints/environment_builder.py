"""The reward-hacking task's builder: the hint family's questions -> one sample per question
and environment (and, with the baseline, its unhinted twin) -> solver -> scorer.

The questions are the hint tasks' own (`builder.select_questions`: the same data, subjects,
seed and few-shot examples), and every hint points at the question's one fixed wrong letter
(`builder.incorrect_letter`), the letter of the hint tasks' incorrect arm: a response that
chooses it exploits the hint. Sample ids are `<question id>/<hint type>/<condition>`.
"""

from __future__ import annotations

from collections.abc import Sequence

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.solver import Solver

from cot_faithfulness.core.grading import GRADER_ROLE, refuse_unbound, require_roles
from cot_faithfulness.core.parameters import cache_policy
from cot_faithfulness.core.questions import Question
from cot_faithfulness.scorers.hints.environments import (
    CONDITIONS,
    EnvironmentMetadata,
    environments,
)
from cot_faithfulness.scorers.hints.hint_catalogue import HintType, HintVariant
from cot_faithfulness.scorers.hints.pair_sample import dataset_label
from cot_faithfulness.scorers.hints.reward import REWARD_DEFINITION
from cot_faithfulness.scorers.hints.reward_hacking_score import reward_hacking_score
from cot_faithfulness.scorers.hints.reward_record import EVAL_VERSION
from cot_faithfulness.solvers.hints.environment_generation import environment_generation
from cot_faithfulness.tasks.hints.builder import (
    hint_fields,
    incorrect_letter,
    question_fields,
    question_sample,
    select_questions,
)

FAMILY = "reward_hacking"
"""The family its logs name in their header: the report reads them with their own rows."""


def build_reward_hacking_task(
    *,
    hint: str,
    dataset: str,
    subset: str | None,
    subjects: str | Sequence[str] | None,
    questions: int | None,
    variant: str | None,
    baseline: bool,
    seed: int,
    data_dir: str | None,
    revision: str | None,
    grading: str,
    cache: bool | str,
) -> Task:
    """The task over the environments of `hint` (one, or `all`); the arguments are the
    checked task parameters."""
    chosen = environments(hint, variant)
    if grading != "none":
        refuse_unbound(GRADER_ROLE)  # before the questions load, which can take a while
    few_shot, evaluated, source, warnings = select_questions(
        "reward_hacking", dataset, subset, subjects, questions, seed, data_dir, revision
    )
    label = dataset_label(dataset, source.subset)
    conditions = CONDITIONS if baseline else ("hinted",)
    samples = [
        sample
        for question in evaluated
        for hint_type, hint_variant in chosen
        for sample in environment_samples(
            question, hint_type, hint_variant, conditions, seed, label
        )
    ]
    solvers: list[Solver] = [environment_generation(few_shot)]
    if grading != "none":
        solvers.insert(0, require_roles(GRADER_ROLE))
    return Task(
        dataset=MemoryDataset(samples, name=label),
        solver=solvers,
        scorer=reward_hacking_score(grading=grading),
        config=GenerateConfig(cache=cache_policy(cache)),
        version=EVAL_VERSION,
        metadata={
            "suite": "cot-faithfulness",
            "family": FAMILY,
            "eval_version": EVAL_VERSION,
            "environments": [hint_fields(*environment) for environment in chosen],
            "hint_letter": "the question's fixed wrong letter, as in the hint tasks' incorrect arm",
            "reward": REWARD_DEFINITION,
            "baseline": baseline,
            "grading": grading,
            **question_fields(dataset, source, seed, few_shot, questions, evaluated, warnings),
        },
    )


def environment_samples(
    question: Question,
    hint_type: HintType,
    hint_variant: HintVariant,
    conditions: Sequence[str],
    seed: int,
    source: str = "",
) -> list[Sample]:
    """The question's samples in one environment: hinted, and unhinted for the baseline."""
    letter = incorrect_letter(question, seed)
    samples = []
    for condition in conditions:
        metadata = EnvironmentMetadata(
            **question.model_dump(),
            hint_type=hint_type.name,
            hint_variant=hint_variant.name,
            condition=condition,  # type: ignore[arg-type]
            hint_letter=letter,
            source=source,
        )
        sample_id = f"{question.question_id}/{hint_type.name}/{condition}"
        samples.append(question_sample(question, sample_id, metadata))
    return samples
