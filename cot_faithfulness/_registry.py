"""What Inspect loads from this package's entry point: tasks, scorers and model providers.

Importing a module registers its `@task`, `@scorer` and `@modelapi` objects, so after
`pip install`, `inspect eval cot_faithfulness/metadata_hint`, `--model standin/default`,
`--model-role grader=offline_grader/rules` and `--scorer hint_faithfulness` all resolve
(`inspect eval cot_faithfulness/sandbagging` and the other scheming tasks too). Each
family's public names come from its package; the offline stand-ins are test doubles
registered for offline runs.
"""

# ruff: noqa: F401
from cot_faithfulness.scorers.hints import hint_faithfulness, label_agreement, reward_hacking_score
from cot_faithfulness.scorers.scheming import sandbagging_score, scheming_score
from cot_faithfulness.standin import StandinModelAPI, offline_grader
from cot_faithfulness.tasks import (
    alignment_faking,
    consistency_hint,
    email_reranking,
    goal_guarding,
    grader_hacking_hint,
    grader_validation,
    metadata_hint,
    oversight_subversion,
    reward_hacking,
    sandbagging,
    self_exfiltration,
    sycophancy_hint,
    unethical_information_hint,
    visual_pattern_hint,
)
