"""`faithfulness-report LOG_DIR ...`: a folder of suite logs -> tables, files and figures.

Exit status: 0 when something was reported (warnings are printed, not fatal), 1 when
nothing could be (no folder, no suite logs, no scored pairs), 2 for bad options.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import pandas as pd

from faithfulness_report.aggregation import aggregate_table, paired_difference
from faithfulness_report.cells import cell_table
from faithfulness_report.comparison import grader_agreement
from faithfulness_report.log_reading import SCORER, ReportInputError, read_pairs
from faithfulness_report.outputs import Report, terminal, write_files

FORMATS = ("csv", "json", "md", "png")


def build_report(
    log_dirs: list[str],
    scorer: str = SCORER,
    n_boot: int = 1000,
    seed: int = 0,
    compare: tuple[str, str] | None = None,
) -> Report:
    table = read_pairs(log_dirs)
    scorers = sorted(table.pairs["scorer"].unique())
    if scorer not in scorers:
        raise ReportInputError(f"--scorer {scorer}: not in these logs; present: {scorers}")
    pairs = table.pairs[table.pairs["scorer"] == scorer]
    aggregates = aggregate_table(pairs, n_boot, seed)
    models = sorted(pairs["model"].unique())
    if compare:
        unknown = [m for m in compare if m not in models]
        if unknown:
            raise ReportInputError(f"--compare {unknown}: not in these logs; present: {models}")
    model_pairs = [compare] if compare else list(itertools.combinations(models, 2))
    differences = [
        paired_difference(pairs, a, b, arm, n_boot, seed)
        for a, b in model_pairs
        for arm in sorted(pairs["hint_arm"].unique())
    ]
    return Report(
        cells=cell_table(pairs, n_boot, seed),
        aggregates=aggregates,
        differences=pd.concat(differences, ignore_index=True) if differences else pd.DataFrame(),
        graders=grader_agreement(table.pairs),
        logs=table.logs,
        warnings=table.warnings,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="faithfulness-report",
        description="Faithfulness tables and figures from a folder of cot-faithfulness logs.",
    )
    parser.add_argument("log_dirs", nargs="+", metavar="LOG_DIR")
    parser.add_argument("--out", type=Path, help="write files here (default: terminal only)")
    parser.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help=f"files to write with --out, comma-separated from {', '.join(FORMATS)}",
    )
    parser.add_argument(
        "--scorer",
        default=SCORER,
        help="which score to report (re-grades add hint_faithfulness1, ...)",
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("MODEL_A", "MODEL_B"),
        help="only this difference (default: every pair of models)",
    )
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    args = parser.parse_args(argv)
    formats = {f.strip() for f in args.formats.split(",") if f.strip()}
    if not formats <= set(FORMATS):
        parser.error(f"--formats: unknown {sorted(formats - set(FORMATS))}; accepted: {FORMATS}")

    try:
        report = build_report(
            args.log_dirs, args.scorer, args.n_boot, args.seed, tuple(args.compare or ()) or None
        )
    except ReportInputError as error:
        print(f"faithfulness-report: {error}", file=sys.stderr)
        return 1
    print(terminal(report))
    if args.out:
        figures = []
        if "png" in formats:
            from faithfulness_report.figures import write_figures

            figures = write_figures(report.cells, report.aggregates, args.out)
        written = write_files(report, args.out, formats, figures) + figures
        print(f"\nwrote {len(written)} files to {args.out}/: " + ", ".join(p.name for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
