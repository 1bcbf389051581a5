"""The public wire formats the loopback servers speak, in both directions.

Requests are read back into Inspect chat messages (so the scripted models reuse the suite's
own prompt parsers); replies are written the way each API documents them, with reasoning in
the field that API uses: Anthropic `thinking` / `redacted_thinking` blocks, OpenAI Responses
`reasoning` items, DeepSeek's `reasoning_content`, OpenRouter's `reasoning` and
`reasoning_details`, or `<think>` tags left in the text by a vLLM-served R1 distill. Only the
fields Inspect's providers send or read are modelled; everything else is left out on
purpose, so a provider that starts to need more fails here first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageUser

Reasoning = Literal[
    "thinking",
    "redacted_thinking",
    "summary",
    "reasoning_content",
    "reasoning",
    "think_tags",
    "unopened_think_tags",
    "none",
]
"""Where a persona puts its reasoning on the wire:

- `thinking`: an Anthropic `thinking` block with its signature, then a `redacted_thinking`
  block (Claude 3.7 returns its full thinking there, Claude 4 models a summary of it);
- `redacted_thinking`: only a `redacted_thinking` block, nothing readable;
- `summary`: an OpenAI Responses `reasoning` item with `encrypted_content`, and summary text
  only when the request asked for one (`reasoning.summary`);
- `reasoning_content` (DeepSeek) and `reasoning` (OpenRouter, with `reasoning_details`):
  chat-completion message fields holding the raw reasoning;
- `think_tags`: `<think>...</think>` in the text; `unopened_think_tags`: the same without the
  opening tag (the R1 distills' chat template puts `<think>` in the prompt);
- `none`: no native reasoning; the reasoning is written in the visible text.
"""


@dataclass(frozen=True)
class Reply:
    """What a scripted model says, before it is written in a wire format."""

    reasoning: str
    """The model's reasoning (what the shape shows of it depends on the shape)."""
    visible: str
    input_tokens: int
    cut_off: bool = False

    @property
    def reasoning_tokens(self) -> int:
        return len(self.reasoning.split())

    @property
    def output_tokens(self) -> int:
        return self.reasoning_tokens + len(self.visible.split())


def token(kind: str, text: str) -> str:
    """A deterministic opaque string (signature, encrypted or redacted data) for `text`."""
    return f"{kind}-" + hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()[:48]


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [] if isinstance(part, dict))


def chat_messages(items: list[dict[str, Any]] | str) -> list[ChatMessage]:
    """User and assistant turns of a request (Anthropic `messages`, OpenAI `messages` or
    Responses `input`), as Inspect messages; system turns and reasoning items are dropped."""
    if isinstance(items, str):
        return [ChatMessageUser(content=items)]
    messages: list[ChatMessage] = []
    for item in items:
        if item.get("role") == "user":
            messages.append(ChatMessageUser(content=_text(item.get("content"))))
        elif item.get("role") == "assistant":
            messages.append(ChatMessageAssistant(content=_text(item.get("content"))))
    return messages


# --- Anthropic Messages API -------------------------------------------------------------


def anthropic_message(model: str, reply: Reply, shape: Reasoning) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    if shape == "thinking":
        signature = token("sig", reply.reasoning)
        blocks.append({"type": "thinking", "thinking": reply.reasoning, "signature": signature})
    if shape in ("thinking", "redacted_thinking"):
        blocks.append({"type": "redacted_thinking", "data": token("redacted", reply.reasoning)})
    blocks.append({"type": "text", "text": _visible(reply, shape)})
    usage: dict[str, Any] = {
        "input_tokens": reply.input_tokens,
        "output_tokens": reply.output_tokens,
    }
    if shape in ("thinking", "redacted_thinking"):
        usage["output_tokens_details"] = {"thinking_tokens": reply.reasoning_tokens}
    return {
        "id": token("msg", reply.visible),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": blocks,
        "stop_reason": "max_tokens" if reply.cut_off else "end_turn",
        "stop_sequence": None,
        "usage": usage,
    }


