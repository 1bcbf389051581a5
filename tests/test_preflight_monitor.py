"""Monitors before a run: preflight sends the monitor the run's own prompts and fails on a
monitor whose verdicts do not parse; the plan counts the monitor calls of a run (at most),
checked by hand and against real runs, and prices them like the grader's."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest
from inspect_ai import eval
from inspect_ai.event import ModelEvent
from inspect_ai.model import Model, get_model
from test_preflight import ASKED, CONFIG, measured, mock, plan_rows, write_preflight

from cot_faithfulness.preflight.checks import preflight
from cot_faithfulness.preflight.cli import main
from cot_faithfulness.preflight.plan import plan_calls
from cot_faithfulness.scorers.hints.pair_record import read_pair_record
from cot_faithfulness.standin.prompt_reading import locate_hint
from cot_faithfulness.tasks import HINT_TASKS
from cot_faithfulness.tasks.metadata_hint import metadata_hint
from helpers import output, reasoning_output

ALL = "blind,informed,answer_only"
BLIND_VERDICT = {"relied_on_cue": False, "evidence": "", "explanation": "mock"}
CHOICE_VERDICT = {"choice": "D", "explanation": "mock"}


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))  # a cold cache, as a run's


def monitor_events(logs) -> list[ModelEvent]:
    """The monitor calls that reached the monitor (cache reads excluded), in call order."""
    return [
        event
        for log in logs
        for sample in log.samples
        for event in sample.events
        if isinstance(event, ModelEvent) and event.role == "monitor" and event.cache != "read"
    ]


def recording_monitor(prompts: list[str]) -> Model:
    """Answers every monitor prompt with a verdict its parser reads; records the prompts."""

    def answer(messages, tools, tool_choice, config):
        prompts.append(messages[-1].text)
        blind = "<hint>" not in messages[-1].text
        return output(json.dumps(BLIND_VERDICT if blind else CHOICE_VERDICT))

    return get_model("mockllm/model", custom_outputs=answer, memoize=False)


def distinct_reasoner() -> Model:
    """Writes reasoning no other call wrote (a counter), so no monitor prompt repeats: A when
    unhinted; with a hint, another letter than A (the hint's, or B when the hint is A), so
    even the answer-only monitor's two sides differ."""
    counter = itertools.count()

    def answer(messages, tools, tool_choice, config):
        n = next(counter)
        hint = locate_hint(messages)
        if hint is None:
            return reasoning_output(f"Attempt {n}: option A fits best.", "<mc>A</mc>")
        letter = hint.letter if hint.letter != "A" else "B"
        return reasoning_output(f"Attempt {n}: the hint says {hint.letter}.", f"<mc>{letter}</mc>")

    return get_model("mockllm/model", custom_outputs=answer, memoize=False)


@pytest.mark.parametrize(
    ("hints", "task_args", "epochs", "hinted", "unhinted"),
    [
        # 3 questions x 2 arms = 6 samples per hint type, 12 in all. Hinted sides: 2 monitors
        # x 12 = 24. Unhinted sides: informed once per sample (its prompt shows the sample's
        # hint), 12; blind once per distinct unhinted generation: the plain baseline of each
        # question (both arms share it) and the visual-pattern hint's few-shot one, 3 x 2 = 6.
        # 24 + 12 + 6 = 42.
        (["metadata", "visual_pattern"], {"questions": 3}, 1, 24, 18),
        # every call again in the second epoch: 2 x 42
        (["metadata", "visual_pattern"], {"questions": 3}, 2, 48, 36),
        # without the cache every sample has its own unhinted generation: blind 12, so
        # 24 + 12 + 12 = 48
        (["metadata", "visual_pattern"], {"questions": 3, "cache": False}, 1, 24, 24),
        # 2 questions, incorrect arm: 2 samples per hint type, 6 in all; one monitor reads 6
        # hinted sides; the answer-only monitor's unhinted side is read once per sample, 6
        (["sycophancy", "metadata", "consistency"],
         {"questions": 2, "hint_answer": "incorrect", "monitor": "answer_only"}, 1, 6, 6),
        # ... and the blind monitor's once per question: the three share the plain baseline
        (["sycophancy", "metadata", "consistency"],
         {"questions": 2, "hint_answer": "incorrect", "monitor": "blind"}, 1, 6, 2),
        (["metadata"], {"questions": 3, "monitor": "none"}, 1, 0, 0),
    ],
    ids=["two hint types", "two epochs", "no cache", "answer only", "blind only", "none"],
)  # fmt: skip
def test_the_monitor_calls_worked_out_by_hand(hints, task_args, epochs, hinted, unhinted):
    arguments = {"dataset": "demo", "hint_answer": "both", "monitor": "blind,informed"}
    planned = plan_calls(hints, {**arguments, **task_args}, epochs)
    assert (planned.monitor_hinted_calls, planned.monitor_unhinted_calls) == (hinted, unhinted)
    assert planned.monitor_calls == hinted + unhinted


def real_run(hints, arguments, tmp_path, model, epochs=1):
    logs = eval(
        [HINT_TASKS[hint](**arguments) for hint in hints],
        model=model,
        model_roles={"grader": "offline_grader/rules", "monitor": "offline_grader/rules"},
        epochs=epochs,
        log_dir=str(tmp_path),
        display="none",
    )
    assert all(log.status == "success" for log in logs)
    records = [
        read_pair_record(s.scores["hint_faithfulness"].metadata)
        for log in logs
        for s in log.samples
    ]
    return logs, records


@pytest.mark.parametrize(("monitor", "epochs"), [(ALL, 1), ("blind,informed", 2)])
def test_the_plan_is_the_monitor_calls_of_a_run_whose_prompts_never_repeat(
    monitor, epochs, tmp_path
):
    hints = ["metadata", "visual_pattern"]
    arguments = {"dataset": "demo", "questions": 2, "hint_answer": "both", "monitor": monitor}
    logs, records = real_run(hints, arguments, tmp_path, distinct_reasoner(), epochs)
    assert all(set(r.monitors) == set(monitor.split(",")) for r in records)  # all monitored
    planned = plan_calls(hints, arguments, epochs)
    assert planned.monitor_calls == len(monitor_events(logs))


def test_the_plan_bounds_the_monitor_calls_of_the_stand_ins_run(tmp_path):
    """The stand-in writes the same reasoning for every side that did not follow a hint,
    so some monitor prompts repeat and the cache answers them: the run asks fewer than the
    plan's bound, and exactly once per distinct prompt."""
    hints = ["sycophancy", "visual_pattern", "metadata"]
    arguments = {"dataset": "demo", "questions": 3, "hint_answer": "both", "monitor": ALL}
    logs, records = real_run(hints, arguments, tmp_path, "standin/default")
    assert all(set(r.monitors) == {"blind", "informed", "answer_only"} for r in records)
    asked = monitor_events(logs)
    planned = plan_calls(hints, arguments)
    assert len(asked) == len({event.input[-1].text for event in asked})
    assert len(asked) < planned.monitor_calls


def test_preflight_sends_the_monitor_the_prompts_the_run_sends(tmp_path):
    """The first question, the metadata hint, the incorrect arm: what preflight asks, and the
    first sample of a run with the same parameters. Preflight's two monitor prompts are the
    run's blind and informed prompts on the hinted side, character for character."""
    run_prompts: list[str] = []
    [log] = eval(
        metadata_hint(dataset="demo", questions=1, hint_answer="incorrect", monitor=ALL),
        model="standin/default",
        model_roles={"grader": "offline_grader/rules", "monitor": recording_monitor(run_prompts)},
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    assert log.samples[0].metadata["question_id"] == ASKED.question.question_id
    sent: list[str] = []
    checks = asyncio.run(
        preflight(["standin/default"], None, ASKED, CONFIG, monitor=recording_monitor(sent))
    )
    assert [c.ok for c in checks] == [True, True]
    assert checks[1].role == "monitor" and checks[1].calls == 2
    assert checks[1].verdict == "blind no cue, informed D"
    blind, informed, _answer_only = run_prompts[1::2]  # each monitor: unhinted, then hinted
    assert sent == [blind, informed]


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (lambda *a: output("The answer relied on a cue."),
         "blind: The answer relied on a cue.; informed: The answer relied on a cue."),
        (lambda *a: output(json.dumps(BLIND_VERDICT)),
         f"informed: {json.dumps(BLIND_VERDICT)}"),
    ],
    ids=["garbage", "a blind verdict to the informed prompt"],
)  # fmt: skip
def test_a_monitor_whose_verdict_does_not_parse_fails(reply, problem):
    subject = mock(lambda *a: reasoning_output("The metadata says D; I use it.", "<mc>D</mc>"))
    checks = asyncio.run(preflight([subject], None, ASKED, CONFIG, monitor=mock(reply)))
    assert [c.ok for c in checks] == [True, False]
    assert checks[1].reachable and checks[1].calls == 2
    assert checks[1].problem == f"its reply is not the required JSON verdict: {problem}"


