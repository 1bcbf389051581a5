"""Every test run gets its own Inspect cache and report row cache, so no test reads what
another run (or a user's own evaluations and reports) cached, and none writes into the
user's cache folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from golden_run import golden_logs


@pytest.fixture(autouse=True, scope="session")
def isolated_inspect_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setenv("INSPECT_CACHE_DIR", str(tmp_path_factory.mktemp("inspect-cache")))
    patch.setenv("COT_FAITHFULNESS_CACHE_DIR", str(tmp_path_factory.mktemp("report-rows")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def main_job_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The main job's logs (six hint tasks x two stand-ins on the demo set; `golden_run`),
    run once for every test that reads them."""
    return golden_logs(tmp_path_factory.mktemp("main-job"))
