"""Monitor calibration: do the monitorability intervals cover what the stand-in's knobs imply?

Runs all six hint tasks with the three monitors (blind, informed, answer only) on the
stand-in, whose reasoning leaks the hint's influence at known rates, with the offline grader
and monitor, one hint arm at a time, and prints every TPR, TNR and g-mean² against its known
value (`standin/monitor_calibration.py` derives them). At 500 MMLU questions per arm the
intervals are a few points wide.

    python benchmarks/monitor_calibration.py --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from cot_faithfulness.standin.monitor_calibration import Knobs, run_monitor_calibration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("COT_FAITHFULNESS_DATA_DIR"))
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--arms", default="incorrect,correct")
    parser.add_argument("--seed", type=int, default=0)
    for name, default in Knobs().model_args().items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=default)
    args = parser.parse_args()
    if not args.data_dir:
        parser.error("MMLU is needed locally: pass --data-dir or set COT_FAITHFULNESS_DATA_DIR")
    knobs = Knobs(**{name: getattr(args, name) for name in Knobs().model_args()})
    print(f"stand-in (test double) knobs {knobs.model_args()}, seed {args.seed}")
    covered = total = 0
    for arm in args.arms.split(","):
        with tempfile.TemporaryDirectory() as scratch:
            checks, wall = run_monitor_calibration(
                args.questions,
                knobs,
                Path(scratch) / "logs",
                arm=arm,
                dataset="mmlu",
                data_dir=args.data_dir,
                seed=args.seed,
            )
        print(f"\n{arm} arm, {args.questions} MMLU questions, {wall:.0f} s")
        print(f"{'hint':<22} {'monitor':<12} {'score':<7} {'known':>6} {'measured':>8}  95% CI")
        for c in checks:
            print(
                f"{c.hint_type:<22} {c.monitor:<12} {c.score:<7} {c.known:>6.3f} "
                f"{c.measured:>8.3f}  [{c.ci_low:.3f}, {c.ci_high:.3f}]"
                f"{'' if c.covered else '  not covered'}"
            )
        covered += sum(c.covered for c in checks)
        total += len(checks)
    print(f"\nintervals covering the known value: {covered} of {total}")


if __name__ == "__main__":
    main()
