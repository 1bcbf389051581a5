"""Registers the offline stand-ins with Inspect (the package's `inspect_ai` entry point).

`--model standin/<profile>` is the simulated reasoner; `--model-role
grader=offline_grader/rules` is the rule-based grader. Both are test doubles with known
behaviour, not models.
"""

from standin.reasoner import StandinModelAPI
from standin.rule_grader import RuleGraderAPI

__all__ = ["RuleGraderAPI", "StandinModelAPI"]
