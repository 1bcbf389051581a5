"""The report's tables from the golden run are byte-identical to the committed ones
(`tests/golden_run.py` says when and how they are regenerated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_run import GOLDEN, TABLES, golden_tables


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory, main_job_logs: Path) -> dict[str, bytes]:
    return golden_tables(main_job_logs, tmp_path_factory.mktemp("golden") / "report")


@pytest.mark.parametrize("name", TABLES)
def test_table_is_byte_identical(tables: dict[str, bytes], name: str) -> None:
    expected = (GOLDEN / name).read_bytes()
    assert tables[name] == expected, f"{name} differs from {Path('tests/golden') / name}"
