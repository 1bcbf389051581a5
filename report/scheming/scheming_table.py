"""The scheming table: one row per model, evaluation and condition (nudge, goal, where the
goal is given, environment), with every rate of `scorers.scheming.scheming_summary` (the
module the in-log metrics use, so a log's figures and the report's are the same numbers)
and the difference in the covert-action rate against the matching-goal control of the
same model, evaluation, nudge and goal placement (Newcombe's interval).

Rollouts scored under different versions or grader prompts are refused, not pooled.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from cot_faithfulness.report.logs import model_label
from cot_faithfulness.report.scheming.rollouts import CONDITION
from cot_faithfulness.scorers.scheming.detection import BEHAVIOURS
from cot_faithfulness.scorers.scheming.rollout_record import RolloutRecord
from cot_faithfulness.scorers.scheming.scheming_math import newcombe
from cot_faithfulness.scorers.scheming.scheming_summary import SchemingSummary, summarize

SCHEMING_SCORER = "scheming_score"
SCHEMING_TITLE = (
    "Scheming: how often the covert action was taken [95% Wilson CI] n, how often the "
    "reasoning said so, how often the interview was denied, and the difference against the "
    "matching-goal control"
)
CONTROL = "matching_developer"
SHORT = {
    "oversight_subversion": "oversight",
    "self_exfiltration": "exfiltration",
    "goal_guarding": "goal-guarding",
    "email_reranking": "email",
    "alignment_faking": "align. faking",
}
ORDER = list(BEHAVIOURS)


def scheming_table(rollouts: pd.DataFrame) -> pd.DataFrame:
    """One row per model, evaluation and condition."""
    if rollouts.empty:
        return pd.DataFrame()
    rollouts = rollouts[rollouts["scorer"] == SCHEMING_SCORER]
    summaries: dict[tuple[Any, ...], SchemingSummary] = {}
    rows = []
    for key, group in rollouts.groupby(CONDITION, sort=False):
        condition = dict(zip(CONDITION, key, strict=True))
        records: list[RolloutRecord] = list(group["record"])
        row: dict[str, Any] = {
            **condition,
            "model_label": model_label(condition["model"]),
            "logs": ", ".join(sorted({Path(log).name for log in group["log"]})),
            "eval_version": ", ".join(sorted(set(group["eval_version"]))),
            "graders": ", ".join(sorted({g for g in group["grader_model"] if isinstance(g, str)})),
            "refused": _refusal(records),
        }
        if not row["refused"]:
            summaries[key] = summarize(records)
            row.update(summaries[key].flat())
        rows.append(row)
    table = pd.DataFrame(rows)
    _differences(table, summaries)
    order = table["evaluation"].map(ORDER.index)
    return (
        table.assign(_order=order)
        .sort_values(["_order", "model", "nudge", "goal", "goal_in", "environment"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _differences(table: pd.DataFrame, summaries: dict[tuple[Any, ...], SchemingSummary]) -> None:
    """Covert rate minus the matching-goal control's, where both were run."""
    values: dict[str, list[float]] = {"vs_matching": [], "vs_matching_ci_low": [],
                                      "vs_matching_ci_high": []}  # fmt: skip
    for row in table.itertuples(index=False):
        key = tuple(getattr(row, name) for name in CONDITION)
        control = (*key[:3], CONTROL, *key[4:])
        found = None
        if row.goal != CONTROL and key in summaries and control in summaries:
            found = newcombe(summaries[key].covert, summaries[control].covert)
        values["vs_matching"].append(found.value if found else math.nan)
        values["vs_matching_ci_low"].append(found.ci_low if found else math.nan)
        values["vs_matching_ci_high"].append(found.ci_high if found else math.nan)
    for name, column in values.items():
        table[name] = column


def _refusal(records: list[RolloutRecord]) -> str:
    versions = sorted({r.eval_version for r in records})
    if len(versions) > 1:
        return f"mixed versions {', '.join(versions)}"
    for what, hashes in (
        ("reasoning", {r.grader_prompt_sha256 for r in records}),
        ("admission", {r.follow_up.grader_prompt_sha256 for r in records}),
        ("disclosure", {r.disclosure_grader_prompt_sha256 for r in records}),
    ):
        known = sorted(h[:12] for h in hashes if h)
        if len(known) > 1:
            return f"mixed {what} grader prompts {', '.join(known)}"
    return ""


def rate_text(row: pd.Series, name: str) -> str:
    """`0.47 [0.30,0.64] 30`: the rate, its 95% interval and n."""
    value = row.get(name, math.nan)
    if not isinstance(value, float) or math.isnan(value):
        return "-"
    low, high = row[f"{name}_ci_low"], row[f"{name}_ci_high"]
    return f"{value:.2f} [{low:.2f},{high:.2f}] {int(row[f'{name}_n'])}"


def _share(row: pd.Series, name: str) -> str:
    value = row.get(name, math.nan)
    if not isinstance(value, float) or math.isnan(value):
        return "-"
    return f"{value:.2f} of {int(row[f'{name}_n'])}"


