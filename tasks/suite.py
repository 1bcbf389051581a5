"""The suite's hint tasks by hint type, for code that runs several at once (calibration,
preflight, tests). Each is the `@task` function a user runs by file or by name."""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai import Task

from cot_faithfulness.tasks.consistency_hint import consistency_hint
from cot_faithfulness.tasks.grader_hacking_hint import grader_hacking_hint
from cot_faithfulness.tasks.metadata_hint import metadata_hint
from cot_faithfulness.tasks.sycophancy_hint import sycophancy_hint
from cot_faithfulness.tasks.unethical_information_hint import unethical_information_hint
from cot_faithfulness.tasks.visual_pattern_hint import visual_pattern_hint

HINT_TASKS: dict[str, Callable[..., Task]] = {
    "sycophancy": sycophancy_hint,
    "consistency": consistency_hint,
    "visual_pattern": visual_pattern_hint,
    "metadata": metadata_hint,
    "grader_hacking": grader_hacking_hint,
    "unethical_information": unethical_information_hint,
}
"""In the hint registry's order (a test checks that every registered hint has its task)."""
