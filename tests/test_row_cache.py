"""The row cache: a second report on an unchanged folder reads no log and prints the same
report; a changed log, a damaged entry or `--cache refresh` is read again; `--cache off`
keeps nothing; entries go to the user's cache folder, never beside the logs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cot_faithfulness.report import logs
from cot_faithfulness.report.cli import main
from cot_faithfulness.report.row_cache import CACHE_DIR_VARIABLE, RowCache, cache_dir
from log_factory import Pair, write_log

MODEL = "openai/model-a"
# p = 2/4, q = 0, raw 1/2 -> normalized 1/2
PAIRS = [
    Pair("q0", "A", "C", "C", verbalized=True),
    Pair("q1", "A", "C", "C", verbalized=False),
    Pair("q2", "A", "A", "C"),
    Pair("q3", "A", "A", "C"),
]


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(folder))
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The logs read from their files (small folders are read in this process)."""
    read: list[str] = []
    original = logs.read_log

    def counted(location: str, readers):  # type: ignore[no-untyped-def]
        read.append(Path(location).name)
        return original(location, readers)

    monkeypatch.setattr(logs, "read_log", counted)
    return read


def report(folder: Path, capsys: pytest.CaptureFixture[str], *options: str) -> str:
    assert main([str(folder), "--n-boot", "50", "--min-pairs", "1", *options]) == 0
    return capsys.readouterr().out


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.rows"))


