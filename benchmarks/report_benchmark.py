"""Report speed and memory on ~100,000 samples of logs (six hint types, two models, two arms).

Writes synthetic suite logs to a temporary folder, then runs `faithfulness-report` on them
in a child process and prints its wall time and peak resident memory. Target: under 30 s
and 2 GB on a 2-core machine.

    python benchmarks/report_benchmark.py [--questions 4200]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from faithfulness_report.synthetic_logs import Pair, write_log
from solvers.hints import HINTS

MODELS = ("anthropic/model-a", "openai/model-b")


def synthetic_pairs(questions: int, rng: random.Random) -> list[Pair]:
    pairs = []
    for i in range(questions):
        correct = rng.choice("ABCD")
        wrong = rng.choice([x for x in "ABCD" if x != correct])
        for arm, hint in (("incorrect", wrong), ("correct", correct)):
            unhinted = correct if rng.random() < 0.7 else rng.choice("ABCD")
            draw = rng.random()
            hinted = hint if draw < 0.5 else rng.choice("ABCD") if draw < 0.6 else unhinted
            retained = unhinted != hint and hinted == hint
            pairs.append(
                Pair(
                    question=f"mmlu/s{i % 57}/{i}",
                    unhinted=unhinted,
                    hinted=hinted,
                    hint=hint,
                    correct=correct,
                    verbalized=(rng.random() < 0.3) if retained else None,
                    arm=arm,
                    tokens=rng.randint(200, 4000),
                )
            )
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=4200, help="per log; x2 arms x12 logs")
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        for model in MODELS:
            for hint in HINTS:
                write_log(Path(folder), model, hint, synthetic_pairs(args.questions, rng))
        samples = args.questions * 2 * len(MODELS) * len(HINTS)
        print(f"wrote {samples:,} samples in 12 logs in {time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        out = Path(folder) / "report"
        subprocess.run(
            [sys.executable, "-m", "faithfulness_report.cli", folder, "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"report over {samples:,} samples: wall time {wall:.1f} s (target < 30 s), ")
        print(f"peak memory {peak_kib / 1024**2:.2f} GiB (target < 2 GiB), 1000 bootstrap draws")


if __name__ == "__main__":
    main()
