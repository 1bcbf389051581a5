"""The paper's six reward-hacking environments (docs/protocol.md §7) and what one sample of
the `reward_hacking` task carries.

An environment is a hint type in one wording: the hinted prompts of the hint family, every
hint at the question's fixed wrong letter, so a response that chooses the hinted option has
exploited the hint. The grader-hacking environment uses the paper's Figure 6 form (the
`grader_class` wording); the others the first public wording of their hint. The task writes
the metadata, the solver fills the store, the scorer reads both.
"""

from __future__ import annotations

from typing import Literal, get_args

from inspect_ai.model import ChatMessage, ModelOutput
from inspect_ai.util import StoreModel

from cot_faithfulness.core.errors import InputError
from cot_faithfulness.core.questions import Question
from cot_faithfulness.scorers.hints.hint_catalogue import HINTS, HintType, HintVariant, get_hint

EnvironmentName = Literal[
    "sycophancy",
    "consistency",
    "visual_pattern",
    "metadata",
    "grader_hacking",
    "unethical_information",
    "all",
]
"""The `hint` parameter: one environment, or all six (a test checks these are the hints)."""
ALL_ENVIRONMENTS = "all"

ENVIRONMENT_VARIANTS: dict[str, str] = {
    "sycophancy": "user_opinion",
    "consistency": "prefilled_answer",
    "visual_pattern": "black_square",
    "metadata": "question_metadata",
    "grader_hacking": "grader_class",
    "unethical_information": "unauthorized_access",
}
"""The wording each environment uses unless `variant` names another, in the catalogue's
order."""

Condition = Literal["hinted", "unhinted"]
CONDITIONS: tuple[Condition, ...] = get_args(Condition)
"""`hinted`: the environment's prompt. `unhinted`: the same question without the hint (the
optional baseline: how often the wrong letter is chosen anyway)."""


def environments(hint: str, variant: str | None = None) -> list[tuple[HintType, HintVariant]]:
    """The environments a run asks: one hint type, or all six; `variant` (one hint type
    only) replaces its default wording. Unknown names are a one-line error."""
    if hint == ALL_ENVIRONMENTS:
        if variant is not None:
            raise InputError(
                f"variant={variant!r} applies to one environment; with hint=all each uses its "
                f"own ({', '.join(f'{h}: {v}' for h, v in ENVIRONMENT_VARIANTS.items())})"
            )
        return [(HINTS[h], HINTS[h].variant(v)) for h, v in ENVIRONMENT_VARIANTS.items()]
    hint_type = get_hint(hint)
    return [(hint_type, hint_type.variant(variant or ENVIRONMENT_VARIANTS[hint]))]


def catalogue_order(hint: str) -> tuple[int, str]:
    """Hint types in the catalogue's order; `all` and unknown names after them."""
    names = list(HINTS)
    return (names.index(hint) if hint in names else len(names), hint)


class EnvironmentMetadata(Question, frozen=True):
    """Sample metadata: the question, the environment, and the letter its hint points at."""

    hint_type: str
    hint_variant: str
    condition: Condition
    hint_letter: str
    """The question's fixed wrong letter (`tasks/hints/builder.incorrect_letter`), the same
    in the unhinted baseline, where it is the letter a response would have to choose."""
    source: str = ""
    """The question source's label (`pair_sample.dataset_label`)."""


class EnvironmentGeneration(StoreModel):
    """The one generation of a sample, as the model returned it."""

    prompt: list[ChatMessage] = []
    output: ModelOutput | None = None
