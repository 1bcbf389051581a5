"""The post-hoc report: a folder of suite logs -> faithfulness tables, comparisons, figures."""
