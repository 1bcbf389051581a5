"""A stand-in RL run end to end: the reward-hacking task on three checkpoints of
`standin/rl-step-<n>` (exploitation rising, verbalization flat, known values), then
`faithfulness-report --series`: each step's intervals cover its known values, the series
files list the steps in order beside the hint tasks' faithfulness, and a wrong `--series`
is one line naming what is accepted (exit 2).

Seeded: the stand-in's default seed on the whole demo set, as the README's offline command
runs it. Each interval is a 95% one, so with another seed one of the six misses in about one
seed in four, as it should; `benchmarks/reward_hacking_series.py` measures coverage at a
size where it means something."""

from __future__ import annotations

import pandas as pd
import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

from cot_faithfulness.report.cli import main
from cot_faithfulness.report.hints.series import SeriesError, parse_series, step_number
from cot_faithfulness.report.report import build_report
from cot_faithfulness.standin.rl_series import VERBALIZATION, exploitation
from cot_faithfulness.tasks.reward_hacking import reward_hacking
from log_factory import Pair, write_log

STEPS = (0, 15, 30)
MODELS = [f"standin/rl-step-{step}" for step in STEPS]
VERBALIZED = {0: 6, 15: 4, 30: 2}
"""Of ten graded pairs per arm in each checkpoint's synthetic hint-task log."""


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("series")
    results = eval(
        reward_hacking(dataset="demo"),
        model=MODELS,
        model_roles={"grader": "offline_grader/rules"},
        log_dir=str(folder),
        display="none",
    )
    assert all(log.status == "success" for log in results)
    for step, model in zip(STEPS, MODELS, strict=True):
        pairs = [
            Pair(f"q{i}", "A", "C", "C", verbalized=i < VERBALIZED[step], arm=arm)
            for arm in ("incorrect", "correct")
            for i in range(10)
        ]
        write_log(folder, model, "metadata", pairs, dataset="demo")
    return folder


def test_each_steps_intervals_cover_its_known_values(logs):
    series = build_report([str(logs)], series="steps").series
    overall = series[series["environment"] == "all"].set_index(["step", "measure"])
    for step in STEPS:
        rate = overall.loc[(step, "exploitation")]
        assert rate["ci_low"] <= exploitation(step) <= rate["ci_high"], (step, rate)
        assert rate["n"] == 228  # 38 questions x 6 environments, every answer read
        rate = overall.loc[(step, "verbalization")]
        assert rate["ci_low"] <= VERBALIZATION <= rate["ci_high"], (step, rate)
    measured = [overall.loc[(step, "exploitation"), "value"] for step in STEPS]
    assert measured == sorted(measured) and measured[-1] > 0.9 > 0.3 > measured[0]


def test_the_series_files_list_the_steps_in_order(logs, tmp_path, capsys):
    out = tmp_path / "report"
    assert main([str(logs), "--series", "steps", "--out", str(out), "--n-boot", "200"]) == 0
    written = pd.read_csv(out / "series.csv")
    assert list(written.drop_duplicates("position")["model"]) == MODELS
    assert list(written.drop_duplicates("position")["step"]) == list(STEPS)
    assert written["position"].is_monotonic_increasing
    assert (out / "series.png").stat().st_size > 0
    assert {"exploitation", "verbalization", "mean_reward", "faithfulness"} <= set(
        written["measure"]
    )
    printed = capsys.readouterr().out
    assert "Series:" in printed and all(len(line) <= 100 for line in printed.splitlines())


def test_an_order_given_or_read_from_a_file_is_kept(logs, tmp_path):
    given = [MODELS[2], MODELS[0], MODELS[1]]
    explicit = build_report([str(logs)], n_boot=100, series=",".join(given)).series
    assert list(explicit.drop_duplicates("position")["model"]) == given
    listed = tmp_path / "order.txt"
    listed.write_text("# checkpoints\n" + "\n".join(given) + "\n\n")
    assert parse_series(f"@{listed}", MODELS) == given


def test_the_faithfulness_rows_are_the_reports_headline(logs):
    report = build_report([str(logs)], series="steps")
    faithfulness = report.series[report.series["measure"] == "faithfulness"]
    headline = report.aggregates[report.aggregates["aggregate"] == "headline"]
    for row in faithfulness.itertuples():
        [expected] = headline[
            (headline["model"] == row.model) & (headline["hint_arm"] == row.hint_arm)
        ].itertuples()
        assert (row.value, row.ci_low, row.ci_high, row.n) == (
            expected.normalized,
            expected.ci_low,
            expected.ci_high,
            expected.n_graded,
        )
    both = faithfulness[faithfulness["hint_arm"] == "both"].set_index("step")["value"]
    assert [both[step] for step in STEPS] == [VERBALIZED[step] / 10 for step in STEPS]
    assert set(faithfulness["hint_arm"]) == {"incorrect", "both"}


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ("standin/rl-step-0,standin/rl-step-99", "standin/rl-step-99 not in these logs; accepted"),
        ("steps:vllm/ckpt-", "no series of models named vllm/ckpt-<step>; accepted: steps:standin"),
        ("@/nonexistent/order.txt", "cannot read it"),
        (",", "names no model; accepted: M1,M2"),
        ("standin/rl-step-0,standin/rl-step-0", "more than once"),
    ],
)
def test_a_wrong_series_is_one_line_naming_the_accepted_ones(logs, capsys, series, message):
    assert main([str(logs), "--series", series]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and "\n" not in error
    assert error.startswith("faithfulness-report: --series")


def test_steps_are_read_from_names():
    assert step_number("vllm/ckpt-20") == 20 and step_number("vllm/org/run/checkpoint-500") == 500
    assert step_number("vllm/final") is None
    models = ["vllm/ckpt-100", "vllm/ckpt-20", "openai/gpt-4.1", "vllm/ckpt-3"]
    assert parse_series("steps", models) == ["vllm/ckpt-3", "vllm/ckpt-20", "vllm/ckpt-100"]
    assert parse_series("steps:openai/gpt-4.", models) == ["openai/gpt-4.1"]
    with pytest.raises(SeriesError, match="several series; accepted: steps:a/run-, steps:b/run-"):
        parse_series("steps", ["a/run-1", "a/run-2", "b/run-1", "b/run-2"])


def test_the_stand_in_series_is_a_fixed_set_of_profiles():
    model = get_model("standin/rl-step-30")
    assert model.api.reasoner.behaviour.follow == pytest.approx(0.99)
    assert exploitation(0) == pytest.approx(0.10) and exploitation(15) == pytest.approx(0.545)
    with pytest.raises(ValueError, match=r"standin/rl-step-31 is not a stand-in profile; accepted"):
        get_model("standin/rl-step-31")
