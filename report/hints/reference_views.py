"""Published numbers as people read them: per arm, the user's models ranked among the
published ones by headline (a compact table that stays readable with 30 published models);
the published models named with `--reference source:model` beside the user's in the
side-by-side table, and the user's model minus each of them; what each source is and where
it differs from the user's logs. Every published row is in the CSV and JSON files whatever
is shown here."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
from rich import box
from rich.table import Table
from rich.text import Text

from cot_faithfulness.report.hints.records import arm_order
from cot_faithfulness.report.hints.references import SUITE_ORDER, THIS_RUN, Published
from cot_faithfulness.report.hints.views import (
    DIFFERENCE_ROWS,
    TABLE_PADDING,
    format_estimate,
    n_text,
    too_few,
)

HEADLINE = "headline"
RANKING_COLUMNS = ["#", "model", "headline [95% CI]", "n", "own", "source"]
_NAMED_COLUMNS = [
    *("model_a", "model_b", "hint_arm", "aggregate", "a", "b", "difference", "ci_low"),
    *("ci_high", "n_a", "n_b", "b_outside_a_interval"),
]
Wrap = Callable[[str, int], str]
"""The terminal's way to break a name into lines of a width (`terminal.wrap_name`)."""


def beside(aggregates: pd.DataFrame, published: Published | None) -> pd.DataFrame:
    """The user's means and those of the published models named after a colon
    (`redwood:deepseek-r1`), in this suite's order: the rows of the side-by-side table."""
    if published is None:
        return aggregates
    named = {(r.source.marker, key) for r in published.requests for key in r.named}
    rows = published.comparable()
    if rows.empty or not named:
        return aggregates
    chosen = rows[[(s, m) in named for s, m in zip(rows["source"], rows["model"], strict=True)]]
    return pd.concat([aggregates, chosen], ignore_index=True) if not chosen.empty else aggregates


def ranking(aggregates: pd.DataFrame, published: Published) -> pd.DataFrame:
    """Per arm, the user's headlines and every published model's asked for, best first:
    `normalized` with the user's interval, `own_order` the source's own published headline
    where it averaged otherwise. Arms: those both have (all published arms when the user's
    logs have no headline)."""
    names = {
        (r.source.marker, key): r.source.models[key]["name"]
        for r in published.requests
        for key in r.models
    }
    rows = published.comparable()
    rows = rows[rows["aggregate"] == HEADLINE] if not rows.empty else rows
    own = published.aggregates
    if not own.empty:
        own = own[(own["order"] != SUITE_ORDER) & (own["aggregate"] == HEADLINE)]
    own_value = {(r.model_label, r.hint_arm): r.normalized for r in own.itertuples()}
    user = aggregates[aggregates["aggregate"] == HEADLINE] if not aggregates.empty else aggregates
    published_arms = set(rows["hint_arm"]) if not rows.empty else set()
    user_arms = set(user["hint_arm"]) if not user.empty else set()
    arms = arm_order(published_arms & user_arms or published_arms)
    table = []
    for arm in arms:
        group = []
        for row in user[user["hint_arm"] == arm].itertuples() if not user.empty else []:
            group.append(_entry(row, row.model_label, THIS_RUN, False, math.nan))
        for row in rows[rows["hint_arm"] == arm].itertuples():
            name = names[(row.source, row.model)]
            own_mean = own_value.get((row.model_label, arm), math.nan)
            group.append(_entry(row, name, row.source, True, own_mean))
        group.sort(key=lambda e: -e["normalized"] if not math.isnan(e["normalized"]) else 2.0)
        for rank, entry in enumerate(group, 1):
            entry["rank"] = rank if not math.isnan(entry["normalized"]) else None
        table += group
    return pd.DataFrame(table)


