"""Rows already read, kept between reports, so a report on a folder that has not changed
reads none of its logs again.

One entry per log: what the report took from it (its note, rows and warnings), filed under
a digest of the log's identity (its path or URL, size, and modification time or ETag) and
of the code that read it (this package's report, scorer and core sources and the versions
of Python, Inspect, pandas and pydantic). A log that changed, or a report that reads rows
differently, finds no entry. Each entry carries the sha256 of its contents: one that fails
it, or fails to load, is ignored and written again, so a damaged cache costs time, never
numbers.

Entries live in the user's cache folder (`$COT_FAITHFULNESS_CACHE_DIR`, else
`$XDG_CACHE_HOME/cot-faithfulness`, else `~/.cache/cot-faithfulness` on Linux, the
platform's cache folder elsewhere), never beside the logs. A million samples take about a
gigabyte, and every upgrade of the suite or its libraries starts new entries: after each
report the least recently used entries beyond the limit (`--cache-limit`) are removed,
never those of the logs that report read.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import platformdirs

CACHE_DIR_VARIABLE = "COT_FAITHFULNESS_CACHE_DIR"
APP = "cot-faithfulness"
ROWS = "report-rows"
MAGIC = b"cot-faithfulness rows 1\n"
DIGEST = hashlib.sha256().digest_size
CODE = ("report", "scorers", "core")
"""The package folders whose sources decide what a row holds."""
LIBRARIES = ("inspect-ai", "msgspec", "pandas", "pydantic")
"""The libraries whose versions decide what a row holds."""
LIMIT_GIB = 4.0
"""What the entries may take by default: the rows of about four million samples."""


@dataclass(frozen=True)
class LogFile:
    """A log file and what tells whether it changed since it was read."""

    location: str
    """Its path, or URL for a remote one."""
    size: int
    modified: float | str | None
    """Modification time, or the store's ETag."""


def cache_dir() -> Path:
    """Where entries go: the folder named by `$COT_FAITHFULNESS_CACHE_DIR`, else the user's
    cache folder."""
    chosen = os.environ.get(CACHE_DIR_VARIABLE)
    return Path(chosen) if chosen else Path(platformdirs.user_cache_dir(APP)) / ROWS


class RowCache:
    """Each log's rows by its identity; `refresh` reads nothing back (every log is read)
    and writes every entry anew."""

    def __init__(
        self, folder: Path | None = None, refresh: bool = False, limit_gib: float = LIMIT_GIB
    ) -> None:
        self.folder = folder or cache_dir()
        self.refresh = refresh
        self.limit = int(limit_gib * 2**30)
        self.used: set[Path] = set()
        """The entries this report read or wrote: never removed by `prune`."""

    def get(self, file: LogFile) -> Any | None:
        """The rows kept for this log as it is now, or None."""
        if self.refresh:
            return None
        entry = self._entry(file)
        try:
            data = entry.read_bytes()
            os.utime(entry)  # used now: the last to be pruned
        except OSError:
            return None
        head, digest, payload = (
            data[: len(MAGIC)],
            data[len(MAGIC) : len(MAGIC) + DIGEST],
            data[len(MAGIC) + DIGEST :],
        )
        if head != MAGIC or hashlib.sha256(payload).digest() != digest:
            return None
        try:
            rows = pickle.loads(payload)
        except Exception:  # written by another version of a library: read the log again
            return None
        if getattr(getattr(rows, "note", None), "path", None) != file.location:
            return None
        self.used.add(entry)
        return rows

    def put(self, file: LogFile, rows: Any) -> None:
        """Keep the rows of this log; a cache folder that can't be written is passed by."""
        payload = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
        entry = self._entry(file)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as temporary:
                temporary.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(temporary.name, entry)
        except OSError:
            return
        self.used.add(entry)

    def prune(self) -> None:
        """Remove the least recently used entries beyond the limit, other than those this
        report used; entries that vanish meanwhile (another report pruning) or can't be
        removed are passed by."""
        found = []
        for entry in self.folder.glob("??/*.rows"):
            try:
                stat = entry.stat()
            except OSError:
                continue
            found.append((stat.st_mtime, stat.st_size, entry))
        kept = sum(size for _, size, entry in found if entry in self.used)
        for _, size, entry in sorted(found, reverse=True):
            if entry in self.used:
                continue
            if kept + size <= self.limit:
                kept += size
                continue
            try:
                entry.unlink(missing_ok=True)
            except OSError:
                continue

    def _entry(self, file: LogFile) -> Path:
        identity = repr((file.location, file.size, file.modified, code_fingerprint()))
        name = hashlib.sha256(identity.encode()).hexdigest()
        return self.folder / name[:2] / f"{name}.rows"


@cache
def code_fingerprint() -> str:
    """A digest of everything that decides what a row holds."""
    digest = hashlib.sha256()
    for package in LIBRARIES:
        digest.update(f"{package} {version(package)}\n".encode())
    digest.update(f"{platform.python_implementation()} {sys.version}\n".encode())
    root = Path(__file__).resolve().parent.parent
    for folder in CODE:
        for source in sorted((root / folder).rglob("*.py")):
            digest.update(str(source.relative_to(root)).encode() + source.read_bytes())
    return digest.hexdigest()
