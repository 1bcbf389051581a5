"""`cot-faithfulness preflight` and `cot-faithfulness plan`: before a run.

    cot-faithfulness preflight --model anthropic/claude-3-7-sonnet-latest \\
        --model deepseek/deepseek-reasoner --grader openai/gpt-4.1 --json preflight.json
    cot-faithfulness plan -T dataset=mmlu -T questions=500 --tokens-from preflight.json \\
        --subject-price 3 15 --grader-price 2 8

Exit status: preflight 0 when every model works, 1 with one line per failing model;
plan 0, 1 when the preflight file measured no subject model; 2 for a malformed command
line, task parameter or file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml
from inspect_ai.model import GenerateConfig
from rich.console import Console
from rich.table import Table

from cot_faithfulness.core.errors import InputError
from cot_faithfulness.preflight.checks import COT_MEANING, ModelCheck, preflight, suite_question
from cot_faithfulness.preflight.layout import Row, aligned
from cot_faithfulness.preflight.plan import (
    Assumptions,
    CallPlan,
    PricedModel,
    headline_ci_width,
    plan_calls,
    price_models,
    questions_for_width,
    total_cost,
)
from cot_faithfulness.preflight.tokens import (
    MEASURED,
    judge_tokens,
    measured_models,
    subject_tokens,
)
from cot_faithfulness.scorers.hints.hint_catalogue import HINTS

WIDTH = 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cot-faithfulness", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    _preflight_arguments(commands.add_parser("preflight", help="check every model of a run"))
    _plan_arguments(commands.add_parser("plan", help="what a run will ask and cost"))
    args = parser.parse_args(argv)
    console = Console(width=WIDTH, soft_wrap=False)
    try:
        if args.command == "preflight":
            return run_preflight(args, console)
        return run_plan(args, console)
    except InputError as error:
        print(f"cot-faithfulness {args.command}: {error}", file=sys.stderr)
        return error.exit_code


def _preflight_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        action="append",
        required=True,
        metavar="MODEL",
        help="a model under test (repeat for several)",
    )
    parser.add_argument("--grader", metavar="MODEL", help="the grader the run will bind")
    parser.add_argument(
        "--monitor",
        metavar="MODEL",
        help="the monitor the run will bind (with -T monitor=...): sent the blind and the "
        "informed monitor prompt",
    )
    parser.add_argument("--dataset", default="demo", help="where the question comes from")
    parser.add_argument("--data-dir", help="local data folder (see the task parameters)")
    parser.add_argument(
        "--hint",
        default="metadata",
        choices=list(HINTS),
        help="the hint of the hinted prompt sent (metadata)",
    )
    parser.add_argument(
        "-M",
        dest="model_args",
        action="append",
        default=[],
        metavar="K=V",
        help="model argument, as inspect's -M",
    )
    parser.add_argument("--reasoning-tokens", type=int, help="as inspect's --reasoning-tokens")
    parser.add_argument("--reasoning-effort", help="as inspect's --reasoning-effort")
    parser.add_argument("--reasoning-summary", help="as inspect's --reasoning-summary")
    parser.add_argument("--max-tokens", type=int, help="as inspect's --max-tokens")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per call (120)")
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="write the results, with tokens per call, for `plan`",
    )


def run_preflight(args: argparse.Namespace, console: Console) -> int:
    asked = suite_question(args.dataset, args.hint, data_dir=args.data_dir)
    config = GenerateConfig(
        max_retries=1,
        timeout=args.timeout,
        reasoning_tokens=args.reasoning_tokens,
        reasoning_effort=args.reasoning_effort,
        reasoning_summary=args.reasoning_summary,
        max_tokens=args.max_tokens,
    )
    model_args = _key_values(args.model_args, "-M")
    checks = asyncio.run(
        preflight(args.model, args.grader, asked, config, model_args, monitor=args.monitor)
    )
    for line in preflight_table(checks, asked.question.question_id, args.hint):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    for kind in sorted({c.cot_kind for c in checks if c.cot_kind}):
        console.print(f"chain of thought {kind}: {COT_MEANING[kind]}")
    if args.json:
        args.json.write_text(json.dumps(preflight_record(checks), indent=2), encoding="utf-8")
        console.print(f"wrote {args.json}")
    failing = [c for c in checks if not c.ok]
    for check in failing:
        print(f"FAIL {check.role} {check.model}: {check.problem}", file=sys.stderr)
    return 1 if failing else 0


def preflight_table(checks: list[ModelCheck], question: str, hint: str) -> list[str]:
    """One row per model, its name whole; a failing model's problem and any note on the
    lines under its row, so nothing is folded into a narrow column."""
    header = ("model", "role", "reachable", "answers", "CoT", "tokens in/out", "verdict")
    rows = []
    for c in checks:
        asked = c.role == "subject" and c.reachable
        answers = " -> ".join(a or "?" for a in c.answers) if asked else ""
        cells = (
            c.model,
            c.role,
            "yes" if c.reachable else "no",
            answers,
            c.cot_kind or "",
            f"{c.input_tokens}/{c.output_tokens}" if c.calls else "",
            c.verdict or ("ok" if c.ok else "FAIL"),
        )
        notes = [f"problem: {c.problem}"] if c.problem else []
        rows.append(Row(cells, [*notes, *(f"note: {note}" for note in c.notes)]))
    title = f"preflight: question {question}, {hint} hint"
    return [title, *aligned(header, rows, WIDTH)]


def preflight_record(checks: list[ModelCheck]) -> dict[str, dict[str, Any]]:
    """What `--json` writes, for `plan`: per model, its role, whether it passed (and why
    not), its calls and its mean tokens per call; keyed by model name (the grader's or the
    monitor's key is marked with its role when a model before it has the same name)."""
    record: dict[str, dict[str, Any]] = {}
    for c in checks:
        key = c.model if c.model not in record else f"{c.model} ({c.role})"
        record[key] = {
            "model": c.model,
            "role": c.role,
            "ok": c.ok,
            "problem": c.problem,
            "calls": c.calls,
            **c.per_call(),
        }
    return record


def _plan_arguments(parser: argparse.ArgumentParser) -> None:
    listed = ", ".join(HINTS)
    parser.add_argument("--hints", default="all", help=f"hint types, or all ({listed})")
    parser.add_argument(
        "-T",
        dest="task_args",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a hint task parameter, as inspect's -T",
    )
    parser.add_argument("--epochs", type=int, default=1, help="as inspect's --epochs (1)")
    parser.add_argument(
        "--tokens-from",
        type=Path,
        metavar="FILE",
        help="the --json file of a preflight: tokens per call",
    )
    for role in ("subject", "grader", "monitor"):
        parser.add_argument(
            f"--{role}-tokens",
            type=float,
            nargs=2,
            metavar=("IN", "OUT"),
            help=f"input and output tokens per {role} call, without --tokens-from or for the "
            f"{role} models preflight did not measure",
        )
        parser.add_argument(
            f"--{role}-price",
            type=float,
            nargs=2,
            metavar=("IN", "OUT"),
            help=f"the {role} model's dollars per million input and output tokens",
        )
    parser.add_argument(
        "--price",
        nargs=3,
        action="append",
        default=[],
        metavar=("MODEL", "IN", "OUT"),
        help="one model's dollars per million input and output tokens (repeat per model; "
        "overrides --subject-price, --grader-price and --monitor-price for it)",
    )
    for assumption in fields(Assumptions):
        parser.add_argument(
            f"--assume-{assumption.name}",
            type=float,
            default=assumption.default,
            help=f"{assumption.metadata['meaning']} ({assumption.default})",
        )
    parser.add_argument(
        "--target-ci-width",
        type=float,
        default=0.1,
        help="headline interval width to size `questions` for (0.1)",
    )


def run_plan(args: argparse.Namespace, console: Console) -> int:
    hints = list(HINTS) if args.hints == "all" else [h.strip() for h in args.hints.split(",")]
    unknown = [h for h in hints if h not in HINTS]
    if unknown:
        raise InputError(f"--hints: unknown {unknown}; accepted: {', '.join(HINTS)}, all")
    task_args = _key_values(args.task_args, "-T")
    assumptions = Assumptions(
        **{a.name: getattr(args, f"assume_{a.name}") for a in fields(Assumptions)}
    )
    measured = measured_models(args.tokens_from) if args.tokens_from else None
    subjects = subject_tokens(measured, _pair(args.subject_tokens), args.tokens_from)
    calls = plan_calls(hints, task_args, args.epochs, assumptions)
    grader = judge_tokens("grader", measured, _pair(args.grader_tokens), calls.grader_calls > 0)
    monitor = judge_tokens("monitor", measured, _pair(args.monitor_tokens), calls.monitor_calls > 0)
    prices = {model: _price(model, i, o) for model, i, o in args.price}
    unpriced = sorted(set(prices) - {m.model for m in [*subjects, grader, monitor] if m})
    if unpriced:
        raise InputError(f"--price {', '.join(unpriced)}: not a model of the plan")
    priced = price_models(
        calls,
        subjects,
        grader,
        prices,
        _pair(args.subject_price),
        _pair(args.grader_price),
        monitor,
        _pair(args.monitor_price),
    )

    table = Table(title="plan", width=WIDTH, show_header=False)
    table.add_column("what", overflow="fold")
    table.add_column("how many", overflow="fold")
    asked = calls.questions_requested
    shortfall = (
        f" ({asked} asked: the source has no more)" if asked and asked > calls.questions else ""
    )
    table.add_row("questions (per hint type)", f"{calls.questions}{shortfall}")
    table.add_row("hint types x arms x epochs", f"{calls.hints} x {calls.arms} x {calls.epochs}")
    table.add_row("samples (per subject model)", f"{calls.samples}")
    table.add_row(
        "subject-model calls (per model)",
        f"{calls.subject_calls} ({calls.hinted_calls} hinted, {calls.unhinted_calls} unhinted "
        "after the cache's sharing)",
    )
    table.add_row(
        "grader calls (expected, per subject model)",
        f"{calls.grader_calls:.0f} (assuming {assumptions.retained:.0%} of hinted samples "
        "switch to the hint; grading failures add a retry each)",
    )
    table.add_row("monitor calls (at most, per subject model)", _monitor_calls(calls))
    width = headline_ci_width(calls.questions, calls.hints, assumptions)
    needed = questions_for_width(args.target_ci_width, calls.hints, assumptions)
    table.add_row("headline 95% CI width (expected)", f"{width:.3f} per arm")
    table.add_row(f"questions for a width of {args.target_ci_width}", f"{needed} per arm")
    console.print(table)
    if calls.monitors:
        console.print(
            f"-T monitor asks for monitors ({', '.join(calls.monitors)}): the run must bind "
            "the monitor role, --model-role monitor=MODEL (check it first: preflight "
            "--monitor MODEL)",
            markup=False,
            highlight=False,
        )
    for line in cost_table(priced):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"assumed: {assumptions.verbalize:.0%} of switched pairs verbalize, "
        f"{assumptions.eligible:.0%} eligible, {assumptions.switch:.0%} of eligible switch to "
        "the hint, alpha = 1 (few changes to other options), hint types independent (they "
        "share questions, which widens the interval somewhat); tokens per call: "
        + (
            "preflight's one question and hint stand for every question, hint type and arm"
            if measured is not None
            else "as given, for every call"
        )
        + (
            "; the monitor's mean over preflight's blind and informed prompts stands for "
            "every monitor's call"
            if monitor is not None and monitor.source == MEASURED and calls.monitor_calls
            else ""
        ),
        markup=False,
        highlight=False,
    )
    return 0


