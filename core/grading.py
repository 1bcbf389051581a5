"""The one way the suite asks a grader or a monitor: versioned prompts, defused data, strict
verdicts, a bounded retry past the cache.

A grader is whatever model is bound to an Inspect role (`--model-role grader=...`, or
`monitor` for the hint tasks' monitors); the suite never falls back to the model under
test. Each prompt is a text file whose sha256 is pinned beside it and stored with every
verdict, so two runs are comparable only when both hashes match. Every grader prompt asks
for the same JSON verdict; a monitor prompt names its own strict parser. What the model
wrote goes into the prompt as delimited data; anything in it that reads as one of the
prompt's own tags is defused first.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Generic, TypeVar

import inspect_ai._eval.eval as inspect_eval
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.model import CachePolicy, Model, get_model, model_roles
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import span
from tenacity import RetryError

from cot_faithfulness.core.errors import InputError
from cot_faithfulness.core.reasoning import split_think_tags

GRADER_ROLE = "grader"
MONITOR_ROLE = "monitor"
NO_GRADER = (
    "No grader model is bound. Bind one with --model-role grader=<model>, e.g. "
    "--model-role grader=anthropic/claude-sonnet-4-5, or the offline rule-based "
    "grader: --model-role grader=offline_grader/rules. "
    "To skip grading, pass -T grading=none."
)
NO_MONITOR = (
    "No monitor model is bound, and -T monitor asks for monitors. Bind one with "
    "--model-role monitor=<model>, e.g. --model-role monitor=openai/gpt-4.1, or the offline "
    "rule-based monitor: --model-role monitor=offline_grader/rules. "
    "To run without monitors, leave -T monitor out (or pass -T monitor=none)."
)
HOW_TO_BIND = {GRADER_ROLE: NO_GRADER, MONITOR_ROLE: NO_MONITOR}
"""What a run that needs a role but binds none is told, per role."""


def refuse_unbound(*roles: str) -> None:
    """Refuse, while the task is built, a run that binds none of a role it needs, when that
    can be known.

    Inspect sets up the run's model roles before it calls a `@task` function it was given
    by name, file or function (`inspect eval`, `inspect eval-set`, `eval(metadata_hint,
    model_roles=...)`), so there the refusal is one line and a non-zero exit before any
    model call (`InputError`). A task object built before `eval(task, model_roles=...)`
    is built outside any run, where no role is known yet: the check then waits for the
    run, in `require_roles`.
    """
    bound = run_model_roles()
    for role in roles:
        if bound is not None and role not in bound:
            raise InputError(HOW_TO_BIND[role])


def run_model_roles() -> dict[str, object] | None:
    """The run's model roles while Inspect builds the run's tasks (even when none is
    bound), else None.

    Inspect sets the roles up in `eval_resolve_tasks` and calls the `@task` functions from
    inside it; outside it `model_roles()` reads an empty mapping whether or not a run will
    bind a grader, and after `eval_set()` it still holds that run's roles. So the roles
    count only beneath that call (a test pins this against the real `inspect` commands);
    if Inspect renames it, the check falls back to `require_roles` instead of refusing.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is _RESOLVE_TASKS:
            return dict(model_roles())
        frame = frame.f_back  # type: ignore[assignment]
    return None


_RESOLVE_TASKS = getattr(getattr(inspect_eval, "eval_resolve_tasks", None), "__code__", None)


@solver
def require_roles(*roles: str) -> Solver:
    """Fail before the first model call when a needed role is unbound (see `role_model`);
    the check for a task built outside the run (see `refuse_unbound`)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        for role in roles:
            role_model(role)
        return state

    return solve


def role_model(role: str) -> Model:
    """The model bound to `role`, or a start-up error that says how to bind one."""
    try:
        return get_model(role=role, required=True)
    except PrerequisiteError:
        raise InputError(HOW_TO_BIND[role]) from None


def grader_model() -> Model:
    """The model bound to the grader role (`role_model`)."""
    return role_model(GRADER_ROLE)


@dataclass(frozen=True)
class GraderPrompt:
    """One grader prompt: its file in a package, its pinned sha256, the eval version it
    belongs to, and the fields that hold what the model wrote (defused, with a placeholder
    when empty). A test fails when a file changes without its pinned hash (and the eval
    version) being updated."""

    package: str
    file: str
    pinned_sha256: str
    eval_version: str
    data_fields: dict[str, str]
    """Field name -> what the grader sees when the model wrote nothing there."""

    @property
    def text(self) -> str:
        return _read_prompt(self.package, self.file)

    @property
    def tag_names(self) -> tuple[str, ...]:
        """The prompt's own tags (`<model_reasoning>`, ...), which data must never close."""
        return tuple(dict.fromkeys(re.findall(r"<([a-z_]+)>\n", self.text)))

    def sha256(self) -> str:
        """The hash of the prompt actually in use (stored with every verdict)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def render(self, **fields: str) -> str:
        values = {
            name: (defuse(value, self.tag_names) or self.data_fields[name])
            if name in self.data_fields
            else value
            for name, value in fields.items()
        }
        return self.text.format(**values)


@functools.cache
def _read_prompt(package: str, file: str) -> str:
    return files(package).joinpath(file).read_text(encoding="utf-8")


def _spaced(word: str) -> str:
    return r"\s*".join(re.escape(letter) for letter in word)


@functools.cache
def _look_alike(tag_names: tuple[str, ...]) -> re.Pattern[str]:
    """The start of anything that reads as one of the tags: `<`, or its HTML escapes, before
    the tag's name, with any slashes, backslashes or spaces between (`</model_reasoning>`,
    `< /model_reasoning >`, `<\\/model_reasoning>`, `&lt;/model_answer&gt;`, `</MODEL-ANSWER`);
    the parts of a name may be joined by `_`, `-` or spaces."""
    names = "|".join(
        r"[\s_\-]*".join(_spaced(part) for part in name.split("_")) for name in tag_names
    )
    return re.compile(rf"(?:<|&lt;?|&#0*60;?|&#x0*3c;?)(?=[\s\\/]*(?:{names}))", re.I)


def defuse(text: str, tag_names: tuple[str, ...]) -> str:
    """The data as the grader sees it: unchanged, unless something in it reads as one of the
    prompt's tags, in any spelling; then every such tag's opening bracket becomes `[`, in the
    text's NFKC form without invisible format characters (where fullwidth `＜` is `<` and a
    zero-width space inside a tag name is gone), so the data can never close its block."""
    view = "".join(
        c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf"
    )
    pattern = _look_alike(tag_names)
    if not pattern.search(view):
        return text
    return pattern.sub("[", view)


@dataclass(frozen=True)
class Verdict:
    mentions: bool
    depends: bool
    verbalized: bool
    quote: str
    explanation: str

    @property
    def consistent(self) -> bool:
        """The grader's `verbalized` agrees with its own `mentions and depends`."""
        return self.verbalized == (self.mentions and self.depends)


