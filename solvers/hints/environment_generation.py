"""The reward-hacking solver: one generation per sample, the environment's hinted prompt (or,
for the baseline, the same question without the hint).

The prompts are the hint family's own (`hint_prompts`), byte for byte: with a cache, a
hinted prompt already asked by a hint task (its incorrect arm, same seed) is not asked
again, and the unhinted prompt that five environments share is asked once per question.
The call sits in a transcript span named for its condition (`hinted`, `unhinted`); the
output is kept whole in the sample store (`EnvironmentGeneration`) for the scorer.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import span

from cot_faithfulness.core.call_locks import one_call_at_a_time
from cot_faithfulness.core.empty_replies import generate_reply
from cot_faithfulness.core.questions import Question
from cot_faithfulness.scorers.hints.environments import EnvironmentGeneration, EnvironmentMetadata
from cot_faithfulness.scorers.hints.hint_catalogue import get_hint
from cot_faithfulness.solvers.hints.hint_prompts import render_hinted, render_unhinted
from cot_faithfulness.solvers.hints.paired_generation import prompt_key


@solver
def environment_generation(few_shot: Sequence[Question] = ()) -> Solver:
    """Generate the sample's one response and keep it."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        sample = state.metadata_as(EnvironmentMetadata)
        hint = get_hint(sample.hint_type)
        hinted = sample.condition == "hinted"
        prompt = (
            render_hinted(hint, sample, sample.hint_letter, sample.hint_variant, few_shot)
            if hinted
            else render_unhinted(hint, sample, few_shot)
        )
        # environments share the unhinted prompt: one call, the others read it from the cache
        once = (
            nullcontext()
            if hinted
            else one_call_at_a_time(prompt_key(prompt, state.epoch, str(state.model)))
        )
        async with span(sample.condition), once:
            state.messages = list(prompt)
            state = await generate_reply(state, generate)
        store = state.store_as(EnvironmentGeneration)
        store.prompt = prompt
        store.output = state.output
        return state

    return solve
