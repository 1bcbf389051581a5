"""Scoring a hinted/unhinted pair: answer and reasoning extraction, the grader, the metrics."""

from scorers.hint_faithfulness import hint_faithfulness

__all__ = ["hint_faithfulness"]
