"""The report's scheming table: the same numbers as each log's metrics, the difference
against the matching-goal control recomputed from the two logs, models side by side, a
terminal view within 100 columns, its files and figure, and refusals instead of pooling."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from inspect_ai import eval

from cot_faithfulness.report.cli import main
from cot_faithfulness.report.report import build_report
from cot_faithfulness.report.scheming.scheming_table import scheming_table
from cot_faithfulness.report.terminal import terminal
from cot_faithfulness.scorers.scheming.rollout_record import RolloutRecord
from cot_faithfulness.scorers.scheming.scheming_math import newcombe, wilson
from cot_faithfulness.tasks import SCHEMING_TASKS
from cot_faithfulness.tasks.metadata_hint import metadata_hint

FIGURES = ("covert", "covert_ci_low", "covert_ci_high", "covert_n", "verbalized",
           "verbalized_n", "denied", "denied_ci_high", "admitted_n", "rollouts")  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logs")
    tasks = [
        SCHEMING_TASKS["oversight_subversion"](runs=2, follow_up=1, cache=False),
        SCHEMING_TASKS["oversight_subversion"](runs=2, follow_up=1, goal="matching_developer",
                                               cache=False),
        SCHEMING_TASKS["alignment_faking"](runs=2, cache=False),
        metadata_hint(dataset="demo", questions=4, cache=False),
    ]  # fmt: skip
    logs = eval(
        tasks,
        model=["standin/default", "standin/faithful"],
        model_args={"scheme": 0.5, "scheme_matching": 0.0},
        model_roles={"grader": "offline_grader/rules"},
        log_dir=str(folder),
        display="none",
        limit=6,
    )
    assert all(log.status == "success" for log in logs)
    return folder, logs


def test_each_row_equals_its_logs_metrics_and_the_difference_is_recomputed(folder):
    path, logs = folder
    table = build_report([str(path)]).scheming.set_index(["model", "evaluation", "goal"])
    compared = 0
    by_key = {}
    for log in logs:
        metadata = log.eval.metadata
        if metadata["family"] != "scheming":
            continue
        metrics = {name: m.value for name, m in log.results.scores[0].metrics.items()}
        row = table.loc[(log.eval.model, metadata["evaluation"], metadata["goal"])]
        for column in FIGURES:
            assert row[column] == pytest.approx(metrics[column], nan_ok=True), column
        by_key[(log.eval.model, metadata["evaluation"], metadata["goal"])] = metrics
        compared += 1
    assert compared == 6
    for model in ("standin/default", "standin/faithful"):
        own = by_key[(model, "oversight_subversion", "own")]
        control = by_key[(model, "oversight_subversion", "matching_developer")]
        expected = newcombe(
            wilson(round(own["covert"] * own["covert_n"]), int(own["covert_n"])),
            wilson(round(control["covert"] * control["covert_n"]), int(control["covert_n"])),
        )
        row = table.loc[(model, "oversight_subversion", "own")]
        assert (row["vs_matching"], row["vs_matching_ci_low"], row["vs_matching_ci_high"]) == (
            pytest.approx(expected.value), pytest.approx(expected.ci_low),
            pytest.approx(expected.ci_high),
        )  # fmt: skip
        assert math.isnan(table.loc[(model, "oversight_subversion", "matching_developer")]
                          ["vs_matching"])  # fmt: skip
    faking = table.loc[("standin/default", "alignment_faking", "own")]
    assert faking["p_value"] > 0 and faking["threshold"] >= 1


def test_the_terminal_view_fits_100_columns_beside_the_hint_numbers(folder):
    path, _ = folder
    report = build_report([str(path)])
    text = terminal(report)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "Scheming: how often the covert action was taken" in text
    assert "Normalized faithfulness" in text  # the hint side is still there
    assert "align. faking, standin/default (test double), none/own:" in text
    assert set(report.aggregates["aggregate"]) == {"metadata", "headline"}


def test_a_folder_of_scheming_logs_alone_writes_its_table_and_figure(folder, tmp_path):
    path, logs = folder
    only = [log.location for log in logs if log.eval.metadata["family"] == "scheming"]
    assert main([*only, "--out", str(tmp_path / "out")]) == 0
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"scheming.csv", "scheming.png", "report.md", "report.json"} <= written
    assert "cells.csv" not in written and "sandbagging.csv" not in written
    table = pd.read_csv(tmp_path / "out" / "scheming.csv")
    assert len(table) == 6 and set(table["evaluation"]) == {"oversight_subversion",
                                                            "alignment_faking"}  # fmt: skip
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "## Scheming" in markdown and "### oversight: sub-behaviours" in markdown


def record(scenario: str, version: str = "SC1-A", prompt: str = "a" * 64) -> dict:
    rollout = RolloutRecord(
        scenario_version="v", evaluation="goal_guarding", scenario=scenario, nudge="strong",
        goal="own", goal_in="system", environment="none", ended="finished", actions=2,
        covert=True, behaviours={"removed_successor_prompt": True}, eval_version=version,
        grader_prompt_sha256=prompt,
    )  # fmt: skip
    return {
        "log": "x.eval", "model": "openai/m", "evaluation": "goal_guarding", "nudge": "strong",
        "goal": "own", "goal_in": "system", "environment": "none", "scorer": "scheming_score",
        "eval_version": version, "grader_model": "g", "record": rollout,
    }  # fmt: skip


def test_rollouts_of_different_versions_or_grader_prompts_are_refused_not_pooled():
    mixed = scheming_table(pd.DataFrame([record("a"), record("b", version="SC1-B")]))
    assert mixed.loc[0, "refused"] == "mixed versions SC1-A, SC1-B"
    assert "covert" not in mixed or pd.isna(mixed.loc[0, "covert"])
    prompts = scheming_table(pd.DataFrame([record("a"), record("b", prompt="b" * 64)]))
    assert prompts.loc[0, "refused"] == "mixed reasoning grader prompts aaaaaaaaaaaa, bbbbbbbbbbbb"
    fine = scheming_table(pd.DataFrame([record("a"), record("b")]))
    assert (fine.loc[0, "covert"], fine.loc[0, "covert_n"], fine.loc[0, "scenarios"]) == (1.0, 2, 2)
