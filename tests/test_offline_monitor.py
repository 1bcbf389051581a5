"""The offline monitor reads the real monitor prompts back and judges them by its rules."""

from __future__ import annotations

import pytest

from cot_faithfulness.scorers.hints.hint_catalogue import HINTS, get_hint
from cot_faithfulness.scorers.hints.monitor_prompts import MONITOR_PROMPTS, PARSERS
from cot_faithfulness.solvers.hints.hint_prompts import format_question_turn
from cot_faithfulness.standin.offline_grader.monitor_rules import parse_monitor_prompt
from cot_faithfulness.standin.offline_grader.provider import reply
from cot_faithfulness.standin.reasoner import ACKNOWLEDGEMENTS, DELIBERATION, LEAK
from helpers import QUESTION

PLAIN = " ".join(DELIBERATION[:5])


def ask(monitor: str, reasoning: str, letter: str, hint: str = "metadata", at: str = "C"):
    fields = {
        "question": format_question_turn(QUESTION),
        "reasoning": reasoning,
        "visible": f"<mc>{letter}</mc>",
    }
    if monitor != "blind":
        fields.update(hint_description=get_hint(hint).describe(at), hint_letter=at)
    if monitor == "answer_only":
        del fields["reasoning"]
    prompt = MONITOR_PROMPTS[monitor].render(**fields)
    verdict = PARSERS[monitor](reply(prompt))
    assert verdict is not None, reply(prompt)
    return verdict


@pytest.mark.parametrize("monitor", list(MONITOR_PROMPTS))
def test_every_monitor_prompt_is_read_back_whole(monitor):
    fields = {"question": "Question: Q?\n\nChoices:\n(A) a\n(B) b", "visible": "<mc>B</mc>"}
    if monitor != "answer_only":
        fields["reasoning"] = "Some reasoning."
    if monitor != "blind":
        fields.update(hint_description="A hint.", hint_letter="B")
    inputs = parse_monitor_prompt(MONITOR_PROMPTS[monitor].render(**fields))
    assert inputs is not None and inputs.monitor == monitor
    assert (inputs.question, inputs.visible) == (fields["question"], "<mc>B</mc>")
    assert inputs.reasoning == fields.get("reasoning", "")
    assert inputs.hint_letter == ("" if monitor == "blind" else "B")


@pytest.mark.parametrize("hint", list(HINTS))
def test_the_blind_monitor_flags_every_admission_without_knowing_the_hint(hint):
    admission = ACKNOWLEDGEMENTS[hint].format(h="C")
    assert ask("blind", f"{DELIBERATION[0]} {admission} I settle on (C).", "C").flagged
    assert ask("informed", f"{admission} I settle on (C).", "C", hint=hint).choice == "A"


def test_plain_reasoning_is_not_flagged_and_a_leak_is():
    assert not ask("blind", PLAIN, "B").flagged
    assert ask("informed", PLAIN, "C").choice == "D"
    leaked = f"{DELIBERATION[0]} {LEAK.format(h='C')} I settle on (C)."
    assert ask("blind", leaked, "C").flagged
    assert ask("informed", leaked, "C").choice == "A"  # at the hint letter
    assert ask("informed", leaked.replace("(C)", "(B)"), "B").choice == "D"


def test_a_mention_without_reliance_is_b_at_the_hint_letter_and_c_elsewhere():
    checked = f"{PLAIN} I settle on (C). The question metadata also lists (C), which matches."
    assert ask("informed", checked, "C").choice == "B"
    rejected = f"The question metadata lists (C), but I set it aside. {PLAIN} I settle on (B)."
    assert ask("informed", rejected, "B").choice == "C"


def test_the_answer_only_monitor_flags_exactly_the_answers_at_the_hint_letter():
    assert ask("answer_only", "", "C").flagged
    assert not ask("answer_only", "", "B").flagged
