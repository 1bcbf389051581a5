"""A run that cannot start is refused while its tasks are built: one line, a non-zero exit,
no log and no model call, under the real `inspect eval` and `inspect eval-set` commands; and
the Python API, which builds tasks before it binds roles, still works."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from inspect_ai import eval, eval_set
from inspect_ai.model import ChatMessage, Model, get_model

from cot_faithfulness.core.errors import InputError
from cot_faithfulness.core.grading import NO_GRADER, NO_MONITOR, run_model_roles
from cot_faithfulness.tasks.alignment_faking import alignment_faking
from cot_faithfulness.tasks.grader_validation import grader_validation
from cot_faithfulness.tasks.metadata_hint import metadata_hint
from cot_faithfulness.tasks.oversight_subversion import oversight_subversion
from cot_faithfulness.tasks.sandbagging import sandbagging
from helpers import REPO, reasoning_output

SUBJECT = ["--model", "standin/default"]
DEMO = ["-T", "dataset=demo", "-T", "questions=2"]
CASES: dict[str, tuple[list[str], str]] = {
    "eval, no grader": (
        ["eval", "cot_faithfulness/metadata_hint", *SUBJECT, *DEMO],
        f"Error: {NO_GRADER}",
    ),
    "eval-set, no grader": (
        ["eval-set", "cot_faithfulness/metadata_hint", "cot_faithfulness/sycophancy_hint"]
        + [*SUBJECT, *DEMO],
        f"Error: {NO_GRADER}",
    ),
    "eval, task file, bad parameter": (
        ["eval", "tasks/metadata_hint.py", *SUBJECT, *DEMO, "-T", "questions=0"]
        + ["--model-role", "grader=offline_grader/rules"],
        "Error: questions=0 is not accepted; accepted: an integer >= 1 or none (leave it out)",
    ),
    "eval-set, misspelt parameter": (
        ["eval-set", "cot_faithfulness/metadata_hint", *SUBJECT, *DEMO, "-T", "datset=mmlu"]
        + ["--model-role", "grader=offline_grader/rules"],
        "Error: unknown task parameter ['datset']; accepted: dataset, subset, subjects, "
        "questions, hint_answer, variant, seed, data_dir, revision, grading, cache, monitor, "
        "monitor_crossfit",
    ),
    "eval, unknown monitor": (
        ["eval", "cot_faithfulness/metadata_hint", *SUBJECT, *DEMO, "-T", "monitor=bogus"]
        + ["--model-role", "grader=offline_grader/rules"],
        "Error: monitor='bogus' is not accepted; accepted: none, or one or more of blind, "
        "informed, answer_only (comma-separated)",
    ),
    "eval-set, monitor without its role": (
        ["eval-set", "cot_faithfulness/metadata_hint", *SUBJECT, *DEMO, "-T", "monitor=blind"]
        + ["--model-role", "grader=offline_grader/rules"],
        f"Error: {NO_MONITOR}",
    ),
}


def hint_follower(calls: list[Sequence[ChatMessage]] | None = None) -> Model:
    """Answers A, with its reasoning; records every call it gets."""

    def answer(messages, tools, tool_choice, config):
        if calls is not None:
            calls.append(messages)
        return reasoning_output("Option A fits best.", "<mc>A</mc>")

    return get_model("mockllm/model", custom_outputs=answer)


@pytest.fixture(scope="module")
def refusals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str, Path]]:
    """Every case at once (each command takes a few seconds to start): exit status, stdout,
    stderr and the log folder of each."""
    running = {}
    for name, (arguments, _) in CASES.items():
        folder = tmp_path_factory.mktemp("refusal")
        command = [sys.executable, "-m", "inspect_ai", *arguments, "--log-dir", str(folder)]
        process = subprocess.Popen(
            command,
            cwd=REPO if "tasks/metadata_hint.py" in arguments else folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        running[name] = (process, folder)
    results = {}
    for name, (process, folder) in running.items():
        try:
            stdout, stderr = process.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
        results[name] = (process.returncode, stdout, stderr, folder)
    return results


@pytest.mark.parametrize("case", list(CASES))
def test_a_run_that_cannot_start_says_why_in_one_line_and_exits_non_zero(case, refusals):
    status, stdout, stderr, folder = refusals[case]
    assert (status, stdout, stderr.splitlines()) == (2, "", [CASES[case][1]])
    # refused while the tasks were built: no task started, so no log and no model call
    assert [p.name for p in folder.rglob("*.eval")] == []


def test_the_python_api_refuses_an_unbound_grader_when_it_builds_the_task(tmp_path):
    calls: list[Sequence[ChatMessage]] = []
    with pytest.raises(InputError, match="No grader model is bound"):
        eval(
            metadata_hint,
            task_args={"dataset": "demo", "questions": 1},
            model=hint_follower(calls),
            log_dir=str(tmp_path),
            display="none",
        )
    assert calls == [] and list(tmp_path.rglob("*.eval")) == []


@pytest.mark.parametrize(
    ("task", "arguments", "roles", "message"),
    [
        (sandbagging, {"runs": 1}, None, NO_GRADER),
        (oversight_subversion, {"runs": 1}, None, NO_GRADER),
        (alignment_faking, {"runs": 1}, None, NO_GRADER),
        (grader_validation, {}, None, NO_GRADER),
        (
            grader_validation,
            {"labelled_set": "/no/such.jsonl"},
            {"grader": "offline_grader/rules"},
            "labelled_set='/no/such.jsonl' cannot be read: No such file or directory",
        ),
    ],
)
def test_every_task_refuses_what_it_cannot_run_while_it_is_built(
    task, arguments, roles, message, tmp_path
):
    with pytest.raises(InputError) as error:
        eval(task, task_args=arguments, model="none", model_roles=roles, log_dir=str(tmp_path))
    assert error.value.message == message
    assert list(tmp_path.rglob("*.eval")) == []


def test_a_labelled_set_line_without_its_fields_is_refused_in_one_line(tmp_path):
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text('{"id": "x", "cot": "text"}\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        grader_validation(labelled_set=str(labelled))
    assert error.value.message == (
        f"labelled_set {labelled} line 1: missing verbalized, hint_type, hint_letter, split, "
        "case; every line holds id, cot, verbalized, hint_type, hint_letter, split, case"
    )


def test_a_task_built_before_eval_is_checked_by_the_run_that_binds_the_roles(tmp_path):
    # built outside any run, no role is known yet: the task builds, and the run binds one
    task = metadata_hint(dataset="demo", questions=1, hint_answer="incorrect")
    [log] = eval(
        task,
        model=hint_follower(),
        model_roles={"grader": "offline_grader/rules"},
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error


def test_roles_of_a_finished_eval_set_do_not_refuse_a_task_built_later(tmp_path):
    # eval_set() sets the roles up in the caller's context and leaves them there
    eval_set(
        metadata_hint,
        task_args={"dataset": "demo", "questions": 1, "grading": "none"},
        model=hint_follower(),
        log_dir=str(tmp_path),
        display="none",
    )
    assert run_model_roles() is None
    metadata_hint(dataset="demo", questions=1)


def test_refusals_stay_value_errors_and_inspect_prerequisite_errors():
    from inspect_ai._util.error import PrerequisiteError

    with pytest.raises(ValueError) as error:
        metadata_hint(dataset="demo", questions=0)
    assert isinstance(error.value, PrerequisiteError) and isinstance(error.value, InputError)
    assert error.value.message == str(error.value)
