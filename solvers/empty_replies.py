"""A guard Inspect's generate lacks: a provider reply that holds no choices at all.

Some providers answer an overloaded or filtered request with a well-formed response whose
choice list is empty. Inspect stores that output (in the cache too) and then fails with a
bare `IndexError` while appending the reply. Here such a reply is asked again once, past
the cache; a second empty reply ends the sample with an error that says what happened, so
it is retried (`--retry-on-error`, `inspect eval-retry`), never scored.
"""

from __future__ import annotations

from inspect_ai.solver import Generate, TaskState


class EmptyReplyError(RuntimeError):
    """The model's provider returned no choices, twice."""


async def generate_reply(state: TaskState, generate: Generate) -> TaskState:
    """`generate(state)`, asking once more past the cache after a reply without choices."""
    try:
        return await generate(state)
    except IndexError:
        if not _empty(state):
            raise
    try:
        return await generate(state, cache=False)
    except IndexError:
        if not _empty(state):
            raise
    raise EmptyReplyError(
        f"{state.model} returned a reply with no choices twice (the second time past the "
        "cache); the sample is left unscored and can be retried"
    )


def _empty(state: TaskState) -> bool:
    return state.output is not None and not state.output.choices
