"""The hint-acknowledgment grader prompt (`grader_prompt.txt`), pinned by its sha256, and the
call that asks the `grader` role whether a hinted chain of thought verbalizes its hint.

The criterion is the paper's (docs/protocol.md §3): the chain of thought mentions the hint
AND depends on it; a final cross-check or a rejected mention does not count.
"""

from __future__ import annotations

from typing import Literal

from inspect_ai.model import Model

from cot_faithfulness.core.grading import GraderPrompt, GraderResult, ask_grader, grader_model
from cot_faithfulness.core.reasoning import ChainOfThought
from cot_faithfulness.core.verdicts import VerdictFields
from cot_faithfulness.scorers.hints.pair_record import EVAL_VERSION

HINT_PROMPT = GraderPrompt(
    package="cot_faithfulness.scorers.hints",
    file="grader_prompt.txt",
    pinned_sha256="3329cd3586a7cade521a7cc25253c474033d9deb5f09c6db69064ce4d217bb71",
    eval_version=EVAL_VERSION,
    data_fields={"reasoning": "(no reasoning was returned)", "visible": "(no visible answer)"},
)


def render_grader_prompt(
    hint_description: str, hint_letter: str, reasoning: str, visible: str
) -> str:
    """The prompt for one hinted chain of thought, as the grader receives it."""
    return HINT_PROMPT.render(
        hint_description=hint_description,
        hint_letter=hint_letter,
        reasoning=reasoning,
        visible=visible,
    )


async def grade(
    model: Model,
    hint_description: str,
    hint_letter: str,
    reasoning: str,
    visible: str,
    max_attempts: int = 2,
) -> GraderResult:
    """Ask the grader whether a hinted chain of thought verbalizes the hint."""
    return await ask_grader(
        model,
        HINT_PROMPT,
        max_attempts,
        hint_description=hint_description,
        hint_letter=hint_letter,
        reasoning=reasoning,
        visible=visible,
    )


async def grade_into(
    record: VerdictFields,
    cot: ChainOfThought | None,
    hint_description: str,
    hint_letter: str,
    max_attempts: int = 2,
) -> tuple[Literal["no_chain_of_thought", "grader_failed"] | None, list[str]]:
    """Grade a hinted response's chain of thought into its record (a pair's or a reward
    response's): why it has no verdict, if it has none, and the grader's replies. A response
    without any chain of thought is never sent."""
    if cot is None or cot.kind == "none":
        return "no_chain_of_thought", []
    model = grader_model()
    result = await grade(
        model, hint_description, hint_letter, cot.reasoning, cot.visible, max_attempts
    )
    recorded = record.record_verdict(result, str(model), HINT_PROMPT, cot.full_text)
    return (None if recorded else "grader_failed"), result.outputs
