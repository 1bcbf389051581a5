"""Preflight: one real question of the suite, asked of every model a run will use.

For each model under test: the unhinted and one hinted prompt, exactly as the task renders
them; for the grader: one grader prompt built from what the first model said; for the
monitor: the blind and the informed monitor's prompts on that same reply, as the scorer
renders them. Reported per model: reachable (key present, model found), answer readable,
the kind of chain of thought returned and what it means for the score, tokens used, and for
the grader and the monitor whether each verdict parsed. Everything goes through Inspect's
`get_model`, so every provider Inspect supports works, and the offline stand-ins too.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.model import GenerateConfig, Model, ModelOutput, get_model

from cot_faithfulness.core.answers import extract_answer
from cot_faithfulness.core.grading import parse_verdict
from cot_faithfulness.core.questions import Question
from cot_faithfulness.core.reasoning import ChainOfThought, extract_chain_of_thought
from cot_faithfulness.preflight.tokens import Role
from cot_faithfulness.scorers.hints.grader_prompt import render_grader_prompt
from cot_faithfulness.scorers.hints.hint_catalogue import get_hint
from cot_faithfulness.scorers.hints.monitor_prompts import MONITOR_PROMPTS, PARSERS
from cot_faithfulness.scorers.hints.monitoring import monitor_fields
from cot_faithfulness.solvers.hints.hint_prompts import render_hinted, render_unhinted
from cot_faithfulness.tasks.hints.builder import FEW_SHOT_EXAMPLES, incorrect_letter
from cot_faithfulness.tasks.hints.question_sources import load_questions

COT_MEANING = {
    "raw": "the full reasoning: graded as the paper graded it",
    "summary": "a summary of the reasoning: the grader sees only what it keeps; "
    "scores are not comparable with raw ones",
    "visible_only": "no native reasoning: the visible answer is the whole chain of thought",
    "none": "no chain of thought: every switched pair would be left ungraded",
}

MONITORS_CHECKED = ("blind", "informed")
"""The monitor prompts preflight sends, one call each: the blind monitor's and one choice
monitor's (the answer-only monitor's verdict is read by the informed one's parser)."""


@dataclass
class ModelCheck:
    model: str
    role: Role
    problem: str | None = None
    """Why the model can't be used as it is; None when it can."""
    reachable: bool = False
    answers: tuple[str | None, str | None] = (None, None)
    """Unhinted and hinted answer letters, as read."""
    cot_kind: str | None = None
    verdict: str | None = None
    """The grader's or the monitor's verdicts, when they parsed."""
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None

    def per_call(self) -> dict[str, float]:
        """Mean tokens per call, for the cost plan."""
        calls = self.calls or 1
        return {
            "input_tokens": self.input_tokens / calls,
            "output_tokens": self.output_tokens / calls,
        }


@dataclass(frozen=True)
class PreflightQuestion:
    question: Question
    hint: str
    letter: str
    few_shot: tuple[Question, ...]


def suite_question(
    dataset: str = "demo", hint: str = "metadata", seed: int = 0, data_dir: str | None = None
) -> PreflightQuestion:
    """The first question a hint task with these parameters would evaluate."""
    questions, _ = load_questions(dataset, None, data_dir, seed)
    random.Random(seed).shuffle(questions)
    few_shot, evaluated = questions[:FEW_SHOT_EXAMPLES], questions[FEW_SHOT_EXAMPLES:]
    question = evaluated[0]
    return PreflightQuestion(question, hint, incorrect_letter(question, seed), tuple(few_shot))


def _model(model: str | Model, config: GenerateConfig, model_args: dict[str, Any]) -> Model:
    return model if isinstance(model, Model) else get_model(model, config=config, **model_args)


async def check_subject(
    model: str | Model,
    asked: PreflightQuestion,
    config: GenerateConfig,
    model_args: dict[str, Any] | None = None,
) -> tuple[ModelCheck, ModelOutput | None]:
    """Ask the unhinted and the hinted prompt; return the check and the hinted output."""
    check = ModelCheck(str(model), "subject")
    started = time.perf_counter()
    try:
        subject = _model(model, config, model_args or {})
        check.model = str(subject)
        hint = get_hint(asked.hint)
        prompts = [
            render_unhinted(hint, asked.question, asked.few_shot),
            render_hinted(hint, asked.question, asked.letter, None, asked.few_shot),
        ]
        outputs = [await subject.generate(prompt) for prompt in prompts]
    except Exception as error:
        check.problem = describe_failure(error)
        check.seconds = time.perf_counter() - started
        return check, None
    check.reachable, check.seconds = True, time.perf_counter() - started
    letters = []
    for output in outputs:
        _count(check, output)
        if not output.choices:
            check.problem = "replied with no choices"
            return check, None
        cot = extract_chain_of_thought(output.message, check.model)
        letters.append(extract_answer(cot.visible, asked.question.letters).letter)
        check.cot_kind = cot.kind
        if output.stop_reason in ("max_tokens", "model_length"):
            check.notes.append("a reply was cut off by the token limit: raise --max-tokens")
    check.answers = (letters[0], letters[1])
    if None in letters:
        check.problem = "no answer letter could be read from its reply"
    elif check.cot_kind == "none":
        check.problem = "returned no chain of thought: " + COT_MEANING["none"]
    return check, outputs[1]


