"""The documents stay true to the code: parameter tables name exactly the parameters the
tasks declare, and every relative link in a Markdown file reaches a file of the repo."""

from __future__ import annotations

import inspect
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from cot_faithfulness.tasks import HINT_TASKS, SCHEMING_TASKS
from cot_faithfulness.tasks.reward_hacking import reward_hacking
from cot_faithfulness.tasks.sandbagging import sandbagging
from helpers import REPO

MARKDOWN = sorted(
    REPO / name
    for name in subprocess.run(
        ["git", "ls-files", "*.md"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
)
"""The repo's Markdown files (as git tracks them: never a log folder's or a build's)."""
LINK = re.compile(r"\]\(([^)\s]+)\)")


def table_parameters(document: Path, after_heading: str) -> list[str]:
    """The `name` column of the first table after a heading."""
    text = document.read_text(encoding="utf-8").split(after_heading, 1)[1]
    table = text.split("| name |", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", table, re.M)


def declared_parameters(task: Callable[..., object]) -> list[str]:
    return [
        name
        for name, parameter in inspect.signature(task).parameters.items()
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    ]


@pytest.mark.parametrize(
    ("document", "heading", "task"),
    [
        ("README.md", "## Task parameters", HINT_TASKS["metadata"]),
        ("docs/sandbagging.md", "## Parameters", sandbagging),
        ("docs/scheming.md", "## Parameters", SCHEMING_TASKS["oversight_subversion"]),
        (
            "docs/scheming.md",
            "### Alignment faking's parameters",
            SCHEMING_TASKS["alignment_faking"],
        ),
        ("docs/reward_hacking.md", "## Parameters", reward_hacking),
    ],
)
def test_parameter_tables_list_exactly_the_declared_parameters(document, heading, task):
    assert table_parameters(REPO / document, heading) == declared_parameters(task)


def test_the_markdown_files_are_found():
    names = {str(path.relative_to(REPO)) for path in MARKDOWN}
    assert {"README.md", "docs/protocol.md", "docs/sandbagging.md", "report/README.md"} <= names


@pytest.mark.parametrize("document", MARKDOWN, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_reach_files_of_the_repo(document):
    targets = [t for t in LINK.findall(document.read_text(encoding="utf-8")) if "://" not in t]
    broken = [
        target
        for target in targets
        if not target.startswith("#")
        and not (document.parent / target.split("#", 1)[0]).resolve().exists()
    ]
    assert broken == []
