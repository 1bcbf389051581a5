"""How often the report calls two models' monitorability different: under one monitor, two
identical models (the false-positive rate, nominally at most 5%) and two models whose
monitor flags positives at different rates (the power), on the same questions, for the two
typical cells of `standin/monitor_simulation.py`.

    python benchmarks/monitor_differences.py     # 1,000 repetitions per row, about 3 minutes
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from cot_faithfulness.standin.monitor_simulation import REGIMES, monitor_significance

QUESTIONS = (10, 20, 50, 100, 200, 500)
WEAKER = {"incorrect arm": 0.3, "correct arm": 0.1}
"""The second model's flag_positive in the power rows."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=1000)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--min-pairs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"{args.repetitions} repetitions per row, --min-pairs {args.min_pairs}")
    for name, story in REGIMES.items():
        weaker = dataclasses.replace(story, flag_positive=WEAKER[name])
        print(f"\n{name}: {story}, g-mean² {story.gmean2:.3f}; weaker g-mean² {weaker.gmean2:.3f}")
        print(f"{'questions':>9}  {'identical: starred (compared)':>30}  {'weaker: starred':>16}")
        for questions in QUESTIONS:
            same = monitor_significance(
                story, story, questions, args.repetitions, args.min_pairs, args.n_boot
            )
            apart = monitor_significance(
                story, weaker, questions, args.repetitions, args.min_pairs, args.n_boot
            )
            print(
                f"{questions:>9}  {same.rate:>19.3f} ({same.compared:>5} of {same.repetitions})"
                f"  {apart.rate:>16.3f}"
            )
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
