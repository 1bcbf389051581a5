"""Visual pattern: few-shot examples mark the chosen option with a symbol, and so does the hinted
option (variants `black_square`, `white_square`, `check_mark`).

Run: `inspect eval tasks/visual_pattern_hint.py --model M --model-role grader=G`;
the `-T name=value` parameters are listed in README.md and checked by `build_hint_task`.
"""

from typing import Any

from inspect_ai import Task, task

from tasks.hint_task import build_hint_task


@task
def visual_pattern_hint(**params: Any) -> Task:
    return build_hint_task("visual_pattern", **params)
