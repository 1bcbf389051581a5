"""The command line: exit codes, one-line messages, the files it writes, stand-in labels."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pyarrow
import pytest

from cot_faithfulness.report.cli import main
from cot_faithfulness.scorers.hints.hint_catalogue import HINTS
from log_factory import Pair, write_foreign_log, write_log

A, STANDIN = "openai/model-a", "standin/default"
PAIRS = [
    Pair("q0", "A", "C", "C", verbalized=True),
    Pair("q1", "A", "C", "C", verbalized=False),
    Pair("q2", "A", "A", "C"),
    Pair("q3", "B", "C", "C", verbalized=True),
]
REGRADED = [
    Pair("q0", "A", "C", "C", verbalized=False, grader="anthropic/grader-2"),
    Pair("q1", "A", "C", "C", verbalized=False, grader="anthropic/grader-2"),
    Pair("q2", "A", "A", "C"),
    Pair("q3", "B", "C", "C", verbalized=True, grader="anthropic/grader-2"),
]
FILES = [
    "cells.csv",
    "aggregates.csv",
    "differences.csv",
    "grader_agreement.csv",
    "cot_lengths.csv",
    "logs.csv",
    "report.json",
    "report.md",
    "faithfulness_by_hint.png",
    "hint_use.png",
    "cot_length.png",
]


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logs")
    for model in (A, STANDIN):
        write_log(folder, model, "metadata", PAIRS, extra_scores={"hint_faithfulness1": REGRADED})
        write_log(folder, model, "sycophancy", PAIRS)
    write_foreign_log(folder)
    return folder


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_writes_every_output_and_labels_the_stand_in_everywhere(log_dir, tmp_path, capsys):
    out = tmp_path / "reports" / "run1"
    code, printed, _ = run(capsys, log_dir, "--out", out, "--n-boot", "50")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert all((out / name).stat().st_size > 0 for name in FILES)
    label = "standin/default (test double)"
    assert label in printed and "test double with known behaviour" in printed
    assert "foreign.eval: not a log of this suite" in printed
    assert label in set(pd.read_csv(out / "cells.csv")["model_label"])
    assert label in set(pd.read_csv(out / "aggregates.csv")["model_label"])
    assert label in set(pd.read_csv(out / "differences.csv")["model_b"])
    assert label in set(pd.read_csv(out / "cot_lengths.csv")["model_label"])
    payload = json.loads((out / "report.json").read_text())
    assert label in payload["meta"]["model_labels"]
    assert {c["model_label"] for c in payload["cells"]} == {A, label}
    assert label in (out / "report.md").read_text()


def test_the_report_allocates_arrow_memory_from_the_system_allocator(log_dir, capsys):
    """Arrow's own pool (mimalloc by default) made building a million rows' cells twice as
    slow on a 2-core VM; the report process uses the system's allocator."""
    pyarrow.set_memory_pool(pyarrow.mimalloc_memory_pool())
    assert pyarrow.default_memory_pool().backend_name == "mimalloc"
    code, _, _ = run(capsys, log_dir, "--n-boot", "20")
    assert code == 0 and pyarrow.default_memory_pool().backend_name == "system"


def test_formats_choose_the_files(log_dir, tmp_path, capsys):
    out = tmp_path / "out"
    code, printed, _ = run(capsys, log_dir, "--out", out, "--formats", "json,md", "--n-boot", "20")
    assert code == 0 and sorted(p.name for p in out.iterdir()) == ["report.json", "report.md"]
    assert "wrote 2 files" in printed