def _entry(row: Any, name: str, source: str, published: bool, own: float) -> dict[str, Any]:
    return {
        "hint_arm": row.hint_arm,
        "model_label": row.model_label,
        "name": name,
        "source": source,
        "published": published,
        "normalized": row.normalized,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "n_graded": row.n_graded,
        "n_by_part": row.n_by_part,
        "undefined_reason": row.undefined_reason,
        "approximate": getattr(row, "approximate", False) is True,
        "partial": not published and bool(row.missing or row.undefined),
        "own_order": own,
    }


def ranking_view(rows: pd.DataFrame) -> pd.DataFrame:
    """The ranking as text: rank, name, headline (the user's with its interval; published
    without, `~` where the source says "about"), n, the source's own-order headline, source."""
    view = []
    for row in rows.itertuples():
        view.append(
            {
                "#": "" if pd.isna(row.rank) else str(int(row.rank)),
                "model": row.name,
                "headline [95% CI]": score_text(row),
                "n": count_text(row),
                "own": "" if math.isnan(row.own_order) else f"{row.own_order:.2f}",
                "source": row.source if row.published else THIS_RUN,
            }
        )
    return pd.DataFrame(view, columns=RANKING_COLUMNS)


def score_text(row: Any) -> str:
    """A mean as the ranking shows it: `0.42 [0.31, 0.55]` (with `*` when it averages only
    some of what a headline stands for), `0.39` when published (`~0.07` when the source
    says "about"), `too few pairs (3)`, `undefined (...)`."""
    thin = too_few(row.undefined_reason) if math.isnan(row.normalized) else None
    if thin is not None:
        return f"too few pairs ({thin})"
    if row.published and not math.isnan(row.normalized):
        return ("~" if row.approximate else "") + f"{row.normalized:.2f}"
    text = format_estimate(row.normalized, row.ci_low, row.ci_high, row.undefined_reason)
    return text + (" *" if row.partial and not math.isnan(row.normalized) else "")


def count_text(row: Any) -> str:
    """The graded pairs behind a mean (`12..80` per part), `-` where the source gives none."""
    if pd.isna(row.n_graded) or math.isnan(row.normalized):
        return "-"
    return n_text(row).removeprefix("n ")


