"""Offline stand-ins, test doubles with known behaviour, not models.

A simulated reasoning model (`standin/<profile>`) and a rule-based grader
(`offline_grader/rules`), so the suite runs and checks its own numbers without an API key.
"""
