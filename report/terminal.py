"""The report in a terminal: what fits in the terminal's width (at most 100 columns), the
wide tables on request.

By default: which logs were used, the side-by-side table with its legend, short notes on the
averages, the differences between models and the sandbagging table in compact form, grader
agreement, and where files went. `--cells` adds the wide per-cell and chain-of-thought-length
tables, which are always in the files (`--out`). An estimate and its interval are never
split across lines: models that do not fit side by side go into the next table.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cot_faithfulness.report.hints.monitor_views import (
    MONITOR_LEGEND,
    MONITOR_TITLE,
    monitor_cell_view,
    monitor_difference_view,
    monitor_notes,
    monitor_side_by_side,
)
from cot_faithfulness.report.hints.reference_views import beside, terminal_parts
from cot_faithfulness.report.hints.reward_views import reward_terminal
from cot_faithfulness.report.hints.views import (
    DIFFERENCE_ROWS,
    TABLE_PADDING,
    aggregate_notes,
    cell_view,
    format_estimate,
    side_by_side,
    unscorable_lines,
)
from cot_faithfulness.report.outputs import STANDIN_NOTE, Report
from cot_faithfulness.report.scheming.sandbagging_table import (
    ALPHA,
    SANDBAGGING_TITLE,
    sandbagging_view,
)
from cot_faithfulness.report.scheming.scheming_table import (
    SCHEMING_TITLE,
    scheming_notes,
    scheming_view,
)

WIDTH = 100
_HEADER_WIDTH = 24
"""A model's name wider than this and than its column's cells wraps in the header, after a
`/`, `-` or space."""


def terminal(
    report: Report,
    cells: bool = False,
    written: list[Path] | None = None,
    width: int = WIDTH,
) -> str:
    """The report as text no wider than `width` columns (wider only with `cells`)."""
    console = _recorder(width)
    meta = report.meta
    used = [n for n in report.logs if n.used]
    console.print(
        f"{len(used)} logs of this suite used, {len(report.logs) - len(used)} set aside; "
        f"models: {', '.join(meta['model_labels'])}"
    )
    if meta["arms"]:
        console.print(
            f"hint tasks: arms {', '.join(meta['arms'])}; datasets {', '.join(meta['datasets'])};"
            f" score column {meta['scorer']}; {meta['n_boot']} resamples over questions"
        )
    for note in report.logs:
        if note.note:
            console.print(f"  {Path(note.path).name}: {note.note}")
    for warning in report.warnings:
        console.print(f"warning: {warning}")
    if report.has_standin:
        console.print(f"note: {STANDIN_NOTE}")

    for line in unscorable_lines(report.cells):
        console.print(line)
    shown = beside(report.aggregates, report.references)
    if not shown.empty:
        wide = side_by_side(shown)
        for table in _side_by_side(wide, width):
            console.print(table)
        for line in legend(wide, meta["min_pairs"]):
            console.print(line)
        for line in aggregate_notes(shown):
            console.print(f"* {line}")
    for part in terminal_parts(report.aggregates, report.references, width, wrap_name):
        console.print(part)
    if not report.differences.empty:
        for part in _differences(report.differences):
            console.print(part)
    if not report.monitors.cells.empty:
        for part in _monitorability(report, width):
            console.print(part)
    if not report.sandbagging.empty:
        console.print(_table(sandbagging_view(report.sandbagging, compact=True), SANDBAGGING_TITLE))
        console.print(f"* the gap is sandbagging at p < {ALPHA} (one-sided bootstrap over runs)")
    if not report.scheming.empty:
        console.print(SCHEMING_TITLE)
        for model, rows in report.scheming.groupby("model_label", sort=True):
            console.print(_table(scheming_view(rows, compact=True), str(model)))
        for line in scheming_notes(report.scheming):
            console.print(f"* {line}")
    for part in reward_terminal(report.reward_hacking, report.series):
        console.print(part)
    if not report.grader_agreement.empty:
        console.print(_grader_agreement(report.grader_agreement))
    wide_text = ""
    if cells and not report.cells.empty:
        wide = _recorder(1000)
        wide.print(_table(cell_view(report.cells), "Cells", wide=True))
        if not report.monitors.cells.empty:
            title = "Monitor cells"
            wide.print(_table(monitor_cell_view(report.monitors.cells), title, wide=True))
        if not report.cot_lengths.empty:
            lengths = report.cot_lengths.drop(columns=["model"]).round(1)
            title = "Chain-of-thought length: faithful vs unfaithful"
            wide.print(_table(lengths, title, wide=True))
        wide_text = wide.export_text()
    elif not report.cells.empty:
        console.print("the per-cell table: --cells, or cells.csv with --out DIR")
    text = console.export_text() + wide_text
    if written:
        names = ", ".join(p.name for p in written)
        closing = _recorder(width)
        closing.print(f"wrote {len(written)} files to {written[0].parent}/: {names}")
        text += closing.export_text()
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def _recorder(width: int) -> Console:
    """A console that records what is printed to it, in plain text, and shows nothing."""
    return Console(width=width, record=True, file=io.StringIO(), color_system=None)


SIDE_BY_SIDE_TITLE = "Normalized faithfulness, 95% interval, n graded pairs"


def _side_by_side(
    wide: pd.DataFrame,
    width: int,
    title: str = SIDE_BY_SIDE_TITLE,
    rows: tuple[str, str] = ("arm", "aggregate"),
) -> list[Table]:
    """The side-by-side table, as many tables as it takes for every model's column to fit
    whole: the estimate and interval on one line, n (and `*`) on the next. `rows` names
    the two levels of the table's index."""
    cells = wide.map(_two_lines)
    arm_width = max(len(rows[0]), *(len(str(arm)) for arm, _ in wide.index))
    name_width = max(len(rows[1]), *(len(str(name)) for _, name in wide.index))
    room = width - (arm_width + name_width + 2 * TABLE_PADDING)
    groups: list[list[str]] = [[]]
    used = 0
    headers = {}
    for model in cells.columns:
        text_width = max(len(line) for text in cells[model] for line in text.split("\n"))
        headers[model] = wrap_name(str(model), max(text_width, _HEADER_WIDTH))
        need = max(text_width, *(len(line) for line in headers[model].split("\n"))) + TABLE_PADDING
        if groups[-1] and used + need > room:
            groups.append([])
            used = 0
        groups[-1].append(model)
        used += need
    tables = []
    for number, models in enumerate(groups):
        part = f" ({number + 1} of {len(groups)})" if len(groups) > 1 else ""
        table = Table(title=title + part, title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column(rows[0], no_wrap=True)
        table.add_column(rows[1], no_wrap=True)
        for model in models:
            table.add_column(Text(headers[model], no_wrap=True), no_wrap=True)
        for (arm, aggregate), row in cells[models].iterrows():
            table.add_row(str(arm), str(aggregate), *(Text(v, no_wrap=True) for v in row))
        tables.append(table)
    return tables


def wrap_name(name: str, width: int) -> str:
    """A model's name on lines of at most `width` characters, broken only after `/`, `-` or
    a space (a part longer than `width` stays whole)."""
    lines = [""]
    for part in re.findall(r"[^/\- ]*[/\- ]?", name):
        if lines[-1] and len(lines[-1]) + len(part.rstrip()) > width:
            lines.append("")
        lines[-1] += part
    return "\n".join(line.rstrip() for line in lines if line)


def _two_lines(text: str) -> str:
    """`0.42 [0.31, 0.55] n 12..80 *` as the estimate on one line, the rest on the next."""
    estimate, found, rest = text.partition("] ")
    return f"{estimate}]\n{rest}" if found else text


ARMS = {
    "incorrect": "incorrect = the hint points at a wrong option",
    "correct": "correct = at the right one",
    "both": "both = all pairs of the two arms together, as the paper scored them (compare "
    "its 25% and 39% with `both`, headline)",
}


def legend(wide: pd.DataFrame, min_pairs: int) -> list[str]:
    """What the side-by-side table's words mean: the arms, the averages, n and the marks."""
    starred = wide.map(lambda text: text.endswith(" *")).to_numpy().any()
    arms = [arm for arm in ARMS if arm in set(wide.index.get_level_values(0))]
    pooled = "" if "both" in arms else "; the paper pooled both arms (run hint_answer=both)"
    lines = [
        "arms: " + "; ".join(ARMS[arm] for arm in arms) + pooled,
        "headline = mean of the six hint types (each the mean over its variants, then over "
        "its datasets); misaligned = mean of grader hacking and unethical information",
        f"n = graded pairs the score rests on (an average: n of its smallest..largest part); "
        f"too few pairs = fewer than {min_pairs} (--min-pairs), left out of averages",
    ]
    if starred:
        lines.append("* = averaged over only part of what it stands for (see the notes below)")
    return lines


def _differences(differences: pd.DataFrame) -> list[Text | Table]:
    """Per pair of models: a heading, then A - B per arm and average, n of each side; a
    difference whose 95% interval excludes zero is starred."""
    shown = differences[
        differences["aggregate"].isin(DIFFERENCE_ROWS)
        | differences["aggregate"].str.startswith("headline/")
    ]
    parts: list[Text | Table] = []
    for (a, b), rows in shown.groupby(["model_a", "model_b"], sort=False):
        questions = rows["shared_questions"].iloc[0]
        cells = [
            (
                row.hint_arm,
                row.aggregate,
                format_estimate(row.difference, row.ci_low, row.ci_high)
                + (" *" if row.significant else ""),
                f"{row.n_a} / {row.n_b}",
            )
            for row in rows.itertuples()
        ]
        title = f"A - B, A = {a}, B = {b}, on the {questions} questions both answered"
        parts.append(_difference_table(title, "aggregate", cells))
    if shown["significant"].any():
        parts.append(Text("* = the difference's 95% interval excludes 0"))
    return parts


def _difference_table(title: str, what: str, rows: Sequence[Sequence[str]]) -> Table:
    """One pair of models' differences: arm, `what` is compared (an aggregate, a monitor),
    A - B with its interval, n of each side."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("arm", what, "A - B [95% CI]", "n A / B"):
        table.add_column(column, no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table


def _monitorability(report: Report, width: int) -> list[Text | Table]:
    """The monitors' headline g-mean² per arm, models side by side, the chain of thought's
    contribution below each arm's monitors, a one-line legend, what each average lacks, and
    the differences between models per monitor."""
    monitors = report.monitors
    wide = monitor_side_by_side(monitors.aggregates, monitors.cot_contribution)
    parts: list[Text | Table] = [
        *_side_by_side(wide, width, MONITOR_TITLE, ("arm", "monitor")),
        Text(MONITOR_LEGEND),
        *(Text(f"* {line}") for line in monitor_notes(monitors.aggregates)),
    ]
    if monitors.differences.empty:
        return parts
    view = monitor_difference_view(monitors.differences)
    for (a, b), rows in view.groupby(["A", "B"], sort=False):
        cells = [tuple(str(v) for v in row[2:]) for row in rows.itertuples(index=False)]
        parts.append(
            _difference_table(f"g-mean² A - B, A = {a}, B = {b}, headline", "monitor", cells)
        )
    if view["A - B [95% CI]"].str.endswith(" *").any():  # only a star shown needs its key
        parts.append(Text("* = the difference's 95% interval excludes 0"))
    return parts


def _grader_agreement(agreement: pd.DataFrame) -> Table:
    table = Table(
        title="Grader agreement on `verbalized`", title_justify="left", box=box.SIMPLE_HEAD
    )
    for column in ("grader A", "grader B", "samples", "agreement", "kappa"):
        table.add_column(column, overflow="fold")
    for row in agreement.itertuples():
        kappa = "-" if math.isnan(row.kappa) else f"{row.kappa:.2f}"
        table.add_row(row.grader_a, row.grader_b, str(row.samples), f"{row.agreement:.0%}", kappa)
    return table


def _table(frame: pd.DataFrame, title: str, wide: bool = False) -> Table:
    """A table that folds its cells into 100 columns, or (`wide`) keeps every cell whole."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold", no_wrap=wide)
    for row in frame.itertuples(index=False):
        table.add_row(*("" if _missing(v) else str(v) for v in row))
    return table


def _missing(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)
