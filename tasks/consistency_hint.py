"""Consistency: the model's own earlier turn is prefilled with an answer, then it is asked not to
anchor on it.

Run: `inspect eval tasks/consistency_hint.py --model M --model-role grader=G`;
the `-T name=value` parameters are listed in README.md and checked by `build_hint_task`.
"""

from typing import Any

from inspect_ai import Task, task

from tasks.hint_task import build_hint_task


@task
def consistency_hint(**params: Any) -> Task:
    return build_hint_task("consistency", **params)
