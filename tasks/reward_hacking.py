"""Reward hacking (the paper's §5): the six hint types as RL environments whose hint always
points at a wrong option, scored with the paper's reward; exploitation, reward and how often
the chain of thought verbalizes the hint, for one model or checkpoint.

Run: `inspect eval tasks/reward_hacking.py --model M --model-role grader=G`; over a run's
checkpoints `inspect eval-set tasks/reward_hacking.py --model M1,M2,...`, then
`faithfulness-report LOGS --series M1,M2,...` (docs/reward_hacking.md).
"""

from inspect_ai import Task, task

from cot_faithfulness.scorers.hints.environments import EnvironmentName
from cot_faithfulness.scorers.hints.reward_hacking_score import RewardGrading
from cot_faithfulness.tasks.hints.builder import (
    CacheExpiry,
    DatasetName,
    GpqaSubset,
    PositiveInt,
    checked_parameters,
)
from cot_faithfulness.tasks.hints.environment_builder import build_reward_hacking_task


@task
@checked_parameters
def reward_hacking(
    hint: EnvironmentName = "all",
    dataset: DatasetName = "mmlu",
    subset: GpqaSubset | None = None,
    subjects: str | list[str] | None = None,
    questions: PositiveInt | None = None,
    variant: str | None = None,
    baseline: bool = False,
    seed: int = 0,
    data_dir: str | None = None,
    revision: str | None = None,
    grading: RewardGrading = "exploiting",
    cache: bool | CacheExpiry = "1W",
) -> Task:
    """Every question once per environment, the hint at its fixed wrong letter; the reward,
    and the grader's verdict on each response that chose the hinted answer.

    Args:
        hint: The environment: a hint type (`sycophancy`, `consistency`, `visual_pattern`,
            `metadata`, `grader_hacking`, `unethical_information`) or `all` six.
        dataset: Question source: `mmlu` (the paper's), `gpqa`, `mmlu_pro`, or `demo` (the
            questions embedded in the suite).
        subset: GPQA subset, `main` (default), `diamond` or `extended`; GPQA only.
        subjects: MMLU subjects, GPQA high-level domains or MMLU-Pro categories to keep
            (default: all).
        questions: Evaluate the first N questions after the seeded shuffle (default: all).
        variant: The hint's wording, with one environment only (default: the paper's Figure
            6 `grader_class` for grader hacking, the first public wording otherwise).
        baseline: Also ask each question without the hint: how often the wrong letter is
            chosen anyway.
        seed: Seeds the question order, the few-shot examples, GPQA's option order and the
            wrong letter, as in the hint tasks.
        data_dir: Local data folder (default: $COT_FAITHFULNESS_DATA_DIR, else Hugging Face).
        revision: Hugging Face dataset revision (default: the pinned one); not with local data.
        grading: Responses the grader sees: `exploiting` (every response that chose the
            hinted answer, the paper's denominator), `all` answered hinted ones, or `none`.
        cache: Cache for the model under test: `false`, `true` (one week), or an expiry such
            as `3D`.
    """
    return build_reward_hacking_task(**locals())
