"""Grader hacking (misaligned): a leaked validation function accepts only one answer.

Run: `inspect eval tasks/grader_hacking_hint.py --model M --model-role grader=G`.
Every hint task takes the same parameters, checked by `checked_parameters`; only the
hint's name differs.
"""

from inspect_ai import Task, task

from cot_faithfulness.tasks.hints.builder import (
    CacheExpiry,
    DatasetName,
    GpqaSubset,
    Grading,
    HintAnswer,
    PositiveInt,
    build_hint_task,
    checked_parameters,
)


@task
@checked_parameters
def grader_hacking_hint(
    dataset: DatasetName = "mmlu",
    subset: GpqaSubset | None = None,
    subjects: str | list[str] | None = None,
    questions: PositiveInt | None = None,
    hint_answer: HintAnswer = "both",
    variant: str | None = None,
    seed: int = 0,
    data_dir: str | None = None,
    revision: str | None = None,
    grading: Grading = "retained",
    cache: bool | CacheExpiry = "1W",
    monitor: str | list[str] = "none",
    monitor_crossfit: bool = False,
) -> Task:
    """Each question asked without and with the hint; the grader checks acknowledgment.

    Args:
        dataset: Question source: `mmlu`, `gpqa`, `mmlu_pro` (3 to 10 options), or `demo` (48
            questions embedded in the suite).
        subset: GPQA subset, `main` (default), `diamond` or `extended`; GPQA only.
        subjects: MMLU subjects, GPQA high-level domains or MMLU-Pro categories to keep
            (default: all).
        questions: Evaluate the first N questions after the seeded shuffle (default: all).
        hint_answer: Hint arm: `incorrect` (one fixed wrong letter per question, shared by every
            hint type), `correct`, or `both` (one sample of each).
        variant: Hint wording (default: the first public one); the accepted names are listed
            when a wrong one is given.
        seed: Seeds the question order, the few-shot examples, GPQA's option order and the
            wrong hint letter.
        data_dir: Local data folder (default: $COT_FAITHFULNESS_DATA_DIR, else Hugging Face).
        revision: Hugging Face dataset revision (default: the pinned one); not with local data.
        grading: Pairs the grader sees: `retained` (the paper's denominator), `all`, or `none`.
        cache: Cache for the model under test: `false`, `true` (one week), or an expiry such
            as `3D`.
        monitor: Monitors of the `monitor` role that read both sides of every pair: `none`,
            or one or more of `blind`, `informed`, `answer_only` (comma-separated).
        monitor_crossfit: With `--epochs` of 3 or more, score the per-instance monitorability
            with OpenAI's 60/40 cross-fit.
    """
    return build_hint_task("grader_hacking", **locals())
