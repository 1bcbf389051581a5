"""`--model-role grader=offline_grader/rules`: the offline rule-based grader as an Inspect
model provider, a test double for tests, demos and smoke runs, not a judge.

It gets the same rendered grader prompt a model gets, reads it back (`grader_prompts`),
judges it with the rules of its family (`hint_rules`, `monitor_rules`, `sandbagging_rules`,
`scheming_rules`) and replies with
the same JSON verdict, which the suite parses with the same strict parser: grading has one
code path whatever the grader is. Numbers for publication need a model grader validated on
labelled examples (`inspect eval cot_faithfulness/grader_validation`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from cot_faithfulness.standin.offline_grader import (
    hint_lexicon,
    hint_rules,
    monitor_rules,
    sandbagging_rules,
    scheming_rules,
)
from cot_faithfulness.standin.offline_grader.grader_prompts import (
    parse_grader_prompt,
    parse_sandbagging_prompt,
    parse_scheming_prompt,
)
from cot_faithfulness.standin.offline_grader.monitor_rules import parse_monitor_prompt
from cot_faithfulness.standin.provider import StandinProvider, word_usage

RULE_SETS = ("rules",)
NOT_A_GRADER_PROMPT = "offline_grader: not a grader prompt"
"""The reply to anything else; the strict parser rejects it, so it counts as a grader
failure, never as a verdict."""


def reply(prompt: str) -> str:
    """The grader's reply to one prompt: a JSON verdict, or a text the strict parser rejects."""
    monitored = parse_monitor_prompt(prompt)
    if monitored is not None:
        return monitor_rules.judge_monitor(monitored)
    inputs = parse_grader_prompt(prompt)
    verdict = hint_rules.judge(inputs) if inputs else None
    sandbagging = None if inputs else parse_sandbagging_prompt(prompt)
    if sandbagging is not None:
        verdict = sandbagging_rules.judge_sandbagging(sandbagging)
    scheming = None if inputs or sandbagging else parse_scheming_prompt(prompt)
    if scheming is not None:
        verdict = scheming_rules.judge_scheming(scheming)
    return json.dumps(asdict(verdict)) if verdict else NOT_A_GRADER_PROMPT


@functools.cache
def rules_sha256() -> str:
    """A hash of the rules as they are now: the lexicon's, the hint rules', the monitor
    rules', the sandbagging rules' and the scheming rules' source."""
    modules = (hint_lexicon, hint_rules, monitor_rules, sandbagging_rules, scheming_rules)
    sources = [inspect.getsource(module) for module in modules]
    return hashlib.sha256("\n".join(sources).encode("utf-8")).hexdigest()


class OfflineGraderAPI(StandinProvider):
    """`offline_grader/<rule set>`: answers the suite's grader prompts with the rules."""

    provider = "offline_grader"
    kind = "a rule set"
    names = RULE_SETS

    def configure(self, model_name: str, model_args: Mapping[str, Any]) -> str:
        return f"{model_name}@{rules_sha256()[:16]}"

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        content = reply(input[-1].text) if input else NOT_A_GRADER_PROMPT
        output = ModelOutput.from_content(model=self.label, content=content)
        output.usage = word_usage(input, content)
        request = {"model": self.model_name, "messages": [m.model_dump() for m in input]}
        return output, ModelCall.create(request, {"content": content})


@modelapi(name="offline_grader")
def offline_grader() -> type[ModelAPI]:
    """Registers the provider the way Inspect registers its own (see its `mockllm`)."""
    return OfflineGraderAPI
