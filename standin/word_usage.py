"""Token usage for the offline stand-ins, counted in words.

Every output must carry usage: without it Inspect counts tokens with a tokenizer that it
downloads, which fails offline. Words are close enough for a test double.
"""

from __future__ import annotations

from inspect_ai.model import ChatMessage, ModelUsage


def word_usage(prompt: list[ChatMessage], reply: str, reasoning: str = "") -> ModelUsage:
    prompt_words = sum(len(message.text.split()) for message in prompt)
    reasoning_words = len(reasoning.split())
    output_words = len(reply.split()) + reasoning_words
    return ModelUsage(
        input_tokens=prompt_words,
        output_tokens=output_words,
        total_tokens=prompt_words + output_words,
        reasoning_tokens=reasoning_words or None,
    )