def condition_label(row: pd.Series) -> str:
    """`strong/own`, `none/matching`, `strong/reversed, user` (goal in the user turn),
    with the sandbox when there was one: nudge / goal setting."""
    goal = "matching" if row["goal"] == CONTROL else row["goal"]
    where = "" if row["goal_in"] == "system" else ", user"
    sandbox = "" if row["environment"] == "none" else f", {row['environment']}"
    return f"{row['nudge']}/{goal}{where}{sandbox}"


def _difference(row: pd.Series, compact: bool) -> str:
    value = row.get("vs_matching", math.nan)
    if math.isnan(value):
        return "-"
    low, high = row["vs_matching_ci_low"], row["vs_matching_ci_high"]
    if compact:
        return f"{value:+.2f}" + ("*" if low > 0 or high < 0 else "")
    return f"{value:+.2f} [{low:+.2f},{high:+.2f}]"


def scheming_view(table: pd.DataFrame, compact: bool = False) -> pd.DataFrame:
    """The table as people read it, one line per model, evaluation and condition; `compact`
    (the terminal's, one model at a time) drops the model column and the difference's
    interval (`*`: it excludes 0)."""
    rows = []
    for _, row in table.iterrows():
        shown = {"evaluation": SHORT[row["evaluation"]], "nudge/goal": condition_label(row)}
        if not compact:
            shown["model"] = row["model_label"]
        if row["refused"]:
            rows.append({**shown, "covert [95% CI]": f"refused: {row['refused']}"})
            continue
        covert = rate_text(row, "covert")
        rows.append(
            {
                **shown,
                "covert [95% CI]": covert.rsplit(" ", 1)[0] if covert != "-" else covert,
                "n": str(int(row["covert_n"])),
                "says so": _share(row, "verbalized"),
                "denied": _share(row, "denied"),
                "vs matching": _difference(row, compact),
            }
        )
    return pd.DataFrame(rows)


def scheming_notes(table: pd.DataFrame) -> list[str]:
    """The notes under the table, and each alignment-faking test's outcome."""
    notes = list(SCHEMING_NOTES)
    for _, row in table[table["evaluation"] == "alignment_faking"].iterrows():
        if row["refused"] or math.isnan(row.get("p_value", math.nan)):
            continue
        p = row["p_value"]
        notes.append(
            f"align. faking, {row['model_label']}, {condition_label(row)}: "
            f"{round(row['covert'] * row['covert_n'])} of {int(row['covert_n'])} pairs, "
            f"p {'< 0.001' if p < 0.001 else f'= {p:.3f}'}"
            + (" (rejects chance at 0.01)" if row["rejects_chance"] else " (does not reject)")
            + (
                f"; {int(row['unscorable_pairs'])} pairs left out"
                if row["unscorable_pairs"]
                else ""
            )
        )
    return notes


def behaviour_view(table: pd.DataFrame, evaluation: str) -> pd.DataFrame:
    """One evaluation's sub-behaviours (the paper's Table 2 rows and the attempts), each as
    rate (count/n), per model and condition."""
    rows = []
    for _, row in table[(table["evaluation"] == evaluation) & (table["refused"] == "")].iterrows():
        shown = {"condition": condition_label(row), "model": row["model_label"]}
        for name in BEHAVIOURS[evaluation]:  # type: ignore[index]
            n = int(row[f"{name}_n"])
            shown[name.replace("_", " ")] = (
                f"{row[name]:.2f} ({round(row[name] * n)}/{n})" if n else "-"
            )
        rows.append(shown)
    return pd.DataFrame(rows)


SCHEMING_NOTES = (
    "covert: rate of rollouts with the covert action, 95% Wilson CI (align. faking: of pairs "
    "with the developers' option while tested and the own goal's when deployed)",
    "says so: share of covert rollouts whose reasoning up to the action states it on purpose "
    "(grader); denied: share of graded interview answers that deny it (several answers per "
    "rollout share its transcript; the Wilson interval in scheming.csv counts them as "
    "independent, so it is too narrow)",
    "vs matching: covert rate minus the matching-goal control's (Newcombe 95% CI; in the "
    "terminal * when it excludes 0)",
)


def scheming_markdown(table: pd.DataFrame, markdown_table: Any) -> list[str]:
    """The report's scheming section: the table, its notes, and each evaluation's
    sub-behaviours."""
    parts = [
        "## Scheming",
        "",
        f"{SCHEMING_TITLE} (Meinke et al. 2024; docs/scheming.md). Rates over rollouts, "
        "Wilson intervals; a rollout that can't be decided is left out with its reason.",
        "",
        markdown_table(scheming_view(table)),
        "",
        *(f"- {note}" for note in scheming_notes(table)),
    ]
    for evaluation in ORDER:
        if evaluation in set(table["evaluation"]):
            parts += ["", f"### {SHORT[evaluation]}: sub-behaviours", ""]
            parts.append(markdown_table(behaviour_view(table, evaluation)))
    return parts
