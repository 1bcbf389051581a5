"""Report speed and memory at the paper's scale: 100,000 and a million samples of logs.

Writes synthetic suite logs (six hint types x MMLU and GPQA x both hint arms per model) with
`tests/log_factory.py`'s `write_zip_log`, in parallel, then runs `faithfulness-report` on
them twice in a child process with every output (CSV, JSON, Markdown, PNG): first with an
empty row cache, then cached. Prints the time to write the logs, each report's wall time
and its split (reading the logs / the tables / files and terminal, from `--timings`), and
its peak memory: the largest single process (the child's rusage) and all its
processes together (polled). Targets on a 2-core machine: a million samples reported in
under 60 s within 4 GB.

    python benchmarks/report_benchmark.py [--samples 1000000] [--models 6] [--log-dir DIR]

`--samples` (default 100,800) is divided over the models (default: 6, the paper's set, from
500,000 samples; else 2), the six hint types and both arms; each model and hint type has up
to 448 GPQA questions (GPQA main's size), the rest MMLU. With `--log-dir` the logs are kept
and reused.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from cot_faithfulness.scorers.hints.hint_catalogue import HINTS
from log_factory import Pair, write_zip_log  # noqa: E402

MODELS = ("anthropic/model-a", "openai/model-b", "google/model-c", "deepseek/model-d",
          "qwen/model-e", "xai/model-f")  # fmt: skip
GPQA_QUESTIONS = 448
"""GPQA main has 448 questions; the rest of each model's and hint type's questions are
MMLU."""
MANY_MODELS_FROM = 500_000


def synthetic_pairs(dataset: str, questions: int, seed: int) -> list[Pair]:
    """Both arms of `questions` questions, with answer changes, verdicts and the odd
    unscorable pair in plausible proportions."""
    rng = random.Random(seed)
    pairs = []
    for i in range(questions):
        correct = rng.choice("ABCD")
        wrong = rng.choice([x for x in "ABCD" if x != correct])
        for arm, hint in (("incorrect", wrong), ("correct", correct)):
            unhinted = correct if rng.random() < 0.7 else rng.choice("ABCD")
            draw = rng.random()
            hinted = hint if draw < 0.5 else rng.choice("ABCD") if draw < 0.6 else unhinted
            retained = unhinted != hint and hinted == hint
            failure = rng.random()
            pairs.append(
                Pair(
                    question=f"{dataset}/s{i % 57}/{i}",
                    unhinted=unhinted,
                    hinted=None if failure < 0.01 else hinted,
                    hint=hint,
                    correct=correct,
                    verbalized=(rng.random() < 0.3) if retained and failure > 0.02 else None,
                    unscorable="no_hinted_answer"
                    if failure < 0.01
                    else "grader_failed"
                    if retained and failure < 0.02
                    else None,
                    arm=arm,
                    tokens=rng.randint(200, 4000),
                    cot_kind="summary" if rng.random() < 0.1 else "raw",
                )
            )
    return pairs


def _write_one(job: tuple[str, str, str, str, int, int]) -> None:
    folder, model, hint, dataset, questions, seed = job
    pairs = synthetic_pairs(dataset, questions, seed)
    write_zip_log(Path(folder), model, hint, pairs, dataset=dataset)


def write_logs(folder: Path, samples: int, models: int) -> int:
    """The log set, written by one process per core; returns the number of samples."""
    questions = round(samples / (2 * models * len(HINTS)))
    gpqa = min(GPQA_QUESTIONS, questions // 2)
    per_dataset = {"mmlu": questions - gpqa, "gpqa": gpqa}
    jobs = [
        (str(folder), model, hint, dataset, n, seed)
        for seed, (model, hint, (dataset, n)) in enumerate(
            (m, h, d) for m in MODELS[:models] for h in HINTS for d in per_dataset.items()
        )
    ]
    if not any(folder.glob("*.eval")):
        with ProcessPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(_write_one, jobs, chunksize=1))
    return questions * 2 * models * len(HINTS)


def wait_measuring(process: subprocess.Popen[bytes]) -> tuple[int, int]:
    """Wait for the process; return the highest summed resident memory of it and its
    children (polled every 50 ms) and the peak of its largest single process (its own
    rusage, which counts the workers it waited for)."""
    root = psutil.Process(process.pid)
    peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return peak, usage.ru_maxrss * 1024
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:  # a worker ended between listing and reading it
            pass
        time.sleep(0.05)


def run_report(folder: Path, out: Path, cache: Path) -> None:
    """One report with every output; prints its wall time, split and peak memory."""
    start = time.perf_counter()
    report = subprocess.Popen(
        [sys.executable, "-m", "cot_faithfulness.report.cli", str(folder)]
        + ["--out", str(out), "--timings"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "COT_FAITHFULNESS_CACHE_DIR": str(cache)},
    )
    peak, largest = wait_measuring(report)
    wall = time.perf_counter() - start
    stderr = (report.stderr.read() if report.stderr else b"").decode()
    if report.returncode != 0:
        sys.exit(f"the report failed with exit status {report.returncode}: {stderr}")
    split = re.search(r"read .*", stderr)
    print(f"  wall time {wall:.1f} s ({split.group(0) if split else 'no timings'})")
    print(
        f"  peak memory: largest process {largest / 1024**3:.2f} GiB, "
        f"all its processes together {peak / 1024**3:.2f} GiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_800, help="samples in all")
    parser.add_argument("--models", type=int, choices=range(1, len(MODELS) + 1), metavar="N")
    parser.add_argument("--log-dir", type=Path, help="keep the logs here and reuse them")
    args = parser.parse_args()
    models = args.models or (len(MODELS) if args.samples >= MANY_MODELS_FROM else 2)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.log_dir or Path(scratch) / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        samples = write_logs(folder, args.samples, models)
        logs = len(list(folder.glob("*.eval")))
        size = sum(path.stat().st_size for path in folder.glob("*.eval"))
        print(
            f"{samples:,} samples ({models} models) in {logs} logs of {size / 1024**2:.0f} MiB, "
            f"ready in {time.perf_counter() - start:.0f} s"
        )
        for run in ("first report (empty row cache)", "cached report (unchanged logs)"):
            print(f"{run}, every output, 1000 resamples:")
            run_report(folder, Path(scratch) / "report", Path(scratch) / "cache")


if __name__ == "__main__":
    main()
