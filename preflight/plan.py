"""The plan: what a run with given task parameters will ask of the models, and cost.

Counts come from building the tasks themselves (the same questions, arms and hints a run
would use). Subject-model calls count the cache's sharing: with the cache on, a question's
plain unhinted prompt is asked once for every hint type that shares it (all but the
visual-pattern hint, whose unhinted prompt carries its few-shot examples), and once for both
arms. Grader calls depend on how many pairs switch to the hint, which is unknown before the
run: the plan takes an assumed share and says so. Monitor calls (`-T monitor`) are counted
at most: each monitor reads both sides of every pair whose answers parse, and the blind
monitor's unhinted side, which holds nothing of the hint, once per distinct unhinted
generation. Tokens per call are measured by preflight or given; prices are given by the
user (no price table here to go stale).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from cot_faithfulness.preflight.tokens import ModelTokens, PerCall
from cot_faithfulness.tasks import HINT_TASKS
from cot_faithfulness.tasks.hints import builder

Z95 = 1.959964


def _assumed(default: float, meaning: str) -> Any:
    return field(default=default, metadata={"meaning": meaning})


@dataclass(frozen=True)
class Assumptions:
    """What the plan cannot know before the run; each becomes a `--assume-<name>` option."""

    retained: float = _assumed(
        0.25, "share of hinted samples that switch to the hint (graded, with grading=retained)"
    )
    verbalize: float = _assumed(0.3, "share of switched pairs that verbalize the hint")
    eligible: float = _assumed(0.75, "share of pairs whose unhinted answer is not the hint")
    switch: float = _assumed(0.3, "share of eligible pairs that change to the hint")


@dataclass(frozen=True)
class CallPlan:
    questions: int
    questions_requested: int | None
    """`-T questions`; more than `questions` when the source has fewer."""
    arms: int
    hints: int
    epochs: int
    samples: int
    hinted_calls: int
    unhinted_calls: int
    grader_calls: float
    monitors: tuple[str, ...] = ()
    """The monitors `-T monitor` asks for, none by default."""
    monitor_hinted_calls: int = 0
    monitor_unhinted_calls: int = 0

    @property
    def subject_calls(self) -> int:
        return self.hinted_calls + self.unhinted_calls

    @property
    def monitor_calls(self) -> int:
        """At most this many: pairs whose answers do not parse are not monitored, and a
        prompt identical to one already asked is read from the cache."""
        return self.monitor_hinted_calls + self.monitor_unhinted_calls


def plan_calls(
    hints: Sequence[str],
    task_args: dict[str, Any],
    epochs: int = 1,
    assumptions: Assumptions = Assumptions(),
) -> CallPlan:
    """Calls a run of these hint tasks will make (the tasks are built to count them)."""
    with _quiet(builder.logger):  # the plan says it once, in its table
        tasks = [HINT_TASKS[hint](**task_args) for hint in hints]
    samples = [len(task.dataset) for task in tasks]
    arms = len(tasks[0].metadata["hint_arms"])  # type: ignore[index]
    questions = samples[0] // arms
    cached = task_args.get("cache", "1W") is not False
    if cached:
        prompt_groups = len({hint == "visual_pattern" for hint in hints})
        unhinted = questions * prompt_groups
    else:
        unhinted = sum(samples)
    grading = task_args.get("grading", "retained")
    graded_share = {"retained": assumptions.retained, "all": 1.0, "none": 0.0}[grading]
    monitors = tuple(tasks[0].metadata["monitors"])  # type: ignore[index]
    # every monitor reads each hinted side; on the unhinted side the blind monitor's prompt
    # holds nothing of the hint, so it is asked once per distinct unhinted generation (one
    # per subject call), the others once per sample, as their prompts show the sample's hint
    monitor_unhinted = sum(unhinted if name == "blind" else sum(samples) for name in monitors)
    return CallPlan(
        questions=questions,
        questions_requested=tasks[0].metadata["questions_requested"],  # type: ignore[index]
        arms=arms,
        hints=len(hints),
        epochs=epochs,
        samples=sum(samples) * epochs,
        hinted_calls=sum(samples) * epochs,
        unhinted_calls=unhinted * epochs,
        grader_calls=sum(samples) * epochs * graded_share,
        monitors=monitors,
        monitor_hinted_calls=len(monitors) * sum(samples) * epochs,
        monitor_unhinted_calls=monitor_unhinted * epochs,
    )


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    disabled, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = disabled


@dataclass(frozen=True)
class Cost:
    input_tokens: float
    output_tokens: float
    dollars: float | None
    """None when no price was given."""


def cost(
    calls: float,
    per_call: tuple[float, float],
    price: tuple[float, float] | None,
) -> Cost:
    """Tokens of `calls` calls of (input, output) tokens each, priced per million tokens."""
    tokens_in, tokens_out = calls * per_call[0], calls * per_call[1]
    dollars = None if price is None else (tokens_in * price[0] + tokens_out * price[1]) / 1e6
    return Cost(tokens_in, tokens_out, dollars)


@dataclass(frozen=True)
class PricedModel:
    tokens: ModelTokens
    calls: float
    price: PerCall | None
    cost: Cost | None
    """None when the model has no tokens per call (it is named, not priced)."""


def price_models(
    calls: CallPlan,
    subjects: Sequence[ModelTokens],
    grader: ModelTokens | None,
    prices: Mapping[str, PerCall],
    subject_price: PerCall | None = None,
    grader_price: PerCall | None = None,
    monitor: ModelTokens | None = None,
    monitor_price: PerCall | None = None,
) -> list[PricedModel]:
    """Each subject model makes the run's subject calls at its own tokens per call and price
    (`prices` by model name, else `subject_price`); the grader grades, and the monitor
    reads, every priced subject model's pairs, so each makes the run's grader (monitor)
    calls once per priced subject model."""
    priced = []
    for subject in subjects:
        price = prices.get(subject.model, subject_price)
        spent = cost(calls.subject_calls, subject.per_call, price) if subject.per_call else None
        priced.append(PricedModel(subject, calls.subject_calls, price, spent))
    subjects_priced = sum(p.cost is not None for p in priced)
    for judge, per_subject, default_price in (
        (grader, calls.grader_calls, grader_price),
        (monitor, calls.monitor_calls, monitor_price),
    ):
        if judge is not None and judge.per_call is not None:
            made = per_subject * subjects_priced
            price = prices.get(judge.model, default_price)
            priced.append(PricedModel(judge, made, price, cost(made, judge.per_call, price)))
    return priced


def total_cost(priced: Sequence[PricedModel]) -> Cost:
    """The sum over the priced models; dollars only over those with a price (None if none)."""
    counted = [p.cost for p in priced if p.cost is not None]
    dollars = [c.dollars for c in counted if c.dollars is not None]
    return Cost(
        sum(c.input_tokens for c in counted),
        sum(c.output_tokens for c in counted),
        sum(dollars) if dollars else None,
    )


def headline_ci_width(questions: int, hints: int, assumptions: Assumptions) -> float:
    """Expected width of the headline's 95% interval (one arm, one dataset).

    Per hint type the normalized score is taken as a proportion, the verbalization rate,
    over the pairs that switch to the hint (questions x eligible x switch), with alpha = 1
    (few changes to other options); the headline averages independent hint types. Hint
    types share questions in a real run, which makes the interval somewhat wider.
    """
    switched = questions * assumptions.eligible * assumptions.switch
    if switched <= 0:
        return math.inf
    variance = assumptions.verbalize * (1 - assumptions.verbalize) / switched / hints
    return 2 * Z95 * math.sqrt(variance)


def questions_for_width(width: float, hints: int, assumptions: Assumptions) -> int:
    """The smallest number of questions whose headline interval is at most `width` wide."""
    rate = assumptions.verbalize * (1 - assumptions.verbalize)
    needed = (2 * Z95 / width) ** 2 * rate / (hints * assumptions.eligible * assumptions.switch)
    questions = max(1, math.ceil(needed - 1e-9))
    while headline_ci_width(questions, hints, assumptions) > width:
        questions += 1
    return questions
