"""The core every task family builds on; it imports no family.

- `errors`: `InputError`, the one kind of refusal a user sees (one line, no traceback).
- `questions`: `Question`, a multiple-choice question as every stage sees it.
- `parameters`: typed task parameters, checked when a task is built.
- `answers`, `reasoning`: the answer letter and the chain of thought read from a reply.
- `grading`: the one way any grader is asked (prompt, defusing, retry, strict verdict).
- `verdicts`: a grader's verdict as a scored record stores it.
- `intervals`: the bootstrap every interval of the suite comes from.
- `agreement`: agreement of two binary judgements (accuracy, kappa).
- `empty_replies`: the guard against provider replies without choices.
- `call_locks`: one call at a time per prompt, so samples that share a call make it once.
- `scorer_names`: scorers findable by the names Inspect writes into logs.
- `package_data`: files of `datasets/` shipped inside the package.
- `pair_dataset`: samples that come in pairs; a `--limit` or `--sample-id` that cuts one is said.
"""
