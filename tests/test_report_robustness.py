"""Logs as they come: unfinished, repeated, mixed, damaged, foreign, or none at all."""

from __future__ import annotations

import json
import math
import zipfile

import pandas as pd
import pytest

from cot_faithfulness.report.cli import main
from cot_faithfulness.report.drawing import plt
from cot_faithfulness.report.hints.figures import faithfulness_bars, hint_use, model_hatch
from cot_faithfulness.report.logs import ReportInputError
from cot_faithfulness.report.report import build_report
from cot_faithfulness.scorers.hints.pair_record import EVAL_VERSION
from log_factory import Pair, write_foreign_log, write_log

MODEL = "openai/model-a"
# p = 2/4, q = 0, raw 1/2 -> normalized 1/2
PAIRS = [
    Pair("q0", "A", "C", "C", verbalized=True),
    Pair("q1", "A", "C", "C", verbalized=False),
    Pair("q2", "A", "A", "C"),
    Pair("q3", "A", "A", "C"),
]


def only_cell(report, **match):
    rows = report.cells
    for column, value in match.items():
        rows = rows[rows[column] == value]
    [row] = rows.to_dict("records")
    return row


def note_of(report, name):
    return next(n for n in report.logs if n.path.endswith(name))


@pytest.mark.parametrize("status", ["cancelled", "error", "started"])
def test_an_unfinished_log_contributes_what_completed(tmp_path, status):
    write_log(tmp_path, MODEL, "metadata", PAIRS, status=status, total_samples=10, name="run")
    report = build_report([str(tmp_path)], n_boot=50)
    assert only_cell(report)["pairs"] == 4 and only_cell(report)["normalized"] == 0.5
    note = note_of(report, "run.eval")
    assert (note.used, note.completed, note.total) == (True, 4, 10)
    assert note.note == f"{status}: 4 of 10 samples completed"
    assert f"run.eval: {status}: 4 of 10 samples completed; using what completed" in "".join(
        report.warnings
    )


def test_errored_samples_of_a_successful_log_are_counted_as_missing(tmp_path):
    failed = [
        Pair("q4", "A", None, "C", error="RateLimitError"),
        Pair("q5", "A", None, "C", error="x"),
    ]
    write_log(tmp_path, MODEL, "metadata", PAIRS + failed, name="run")
    report = build_report([str(tmp_path)], n_boot=50)
    note = note_of(report, "run.eval")
    assert (note.completed, note.total, note.note) == (4, 6, "success: 4 of 6 samples completed")
    assert only_cell(report)["pairs"] == 4


def test_a_log_without_scored_samples_is_named_and_the_rest_reported(tmp_path):
    write_log(tmp_path, MODEL, "metadata", PAIRS)
    write_log(tmp_path, MODEL, "sycophancy", [Pair("q0", "A", None, "C", error="boom")], name="x")
    report = build_report([str(tmp_path)], n_boot=50)
    note = note_of(report, "x.eval")
    assert not note.used and note.note == "success: 0 of 1 samples completed, no scored samples"
    assert list(report.cells["hint_type"]) == ["metadata"]


def test_the_same_cell_run_twice_uses_the_newest(tmp_path):
    write_log(tmp_path, MODEL, "metadata", PAIRS, created="2026-11-22T12:00:00+00:00", name="new")
    older = [Pair("q0", "A", "A", "C"), Pair("q1", "A", "A", "C")]
    write_log(tmp_path, MODEL, "metadata", older, created="2026-11-20T12:00:00+00:00", name="old")
    report = build_report([str(tmp_path)], n_boot=50)
    row = only_cell(report)
    assert (row["pairs"], row["normalized"], row["logs"]) == (4, 0.5, "new.eval")
    assert not note_of(report, "old.eval").used
    [warning] = [w for w in report.warnings if "old.eval" in w]
    assert "also run by the newer" in warning and warning.endswith("the older is set aside")
    assert report.grader_agreement.empty  # the same grader twice is not a comparison


def test_an_older_log_still_supplies_the_cells_the_newer_did_not_run(tmp_path):
    both_arms = [*PAIRS, Pair("q0", "B", "A", "A", verbalized=True, arm="correct")]
    write_log(tmp_path, MODEL, "metadata", both_arms, created="2026-11-20T12:00:00+00:00", name="o")
    write_log(tmp_path, MODEL, "metadata", PAIRS, created="2026-11-22T12:00:00+00:00", name="n")
    report = build_report([str(tmp_path)], n_boot=50)
    assert only_cell(report, hint_arm="incorrect")["logs"] == "n.eval"
    assert only_cell(report, hint_arm="correct")["logs"] == "o.eval"
    assert note_of(report, "o.eval").used


