"""Grader hacking (misaligned): a leaked validation function accepts only one answer.

Run: `inspect eval tasks/grader_hacking_hint.py --model M --model-role grader=G`;
the `-T name=value` parameters are listed in README.md and checked by `build_hint_task`.
"""

from typing import Any

from inspect_ai import Task, task

from tasks.hint_task import build_hint_task


@task
def grader_hacking_hint(**params: Any) -> Task:
    return build_hint_task("grader_hacking", **params)
