"""Before a run: check that every model in it works (`preflight`) and what it will cost
(`plan`). Both are subcommands of the `cot-faithfulness` console script."""