def ranking_tables(rows: pd.DataFrame, width: int, wrap: Wrap) -> list[Table]:
    """One table per arm within `width` columns: every number stays whole, a model's name
    is wrapped (`wrap(name, room)`) into the room left."""
    tables = []
    for arm, group in rows.groupby("hint_arm", sort=False):
        view = ranking_view(group)
        fixed = sum(
            max(len(column), *(len(v) for v in view[column])) + TABLE_PADDING
            for column in RANKING_COLUMNS
            if column != "model"
        )
        room = max(width - fixed - TABLE_PADDING - 1, len("model"))
        table = Table(
            title=f"Headline beside published numbers, arm {arm}, best first",
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        for column in RANKING_COLUMNS:
            table.add_column(column, overflow="fold", no_wrap=column != "model")
        for row in view.to_dict("records"):
            table.add_row(*(wrap(v, room) if c == "model" else v for c, v in row.items()))
        tables.append(table)
    return tables


def legend(published: Published) -> list[str]:
    sources = "; ".join(
        f"{r.source.tag} = {r.source.content['title']}, graded by {r.source.grader}"
        for r in published.requests
    )
    return [
        "published = as the source gives it, not run here, no interval (~ = about); n = "
        "graded pairs (published: judged); every headline in this suite's order (per hint "
        "type the datasets, then the hint types); own = the source's own headline "
        "where it averaged otherwise; * = averaged over only some of the six hint types (see "
        "the notes under the side-by-side table)",
        f"sources: {sources}",
    ]


def terminal_parts(
    aggregates: pd.DataFrame, published: Published | None, width: int, wrap: Wrap
) -> list[Any]:
    """What the terminal shows of the published numbers within `width` columns (`wrap`
    breaks a model's name into lines): the rankings, their legend, where the sources differ
    from the logs, and the differences to the models named."""
    if published is None:
        return []
    parts: list[Any] = [*ranking_tables(ranking(aggregates, published), width, wrap)]
    parts += [Text(line) for line in legend(published)]
    parts += [Text(f"- {note}") for note in published.notes]
    parts += named_differences(published)
    parts.append(
        Text(
            "every published cell and mean, and each of your models minus each published "
            "mean: cells.csv, aggregates.csv, differences.csv (--out DIR)"
        )
    )
    return parts


def named_differences(published: Published) -> list[Table]:
    """Per model of the user's, minus each published model named after a colon: headline
    and misaligned per arm, with the user's interval moved by the published number."""
    tables = []
    shown = _named(published)
    for a, rows in shown.groupby("model_a", sort=False) if not shown.empty else []:
        table = Table(
            title=f"A - published B, A = {a}; the interval is A's alone (B has none)",
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        for column in ("B", "arm", "aggregate", "A - B [A's 95% CI]", "n A / B"):
            table.add_column(column, overflow="fold", no_wrap=column != "B")
        for row in rows.itertuples():
            n_b = "-" if pd.isna(row.n_b) else str(row.n_b)
            table.add_row(
                row.model_b,
                row.hint_arm,
                row.aggregate,
                format_estimate(row.difference, row.ci_low, row.ci_high),
                f"{row.n_a} / {n_b}",
            )
        tables.append(table)
    return tables


def _named(published: Published) -> pd.DataFrame:
    """The user's models minus the published models named after a colon, on the headlines
    and misaligned."""
    named = {r.source.label(key) for r in published.requests for key in r.named}
    differences = published.differences
    if differences.empty or not named:
        return pd.DataFrame()
    return differences[
        differences["model_b"].isin(named)
        & (
            differences["aggregate"].isin(DIFFERENCE_ROWS)
            | differences["aggregate"].str.startswith(f"{HEADLINE}/")
        )
    ]


def markdown_parts(
    aggregates: pd.DataFrame,
    published: Published | None,
    markdown_table: Callable[[pd.DataFrame], str],
) -> list[str]:
    """The published numbers' section of report.md: rankings, sources, notes, other
    published numbers (`markdown_table` writes a table)."""
    if published is None:
        return []
    parts = [
        "",
        "## Beside published numbers",
        "",
        " ".join(f"{line[0].upper()}{line[1:]}." for line in legend(published)),
    ]
    rows = ranking(aggregates, published)
    for arm, group in rows.groupby("hint_arm", sort=False) if not rows.empty else []:
        parts += ["", f"### Arm {arm}, best first", "", markdown_table(ranking_view(group))]
    named = _named(published)
    if not named.empty:
        parts += [
            "",
            "### Your models minus the published ones named",
            "",
            "The interval is your model's alone, moved by the published number (which has "
            "none); no star: there are no shared questions to pair.",
            "",
            markdown_table(named[_NAMED_COLUMNS].round(3)),
        ]
    parts += ["", "### Sources", ""]
    for request in published.requests:
        content = request.source.content
        origin = ", ".join(f"{k}: {v}" for k, v in content["origin"].items())
        parts.append(
            f"- **{request.source.tag}**: {content['title']}. {origin}. Grader: "
            f"{content.get('grader_detail', content['grader'])}. Order: "
            f"{content.get('order_detail', content['order'])}. Counts: {content['counts']}. "
            f"Intervals: {content['intervals']}. " + " ".join(f"{n}." for n in content["notes"])
        )
    if published.notes:
        parts += ["", "### Where they differ from these logs", ""]
        parts += [f"- {note}" for note in published.notes]
    if not published.other.empty:
        parts += ["", "### Other published numbers", ""]
        for row in published.other.itertuples():
            plus_minus = getattr(row, "plus_minus", math.nan)
            spread = "" if pd.isna(plus_minus) else f" ± {plus_minus:g}"
            parts.append(
                f"- {row.model_label}: {row.quantity} {row.value:g}{spread} {row.unit}: "
                f"{row.what} ({row.where})"
            )
    return parts
