"""Asking the monitors about one pair: both sides, each monitor, one grading path.

`-T monitor` names the monitors (`none`, or any of `blind`, `informed`, `answer_only`); they
are the `monitor` role, asked through `core.grading.ask_judge` like the grader (pinned
prompts, defused data, a retry past the cache) and never the model under test. The
question each monitor sees is the unhinted prompt's last turn, on both sides. The blind
monitor's prompt for the unhinted side holds nothing of the hint, so it is the same for
every hint type that shares the unhinted generation and for both arms: a lock per prompt
(`core.call_locks`) and the cache make it one call per question, model and epoch.
"""

from __future__ import annotations

from collections.abc import Sequence

from inspect_ai.model import Model

from cot_faithfulness.core.call_locks import one_call_at_a_time
from cot_faithfulness.core.errors import InputError
from cot_faithfulness.core.grading import MONITOR_ROLE, ask_judge
from cot_faithfulness.core.reasoning import ChainOfThought
from cot_faithfulness.scorers.hints.monitor_prompts import (
    MONITOR_NAMES,
    MONITOR_PROMPTS,
    PARSERS,
)
from cot_faithfulness.scorers.hints.monitor_record import MonitorReading, MonitorRecord

NO_MONITOR = "none"


def parse_monitors(value: str | Sequence[str]) -> tuple[str, ...]:
    """The monitors `-T monitor` asks for, in the suite's order: `none`, or one or more of
    blind, informed, answer_only (comma-separated, or a YAML list)."""
    names = [value] if isinstance(value, str) else list(value)
    wanted = [n.strip() for name in names for n in str(name).split(",") if n.strip()]
    unknown = [n for n in wanted if n not in (*MONITOR_NAMES, NO_MONITOR)]
    if unknown or not wanted or (NO_MONITOR in wanted and len(wanted) > 1):
        raise InputError(
            f"monitor={value!r} is not accepted; accepted: {NO_MONITOR}, or one or more of "
            f"{', '.join(MONITOR_NAMES)} (comma-separated)"
        )
    return tuple(name for name in MONITOR_NAMES if name in wanted)


def monitor_fields(
    name: str,
    question: str,
    cot: ChainOfThought,
    letter: str,
    hint_description: str,
    hint_letter: str,
) -> dict[str, str]:
    """What monitor `name` is sent about one side (its chain of thought and answer letter):
    the fields of its prompt. The blind monitor gets nothing of the hint; the answer-only
    monitor gets the answer letter instead of what the model wrote."""
    fields = {"question": question, "visible": cot.visible, "reasoning": cot.reasoning}
    if name != "blind":
        fields.update(hint_description=hint_description, hint_letter=hint_letter)
    if name == "answer_only":
        del fields["reasoning"]
        fields["visible"] = f"<mc>{letter}</mc>"
    return fields


async def monitor_pair(
    monitors: Sequence[str],
    model: Model,
    question: str,
    hint_description: str,
    hint_letter: str,
    sides: tuple[tuple[ChainOfThought, str], tuple[ChainOfThought, str]],
    epoch: int,
    attempts: int = 2,
) -> tuple[dict[str, MonitorRecord], list[str]]:
    """Every monitor's readings of a pair's unhinted and hinted side (each a chain of thought
    and its answer letter), and the monitors' replies for the score's explanation."""
    records, replies = {}, []
    for name in monitors:
        readings = []
        for side, (cot, letter) in zip(("unhinted", "hinted"), sides, strict=True):
            fields = monitor_fields(name, question, cot, letter, hint_description, hint_letter)
            prompt = MONITOR_PROMPTS[name]
            key = f"{prompt.render(**fields)}\x1f{model}\x1f{epoch}"
            async with one_call_at_a_time(key):
                result = await ask_judge(
                    model, prompt, PARSERS[name], MONITOR_ROLE, attempts, **fields
                )
            readings.append(MonitorReading.of(result.verdict, result.attempts))
            replies.append(f"monitor {name} ({side}):\n" + "\n\n".join(result.outputs))
        records[name] = MonitorRecord(
            monitor_model=str(model),
            prompt_sha256=MONITOR_PROMPTS[name].sha256(),
            unhinted=readings[0],
            hinted=readings[1],
        )
    return records, replies
