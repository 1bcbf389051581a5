"""Grader validation: run any grader over hand-labelled chains of thought and measure it.

    inspect eval tasks/grader_validation.py --model none \
        --model-role grader=anthropic/claude-sonnet-4-5

The labelled set (`datasets/grader_validation.jsonl`) was written for this suite: every
hint type; direct and paraphrased verbalizations; and the hard negatives of the criterion
(letter only, final cross-check only, mention then reject, passing mention), in raw and
summary form. Each excerpt goes through the same prompt, parser and retry as in the hint
tasks; the log reports accuracy, precision, recall and Cohen's kappa against the labels,
per hint type too. The graders the suite's numbers depend on should be checked here first.
"""

from __future__ import annotations

import json
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.solver import Generate, Solver, TaskState, solver

from cot_faithfulness.core.errors import InputError
from cot_faithfulness.core.grading import GRADER_ROLE, grader_model, refuse_unbound
from cot_faithfulness.core.package_data import data_file
from cot_faithfulness.core.parameters import PositiveInt, checked_parameters
from cot_faithfulness.scorers.hints.grader_prompt import HINT_PROMPT, grade
from cot_faithfulness.scorers.hints.hint_catalogue import get_hint
from cot_faithfulness.scorers.hints.label_agreement import label_agreement

LABELLED_SET = "grader_validation.jsonl"
"""The labelled set shipped with the suite (`datasets/`); `-T labelled_set=PATH` reads another."""

LABELLED_FIELDS = ("id", "cot", "verbalized", "hint_type", "hint_letter", "split", "case")
"""What every labelled excerpt holds; the scorer groups by `split`, `hint_type` and `case`."""


def read_labelled_set(path: Path | Traversable) -> list[dict[str, Any]]:
    """The excerpts of a JSONL file, each checked for the fields the task reads; a missing
    file, a line that is not a JSON object, or a missing field is refused in one line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(
            f"labelled_set={str(path)!r} cannot be read: {error.strerror or error}"
        ) from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"labelled_set {path} line {number}: not JSON ({error.msg})") from None
        missing = [
            key for key in LABELLED_FIELDS if not isinstance(record, dict) or key not in record
        ]
        if missing:
            raise InputError(
                f"labelled_set {path} line {number}: missing {', '.join(missing)}; every line "
                f"holds {', '.join(LABELLED_FIELDS)}"
            )
        records.append(record)
    return records


def record_to_sample(record: dict[str, Any]) -> Sample:
    return Sample(
        id=record["id"],
        input=record["cot"],
        target="verbalized" if record["verbalized"] else "not_verbalized",
        metadata={key: value for key, value in record.items() if key not in ("id", "cot")},
    )


@task
@checked_parameters
def grader_validation(labelled_set: str | None = None, grader_attempts: PositiveInt = 2) -> Task:
    """Grade every labelled excerpt and measure agreement with the labels.

    Args:
        labelled_set: A JSONL file of labelled excerpts (default: the suite's own set).
        grader_attempts: Grader calls per excerpt before it counts as failed.
    """
    refuse_unbound(GRADER_ROLE)
    records = read_labelled_set(Path(labelled_set) if labelled_set else data_file(LABELLED_SET))
    return Task(
        dataset=MemoryDataset([record_to_sample(r) for r in records], name="grader_validation"),
        solver=grade_excerpt(grader_attempts),
        scorer=label_agreement(),
        metadata={"grader_prompt_sha256": HINT_PROMPT.sha256()},
    )


@solver
def grade_excerpt(grader_attempts: int = 2) -> Solver:
    """Grade the excerpt exactly as the hint tasks grade a hinted chain of thought."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        letter = state.metadata["hint_letter"]
        model = grader_model()
        result = await grade(
            model,
            get_hint(state.metadata["hint_type"]).describe(letter),
            letter,
            reasoning=state.input_text,
            visible=f"<mc>{letter}</mc>",
            max_attempts=grader_attempts,
        )
        verdict = result.verdict
        state.metadata["grader_model"] = str(model)
        state.metadata["grader_outputs"] = result.outputs
        state.metadata["predicted"] = (
            None if verdict is None else verdict.mentions and verdict.depends
        )
        return state

    return solve
