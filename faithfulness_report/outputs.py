"""The report as text: terminal tables, CSV and JSON of every table, a Markdown report."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from faithfulness_report.comparison import format_estimate, side_by_side
from faithfulness_report.log_reading import LogNote, model_label

CELL_COLUMNS = [
    "model",
    "dataset",
    "hint_type",
    "hint_variant",
    "hint_arm",
    "pairs",
    "eligible",
    "to_hint",
    "to_other",
    "no_change",
    "p",
    "q",
    "alpha",
    "raw",
    "estimate",
    "accuracy_unhinted",
    "accuracy_hinted",
    "unscorable",
    "graders",
]


@dataclass
class Report:
    cells: pd.DataFrame
    aggregates: pd.DataFrame
    differences: pd.DataFrame
    graders: pd.DataFrame
    logs: list[LogNote]
    warnings: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "cells": self.cells,
            "aggregates": self.aggregates,
            "differences": self.differences,
            "grader_agreement": self.graders,
            "logs": pd.DataFrame([asdict(note) for note in self.logs]),
        }


def cell_view(cells: pd.DataFrame) -> pd.DataFrame:
    """The per-cell table as people read it: rounded, with the estimate and its interval."""
    view = cells.copy()
    view["model"] = view["model"].map(model_label)
    view["estimate"] = [
        f"refused: {row.refused}"
        if isinstance(row.refused, str)
        else (
            f"undefined ({row.undefined})"
            if row.undefined
            else format_estimate(row.normalized, row.ci_low, row.ci_high)
        )
        for row in view.itertuples()
    ]
    reasons = [c for c in view.columns if c.startswith("unscorable_")]
    view["unscorable"] = [_reasons(row) for row in view[reasons].to_dict("records")]
    for column in CELL_COLUMNS:
        if column not in view.columns:
            view[column] = math.nan
    return view[CELL_COLUMNS].round(3)


def _reasons(counts: dict[str, float]) -> str:
    return ", ".join(
        f"{column.removeprefix('unscorable_')} {int(n)}"
        for column, n in counts.items()
        if n and not math.isnan(n)
    )


def markdown_table(table: pd.DataFrame, index: bool = False) -> str:
    """A GitHub Markdown table (without pulling in `tabulate` for pandas' to_markdown)."""
    if index:
        table = table.reset_index()
    header = [str(c) for c in table.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in table.itertuples(index=False):
        cells = ["" if isinstance(v, float) and math.isnan(v) else str(v) for v in row]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def terminal(report: Report) -> str:
    used = [n for n in report.logs if n.used]
    skipped = [n for n in report.logs if not n.used]
    lines = [f"{len(used)} logs of this suite used, {len(skipped)} set aside"]
    lines += [f"  - {n.path}: {n.note}" for n in report.logs if n.note]
    lines += [f"warning: {w}" for w in report.warnings]
    if any(model.startswith("standin/") for model in report.cells["model"]):
        lines.append(
            "note: standin/... is the offline stand-in, a test double with known behaviour, "
            "not a model"
        )
    sections = [
        ("Normalized faithfulness, 95% CI over questions", side_by_side(report.aggregates)),
        ("Cells", cell_view(report.cells)),
    ]
    if not report.differences.empty:
        sections.append(("Differences between models (paired bootstrap)", report.differences))
    if not report.graders.empty:
        sections.append(("Grader agreement on the same samples", report.graders))
    with pd.option_context("display.width", 200, "display.max_columns", None):
        for title, table in sections:
            lines += ["", title, table.round(3).to_string()]
    return "\n".join(lines)


def write_files(report: Report, out: Path, formats: set[str], figures: list[Path]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "csv" in formats:
        for name, table in report.tables().items():
            path = out / f"{name}.csv"
            table.to_csv(path, index=False)
            written.append(path)
    if "json" in formats:
        path = out / "report.json"
        payload: dict[str, Any] = {
            name: json.loads(table.to_json(orient="records"))
            for name, table in report.tables().items()
        }
        payload["warnings"] = report.warnings
        path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        written.append(path)
    if "md" in formats:
        path = out / "report.md"
        path.write_text(markdown(report, [f.name for f in figures]), encoding="utf-8")
        written.append(path)
    return written


def markdown(report: Report, figure_names: list[str]) -> str:
    parts = ["# Chain-of-thought faithfulness report", ""]
    models = sorted(report.cells["model"].unique())
    parts.append("Models: " + ", ".join(model_label(m) for m in models) + ".")
    parts += [
        "",
        "Normalized faithfulness: the share of answer changes to the hint whose chain of "
        "thought verbalizes the hint, corrected for random answer changes "
        "(`min(raw / alpha, 1)`), with 95% bootstrap intervals over questions.",
        "",
        "## Side by side",
        "",
        markdown_table(side_by_side(report.aggregates), index=True),
        "",
        "## Cells",
        "",
        markdown_table(cell_view(report.cells)),
    ]
    if not report.differences.empty:
        parts += ["", "## Differences", "", markdown_table(report.differences.round(3))]
    if not report.graders.empty:
        parts += ["", "## Grader agreement", "", markdown_table(report.graders.round(3))]
    if figure_names:
        parts += ["", "## Figures", ""] + [f"![{name}]({name})" for name in figure_names]
    if report.warnings:
        parts += ["", "## Warnings", ""] + [f"- {w}" for w in report.warnings]
    return "\n".join(parts) + "\n"