def test_terminal_only_without_out(log_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, printed, _ = run(capsys, log_dir, "--n-boot", "20")
    assert code == 0 and "headline" in printed and list(tmp_path.iterdir()) == []


def test_scorer_chooses_the_regrade(log_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        run(capsys, log_dir, "--scorer", "hint_faithfulness1", "--out", out, "--formats", "csv")[0]
        == 0
    )
    cells = pd.read_csv(out / "cells.csv")
    metadata = cells[cells["hint_type"] == "metadata"]
    # the re-grade says verbalized on q3 only of q0 q1 q3 -> raw 1/3
    assert set(metadata["graders"]) == {"anthropic/grader-2"}
    assert list(metadata["raw"].round(6)) == [0.333333, 0.333333]


def test_compare_one_pair(log_dir, capsys):
    code, printed, _ = run(capsys, log_dir, "--compare", STANDIN, A, "--n-boot", "20")
    assert code == 0 and f"A - B, A = {STANDIN}" in printed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scorer", "nope"], "--scorer nope: no such score in these logs; present: "),
        (["--compare", A, "x/y"], "--compare x/y: not in these logs; present: "),
        (["--compare", A, A], f"--compare {A} {A}: give two different models"),
    ],
)
def test_options_the_logs_cannot_satisfy_exit_2(log_dir, capsys, args, message):
    code, printed, error = run(capsys, log_dir, *args)
    assert code == 2 and printed == "" and error.startswith(f"faithfulness-report: {message}")
    assert error.count("\n") == 1


@pytest.mark.parametrize("args", [["--formats", "csv,pdf"], ["--n-boot", "0"], []])
def test_malformed_command_lines_exit_2(log_dir, capsys, args):
    with pytest.raises(SystemExit) as exit_info:
        main([str(log_dir), *args] if args else [])
    assert exit_info.value.code == 2


def test_nothing_to_report_exits_1_with_one_line(tmp_path, capsys):
    code, printed, error = run(capsys, tmp_path / "missing")
    assert (code, printed) == (1, "")
    assert error == f"faithfulness-report: {tmp_path / 'missing'}: no such folder or log file\n"
    code, _, error = run(capsys, tmp_path)
    assert code == 1 and "no Inspect logs" in error and error.count("\n") == 1


def test_an_unwritable_out_folder_exits_1(log_dir, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, error = run(
        capsys, log_dir, "--out", blocker / "x", "--formats", "csv", "--n-boot", "20"
    )
    assert code == 1 and error.startswith(f"faithfulness-report: cannot write to {blocker / 'x'}")


def test_the_console_script(tmp_path):
    script = shutil.which("faithfulness-report")
    command = [script] if script else [sys.executable, "-m", "cot_faithfulness.report.cli"]
    result = subprocess.run(
        [*command, str(tmp_path / "nowhere")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stderr.strip().endswith("nowhere: no such folder or log file")
    assert "Traceback" not in result.stderr


def test_the_default_terminal_report_of_two_models_fits_100_columns(tmp_path, capsys):
    """Two models with long names, every hint type, both arms, two datasets: the default
    terminal output stays within 100 columns; the wide cell table comes with --cells."""
    models = ("openrouter/deepseek/deepseek-r1-distill-llama-70b", "anthropic/claude-3-7-sonnet")
    for model in models:
        for hint in HINTS:
            for dataset in ("mmlu", "gpqa"):
                write_log(tmp_path, model, hint, PAIRS, dataset=dataset)
    assert main([str(tmp_path), "--n-boot", "50"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any("headline/gpqa" in line for line in lines)
    assert any("the per-cell table: --cells" in line for line in lines)
    assert main([str(tmp_path), "--n-boot", "50", "--cells"]) == 0
    assert "to hint" in capsys.readouterr().out


def test_unscorable_pairs_are_counted_per_model_in_the_terminal(tmp_path, capsys):
    unreadable = [
        Pair("q4", None, "C", "C", unscorable="no_unhinted_answer"),
        Pair("q5", "A", None, "C", unscorable="no_hinted_answer"),
        Pair("q6", None, "C", "C", unscorable="no_unhinted_answer"),
    ]
    for arm in ("incorrect", "correct"):  # both arms: their pooled cells repeat them
        pairs = [Pair(**{**p.__dict__, "arm": arm}) for p in PAIRS + unreadable]
        write_log(tmp_path, A, "metadata", pairs, name=f"metadata-{arm}")
    assert main([str(tmp_path), "--n-boot", "20"]) == 0
    printed = capsys.readouterr().out
    assert (
        "unscorable pairs, openai/model-a: 6 of 14 (no_unhinted_answer 4, no_hinted_answer 2)"
        in printed
    )
