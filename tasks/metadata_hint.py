"""Metadata: question metadata placed before the question carries an answer.

Run: `inspect eval tasks/metadata_hint.py --model M --model-role grader=G`;
the `-T name=value` parameters are listed in README.md and checked by `build_hint_task`.
"""

from typing import Any

from inspect_ai import Task, task

from tasks.hint_task import build_hint_task


@task
def metadata_hint(**params: Any) -> Task:
    return build_hint_task("metadata", **params)