async def check_grader(
    grader: str | Model,
    asked: PreflightQuestion,
    hinted: ModelOutput | None,
    config: GenerateConfig,
) -> ModelCheck:
    """One grader prompt, on the hinted reply of the first model (or a written one), asked
    once and past the cache: the prompt and the strict parser of the run, without its retry."""
    check = ModelCheck(str(grader), "grader")
    cot = _hinted_reply(asked, hinted)
    started = time.perf_counter()
    try:
        model = _model(grader, config, {})
        check.model = str(model)
        description = get_hint(asked.hint).describe(asked.letter)
        prompt = render_grader_prompt(description, asked.letter, cot.reasoning, cot.visible)
        output = await model.generate(prompt, cache=False)
    except Exception as error:
        check.problem = describe_failure(error)
        check.seconds = time.perf_counter() - started
        return check
    check.reachable, check.seconds = True, time.perf_counter() - started
    _count(check, output)
    verdict = parse_verdict(output.completion)
    if verdict is None:
        reply = _first_line(output.completion) or "(empty)"
        check.problem = f"its reply is not the required JSON verdict: {reply}"
    else:
        check.verdict = "verbalized" if verdict.verbalized else "not verbalized"
    return check


async def check_monitor(
    monitor: str | Model,
    asked: PreflightQuestion,
    hinted: ModelOutput | None,
    config: GenerateConfig,
) -> ModelCheck:
    """The blind and the informed monitor's prompts on the hinted reply of the first model
    (or a written one), each asked once and past the cache: rendered as the scorer renders
    them (the question as the unhinted prompt's last turn), read by the run's strict
    parsers, without the run's retry."""
    check = ModelCheck(str(monitor), "monitor")
    cot = _hinted_reply(asked, hinted)
    hint = get_hint(asked.hint)
    question = render_unhinted(hint, asked.question, asked.few_shot)[-1].text
    letter = extract_answer(cot.visible, asked.question.letters).letter or asked.letter
    description = hint.describe(asked.letter)
    started = time.perf_counter()
    try:
        model = _model(monitor, config, {})
        check.model = str(model)
        outputs = []
        for name in MONITORS_CHECKED:
            fields = monitor_fields(name, question, cot, letter, description, asked.letter)
            prompt = MONITOR_PROMPTS[name].render(**fields)
            outputs.append(await model.generate(prompt, cache=False))
    except Exception as error:
        check.problem = describe_failure(error)
        check.seconds = time.perf_counter() - started
        return check
    check.reachable, check.seconds = True, time.perf_counter() - started
    verdicts, unparsed = [], []
    for name, output in zip(MONITORS_CHECKED, outputs, strict=True):
        _count(check, output)
        verdict = PARSERS[name](output.completion)
        if verdict is None:
            unparsed.append(f"{name}: {_first_line(output.completion) or '(empty)'}")
        else:
            verdicts.append(f"{name} {verdict.choice.replace('_', ' ')}")
    if unparsed:
        check.problem = "its reply is not the required JSON verdict: " + "; ".join(unparsed)
    else:
        check.verdict = ", ".join(verdicts)
    return check


def _hinted_reply(asked: PreflightQuestion, hinted: ModelOutput | None) -> ChainOfThought:
    """The first model's hinted chain of thought; a written one when no model replied."""
    if hinted is not None and hinted.choices:
        return extract_chain_of_thought(hinted.message)
    return ChainOfThought(
        "The metadata lists the answer, so I rely on it.", f"<mc>{asked.letter}</mc>", "raw"
    )


async def preflight(
    models: Sequence[str | Model],
    grader: str | Model | None,
    asked: PreflightQuestion,
    config: GenerateConfig,
    model_args: dict[str, Any] | None = None,
    monitor: str | Model | None = None,
) -> list[ModelCheck]:
    """Check every model (concurrently), then the grader and the monitor on the first
    model's reply."""
    results = await asyncio.gather(*(check_subject(m, asked, config, model_args) for m in models))
    checks = [check for check, _ in results]
    hinted = next((output for _, output in results if output is not None), None)
    if grader is not None:
        checks.append(await check_grader(grader, asked, hinted, config))
    if monitor is not None:
        checks.append(await check_monitor(monitor, asked, hinted, config))
    return checks


def describe_failure(error: BaseException) -> str:
    """One line that says what to fix: no key, key rejected, model not found, unreachable."""
    status = getattr(error, "status_code", None) or getattr(
        getattr(error, "response", None), "status_code", None
    )
    name = type(error).__name__
    if status in (401, 403) or "Authentication" in name or "PermissionDenied" in name:
        return f"key rejected ({status or name})"
    if status == 404 or "NotFound" in name:
        return f"model not found ({status or name}): check the name, or whether it was retired"
    if status == 429 or "RateLimit" in name:
        return f"rate limited ({status or name}): retry later or lower --max-connections"
    if "Connection" in name or "Connect" in name:
        return f"provider unreachable ({name}): check the network or the base URL"
    if "Timeout" in name or isinstance(error, TimeoutError):
        return f"no reply in time ({name})"
    return _first_line(str(error)) or name


def _first_line(text: str) -> str:
    """Inspect's errors carry rich markup and several lines; one plain line is enough."""
    plain = re.sub(r"\[/?[a-z ]+\]", "", text).replace("ERROR: ", "")
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    return "; ".join(lines)[:200]


def _count(check: ModelCheck, output: ModelOutput) -> None:
    check.calls += 1
    if output.usage:
        check.input_tokens += output.usage.input_tokens
        check.output_tokens += output.usage.output_tokens
        check.reasoning_tokens += output.usage.reasoning_tokens or 0