def _monitor_calls(calls: CallPlan) -> str:
    if not calls.monitors:
        return "0 (no monitors: -T monitor=none)"
    return (
        f"{calls.monitor_calls} ({', '.join(calls.monitors)}: {calls.monitor_hinted_calls} "
        f"hinted, {calls.monitor_unhinted_calls} unhinted, the blind monitor's once per "
        "unhinted subject call; fewer when a pair's answers do not parse, which is not "
        "monitored, or a prompt repeats, which the cache answers; an unparseable verdict "
        "adds a retry)"
    )


def cost_table(priced: list[PricedModel]) -> list[str]:
    """One row per model (calls, tokens, dollars) with where its tokens per call and price
    come from under it, and the total."""
    header = ("model", "role", "calls", "tokens in", "tokens out", "cost")
    rows = []
    for p in priced:
        if p.cost is None:
            rows.append(
                Row((p.tokens.model, p.tokens.role, "", "", "", "not priced"), [p.tokens.source])
            )
            continue
        per_call = p.tokens.per_call or (0.0, 0.0)
        price = "no price given" if p.price is None else f"${p.price[0]:g} / ${p.price[1]:g}"
        rows.append(
            Row(
                (
                    p.tokens.model,
                    p.tokens.role,
                    f"{p.calls:,.0f}",
                    f"{p.cost.input_tokens:,.0f}",
                    f"{p.cost.output_tokens:,.0f}",
                    _dollars(p.cost.dollars),
                ),
                [
                    f"{per_call[0]:,.0f} in / {per_call[1]:,.0f} out per call, "
                    f"{p.tokens.source}; price per million tokens in / out: {price}"
                ],
            )
        )
    total = total_cost(priced)
    calls = sum(p.calls for p in priced if p.cost is not None)
    missing = sum(p.cost is not None and p.price is None for p in priced)
    rows.append(
        Row(
            (
                "total",
                "",
                f"{calls:,.0f}",
                f"{total.input_tokens:,.0f}",
                f"{total.output_tokens:,.0f}",
                _dollars(total.dollars),
            ),
            [f"{missing} model(s) without a price are left out of the dollars"] if missing else [],
        )
    )
    return ["cost", *aligned(header, rows, WIDTH, numbers=(2, 3, 4, 5))]


def _dollars(value: float | None) -> str:
    return "no price" if value is None else f"${value:,.2f}"


def _price(model: str, price_in: str, price_out: str) -> tuple[float, float]:
    try:
        return float(price_in), float(price_out)
    except ValueError:
        raise InputError(
            f"--price {model} {price_in} {price_out}: IN and OUT are numbers"
        ) from None


def _pair(values: list[float] | None) -> tuple[float, float] | None:
    return None if values is None else (values[0], values[1])


def _key_values(pairs: list[str], option: str) -> dict[str, Any]:
    """`name=value` options, values read as YAML the way inspect reads -T and -M."""
    values: dict[str, Any] = {}
    for pair in pairs:
        name, found, value = pair.partition("=")
        if not found or not name:
            raise InputError(f"{option} {pair!r}: expected NAME=VALUE")
        values[name] = yaml.safe_load(value)
    return values


if __name__ == "__main__":
    sys.exit(main())
