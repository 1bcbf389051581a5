"""Everything the report shows, built from the logs in one direction: read records ->
cells -> aggregates and differences -> tables. The one entry point that the command line
and the tests call, so both see the same numbers.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd

from cot_faithfulness.report.hints.aggregation import (
    aggregate_table,
    paired_differences,
    parts_by_model_arm,
)
from cot_faithfulness.report.hints.cells import (
    CELL_KEYS,
    build_cells,
    cell_table,
    cot_length_table,
    resample_cell,
)
from cot_faithfulness.report.hints.grader_agreement import grader_agreement
from cot_faithfulness.report.hints.monitorability import MonitorTables, monitor_tables
from cot_faithfulness.report.hints.records import (
    PAIRS,
    SCORER,
    arm_order,
    mixed_by_model,
    newest_per_cell,
)
from cot_faithfulness.report.hints.reference_sources import Request
from cot_faithfulness.report.hints.references import published_numbers
from cot_faithfulness.report.hints.reward_rows import FAMILY as REWARD_FAMILY
from cot_faithfulness.report.hints.reward_rows import REWARDS, newest_rewards
from cot_faithfulness.report.hints.reward_table import reward_table
from cot_faithfulness.report.hints.series import parse_series, series_table
from cot_faithfulness.report.logs import (
    HINT_FAMILY,
    ReportInputError,
    SuiteRows,
    model_label,
    read_suite_logs,
)
from cot_faithfulness.report.outputs import Report
from cot_faithfulness.report.row_cache import RowCache
from cot_faithfulness.report.scheming.rollouts import FAMILY as SCHEMING_FAMILY
from cot_faithfulness.report.scheming.rollouts import ROLLOUTS, newest_rollouts
from cot_faithfulness.report.scheming.runs import FAMILY as SANDBAGGING_FAMILY
from cot_faithfulness.report.scheming.runs import RUNS, newest_runs
from cot_faithfulness.report.scheming.sandbagging_table import sandbagging_table
from cot_faithfulness.report.scheming.scheming_table import scheming_table

READERS = {
    HINT_FAMILY: PAIRS,
    SANDBAGGING_FAMILY: RUNS,
    SCHEMING_FAMILY: ROLLOUTS,
    REWARD_FAMILY: REWARDS,
}
"""Each task family's rows, by the family a log's header names."""
MIN_PAIRS = 5
"""Below this many graded pairs a cell is shown as too few and left out of averages and
differences: at 5 and more, the intervals' coverage measured in
`benchmarks/interval_coverage.py` is at least 0.90 at every point of its grid."""


class OptionError(ReportInputError):
    """An option names something the logs don't have."""


def build_report(
    log_paths: list[str],
    scorer: str = SCORER,
    n_boot: int = 1000,
    seed: int = 0,
    compare: tuple[str, str] | None = None,
    min_pairs: int = MIN_PAIRS,
    references: list[Request] | None = None,
    series: str | None = None,
    cache: RowCache | None = None,
) -> Report:
    """Everything the report shows, from the logs in `log_paths` (folders, files or URLs),
    and beside it the published numbers of `references` (`parse_references`); `series`
    orders models as checkpoints (`report/hints/series.py`); logs that `cache` holds as
    they are now are not read again."""
    suite = read_suite_logs(log_paths, READERS, cache)
    return report_from_rows(suite, scorer, n_boot, seed, compare, min_pairs, references, series)


