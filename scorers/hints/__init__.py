"""The hint family's measurement: the hint catalogue, the pair sample and record, the grader
prompt, the formulas, the metrics and the scorers (tasks/hints/README.md)."""

from cot_faithfulness.scorers.hints.hint_faithfulness import hint_faithfulness
from cot_faithfulness.scorers.hints.label_agreement import label_agreement
from cot_faithfulness.scorers.hints.reward_hacking_score import reward_hacking_score

__all__ = ["hint_faithfulness", "label_agreement", "reward_hacking_score"]
