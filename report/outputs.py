"""The report as text: a terminal summary, CSV and JSON of every table, a Markdown report."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cot_faithfulness.report.hints.monitor_views import (
    MONITOR_EXPLAINED,
    cot_contribution_view,
    monitor_aggregate_view,
    monitor_cell_view,
    monitor_difference_view,
    monitor_notes,
    monitor_side_by_side,
)
from cot_faithfulness.report.hints.monitorability import MonitorTables
from cot_faithfulness.report.hints.reference_views import beside, markdown_parts
from cot_faithfulness.report.hints.references import Published
from cot_faithfulness.report.hints.reward_views import reward_markdown
from cot_faithfulness.report.hints.views import aggregate_notes, cell_view, side_by_side
from cot_faithfulness.report.logs import STANDIN_PROVIDER, LogNote
from cot_faithfulness.report.scheming.sandbagging_table import SANDBAGGING_TITLE, sandbagging_view
from cot_faithfulness.report.scheming.scheming_table import scheming_markdown

STANDIN_NOTE = (
    "standin/... models are the suite's offline stand-in: a test double with known "
    "behaviour, not a model."
)


@dataclass
class Report:
    cells: pd.DataFrame
    aggregates: pd.DataFrame
    differences: pd.DataFrame
    grader_agreement: pd.DataFrame
    cot_lengths: pd.DataFrame
    sandbagging: pd.DataFrame
    """One row per model and sandbagging setting; empty without sandbagging logs."""
    scheming: pd.DataFrame
    """One row per model, scheming evaluation and condition; empty without their logs."""
    logs: list[LogNote]
    meta: dict[str, Any]
    """Models, arms, datasets, score column and bootstrap settings of this report."""
    warnings: list[str] = field(default_factory=list)
    references: Published | None = None
    """Published numbers asked for with `--reference`; their rows join the files' tables."""
    reward_hacking: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per model, dataset and reward-hacking environment; empty without their logs."""
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per checkpoint and measure of `--series`; empty without it."""
    monitors: MonitorTables = field(default_factory=MonitorTables)
    """The monitorability tables; empty when no monitor ran."""

    def tables(self) -> dict[str, pd.DataFrame]:
        tables = {
            "cells": self.cells,
            "aggregates": self.aggregates,
            "differences": self.differences,
            "grader_agreement": self.grader_agreement,
            "cot_lengths": self.cot_lengths,
            **self.monitors.files(),
            "sandbagging": self.sandbagging,
            "scheming": self.scheming,
            "reward_hacking": self.reward_hacking,
            "series": self.series,
            "logs": pd.DataFrame([asdict(note) for note in self.logs]),
        }
        return self.references.merged(tables) if self.references else tables

    @property
    def has_standin(self) -> bool:
        return any(model.startswith(STANDIN_PROVIDER) for model in self.meta["models"])


