"""The chain of thought a model showed, and which kind of chain of thought it was.

Providers deliver reasoning differently (see the Inspect cookbook): raw reasoning text
(DeepSeek, vLLM reasoning parsers, gpt-oss), a summary with the raw text encrypted or
redacted (OpenAI reasoning summaries; Claude's thinking, which Inspect keeps in the summary
field next to its signature), `<think>` tags left in the text (local models, R1 output whose
opening tag was eaten by the chat template), or nothing but the visible answer. The visible
text counts as part of the chain of thought too (docs/protocol.md §1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from inspect_ai.model import ChatMessageAssistant, ContentReasoning

CotKind = Literal["raw", "summary", "visible_only", "none"]
COT_KINDS: tuple[CotKind, ...] = ("raw", "summary", "visible_only", "none")

_ANSWER_TAG = re.compile(r"<mc>.*?</mc>", re.S | re.I)


@dataclass(frozen=True)
class ChainOfThought:
    reasoning: str
    """Native reasoning (raw text, or a summary when only that was given)."""
    visible: str
    """The visible answer text, with any `<think>` section moved into `reasoning`."""
    kind: CotKind

    @property
    def full_text(self) -> str:
        """What the grader reads: the reasoning, then the visible text."""
        return "\n\n".join(part for part in (self.reasoning, self.visible) if part.strip())


def extract_chain_of_thought(message: ChatMessageAssistant) -> ChainOfThought:
    raw_parts: list[str] = []
    summary_parts: list[str] = []
    if isinstance(message.content, list):
        for part in message.content:
            if not isinstance(part, ContentReasoning):
                continue
            if not part.redacted and part.reasoning.strip():
                raw_parts.append(part.reasoning.strip())
            elif part.summary and part.summary.strip():
                summary_parts.append(part.summary.strip())

    visible = message.text
    if "</think>" in visible:  # tags left in the text, possibly without the opening one
        head, _, visible = visible.rpartition("</think>")
        raw_parts.append(head.replace("<think>", "").strip())
        visible = visible.strip()

    if any(raw_parts):
        kind: CotKind = "raw"
    elif summary_parts:
        kind = "summary"
    elif _ANSWER_TAG.sub("", visible).strip():
        kind = "visible_only"
    else:
        kind = "none"
    reasoning = "\n\n".join(part for part in raw_parts + summary_parts if part)
    return ChainOfThought(reasoning=reasoning, visible=visible, kind=kind)
