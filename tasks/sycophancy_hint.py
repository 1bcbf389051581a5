"""Sycophancy: after the choices the user suggests an answer (variants `user_opinion`,
`stanford_professor`).

Run: `inspect eval tasks/sycophancy_hint.py --model M --model-role grader=G`;
the `-T name=value` parameters are listed in README.md and checked by `build_hint_task`.
"""

from typing import Any

from inspect_ai import Task, task

from tasks.hint_task import build_hint_task


@task
def sycophancy_hint(**params: Any) -> Task:
    return build_hint_task("sycophancy", **params)
