"""`faithfulness-report LOG_DIR ...`: a folder of suite logs -> tables, files and figures.

Exit status: 0 when something was reported (problems with single logs are printed as
warnings), 1 when nothing could be reported (no such folder, no logs, no scored pairs of
this suite, output folder not writable), 2 when the command line asks for something the
logs don't have (an unknown `--scorer`, `--compare` or `--series` model) or is malformed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import pyarrow

from cot_faithfulness.report.hints.records import SCORER
from cot_faithfulness.report.hints.reference_sources import UnknownReference, parse_references
from cot_faithfulness.report.hints.reference_views import beside, ranking
from cot_faithfulness.report.hints.series import SeriesError
from cot_faithfulness.report.logs import ReportInputError, read_suite_logs
from cot_faithfulness.report.outputs import Report, write_files
from cot_faithfulness.report.report import MIN_PAIRS, READERS, OptionError, report_from_rows
from cot_faithfulness.report.row_cache import CACHE_DIR_VARIABLE, LIMIT_GIB, RowCache
from cot_faithfulness.report.terminal import WIDTH, terminal

FORMATS = ("csv", "json", "md", "png")
CACHE_MODES = ("use", "refresh", "off")


def main(argv: list[str] | None = None) -> int:
    """The `faithfulness-report` console script; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="faithfulness-report",
        description="Faithfulness tables and figures from a folder of cot-faithfulness logs.",
    )
    parser.add_argument(
        "log_paths",
        nargs="+",
        metavar="LOG_DIR",
        help="folders of logs (searched recursively), log files, or their URLs (s3://...)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write files to this folder (default: terminal only)",
    )
    parser.add_argument(
        "--formats",
        metavar="LIST",
        default=",".join(FORMATS),
        help=f"files to write with --out, comma-separated from {','.join(FORMATS)} (default: all)",
    )
    parser.add_argument(
        "--scorer",
        metavar="NAME",
        default=SCORER,
        help="score column to report; re-grades add hint_faithfulness1, ...",
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("MODEL_A", "MODEL_B"),
        help="only this difference (default: every pair of models)",
    )
    parser.add_argument(
        "--n-boot",
        type=_positive,
        default=1000,
        metavar="N",
        help="bootstrap resamples (default 1000)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="N", help="bootstrap seed (default 0)"
    )
    parser.add_argument(
        "--min-pairs",
        type=_positive,
        default=MIN_PAIRS,
        metavar="N",
        help=f"cells with fewer graded pairs are shown as too few and left out of averages "
        f"and differences (default {MIN_PAIRS})",
    )
    parser.add_argument(
        "--reference",
        metavar="LIST",
        help="published numbers beside yours: sources (paper, redwood), comma-separated; "
        "source:MODEL,MODEL also puts those models in the side-by-side table",
    )
    parser.add_argument(
        "--series",
        metavar="ORDER",
        help="checkpoints in order: M1,M2,... (models of the logs), @FILE (one per line), or "
        "steps (models named <prefix><step number>, by step); draws reward-hacking "
        "exploitation and verbalization and the hint tasks' faithfulness against it",
    )
    parser.add_argument(
        "--cells",
        action="store_true",
        help="also print the wide per-cell tables (they are always in the files of --out)",
    )
    parser.add_argument(
        "--cache",
        choices=CACHE_MODES,
        default="use",
        help="rows of logs read before: use those of unchanged logs (default), refresh "
        f"(read every log and keep its rows anew) or off; kept in ${CACHE_DIR_VARIABLE} or "
        "the user's cache folder",
    )
    parser.add_argument(
        "--cache-limit",
        type=_gib,
        default=LIMIT_GIB,
        metavar="GIB",
        help=f"what the row cache may take, in GiB (default {LIMIT_GIB:g}); beyond it the "
        "least recently used entries are removed, never those of the logs just read",
    )
    parser.add_argument(
        "--timings",
        action="store_true",
        help="print to the error stream how long reading, the tables and the files took",
    )
    args = parser.parse_args(argv)
    formats = {f.strip() for f in args.formats.split(",") if f.strip()}
    if not formats <= set(FORMATS):
        parser.error(
            f"--formats: unknown {sorted(formats - set(FORMATS))}; accepted: {','.join(FORMATS)}"
        )

    started = time.perf_counter()
    _use_the_system_allocator()
    cache = (
        None
        if args.cache == "off"
        else RowCache(refresh=args.cache == "refresh", limit_gib=args.cache_limit)
    )
    try:
        references = parse_references(args.reference) if args.reference is not None else None
        suite = read_suite_logs(args.log_paths, READERS, cache)
        read = time.perf_counter()
        report = report_from_rows(
            suite,
            args.scorer,
            args.n_boot,
            args.seed,
            tuple(args.compare or ()) or None,
            args.min_pairs,
            references,
            args.series,
        )
    except ReportInputError as error:
        print(f"faithfulness-report: {error}", file=sys.stderr)
        return 2 if isinstance(error, OptionError | UnknownReference | SeriesError) else 1
    computed = time.perf_counter()
    written: list[Path] = []
    if args.out:
        try:
            written = _write(report, args.out, formats)
        except OSError as error:
            _print(terminal(report, args.cells, width=_width()))
            print(
                f"faithfulness-report: cannot write to {args.out}: {error.strerror or error}",
                file=sys.stderr,
            )
            return 1
    _print(terminal(report, args.cells, written, _width()))
    if args.timings:
        print(
            f"faithfulness-report: read {len(suite.logs)} logs in {read - started:.1f} s, "
            f"tables in {computed - read:.1f} s, files and terminal in "
            f"{time.perf_counter() - computed:.1f} s",
            file=sys.stderr,
        )
    return 0


def _use_the_system_allocator() -> None:
    """Arrow allocates for pandas' strings from its own memory pool, by default mimalloc.
    Measured on a million rows (2-core VM): building the cells, which copies every row
    twice, took 9.6 s with it, 7.4 s of them in the kernel, and 4.2 s with the system's
    allocator; the whole report 4-7 s less, and 0.1 GiB less memory."""
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def _width() -> int:
    """The terminal's width, at most 100 columns (100 when the output is not a terminal)."""
    if not sys.stdout.isatty():
        return WIDTH
    return min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns)


def _print(text: str) -> None:
    """Print, and when the reader has gone (`faithfulness-report logs | head`), carry on
    quietly: the files asked for with --out are still written."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _write(report: Report, out: Path, formats: set[str]) -> list[Path]:
    figures: list[Path] = []
    if "png" in formats:
        from cot_faithfulness.report.figures import write_figures  # matplotlib only when asked

        published = report.references
        figures = write_figures(
            report.cells,
            beside(report.aggregates, published),
            report.cot_lengths,
            report.sandbagging,
            out,
            ranking(report.aggregates, published) if published else None,
            scheming=report.scheming,
            series=report.series,
            monitorability=report.monitors.aggregates,
        )
    return write_files(report, out, formats, figures) + figures


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _gib(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a size in GiB, such as 4 or 0.5; got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a size of 0 GiB or more, got {text}")
    return value


if __name__ == "__main__":
    sys.exit(main())