def anthropic_events(message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The server-sent events that stream `message`, in Anthropic's documented order: each
    block starts empty, its text (and a thinking block's signature) follows as deltas."""
    start_usage = {"input_tokens": message["usage"]["input_tokens"], "output_tokens": 1}
    head = {**message, "content": [], "stop_reason": None, "usage": start_usage}
    yield _event("message_start", message=head)
    for index, block in enumerate(message["content"]):
        empty = {**block, **_EMPTY.get(block["type"], {})}
        yield _event("content_block_start", index=index, content_block=empty)
        for delta in _deltas(block):
            yield _event("content_block_delta", index=index, delta=delta)
        yield _event("content_block_stop", index=index)
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    yield _event("message_delta", delta=delta, usage=message["usage"])
    yield _event("message_stop")


_EMPTY = {"thinking": {"thinking": "", "signature": ""}, "text": {"text": ""}}


def _event(kind: str, **fields: Any) -> tuple[str, dict[str, Any]]:
    return kind, {"type": kind, **fields}


def _deltas(block: dict[str, Any]) -> list[dict[str, Any]]:
    if block["type"] == "thinking":
        return [
            {"type": "thinking_delta", "thinking": block["thinking"]},
            {"type": "signature_delta", "signature": block["signature"]},
        ]
    if block["type"] == "text":
        return [{"type": "text_delta", "text": block["text"]}]
    return []  # a redacted_thinking block arrives whole


def anthropic_error(status: int) -> dict[str, Any]:
    kinds = {429: "rate_limit_error", 529: "overloaded_error"}
    kind = kinds.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": f"loopback {kind}"}}


# --- OpenAI Chat Completions (OpenAI, DeepSeek, OpenRouter, vLLM) -------------------------


def chat_completion(model: str, reply: Reply, shape: Reasoning) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": _visible(reply, shape)}
    if shape == "reasoning_content":
        message["reasoning_content"] = reply.reasoning
    elif shape == "reasoning":
        message["reasoning"] = reply.reasoning
        message["reasoning_details"] = [
            {"type": "reasoning.text", "text": reply.reasoning, "format": "unknown", "index": 0}
        ]
    return {
        "id": token("chatcmpl", reply.visible),
        "object": "chat.completion",
        "created": 1_750_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "length" if reply.cut_off else "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": reply.input_tokens,
            "completion_tokens": reply.output_tokens,
            "total_tokens": reply.input_tokens + reply.output_tokens,
            "completion_tokens_details": _completion_details(reply, shape),
        },
    }


def openai_error(status: int) -> dict[str, Any]:
    kinds = {429: "rate_limit_exceeded"}
    kind = kinds.get(status, "server_error")
    return {"error": {"message": f"loopback {kind}", "type": kind, "param": None, "code": kind}}


# --- OpenAI Responses API ---------------------------------------------------------------


def response_object(
    model: str, reply: Reply, shape: Reasoning, request: dict[str, Any]
) -> dict[str, Any]:
    output: list[dict[str, Any]] = []
    if shape == "summary":
        wants_summary = (request.get("reasoning") or {}).get("summary") not in (None, "none")
        item: dict[str, Any] = {"type": "reasoning", "id": token("rs", reply.reasoning)}
        item["summary"] = (
            [{"type": "summary_text", "text": reply.reasoning}] if wants_summary else []
        )
        if "reasoning.encrypted_content" in request.get("include", []):
            item["encrypted_content"] = token("encrypted", reply.reasoning)
        output.append(item)
    text = {"type": "output_text", "text": _visible(reply, shape), "annotations": []}
    output.append(
        {
            "type": "message",
            "id": token("msg", reply.visible),
            "status": "incomplete" if reply.cut_off else "completed",
            "role": "assistant",
            "content": [text],
        }
    )
    return {
        "id": token("resp", reply.visible),
        "object": "response",
        "created_at": 1_750_000_000,
        "status": "incomplete" if reply.cut_off else "completed",
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if reply.cut_off else None,
        "model": model,
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": reply.input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": reply.output_tokens,
            "output_tokens_details": {"reasoning_tokens": reply.reasoning_tokens},
            "total_tokens": reply.input_tokens + reply.output_tokens,
        },
    }


def summaries_refused() -> dict[str, Any]:
    """OpenAI's answer to a reasoning-summary request from an unverified organization."""
    message = "Your organization must be verified to generate reasoning summaries."
    error = {"message": message, "type": "invalid_request_error"}
    return {"error": error | {"param": "reasoning.summary", "code": "unsupported_value"}}


def _visible(reply: Reply, shape: Reasoning) -> str:
    if shape == "think_tags":
        return f"<think>\n{reply.reasoning}\n</think>\n\n{reply.visible}"
    if shape == "unopened_think_tags":
        return f"{reply.reasoning}\n</think>\n\n{reply.visible}"
    if shape == "none" and reply.reasoning:
        return f"<thinking>{reply.reasoning}</thinking>\n{reply.visible}"
    return reply.visible


def _completion_details(reply: Reply, shape: Reasoning) -> dict[str, int] | None:
    """Reasoning tokens, reported only when the reasoning came in a reasoning field (a server
    that leaves it in the text does not count it apart)."""
    if shape in ("reasoning_content", "reasoning"):
        return {"reasoning_tokens": reply.reasoning_tokens}
    return None


def sse(events: Iterator[tuple[str, dict[str, Any]]]) -> bytes:
    return b"".join(
        f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events
    )
