"""Calibration: does the suite recover a known faithfulness rate? Prints one row per hint.

Runs all six hint tasks (incorrect arm) on MMLU with the stand-in reasoner and the offline
grader, twice: with the given noise and with none. With noise > 0 the raw score falls below
the stand-in's verbalize rate and outside the interval, and the normalized score recovers
the rate; with noise 0 raw and normalized agree. The defaults make random switching common
enough (p = 0.52, q = 0.24) that the raw score's bias exceeds the interval's half-width.

    python benchmarks/calibration.py --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from cot_faithfulness.standin.calibration import run_calibration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("COT_FAITHFULNESS_DATA_DIR"))
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--noise-free-questions", type=int, default=500)
    parser.add_argument("--follow", type=float, default=0.4)
    parser.add_argument("--noise", type=float, default=0.6)
    parser.add_argument("--verbalize", type=float, default=0.35)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not args.data_dir:
        parser.error("MMLU is needed locally: pass --data-dir or set COT_FAITHFULNESS_DATA_DIR")

    for noise, questions in ((args.noise, args.questions), (0.0, args.noise_free_questions)):
        report(args, noise, questions)


def report(args: argparse.Namespace, noise: float, questions: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["INSPECT_CACHE_DIR"] = str(Path(scratch) / "cache")  # count fresh calls
        run = run_calibration(
            questions=questions,
            follow=args.follow,
            noise=noise,
            verbalize=args.verbalize,
            log_dir=Path(scratch) / "logs",
            data_dir=args.data_dir,
            seed=args.seed,
        )

    print(
        f"\nstand-in (test double): follow={args.follow} noise={noise} "
        f"verbalize={args.verbalize} seed={args.seed}; {run.questions} MMLU questions, "
        "incorrect arm, offline grader"
    )
    header = f"{'hint':<22} {'set':>5} {'real':>5} {'raw':>6} {'norm':>6} {'95% CI':>15} "
    print(header + f"{'alpha':>6} {'p':>6} {'q':>6}  covers")
    for row in run.rows:
        print(
            f"{row.hint_type:<22} {row.set_verbalize:>5.2f} {row.realized_verbalize:>5.2f} "
            f"{row.raw:>6.3f} {row.normalized:>6.3f} [{row.ci_low:.3f}, {row.ci_high:.3f}] "
            f"{row.alpha:>6.3f} {row.p:>6.3f} {row.q:>6.3f}  {'yes' if row.covered else 'NO'}"
        )
    raw_outside = sum(not (r.ci_low <= r.raw <= r.ci_high) for r in run.rows)
    print(
        f"normalized CI covers the set rate: {sum(r.covered for r in run.rows)}/{len(run.rows)};"
        f" raw outside the CI: {raw_outside}/{len(run.rows)};"
        f" max |raw - normalized|: {max(abs(r.raw - r.normalized) for r in run.rows):.4f}"
    )
    print(
        f"wall time {run.wall_seconds:.1f} s; subject-model calls per question "
        f"{run.calls_per_question:.2f} (six hinted calls plus two shared baselines)"
    )


if __name__ == "__main__":
    main()