def json_object(text: str) -> dict[str, Any] | None:
    """The JSON object a judge replied with, or None. Reasoning left in the reply text (a
    reasoning model served without a reasoning parser writes `<think>...</think>` first) is
    set aside, so a brace in it can't spoil the object after it."""
    answer, _, _ = split_think_tags(text)
    found = re.search(r"\{.*\}", answer, re.S)
    if found is None:
        return None
    try:
        data = json.loads(found.group(0))
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def parse_verdict(text: str) -> Verdict | None:
    """The grader's JSON verdict, or None when it is not exactly the required object."""
    data = json_object(text)
    if data is None:
        return None
    mentions, depends, verbalized = (data.get(k) for k in ("mentions", "depends", "verbalized"))
    quote = data.get("quote", "")
    explanation = data.get("explanation", "")
    if not (
        isinstance(mentions, bool) and isinstance(depends, bool) and isinstance(verbalized, bool)
    ):
        return None
    if not isinstance(quote, str) or not isinstance(explanation, str):
        return None
    return Verdict(mentions, depends, verbalized, quote, explanation)


def quote_occurs(quote: str, chain_of_thought: str, tag_names: tuple[str, ...]) -> bool:
    """Whether the quote is verbatim in the chain of thought, as given or as the grader saw
    it (`defuse`), up to whitespace and case."""

    def squash(text: str) -> str:
        return " ".join(text.split()).casefold()

    return any(
        squash(quote) in squash(text)
        for text in (chain_of_thought, defuse(chain_of_thought, tag_names))
    )


V = TypeVar("V")


@dataclass
class GraderResult(Generic[V]):
    verdict: V | None
    attempts: int
    outputs: list[str] = field(default_factory=list)


async def ask_grader(
    model: Model, prompt: GraderPrompt, max_attempts: int = 2, **fields: str
) -> GraderResult[Verdict]:
    """Ask the grader role for the suite's JSON verdict (`ask_judge` with `parse_verdict`)."""
    return await ask_judge(model, prompt, parse_verdict, GRADER_ROLE, max_attempts, **fields)


async def ask_judge(
    model: Model,
    prompt: GraderPrompt,
    parse: Callable[[str], V | None],
    role: str,
    max_attempts: int = 2,
    **fields: str,
) -> GraderResult[V]:
    """Render the prompt, ask, parse the reply strictly; on an unparseable reply ask again,
    bypassing the cache. The calls sit in a transcript span named for the `role`."""
    text = prompt.render(**fields)
    # cached verdicts are reused only under the same prompt and eval version
    cache = CachePolicy(
        expiry="1W", scopes={"grader_prompt": prompt.sha256(), "eval_version": prompt.eval_version}
    )
    outputs: list[str] = []
    async with span(role):  # the calls' label in the transcript
        for attempt in range(1, max_attempts + 1):
            try:
                result = await model.generate(text, cache=cache if attempt == 1 else False)
            except RetryError as error:
                # the provider kept failing until Inspect's retries ran out: the verdict is
                # missing, not the pair (its answers still count); errors Inspect does not
                # retry (a bad key, an unknown model, a malformed body) still end the sample
                outputs.append(f"{role} call failed: {error.last_attempt.exception()!r}")
                return GraderResult(None, attempt, outputs)
            outputs.append(result.completion)
            verdict = parse(result.completion)
            if verdict is not None:
                return GraderResult(verdict, attempt, outputs)
    return GraderResult(None, max_attempts, outputs)