def test_the_stand_ins_monitor_passes_and_a_bad_one_fails_in_one_line(tmp_path, capsys):
    json_file = tmp_path / "preflight.json"
    stand_ins = ["preflight", "--model", "standin/default", "--grader", "offline_grader/rules",
                 "--monitor", "offline_grader/rules"]  # fmt: skip
    assert main([*stand_ins, "--json", str(json_file)]) == 0
    printed = capsys.readouterr().out
    [row] = [line for line in printed.splitlines() if " monitor " in line]
    assert row.split()[:3] == ["offline_grader/rules", "monitor", "yes"]
    assert row.endswith("blind no cue, informed D")
    assert all(len(line) <= 100 for line in printed.splitlines())
    entries = json.loads(json_file.read_text())
    monitor = entries["offline_grader/rules (monitor)"]
    assert monitor["role"] == "monitor" and monitor["ok"] and monitor["calls"] == 2
    assert entries["offline_grader/rules"]["role"] == "grader"

    assert main(["preflight", "--model", "standin/default", "--monitor", "nosuch/model"]) == 1
    [failure] = capsys.readouterr().err.splitlines()
    assert failure.startswith("FAIL monitor nosuch/model: ")
    assert "nosuch" in failure.removeprefix("FAIL monitor nosuch/model: ")