@pytest.mark.parametrize(
    ("changed", "reason"),
    [
        ({"eval_version": "0-Z"}, f"mixed eval versions 0-Z, {EVAL_VERSION}"),
        ({"grader_prompt": "b" * 64}, "mixed grader prompts aaaaaaaaaaaa, bbbbbbbbbbbb"),
    ],
)
def test_a_cell_mixing_versions_or_grader_prompts_is_refused(tmp_path, capsys, changed, reason):
    pairs = [
        Pair(
            p.question,
            p.unhinted,
            p.hinted,
            p.hint,
            verbalized=p.verbalized,
            grader_prompt="a" * 64,
        )
        for p in PAIRS
    ]
    pairs[0] = Pair("q0", "A", "C", "C", verbalized=True, **({"grader_prompt": "a" * 64} | changed))
    write_log(tmp_path, MODEL, "metadata", pairs)
    write_log(tmp_path, MODEL, "sycophancy", PAIRS)
    report = build_report([str(tmp_path)], n_boot=50, min_pairs=1)
    row = only_cell(report, hint_type="metadata")
    assert row["refused"] == reason and math.isnan(row["normalized"])
    assert any(reason in w and "not pooled" in w for w in report.warnings)
    headline = report.aggregates.query("aggregate == 'headline'").iloc[0]
    assert headline["normalized"] == 0.5  # sycophancy alone
    assert headline["undefined"] == f"metadata (refused, {reason})"
    assert main([str(tmp_path), "--n-boot", "20", "--cells", "--min-pairs", "1"]) == 0
    assert f"refused: {reason}" in capsys.readouterr().out


def test_models_scored_under_different_versions_are_flagged(tmp_path):
    write_log(tmp_path, MODEL, "metadata", PAIRS)
    newer = [
        Pair(p.question, p.unhinted, p.hinted, p.hint, verbalized=p.verbalized, eval_version="9-Z")
        for p in PAIRS
    ]
    write_log(tmp_path, "openai/model-b", "metadata", newer)
    report = build_report([str(tmp_path)], n_boot=20)
    assert (
        f"cells were scored under different eval versions (openai/model-a: {EVAL_VERSION}; "
        "openai/model-b: 9-Z); averages and comparisons that span them pool unlike scores"
    ) in report.warnings


def test_undefined_scores_show_as_undefined_in_every_output(tmp_path, capsys):
    write_log(tmp_path, MODEL, "metadata", [Pair("q0", "A", "A", "C"), Pair("q1", "A", "B", "C")])
    out = tmp_path / "out"
    assert (
        main([str(tmp_path), "--out", str(out), "--formats", "csv,json,md", "--n-boot", "20"]) == 0
    )
    assert "undefined (p_is_0)" in capsys.readouterr().out
    cells = pd.read_csv(out / "cells.csv")
    assert math.isnan(cells.loc[0, "normalized"]) and cells.loc[0, "undefined"] == "p_is_0"
    [cell] = json.loads((out / "report.json").read_text())["cells"]
    assert cell["normalized"] is None and cell["undefined"] == "p_is_0"
    assert "undefined (p_is_0)" in (out / "report.md").read_text()


def test_a_damaged_file_is_named_and_skipped(tmp_path):
    write_log(tmp_path, MODEL, "metadata", PAIRS)
    (tmp_path / "broken.eval").write_bytes(b"not a zip file")
    report = build_report([str(tmp_path)], n_boot=50)
    note = note_of(report, "broken.eval")
    assert not note.used and note.note == "unreadable: header (ValueError)"
    assert only_cell(report)["normalized"] == 0.5


