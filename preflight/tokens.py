"""Tokens per call for the plan: each model's own, as preflight measured them, or as given.

Preflight's `--json` file holds, per model of the run, its role, whether it passed, how many
calls it made and its mean input and output tokens per call. Each subject model is priced
with its own figures; what preflight did not measure is filled in the open:

- a subject model whose preflight failed (or made no call) measured nothing: it is priced
  at `--subject-tokens` when given, else left out of the cost and named;
- a grader missing from the file, or whose preflight failed, is priced at `--grader-tokens`,
  and a monitor at `--monitor-tokens`;
- preflight asks one question with one hint: its tokens per call stand for every question,
  hint type and arm of the run (the plan prints this assumption).

A file in which no subject model was measured prices nothing, and is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from cot_faithfulness.core.errors import InputError

Role = Literal["subject", "grader", "monitor"]
ROLES: tuple[str, ...] = get_args(Role)
PerCall = tuple[float, float]
"""Input and output tokens per call."""
MEASURED = "measured by preflight"


class NoUsableModel(InputError):
    """The preflight file measured no subject model: nothing of the run can be priced. Exit
    status 1, as preflight's own for failing models: the models, not the command, are wrong."""

    exit_code = 1


@dataclass(frozen=True)
class ModelTokens:
    model: str
    role: Role
    per_call: PerCall | None
    """None when nothing fills what preflight did not measure: the model is not priced."""
    source: str
    """Where `per_call` comes from, or why there is none, in words."""


def measured_models(path: Path) -> list[ModelTokens]:
    """Every model of a preflight file, with its measured tokens per call (None if not)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"--tokens-from {path}: cannot be read: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise InputError(f"--tokens-from {path}: not a preflight --json file: {error}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(f"--tokens-from {path}: not a preflight --json file")
    return [_entry(path, key, figures) for key, figures in data.items()]


def _entry(path: Path, key: str, figures: dict[str, Any]) -> ModelTokens:
    role = figures.get("role")
    if role not in ROLES:
        raise InputError(f"--tokens-from {path}: {key} has no role {', '.join(ROLES)}")
    model = str(figures.get("model", key))
    calls = figures.get("calls")
    tokens = (float(figures.get("input_tokens", 0)), float(figures.get("output_tokens", 0)))
    # files written before preflight recorded its calls: a model that made none has 0 tokens
    measured = figures.get("ok") is True and (calls > 0 if calls is not None else sum(tokens) > 0)
    if measured:
        return ModelTokens(model, role, tokens, MEASURED)
    problem = figures.get("problem") or "made no call"
    return ModelTokens(model, role, None, f"preflight failed: {problem}")


def subject_tokens(
    measured: list[ModelTokens] | None, given: PerCall | None, path: Path | None = None
) -> list[ModelTokens]:
    """The subject models to price: each measured one with its own tokens; the others at the
    given tokens, or unpriced. Without a preflight file, one model at the given tokens."""
    if measured is None:
        if given is None:
            raise InputError(
                "tokens per call unknown: give --tokens-from (a preflight's --json file), or "
                "--subject-tokens IN OUT"
            )
        return [ModelTokens("each subject model", "subject", given, "given (--subject-tokens)")]
    subjects = [m for m in measured if m.role == "subject"]
    if not any(m.per_call for m in subjects):
        failed = "; ".join(f"{m.model}: {m.source}" for m in subjects) or "it lists none"
        raise NoUsableModel(
            f"--tokens-from {path}: no subject model was measured ({failed}); fix them and "
            "run preflight again"
        )
    return [
        m
        if m.per_call or given is None
        else ModelTokens(m.model, m.role, given, f"{m.source}; priced at --subject-tokens")
        for m in subjects
    ]


def judge_tokens(
    role: Literal["grader", "monitor"],
    measured: list[ModelTokens] | None,
    given: PerCall | None,
    needed: bool,
) -> ModelTokens | None:
    """The grader or the monitor (`role`) to price: as preflight measured it, else at the
    given tokens (`--<role>-tokens`); None when the run makes no call of the role."""
    judge = next((m for m in measured or [] if m.role == role), None)
    if judge is not None and judge.per_call is not None:
        return judge
    if given is not None:
        model = judge.model if judge else f"the {role}"
        source = f"{judge.source}; " if judge else ""
        return ModelTokens(model, role, given, f"{source}given (--{role}-tokens)")
    if not needed:
        return None
    if judge is not None:
        why = f" ({judge.source})"
    elif measured is not None:
        why = f" (the preflight file has no {role}: run it with --{role})"
    else:
        why = ""
    raise InputError(f"{role} tokens per call unknown{why}: give --{role}-tokens IN OUT")