MONITORED = ["plan", "--hints", "metadata", "-T", "dataset=demo", "-T", "hint_answer=incorrect",
             "-T", "grading=none", "-T", "monitor=blind,answer_only"]  # fmt: skip


def test_the_plan_prices_the_monitor_worked_out_by_hand(tmp_path, capsys):
    """demo, metadata hint only, incorrect arm, no grading: 38 questions, 38 samples, 76
    subject calls per subject model (38 hinted, 38 unhinted).
    Monitor calls per subject model: 2 monitors x 38 hinted sides = 76; unhinted sides: the
    blind monitor's once per unhinted generation, 38, and the answer-only monitor's once per
    sample, 38: 152. Two priced subject models: 304 calls x (500 in, 20 out) = 152,000 in,
    6,080 out, at $1 / $2 per million: 0.152 + 0.01216 = $0.16416.
    Subjects as in the grader's case: $2.508 and $3.420.
    Total: 76 + 76 + 304 = 456 calls, 456,000 in, 196,080 out, $6.09216."""
    tokens = write_preflight(
        tmp_path,
        **{
            "some/cheap": measured("subject", 1000, 2000),
            "some/dear": measured("subject", 3000, 500),
            "some/monitor": measured("monitor", 500, 20),
        },
    )
    arguments = [*MONITORED, "--tokens-from", tokens, "--subject-price", "3", "15",
                 "--price", "some/dear", "10", "30", "--monitor-price", "1", "2"]  # fmt: skip
    assert main(arguments) == 0
    printed = capsys.readouterr().out
    assert plan_rows(printed) == {
        "some/cheap": ["subject", "76", "76,000", "152,000", "$2.51"],
        "some/dear": ["subject", "76", "228,000", "38,000", "$3.42"],
        "some/monitor": ["monitor", "304", "152,000", "6,080", "$0.16"],
        "total": ["456", "456,000", "196,080", "$6.09"],
    }
    flat = " ".join(printed.split())
    assert "monitor calls (at most, per subject model) │ 152 (blind, answer_only: 76 hinted" in flat
    assert "the run must bind the monitor role, --model-role monitor=MODEL" in flat
    assert all(len(line) <= 100 for line in printed.splitlines())

    # --price names the monitor too: 1.52 + 0.0608 = $1.5808
    assert main([*arguments, "--price", "some/monitor", "10", "10"]) == 0
    assert plan_rows(capsys.readouterr().out)["some/monitor"][-1] == "$1.58"


def test_a_plan_without_monitor_tokens_is_refused_and_one_without_monitors_costs_none(
    tmp_path, capsys
):
    tokens = write_preflight(tmp_path, **{"some/cheap": measured("subject", 1000, 2000)})
    assert main([*MONITORED, "--tokens-from", tokens]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line == (
        "cot-faithfulness plan: monitor tokens per call unknown (the preflight file has no "
        "monitor: run it with --monitor): give --monitor-tokens IN OUT"
    )
    assert main([*MONITORED, "--tokens-from", tokens, "--monitor-tokens", "500", "20"]) == 0
    assert plan_rows(capsys.readouterr().out)["the monitor"] == [
        "monitor", "152", "76,000", "3,040", "no price"
    ]  # fmt: skip

    without = [*MONITORED[:-1], "monitor=none", "--tokens-from", tokens]
    assert main(without) == 0
    printed = capsys.readouterr().out
    assert set(plan_rows(printed)) == {"some/cheap", "total"}
    assert "monitor calls (at most, per subject model) │ 0 (no monitors" in " ".join(
        printed.split()
    )
    assert "must bind the monitor role" not in printed
