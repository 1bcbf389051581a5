"""Scoring a hinted/unhinted pair: answer and reasoning extraction, the grader, the metrics."""
