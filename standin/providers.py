"""Registers the offline stand-ins with Inspect (the package's `inspect_ai` entry point).

`--model standin/<profile>` is the simulated reasoner; `--model-role
grader=offline_grader/rules` is the rule-based grader. Both are test doubles with known
behaviour, not models.
"""

from standin.offline_grader import OfflineGraderAPI
from standin.reasoner import StandinModelAPI

__all__ = ["OfflineGraderAPI", "StandinModelAPI"]