def report_from_rows(
    suite: SuiteRows,
    scorer: str = SCORER,
    n_boot: int = 1000,
    seed: int = 0,
    compare: tuple[str, str] | None = None,
    min_pairs: int = MIN_PAIRS,
    references: list[Request] | None = None,
    series: str | None = None,
) -> Report:
    """Everything the report shows, from the rows read from the logs."""
    warnings = list(suite.warnings)
    if HINT_FAMILY in suite.rows:
        table = newest_per_cell(suite.rows[HINT_FAMILY], suite.logs, warnings)
        all_pairs, set_aside = table.pairs, table.set_aside
    else:
        all_pairs = set_aside = pd.DataFrame(columns=[*CELL_KEYS, "log", "scorer"])
    runs = (
        newest_runs(suite.rows[SANDBAGGING_FAMILY], suite.logs, warnings)
        if SANDBAGGING_FAMILY in suite.rows
        else pd.DataFrame()
    )
    sandbagging = sandbagging_table(runs, n_boot, seed)
    rollouts = (
        newest_rollouts(suite.rows[SCHEMING_FAMILY], suite.logs, warnings)
        if SCHEMING_FAMILY in suite.rows
        else pd.DataFrame()
    )
    rewards = (
        newest_rewards(suite.rows[REWARD_FAMILY], suite.logs, warnings)
        if REWARD_FAMILY in suite.rows
        else pd.DataFrame()
    )
    present = sorted(all_pairs["scorer"].unique())
    if scorer not in present and not all_pairs.empty:
        raise OptionError(f"--scorer {scorer}: no such score in these logs; present: {present}")
    pairs = all_pairs[all_pairs["scorer"] == scorer]
    lacking = sorted(set(all_pairs["log"].unique()) - set(pairs["log"].unique()))
    warnings += [f"{Path(log).name}: has no {scorer} score, left out" for log in lacking]
    hint_models = sorted(pairs["model"].unique())
    models = sorted(
        {
            *hint_models,
            *runs.get("model", []),
            *rollouts.get("model", []),
            *rewards.get("model", []),
        }
    )
    order = parse_series(series, models) if series is not None else None
    if compare:
        unknown = [m for m in compare if m not in models]
        if unknown:
            raise OptionError(
                f"--compare {', '.join(unknown)}: not in these logs; present: {models}"
            )
        if compare[0] == compare[1]:
            raise OptionError(f"--compare {compare[0]} {compare[1]}: give two different models")

    cells = build_cells(pairs)
    for cell in cells.values():
        if cell.refused:
            warnings.append(f"cell {', '.join(cell.key)}: {cell.refused}; not pooled, left out")
    pooled = [cell for cell in cells.values() if not cell.refused]
    protocol = ["model", "eval_version", "grader_prompt_sha256"]
    warnings += _mixed_protocols(pd.concat([c.pairs[protocol] for c in pooled])) if pooled else []
    warnings += _mixed_data(pairs)

    resampled = {c.key: resample_cell(c, n_boot, seed) for c in pooled}
    parts = parts_by_model_arm(cells, resampled, n_boot, min_pairs)
    comparisons = [compare] if compare else list(itertools.combinations(hint_models, 2))
    differences = [
        paired_differences(cells, a, b, n_boot, seed, min_pairs)
        for a, b in comparisons
        if a in hint_models and b in hint_models
    ]
    hints = not pairs.empty
    monitors = (
        monitor_tables(pairs, comparisons, n_boot, seed, min_pairs, warnings)
        if hints
        else MonitorTables()
    )
    cell_rows = cell_table(cells.values(), resampled, min_pairs) if hints else pd.DataFrame()
    aggregates = aggregate_table(parts) if hints else pd.DataFrame()
    published = (
        published_numbers(references, cell_rows, aggregates, min_pairs) if references else None
    )
    reward_hacking = reward_table(rewards, n_boot, seed)
    return Report(
        cells=cell_rows,
        aggregates=aggregates,
        differences=pd.concat(differences, ignore_index=True) if differences else pd.DataFrame(),
        grader_agreement=grader_agreement(all_pairs, set_aside) if hints else pd.DataFrame(),
        cot_lengths=cot_length_table(cells.values(), n_boot, seed) if hints else pd.DataFrame(),
        sandbagging=sandbagging,
        scheming=scheming_table(rollouts),
        reward_hacking=reward_hacking,
        series=series_table(order, reward_hacking, aggregates) if order else pd.DataFrame(),
        logs=suite.logs,
        warnings=warnings,
        meta={
            "models": models,
            "model_labels": [model_label(m) for m in models],
            "arms": arm_order(cell_rows["hint_arm"]) if hints else [],  # `both` too
            "datasets": sorted(pairs["dataset"].unique()),
            "scorer": scorer,
            "scorers_present": present,
            "n_boot": n_boot,
            "seed": seed,
            "min_pairs": min_pairs,
            **({"references": published.meta()} if published else {}),
            **({"series": order} if order else {}),
        },
        references=published,
        monitors=monitors,
    )


def _mixed_data(pairs: pd.DataFrame) -> list[str]:
    """Logs of one dataset that read different questions (another revision, local copy or
    seed). Pairs are matched by question id and content hash, so questions that differ
    never pair up; the warning says why fewer questions are shared than expected."""
    if pairs.empty:
        return []
    warnings = []
    for dataset, group in pairs[["dataset", "data_sha256", "log"]].groupby("dataset"):
        hashes = {h for h in group["data_sha256"].unique() if isinstance(h, str)}
        if len(hashes) > 1:
            per_log = group.groupby("data_sha256")["log"].agg(lambda g: len(set(g)))
            listed = ", ".join(f"{h[:12]} ({n} logs)" for h, n in per_log.items())
            warnings.append(
                f"{dataset}: the logs read different question data ({listed}); only "
                "questions with the same text, options and answer key are compared"
            )
    return warnings


def _mixed_protocols(pairs: pd.DataFrame) -> list[str]:
    """Eval versions or grader prompts that differ between the pooled cells: each cell is
    sound, but averages and comparisons that span them pool unlike scores."""
    warnings = []
    for column, what in (
        ("eval_version", "eval versions"),
        ("grader_prompt_sha256", "grader prompts"),
    ):
        listed = mixed_by_model(pairs, column, 12)
        if listed:
            warnings.append(
                f"cells were scored under different {what} ({listed}); averages and "
                "comparisons that span them pool unlike scores"
            )
    return warnings
