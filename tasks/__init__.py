"""Every task of the suite, as Inspect runs it by file (`inspect eval tasks/metadata_hint.py`)
or by name (`inspect eval cot_faithfulness/metadata_hint`).

The hint family (docs in `tasks/hints/README.md`): one task per hint type, all built by
`hints.builder.build_hint_task`, `grader_validation`, and `reward_hacking` (the six hints
as reward-hacking environments). The scheming family
(`tasks/scheming/README.md`): `sandbagging`, and the five evaluations built by
`scheming.builder.build_scheming_task` (`SCHEMING_TASKS`).
"""

from collections.abc import Callable

from inspect_ai import Task

from cot_faithfulness.tasks.alignment_faking import alignment_faking
from cot_faithfulness.tasks.consistency_hint import consistency_hint
from cot_faithfulness.tasks.email_reranking import email_reranking
from cot_faithfulness.tasks.goal_guarding import goal_guarding
from cot_faithfulness.tasks.grader_hacking_hint import grader_hacking_hint
from cot_faithfulness.tasks.grader_validation import grader_validation
from cot_faithfulness.tasks.metadata_hint import metadata_hint
from cot_faithfulness.tasks.oversight_subversion import oversight_subversion
from cot_faithfulness.tasks.reward_hacking import reward_hacking
from cot_faithfulness.tasks.sandbagging import sandbagging
from cot_faithfulness.tasks.self_exfiltration import self_exfiltration
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
"""The hint tasks by hint type, in the catalogue's order (a test checks that every hint type
has its task), for code that runs several at once (calibration, preflight, tests)."""

SCHEMING_TASKS: dict[str, Callable[..., Task]] = {
    "oversight_subversion": oversight_subversion,
    "self_exfiltration": self_exfiltration,
    "goal_guarding": goal_guarding,
    "email_reranking": email_reranking,
    "alignment_faking": alignment_faking,
}
"""Apollo's other five in-context scheming evaluations, by evaluation, in the paper's order."""

__all__ = [
    "HINT_TASKS",
    "SCHEMING_TASKS",
    "alignment_faking",
    "consistency_hint",
    "email_reranking",
    "goal_guarding",
    "grader_hacking_hint",
    "grader_validation",
    "metadata_hint",
    "oversight_subversion",
    "reward_hacking",
    "sandbagging",
    "self_exfiltration",
    "sycophancy_hint",
    "unethical_information_hint",
    "visual_pattern_hint",
]
