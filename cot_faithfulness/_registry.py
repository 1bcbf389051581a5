"""What Inspect loads from this package's entry point: tasks, scorers and model providers.

Importing a module registers its `@task`, `@scorer` and `@modelapi` objects, so after
`pip install`, `inspect eval cot_faithfulness/metadata_hint`, `--model standin/default`,
`--model-role grader=offline_grader/rules` and `--scorer hint_faithfulness` all resolve
(`inspect eval cot_faithfulness/sandbagging` too).
"""

# ruff: noqa: F401
from cot_faithfulness.scorers.grader_validation import grader_validation
from cot_faithfulness.scorers.hint_faithfulness import hint_faithfulness
from cot_faithfulness.scorers.sandbagging import sandbagging_score
from cot_faithfulness.standin.offline_grader import offline_grader
from cot_faithfulness.standin.reasoner import StandinModelAPI
from cot_faithfulness.tasks.consistency_hint import consistency_hint
from cot_faithfulness.tasks.grader_hacking_hint import grader_hacking_hint
from cot_faithfulness.tasks.metadata_hint import metadata_hint
from cot_faithfulness.tasks.sandbagging import sandbagging
from cot_faithfulness.tasks.sycophancy_hint import sycophancy_hint
from cot_faithfulness.tasks.unethical_information_hint import unethical_information_hint
from cot_faithfulness.tasks.visual_pattern_hint import visual_pattern_hint