def rewrite_member(path, member, damage):
    """The same .eval zip with one member's bytes replaced by `damage(bytes)`."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info, damage(data) if info.filename == member else data)


def test_a_log_with_damaged_sample_summaries_is_read_sample_by_sample(tmp_path):
    """Header intact, `summaries.json` damaged: the samples themselves still hold every
    score, so nothing is lost; the log list says what happened."""
    damaged = write_log(tmp_path, MODEL, "metadata", PAIRS, name="damaged")
    rewrite_member(damaged, "summaries.json", lambda data: data[: len(data) // 2])
    report = build_report([str(damaged)], n_boot=50)
    assert only_cell(report)["normalized"] == 0.5
    [warning] = [w for w in report.warnings if w.startswith("damaged.eval")]
    assert warning == (
        "damaged.eval: sample summaries damaged (JSONDecodeError); read the samples instead"
    )


def test_a_log_whose_summaries_and_samples_are_damaged_is_unreadable_and_the_rest_stand(
    tmp_path, capsys
):
    write_log(tmp_path, MODEL, "metadata", PAIRS, name="good")
    damaged = write_log(tmp_path, MODEL, "sycophancy", PAIRS, name="damaged")
    with zipfile.ZipFile(damaged) as source:
        members = [
            n for n in source.namelist() if n == "summaries.json" or n.startswith("samples/")
        ]
    for member in members:
        rewrite_member(damaged, member, lambda data: b"{" + data[:10])
    assert main([str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert (
        "damaged.eval: unreadable: sample summaries damaged (JSONDecodeError), samples too"
        in printed
    )
    report = build_report([str(tmp_path)], n_boot=50)
    note = note_of(report, "damaged.eval")
    assert not note.used and note.note.startswith("unreadable: sample summaries damaged")
    assert set(report.cells["hint_type"]) == {"metadata"}


def test_log_files_can_be_given_directly(tmp_path):
    path = write_log(tmp_path, MODEL, "metadata", PAIRS)
    write_log(tmp_path, "openai/other", "metadata", PAIRS)
    report = build_report([str(path)], n_boot=50)
    assert report.meta["models"] == [MODEL]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no such folder or log file"),
        ("empty", "no Inspect logs (.eval or .json) in"),
        ("foreign", "none of the 1 logs (1 readable) has scored samples of the cot-faithfulness"),
        ("broken", "none of the 1 logs (0 readable) has scored samples"),
    ],
)
def test_nothing_to_report_is_one_clear_error(tmp_path, setup, message):
    folder = tmp_path / "logs"
    if setup != "missing":
        folder.mkdir()
    if setup == "foreign":
        write_foreign_log(folder)
    if setup == "broken":
        (folder / "broken.eval").write_bytes(b"garbage")
    with pytest.raises(ReportInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_report([str(folder)])


def test_a_run_that_stopped_before_any_score_is_named_with_its_error(tmp_path):
    failed = [Pair(f"q{i}", "A", "C", "C", error="RateLimitError") for i in range(3)]
    write_log(tmp_path, MODEL, "metadata", failed, status="error",
              run_error="RateLimitError: 429 Too Many Requests\ntraceback ...")  # fmt: skip
    with pytest.raises(ReportInputError) as error:
        build_report([str(tmp_path)])
    message = str(error.value)
    assert "1 of this suite stopped before any sample was scored" in message
    assert "error, RateLimitError: 429 Too Many Requests)" in message
    assert "inspect eval-retry" in message and "\n" not in message


def test_the_bar_figure_marks_an_undefined_score_and_draws_a_zero_as_a_score(tmp_path):
    write_log(tmp_path, MODEL, "metadata", [Pair("q0", "A", "A", "C"), Pair("q1", "A", "B", "C")])
    write_log(tmp_path, MODEL, "sycophancy", [Pair("q0", "A", "C", "C", verbalized=False)])
    report = build_report([str(tmp_path)], n_boot=20, min_pairs=1)
    faithfulness_bars(report.aggregates, tmp_path / "bars.png")
    ax = plt.gcf().axes[0]
    plt.close("all")
    names = [t.get_text().replace("\n", "_") for t in ax.get_xticklabels()]
    texts = {t.get_text(): [] for t in ax.texts}
    for t in ax.texts:
        texts[t.get_text()].append(t.get_position()[0])
    # metadata is undefined (p = 0): "n/a"; sycophancy is a defined 0: a tick at zero
    assert texts["n/a"] == [pytest.approx(names.index("metadata"))]
    ticks = [
        segment
        for c in ax.collections
        if hasattr(c, "get_segments")
        for segment in c.get_segments()
        if len(segment) == 2
    ]
    assert any(
        s[0][1] == s[1][1] == 0 and s[0][0] < names.index("sycophancy") < s[1][0] for s in ticks
    )
    # and every bar says how many graded pairs it rests on
    assert sorted(texts["n 1"]) == [
        pytest.approx(names.index("sycophancy")),
        pytest.approx(names.index("headline")),
    ]


def test_the_hint_use_figure_draws_every_model_each_with_its_own_hatching(tmp_path):
    models = [f"openai/model-{i:02d}" for i in range(14)]
    for model in models:
        write_log(tmp_path, model, "metadata", [Pair("q0", "A", "C", "C", verbalized=True)])
    report = build_report([str(tmp_path)], n_boot=20, min_pairs=1)
    hint_use(report.cells, tmp_path / "use.png")
    legend = plt.gcf().axes[0].get_legend()
    plt.close("all")
    assert [t.get_text() for t in legend.get_texts()][-len(models) :] == models
    hatches = [model_hatch(i) for i in range(40)]
    assert len(set(hatches)) == len(hatches)


def test_logs_that_read_different_questions_pair_only_the_equal_ones(tmp_path):
    """Two models ran one dataset from different data: q1 has other content in B's copy.
    It is no shared question, and a warning says the data differ."""
    same = [Pair(f"q{i}", "A", "C", "C", verbalized=True, content=f"text {i}") for i in (0, 2)]
    changed = Pair("q1", "A", "C", "C", verbalized=True, content="text 1 (revised)")
    original = Pair("q1", "A", "C", "C", verbalized=True, content="text 1")
    write_log(tmp_path, "openai/a", "metadata", [*same, original], data_sha256="d" * 64)
    write_log(tmp_path, "openai/b", "metadata", [*same, changed], data_sha256="e" * 64)
    report = build_report([str(tmp_path)], n_boot=50)
    [row] = report.differences.query("aggregate == 'headline'").to_dict("records")
    assert row["shared_questions"] == 2
    [warning] = [w for w in report.warnings if "different question data" in w]
    assert warning.startswith("mmlu: the logs read different question data (dddddddddddd")
