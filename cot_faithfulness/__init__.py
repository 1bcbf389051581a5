"""cot-faithfulness: Inspect tasks that measure whether reasoning models say what they think.

This folder is the installed package. It gathers the project's folders under one import
namespace through links: `cot_faithfulness.tasks` is `tasks/`, `.solvers` is `solvers/`,
`.scorers` is `scorers/`, `.standin` is `standin/`, `.report` is `report/`, and `data` is
`datasets/` (data files only, never an importable package).
"""
