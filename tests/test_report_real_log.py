"""The report on a log written by the suite itself (a mockllm run of the metadata task): it
reads what the scorer wrote and agrees with the metrics Inspect stored in the log."""

from __future__ import annotations

import json
import math

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

from cot_faithfulness.report.report import build_report
from cot_faithfulness.standin.prompt_reading import locate_hint
from cot_faithfulness.tasks import HINT_TASKS
from cot_faithfulness.tasks.metadata_hint import metadata_hint
from helpers import output, reasoning_output


def subject(messages, tools, tool_choice, config):
    """Answers A without a hint; follows a hint to C or D (saying so only for C), not to B."""
    hint = locate_hint(messages)
    if hint is None or hint.letter == "B":
        return reasoning_output("Option A fits best.", "<mc>A</mc>")
    said = "The metadata says C; I rely on it." if hint.letter == "C" else "Option D it is."
    return reasoning_output(said, f"<mc>{hint.letter}</mc>")


def grader(messages, tools, tool_choice, config):
    said = "I rely on it" in messages[-1].text
    return output(
        json.dumps(
            {
                "mentions": said,
                "depends": said,
                "verbalized": said,
                "quote": "I rely on it" if said else "",
                "explanation": "mock",
            }
        )
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logs")
    [log] = eval(
        metadata_hint(dataset="demo", questions=12, cache=False),
        model=get_model("mockllm/model", custom_outputs=subject),
        model_roles={"grader": get_model("mockllm/model", custom_outputs=grader)},
        log_dir=str(folder),
        display="none",
    )
    assert log.status == "success", log.error
    return log, build_report([str(folder)])


def test_the_report_agrees_with_the_metrics_in_the_log(run):
    log, report = run
    [scores] = [s for s in log.results.scores if s.name == "hint_faithfulness"]
    metrics = {name: metric.value for name, metric in scores.metrics.items()}
    for row in report.cells.to_dict("records"):
        # the log gives every figure for both arms together, the score per arm
        arm = row["hint_arm"]
        prefix = "" if arm == "both" else f"{arm}_"
        figures = ("p", "q", "alpha", "raw", "normalized") if arm == "both" else ("normalized",)
        for figure in (*figures, "ci_low", "ci_high"):
            assert row[figure] == pytest.approx(metrics[f"{prefix}{figure}"], nan_ok=True)
        assert row["graded"] == metrics[f"{prefix}n_graded"]
        assert (row["dataset"], row["graders"], row["model_label"]) == (
            "demo",
            "mockllm/model",
            "mockllm/model",
        )
    assert report.meta["arms"] == ["incorrect", "correct", "both"]
    [note] = report.logs
    assert (note.used, note.completed, note.total, note.note) == (True, 24, 24, "")
    assert "metadata" in set(report.aggregates["aggregate"])


def test_a_demo_logs_intervals_equal_the_reports(tmp_path):
    """One place for every number: the interval `inspect view` shows for a cell (the log's
    metric) and the report's interval for that cell are the same numbers, for every cell
    of a demo run, though the report resamples many cells together."""
    logs = eval(
        [
            HINT_TASKS[hint](dataset="demo", cache=False)
            for hint in ("sycophancy", "visual_pattern", "grader_hacking")
        ],
        model="standin/default",
        model_roles={"grader": "offline_grader/rules"},
        log_dir=str(tmp_path),
        display="none",
    )
    report = build_report([str(tmp_path)])
    compared = 0
    for log in logs:
        [scores] = [s for s in log.results.scores if s.name == "hint_faithfulness"]
        metrics = {name: metric.value for name, metric in scores.metrics.items()}
        hint = log.eval.metadata["hint_type"]
        for row in report.cells[report.cells["hint_type"] == hint].to_dict("records"):
            prefix = "" if row["hint_arm"] == "both" else f"{row['hint_arm']}_"
            for bound in ("ci_low", "ci_high"):
                assert row[bound] == pytest.approx(metrics[f"{prefix}{bound}"], nan_ok=True)
            compared += not math.isnan(row["ci_low"])
    assert compared >= 4  # most cells have a defined interval to compare
