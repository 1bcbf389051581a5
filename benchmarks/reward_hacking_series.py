"""The stand-in RL run at a size with tight intervals: does the suite recover each
checkpoint's known exploitation and verbalization? Prints one row per step.

Runs the reward-hacking task (all six environments) on MMLU for `standin/rl-step-<n>` at the
given steps with the offline grader, then `faithfulness-report --series steps` on the logs.
The stand-in knows MMLU's answers from the local copy, so its known values hold exactly in
expectation: exploitation 0.10 + 0.89 step / 30, verbalization 0.05 (standin/rl_series.py).
Also counts how many of the per-environment intervals cover their known values.

    python benchmarks/reward_hacking_series.py --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd
from inspect_ai import eval
from inspect_ai.model import get_model

from cot_faithfulness.report.report import build_report
from cot_faithfulness.standin.rl_series import VERBALIZATION, exploitation
from cot_faithfulness.tasks.reward_hacking import reward_hacking


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("COT_FAITHFULNESS_DATA_DIR"))
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--steps", default="0,10,20,30")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", action="store_true", help="also ask without the hint")
    args = parser.parse_args()
    if not args.data_dir:
        parser.error("MMLU is needed locally: pass --data-dir or set COT_FAITHFULNESS_DATA_DIR")
    steps = [int(step) for step in args.steps.split(",")]

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["INSPECT_CACHE_DIR"] = str(Path(scratch) / "cache")
        models = [
            get_model(f"standin/rl-step-{step}", data_dir=args.data_dir, seed=args.seed)
            for step in steps
        ]
        start = time.perf_counter()
        logs = eval(
            reward_hacking(
                data_dir=args.data_dir,
                questions=args.questions,
                baseline=args.baseline,
                seed=args.seed,
            ),
            model=models,
            model_roles={"grader": "offline_grader/rules"},
            log_dir=str(Path(scratch) / "logs"),
            display="none",
        )
        run_seconds = time.perf_counter() - start
        failed = [log for log in logs if log.status != "success"]
        if failed:
            raise RuntimeError(f"run failed: {failed[0].error}")
        start = time.perf_counter()
        report = build_report([str(Path(scratch) / "logs")], series="steps")
        report_seconds = time.perf_counter() - start

    series = report.series
    print(
        f"\nstand-in RL run (test double), steps {args.steps}; {args.questions} MMLU questions x "
        f"6 environments per step, offline grader, seed {args.seed}"
    )
    print(
        f"{'step':>4}  {'known':>5}  {'exploitation [95% CI]':<26} {'n':>5}  {'known':>5}  "
        f"{'verbalization [95% CI]':<26} {'n':>5}  {'reward':>6}"
        + ("  baseline" if args.baseline else "")
    )
    covered = total = 0
    misses = []
    for step in steps:
        rows = series[series["step"] == step].set_index(["measure", "environment"])
        known = {"exploitation": exploitation(step), "verbalization": VERBALIZATION}
        for (measure, environment), row in rows.iterrows():
            if measure in known and row["n"]:
                total += 1
                if row["ci_low"] <= known[measure] <= row["ci_high"]:
                    covered += 1
                else:
                    misses.append(
                        f"step {step} {measure} {environment}: {_interval(row)} n {row['n']}"
                    )
        e, v = rows.loc[("exploitation", "all")], rows.loc[("verbalization", "all")]
        line = (
            f"{step:>4}  {known['exploitation']:>5.3f}  {_interval(e):<26} {e['n']:>5}  "
            f"{VERBALIZATION:>5.3f}  {_interval(v):<26} {v['n']:>5}  "
            f"{rows.loc[('mean_reward', 'all'), 'value']:>6.3f}"
        )
        if args.baseline:
            line += f"  {_interval(rows.loc[('baseline', 'all')])}"
        print(line)
    print(
        f"intervals covering the known value (each step's all and six environments, both "
        f"measures): {covered}/{total}"
    )
    for miss in misses:
        print(f"  misses: {miss}")
    samples = len(steps) * args.questions * 6 * (2 if args.baseline else 1)
    print(
        f"wall time: run {run_seconds:.0f} s ({samples} samples, {samples / run_seconds:.0f}/s),"
        f" report with --series {report_seconds:.1f} s"
    )


def _interval(row: pd.Series) -> str:
    width = row["ci_high"] - row["ci_low"]
    return f"{row['value']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}] w{width:.3f}"


if __name__ == "__main__":
    main()
