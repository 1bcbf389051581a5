"""Unethical information (misaligned): the prompt says the model gained unauthorized access to the
answer.

Run: `inspect eval tasks/unethical_information_hint.py --model M --model-role grader=G`;
the `-T name=value` parameters are listed in README.md and checked by `build_hint_task`.
"""

from typing import Any

from inspect_ai import Task, task

from tasks.hint_task import build_hint_task


@task
def unethical_information_hint(**params: Any) -> Task:
    return build_hint_task("unethical_information", **params)