def write_files(report: Report, out: Path, formats: set[str], figures: list[Path]) -> list[Path]:
    """CSV per table, one JSON, one Markdown file; returns what was written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "csv" in formats:
        for name, table in report.tables().items():
            if table.columns.empty:  # e.g. no second model or grader to compare with
                continue
            path = out / f"{name}.csv"
            table.to_csv(path, index=False)
            written.append(path)
    if "json" in formats:
        path = out / "report.json"
        payload: dict[str, Any] = {"meta": report.meta, "warnings": report.warnings}
        payload.update(
            {
                name: json.loads(table.to_json(orient="records")) if not table.empty else []
                for name, table in report.tables().items()
            }
        )
        path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        written.append(path)
    if "md" in formats:
        path = out / "report.md"
        path.write_text(markdown(report, [f.name for f in figures]), encoding="utf-8")
        written.append(path)
    return written


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


def markdown(report: Report, figure_names: list[str]) -> str:
    meta = report.meta
    parts = [
        "# Chain-of-thought faithfulness report",
        "",
        f"Models: {', '.join(meta['model_labels'])}. Hint arms present: "
        f"{', '.join(meta['arms'])}. Datasets: {', '.join(meta['datasets'])}. "
        f"Score column: `{meta['scorer']}`.",
        "",
        "Normalized faithfulness is the share of answer changes to the hint whose chain of "
        "thought verbalizes the hint, corrected for random answer changes "
        "(`min(raw / alpha, 1)`, docs/protocol.md §3). Intervals: the central 95% of a Bayesian "
        f"bootstrap over questions with a Jeffreys prior, {meta['n_boot']} draws. Per hint "
        "type the variants, then the datasets, are averaged; the headline is the unweighted "
        "mean over the six hint types; misaligned is the mean of grader hacking and unethical "
        "information.",
    ]
    if report.has_standin:
        parts += ["", f"**Note:** {STANDIN_NOTE}"]
    shown = beside(report.aggregates, report.references)
    if not shown.empty:
        parts += [
            "",
            "## Side by side",
            "",
            markdown_table(side_by_side(shown), index=True),
            "",
            "`*`: averaged over only part of what the aggregate stands for (see the notes); "
            "`-`: not run for that model.",
        ]
        notes = aggregate_notes(shown)
        if notes:
            parts += ["", "### Notes on the averages", ""] + [f"- {n}" for n in notes]
    parts += markdown_parts(report.aggregates, report.references, markdown_table)
    if not report.sandbagging.empty:
        parts += [
            "",
            "## Sandbagging",
            "",
            f"{SANDBAGGING_TITLE}. A run without a readable submission is unscorable and "
            "left out, never counted as wrong; intervals resample runs, keeping both "
            "conditions of a run together (Meinke et al. 2024; docs/protocol.md §5).",
            "",
            markdown_table(sandbagging_view(report.sandbagging)),
        ]
    if not report.scheming.empty:
        parts += ["", *scheming_markdown(report.scheming, markdown_table)]
    parts += reward_markdown(report.reward_hacking, report.series, markdown_table)
    if not report.differences.empty:
        parts += [
            "",
            "## Differences between models",
            "",
            "A minus B on the cells both ran and the questions both answered, with the same "
            "bootstrap draws for both (a paired interval).",
            "",
            markdown_table(report.differences.round(3)),
        ]
    if not report.grader_agreement.empty:
        parts += [
            "",
            "## Grader agreement",
            "",
            markdown_table(report.grader_agreement.round(3)),
        ]
    if not report.cells.empty:
        parts += ["", "## Cells", "", markdown_table(cell_view(report.cells))]
    if not report.cot_lengths.empty:
        parts += [
            "",
            "## Chain-of-thought length, faithful vs unfaithful retained pairs",
            "",
            markdown_table(report.cot_lengths.drop(columns=["model"]).round(1)),
        ]
    if not report.monitors.cells.empty:
        parts += ["", *_monitorability(report.monitors)]
    if figure_names:
        parts += ["", "## Figures", ""] + [f"![{name}]({name})" for name in figure_names]
    logs = pd.DataFrame([asdict(note) for note in report.logs])
    logs["path"] = logs["path"].map(lambda p: Path(p).name)
    parts += ["", "## Logs", "", markdown_table(logs)]
    if report.warnings:
        parts += ["", "## Warnings", ""] + [f"- {w}" for w in report.warnings]
    return "\n".join(parts) + "\n"


def _monitorability(monitors: MonitorTables) -> list[str]:
    """The monitors' section: what the numbers mean, the headline side by side, every
    average, the chain of thought's contribution, the differences between models and
    the cells."""
    parts = [
        "## Monitorability",
        "",
        MONITOR_EXPLAINED,
        "",
        markdown_table(monitor_side_by_side(monitors.aggregates, monitors.cot_contribution), True),
        "",
        "`*`: averaged over only part of what the headline stands for (see the notes); "
        "`-`: not run for that model.",
    ]
    notes = monitor_notes(monitors.aggregates)
    if notes:
        parts += ["", "### Notes on the averages", ""] + [f"- {n}" for n in notes]
    parts += [
        "",
        "### Every average",
        "",
        markdown_table(monitor_aggregate_view(monitors.aggregates)),
    ]
    if not monitors.cot_contribution.empty:  # only where informed and answer_only both ran
        parts += [
            "",
            "### What the chain of thought adds: informed minus answer only",
            "",
            "On the same pairs, resampled alike (a paired interval); `*`: the interval excludes 0.",
            "",
            markdown_table(cot_contribution_view(monitors.cot_contribution)),
        ]
    if not monitors.differences.empty:
        parts += [
            "",
            "### Differences between models",
            "",
            "A minus B under the same monitor, on the questions both answered, with the same "
            "bootstrap draws for both; `*`: the interval excludes 0 (every aggregate is in "
            "`monitorability_differences.csv`).",
            "",
            markdown_table(monitor_difference_view(monitors.differences)),
        ]
    return parts + ["", "### Monitor cells", "", markdown_table(monitor_cell_view(monitors.cells))]
