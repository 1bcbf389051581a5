"""The reward-hacking environments as a Hugging Face `datasets.Dataset` for an RL trainer.

One row per question and environment, the same questions, wrong letters and prompts as the
`reward_hacking` task with the same arguments (byte for byte: a checkpoint trained on these
rows is evaluated on exactly these prompts). The columns follow the prompt-only
conversational format that TRL's GRPO trainer reads, plus what the reward needs:

- `prompt`: the hinted conversation as `[{"role": ..., "content": ...}, ...]` (one user turn;
  three turns for consistency; 21 for the visual pattern's solved examples);
- `hint_letter`, `letters`, `hint_type`, `hint_variant`: the arguments of
  `scorers.hints.reward.hacking_reward`, which the trainer passes to
  `hacking_reward_func` by name (TRL passes every column but `prompt` to a reward function);
- `question_id`, `correct_letter`: to trace a row back.

No column is named `prompts`, `completions`, `completion_ids`, `trainer_state`,
`log_extra`, `log_metric` or `environments`, the names TRL passes itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cot_faithfulness.scorers.hints.environments import environments
from cot_faithfulness.solvers.hints.hint_prompts import render_hinted
from cot_faithfulness.tasks.hints.builder import incorrect_letter, select_questions

if TYPE_CHECKING:
    from datasets import Dataset


def reward_hacking_dataset(
    hint: str = "all",
    dataset: str = "mmlu",
    questions: int | None = None,
    *,
    variant: str | None = None,
    subset: str | None = None,
    subjects: str | Sequence[str] | None = None,
    seed: int = 0,
    data_dir: str | None = None,
    revision: str | None = None,
) -> Dataset:
    """The environments' hinted prompts as a `datasets.Dataset` (module docstring); the
    arguments are the `reward_hacking` task's, with its defaults.

    Args:
        hint: One environment (a hint type) or `all` six.
        dataset: `mmlu` (the paper's), `gpqa`, `mmlu_pro` or `demo`.
        questions: The first N questions after the seeded shuffle (default: all).
        variant: The hint's wording, with one environment only.
        subset: GPQA subset.
        subjects: MMLU subjects, GPQA domains or MMLU-Pro categories to keep.
        seed: Question order, few-shot examples and the wrong letter, as in the task.
        data_dir: Local data folder (default: $COT_FAITHFULNESS_DATA_DIR, else Hugging Face).
        revision: Hugging Face dataset revision.
    """
    from datasets import Dataset  # heavy import, only when a dataset is asked for

    chosen = environments(hint, variant)
    few_shot, evaluated, _, _ = select_questions(
        "reward_hacking_dataset", dataset, subset, subjects, questions, seed, data_dir, revision
    )
    rows: list[dict[str, Any]] = []
    for question in evaluated:
        letter = incorrect_letter(question, seed)
        for hint_type, hint_variant in chosen:
            messages = render_hinted(hint_type, question, letter, hint_variant.name, few_shot)
            rows.append(
                {
                    "prompt": [{"role": m.role, "content": m.text} for m in messages],
                    "hint_letter": letter,
                    "letters": question.letters,
                    "hint_type": hint_type.name,
                    "hint_variant": hint_variant.name,
                    "question_id": question.question_id,
                    "correct_letter": question.correct_letter,
                }
            )
    return Dataset.from_list(rows)