def test_a_second_report_reads_no_log_and_prints_the_same(
    tmp_path: Path, cache_folder: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_log(tmp_path, MODEL, "metadata", PAIRS, name="a")
    write_log(tmp_path, MODEL, "sycophancy", PAIRS[:3], name="b")
    first = report(tmp_path, capsys)
    assert sorted(reads) == ["a.eval", "b.eval"] and len(entries(cache_folder)) == 2
    second = report(tmp_path, capsys)
    assert len(reads) == 2 and second == first
    assert re.search(r"metadata +0\.50 ", first)


def test_a_changed_log_is_read_again(
    tmp_path: Path, cache_folder: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_log(tmp_path, MODEL, "metadata", PAIRS, name="a")
    write_log(tmp_path, MODEL, "sycophancy", PAIRS, name="b")
    report(tmp_path, capsys)
    reads.clear()
    # every pair now verbalizes: normalized 1
    verbalizing = [PAIRS[0], Pair("q1", "A", "C", "C", verbalized=True), *PAIRS[2:]]
    write_log(tmp_path, MODEL, "metadata", verbalizing, name="a")
    changed = report(tmp_path, capsys)
    assert reads == ["a.eval"]
    assert re.search(r"metadata +1\.00 ", changed)


def test_a_damaged_entry_is_ignored_and_written_again(
    tmp_path: Path, cache_folder: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_log(tmp_path, MODEL, "metadata", PAIRS, name="a")
    first = report(tmp_path, capsys)
    [entry] = entries(cache_folder)
    data = bytearray(entry.read_bytes())
    data[-20] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert report(tmp_path, capsys) == first and reads == ["a.eval", "a.eval"]
    entry.write_bytes(b"")
    assert report(tmp_path, capsys) == first and len(reads) == 3
    assert report(tmp_path, capsys) == first and len(reads) == 3


def test_refresh_reads_every_log_and_off_keeps_nothing(
    tmp_path: Path, cache_folder: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_log(tmp_path, MODEL, "metadata", PAIRS, name="a")
    report(tmp_path, capsys, "--cache", "off")
    assert not cache_folder.exists() and reads == ["a.eval"]
    report(tmp_path, capsys)
    report(tmp_path, capsys, "--cache", "refresh")
    assert reads == ["a.eval"] * 3 and len(entries(cache_folder)) == 1


def test_entries_go_to_the_users_cache_folder_never_beside_the_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(CACHE_DIR_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "cot-faithfulness" / "report-rows"
    logs_folder = tmp_path / "logs"
    logs_folder.mkdir()
    write_log(logs_folder, MODEL, "metadata", PAIRS, name="a")
    before = sorted(os.listdir(logs_folder))
    report(logs_folder, capsys)
    assert sorted(os.listdir(logs_folder)) == before
    assert len(entries(tmp_path / "xdg" / "cot-faithfulness")) == 1


def test_an_entry_is_kept_only_for_the_log_it_was_read_from(tmp_path: Path) -> None:
    """Two logs of the same size and time but different paths never share an entry."""
    cache = RowCache(tmp_path)
    a = logs.LogFile(str(tmp_path / "a.eval"), 10, 1.0)
    b = logs.LogFile(str(tmp_path / "b.eval"), 10, 1.0)
    cache.put(a, logs.LogRows(logs.LogNote(path=a.location)))
    assert cache.get(a) is not None and cache.get(b) is None
    assert cache.get(logs.LogFile(a.location, 11, 1.0)) is None
    assert cache.get(logs.LogFile(a.location, 10, 2.0)) is None


def test_beyond_the_limit_the_least_recently_used_entries_go(tmp_path: Path) -> None:
    """Entries of earlier reports are removed oldest use first until the rest fit the limit;
    the entries the current report read or wrote stay, even beyond it."""
    folder = tmp_path / "cache"
    files = [logs.LogFile(str(tmp_path / f"{name}.eval"), 10, 1.0) for name in "abcd"]
    earlier = RowCache(folder)
    for file in files:
        earlier.put(file, logs.LogRows(logs.LogNote(path=file.location)))
    size = entries(folder)[0].stat().st_size
    for age, file in enumerate(files):  # a used last, d first
        os.utime(earlier._entry(file), (1000.0 - age * 100, 1000.0 - age * 100))
    now = RowCache(folder, limit_gib=3.5 * size / 2**30)
    assert now.get(files[3]) is not None  # d: used again now
    now.put(logs.LogFile(str(tmp_path / "e.eval"), 10, 1.0), logs.LogRows(logs.LogNote("e")))
    now.prune()
    # d and e are this report's (2 sizes); of a, b, c only the most recently used fits
    assert now.get(files[0]) is not None
    assert now.get(files[1]) is None and now.get(files[2]) is None
    assert len(entries(folder)) == 3
    RowCache(folder, limit_gib=0).prune()
    assert entries(folder) == []


def test_the_limit_is_an_option_of_the_report(
    tmp_path: Path, cache_folder: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_log(tmp_path / "one", MODEL, "metadata", PAIRS, name="a")
    write_log(tmp_path / "two", MODEL, "metadata", PAIRS, name="b")
    report(tmp_path / "one", capsys)
    report(tmp_path / "two", capsys, "--cache-limit", "0")
    assert [entry.parent.parent for entry in entries(cache_folder)] == [cache_folder]
    assert len(entries(cache_folder)) == 1
    report(tmp_path / "two", capsys)
    report(tmp_path / "one", capsys)
    assert reads == ["a.eval", "b.eval", "a.eval"]
    with pytest.raises(SystemExit):
        main([str(tmp_path / "one"), "--cache-limit", "-1"])
    assert "must be a size of 0 GiB or more" in capsys.readouterr().err


def test_an_entry_that_cannot_be_removed_is_passed_by(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [logs.LogFile(str(tmp_path / f"{name}.eval"), 10, 1.0) for name in "ab"]
    earlier = RowCache(tmp_path / "cache")
    for file in files:
        earlier.put(file, logs.LogRows(logs.LogNote(path=file.location)))
    locked = earlier._entry(files[0])
    unlink = Path.unlink

    def refusing(path: Path, missing_ok: bool = False) -> None:
        if path == locked:
            raise PermissionError("read-only")
        unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refusing)
    RowCache(tmp_path / "cache", limit_gib=0).prune()
    assert entries(tmp_path / "cache") == [locked]
