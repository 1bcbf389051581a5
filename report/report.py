"""Everything the report shows, built from the logs: the one entry point that the command
line and the tests call, so both see the same numbers.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd

from cot_faithfulness.report.aggregation import (
    aggregate_table,
    paired_differences,
    parts_by_model_arm,
)
from cot_faithfulness.report.cells import cell_table, cot_length_table, refusal
from cot_faithfulness.report.comparison import grader_agreement
from cot_faithfulness.report.log_reading import (
    CELL_KEYS,
    SCORER,
    ReportInputError,
    arm_order,
    model_label,
    read_pairs,
)
from cot_faithfulness.report.outputs import Report
from cot_faithfulness.report.resampling import CellKey, counted, resample_model_cells
from cot_faithfulness.report.sandbagging import sandbagging_table
from cot_faithfulness.scorers.faithfulness_math import PairCounts


class OptionError(ReportInputError):
    """An option names something the logs don't have."""


def build_report(
    log_paths: list[str],
    scorer: str = SCORER,
    n_boot: int = 1000,
    seed: int = 0,
    compare: tuple[str, str] | None = None,
) -> Report:
    """Everything the report shows, from the logs in `log_paths` (folders or files)."""
    table = read_pairs(log_paths)
    warnings = list(table.warnings)
    sandbagging = sandbagging_table(table.runs, n_boot, seed)
    present = sorted(table.pairs["scorer"].unique())
    if scorer not in present and not table.pairs.empty:
        raise OptionError(f"--scorer {scorer}: no such score in these logs; present: {present}")
    pairs = table.pairs[table.pairs["scorer"] == scorer]
    lacking = sorted(set(table.pairs["log"]) - set(pairs["log"]))
    warnings += [f"{Path(log).name}: has no {scorer} score, left out" for log in lacking]
    hint_models = sorted(pairs["model"].unique())
    models = sorted({*hint_models, *table.runs.get("model", [])})
    if compare:
        unknown = [m for m in compare if m not in models]
        if unknown:
            raise OptionError(
                f"--compare {', '.join(unknown)}: not in these logs; present: {models}"
            )

    cells: dict[CellKey, list[PairCounts]] = {}
    refused: dict[CellKey, str] = {}
    for key, group in pairs.groupby(CELL_KEYS, sort=True):
        reason = refusal(group)
        if reason:
            refused[key] = reason
            warnings.append(f"cell {', '.join(key)}: {reason}; not pooled, left out")
        else:
            cells[key] = counted(group)
    pooled = pd.MultiIndex.from_frame(pairs[CELL_KEYS]).isin(list(cells))
    warnings += _mixed_protocols(pairs[pooled]) + _mixed_data(pairs)

    resampled = resample_model_cells(cells, n_boot, seed)
    parts = parts_by_model_arm(resampled, refused, n_boot)
    differences = [
        paired_differences(_of_model(cells, a), _of_model(cells, b), a, b, n_boot, seed)
        for a, b in ([compare] if compare else itertools.combinations(hint_models, 2))
        if a in hint_models and b in hint_models
    ]
    hints = not pairs.empty
    return Report(
        cells=cell_table(pairs, resampled, refused) if hints else pd.DataFrame(),
        aggregates=aggregate_table(parts) if hints else pd.DataFrame(),
        differences=pd.concat(differences, ignore_index=True) if differences else pd.DataFrame(),
        grader_agreement=grader_agreement(table.pairs, table.set_aside)
        if hints
        else pd.DataFrame(),
        cot_lengths=cot_length_table(pairs, refused) if hints else pd.DataFrame(),
        sandbagging=sandbagging,
        logs=table.logs,
        warnings=warnings,
        meta={
            "models": models,
            "model_labels": [model_label(m) for m in models],
            "arms": arm_order(pairs["hint_arm"]) if hints else [],
            "datasets": sorted(pairs["dataset"].unique()),
            "scorer": scorer,
            "scorers_present": present,
            "n_boot": n_boot,
            "seed": seed,
        },
    )


def _of_model(cells: dict[CellKey, list[PairCounts]], model: str) -> dict[CellKey, list]:
    """A model's cells keyed without the model, so two models' cells line up."""
    at = CELL_KEYS.index("model")
    return {key[:at] + key[at + 1 :]: counts for key, counts in cells.items() if key[at] == model}


def _mixed_data(pairs: pd.DataFrame) -> list[str]:
    """Logs of one dataset that read different questions (another revision, local copy or
    seed). Pairs are matched by question id and content hash, so questions that differ
    never pair up; the warning says why fewer questions are shared than expected."""
    warnings = []
    for dataset, group in pairs.groupby("dataset"):
        hashes = {h for h in group["data_sha256"] if isinstance(h, str)}
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
        per_model = {
            model_label(model): sorted({v[:12] for v in group[column] if isinstance(v, str)})
            for model, group in pairs.groupby("model")
        }
        if len({v for values in per_model.values() for v in values}) > 1:
            listed = "; ".join(f"{m}: {', '.join(v)}" for m, v in per_model.items())
            warnings.append(
                f"cells were scored under different {what} ({listed}); averages and "
                "comparisons that span them pool unlike scores"
            )
    return warnings
