"""The paired solver: one sample asks its question twice, without and with the hint.

Both generations go through Inspect's `generate`, so the task's generation config, `--cache`
and the transcript work as usual; both outputs are kept whole in the sample store
(`PairedGeneration`), so `inspect view`, the scorer and the report can reread either side
without calling the model again.

The unhinted prompt of every hint that shares the plain format is byte-identical, so with a
cache Inspect serves that baseline once for all of them. The two arms of one question
(hint at the correct and at an incorrect letter) run as two samples, concurrently; a lock
per baseline prompt (`core.call_locks`) makes the second arm wait for the first arm's call
and read it from the cache instead of calling the model a second time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from inspect_ai.model import ChatMessage, ChatMessageSystem
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import span

from cot_faithfulness.core.call_locks import one_call_at_a_time
from cot_faithfulness.core.empty_replies import generate_reply
from cot_faithfulness.core.questions import Question
from cot_faithfulness.scorers.hints.hint_catalogue import get_hint
from cot_faithfulness.scorers.hints.pair_sample import PairedGeneration, PairMetadata
from cot_faithfulness.solvers.hints.hint_prompts import render_hinted, render_unhinted

UNHINTED_SPAN = "unhinted"
HINTED_SPAN = "hinted"
"""The transcript spans of a pair's two generations, the names `inspect view` shows."""


@solver
def paired_generation(
    hint: str, variant: str | None = None, few_shot: Sequence[Question] = ()
) -> Solver:
    """Generate the unhinted answer, then the hinted one, and keep both."""
    hint_type = get_hint(hint)
    hint_type.variant(variant)  # an unknown variant fails here, before any model call

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        pair = state.metadata_as(PairMetadata)
        store = state.store_as(PairedGeneration)
        unhinted_prompt = render_unhinted(hint_type, pair, few_shot)
        hinted_prompt = render_hinted(hint_type, pair, pair.hint_letter, variant, few_shot)
        store.hint = hint_type.name
        store.variant = hint_type.variant(variant).name

        async with (
            span(UNHINTED_SPAN),
            one_call_at_a_time(prompt_key(unhinted_prompt, state.epoch, str(state.model))),
        ):
            state.messages = list(unhinted_prompt)
            state = await generate_reply(state, generate)
        store.unhinted_prompt = unhinted_prompt
        store.unhinted = state.output
        unhinted_conversation = state.messages

        async with span(HINTED_SPAN):
            state.messages = list(hinted_prompt)
            state = await generate_reply(state, generate)
        store.hinted_prompt = hinted_prompt
        store.hinted = state.output
        state.messages = both_conversations(
            unhinted_conversation, state.messages, store.hint, pair.hint_letter
        )
        return state

    return solve


def both_conversations(
    unhinted: Sequence[ChatMessage], hinted: Sequence[ChatMessage], hint: str, letter: str
) -> list[ChatMessage]:
    """The sample's messages as `inspect view` lists them: the unhinted conversation, then
    the hinted one, each after a note that names it. The notes were never sent to the model
    (each call, exactly as sent, is in the transcript under its span); the scorer reads the
    store, not these messages."""
    return [
        ChatMessageSystem(
            content=f"[{UNHINTED_SPAN} conversation: the question without the hint. This note "
            f"and the one before the {HINTED_SPAN} conversation label the pair's two "
            "conversations and were not sent to the model; each model call, as sent, is in "
            f"the transcript under the span '{UNHINTED_SPAN}' or '{HINTED_SPAN}'.]"
        ),
        *unhinted,
        ChatMessageSystem(
            content=f"[{HINTED_SPAN} conversation: the same question with the {hint} hint "
            f"pointing at {letter}.]"
        ),
        *hinted,
    ]


def prompt_key(prompt: Sequence[ChatMessage], epoch: int, model: str) -> str:
    """What the cache looks the baseline up by, as far as it varies between samples."""
    return json.dumps([[m.role, m.text] for m in prompt] + [epoch, model])
