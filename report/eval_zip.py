""".eval logs read straight from their zip members: `summaries.json` decoded with msgspec
into the few fields the report reads of each sample summary (its id, epoch, error and its
scores' metadata; everything else is skipped, never built into objects), `header.json`
(small) with the standard library.

Inspect's own reader validates every summary into pydantic objects and re-shortens every
metadata string; at a million samples that is minutes. This reader gives the same values
for the logs it knows: log format version 2 with both members present and in the shape
below, the score metadata thinned exactly as Inspect's `EvalSampleSummary` thins it
(strings collapsed and cut at 1 KB, larger values replaced). For anything else it raises
`NotKnown`, and the caller reads the log with Inspect's reader: a log still running (no
`header.json`), another format version, a `.json` log, a member of another shape or a
damaged one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

import fsspec
import msgspec
from inspect_ai.log import EvalLog

try:  # Inspect's own thinning, so the values are its reader's; private, so it may move
    from inspect_ai._util.constants import get_deserializing_context
    from inspect_ai._util.json import to_json_str_safe
    from inspect_ai.log._util import THIN_TEXT_WIDTH, thin_metadata, thin_text
except ImportError:  # a newer Inspect: every log goes to its own reader
    INSPECT_HELPERS = False
else:
    INSPECT_HELPERS = True

from cot_faithfulness.report.zip_members import ZipMembers

KNOWN_VERSIONS = frozenset({2})
"""Log format versions (`header.json`'s `version`) whose members this reader knows."""
HEADER = "header.json"
SUMMARIES = "summaries.json"
SHORTENED = "Key removed from summary"
"""What Inspect puts in a sample summary in place of a metadata value over 1 KB."""
BLOCK = 8 * 2**20
"""Bytes fetched at a time from a remote log."""
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
"""What Inspect writes for the floats JSON has no word for (score values of pairs that
are not eligible, say), and msgspec does not read."""
MARK = "\x00"
"""Starts the string a non-finite number is read as (`_marked`), and is turned back."""
ESCAPED_MARK = b"\\u0000"
"""`MARK` in JSON."""


class NotKnown(Exception):
    """A log this reader does not know; Inspect's reader reads it."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What the report reads of one sample summary (or sample)."""

    id: str
    epoch: int
    failed: bool
    """The sample ended in an error (it has no scores then)."""
    scores: dict[str, dict[str, Any]]
    """Score column -> its metadata, thinned as Inspect thins a summary's."""


@contextmanager
def open_zip(location: str) -> Iterator[ZipMembers]:
    """The log's zip, local or at any fsspec URL (read by ranges: only the central
    directory and the members asked for travel)."""
    if not location.endswith(".eval"):
        raise NotKnown("not an .eval log")
    remote = "://" in location and not location.startswith("file://")
    options = {"block_size": BLOCK, "cache_type": "readahead"} if remote else {}
    handle: IO[bytes]
    with fsspec.open(location, "rb", **options) as handle:
        yield ZipMembers(handle)


def read_header(archive: ZipMembers) -> EvalLog:
    """The log's header, validated by Inspect's own model (a small member)."""
    if not INSPECT_HELPERS:
        raise NotKnown("this Inspect lacks the helpers the fast reader thins values with")
    if not archive.has(HEADER) or not archive.has(SUMMARIES):
        raise NotKnown("no header.json or summaries.json: a log still being written")
    data = json.loads(archive.read(HEADER))
    version = data.get("version") if isinstance(data, dict) else None
    if version not in KNOWN_VERSIONS:
        raise NotKnown(f"log format version {version!r}")
    return EvalLog.model_validate(data, context=get_deserializing_context())


class _Score(msgspec.Struct):
    metadata: dict[str, Any] | None = None


class _SampleSummary(msgspec.Struct):
    """What is decoded of a summary in the member: a field of another type is a summary of
    another shape (`NotKnown`)."""

    id: int | str
    epoch: int
    error: str | None = None
    scores: dict[str, _Score] | None = None


_DECODER = msgspec.json.Decoder(list[_SampleSummary])


def read_summaries(archive: ZipMembers, columns: re.Pattern[str]) -> tuple[list[Summary], bool]:
    """Every sample summary, the last of each (id, epoch) in the first one's place, as
    Inspect dedupes them; of the scores only the columns matching `columns`. Also whether
    a metadata value may have been shortened (`SHORTENED`): the member holds the words, or
    a value was over 1 KB."""
    member = archive.read(SUMMARIES)
    items, marked = _decoded(member)
    by_key: dict[tuple[str, int], Summary] = {}
    large: list[bool] = []
    for item in items:
        kept = {
            name: _thin(score.metadata or {}, marked, large)
            for name, score in (item.scores or {}).items()
            if columns.match(name)
        }
        summary = Summary(str(item.id), item.epoch, bool(item.error), kept)
        by_key[(summary.id, summary.epoch)] = summary
    return list(by_key.values()), SHORTENED.encode() in member or any(large)


def _decoded(data: bytes) -> tuple[list[_SampleSummary], bool]:
    """The member's summaries, and whether non-finite numbers were marked first.

    `NaN`, `Infinity` and `-Infinity` after `:`, `,` or `[` become the strings `MARK` +
    the word. Where such a word sits inside a string, the quote inserted before it ends that
    string and leaves a backslash outside any string: the member no longer parses, and the
    standard library's reader (which reads them as Inspect does) is used instead; so is it
    when a string already starts with `MARK`."""
    try:
        if not any(word.encode() in data for word in NON_FINITE):
            return _DECODER.decode(data), False
        if ESCAPED_MARK not in data:
            try:
                return _DECODER.decode(_marked(data)), True
            except msgspec.DecodeError:
                pass
        return msgspec.convert(json.loads(data), list[_SampleSummary]), False
    except msgspec.ValidationError as shape:
        raise NotKnown(f"summaries.json is not a list of sample summaries ({shape})") from None


def _marked(data: bytes) -> bytes:
    """The member with each non-finite number after `:`, `,` or `[` as a marked string."""
    for token in (word.encode() for word in NON_FINITE):
        for before in (b":", b",", b"[") if token in data else ():
            data = data.replace(before + token, before + b'"\\u0000' + token + b'"')
    return data


def _unmarked(value: Any) -> Any:
    """`value` with the strings `_decoded` marked turned back into their numbers."""
    if isinstance(value, str):
        return NON_FINITE[value[1:]] if value.startswith(MARK) else value
    if isinstance(value, dict):
        return {key: _unmarked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unmarked(item) for item in value]
    return value


PLAIN = frozenset({str, int, float, bool, type(None)})
"""The kinds of value that thinning leaves as they are (a string: when short and plainly
spaced)."""
SEPARATOR = "\x01"
"""Joins a summary's strings so that all are checked at once."""
_RESPACED = re.compile(rf"[^\S ]|  |^ | $|{SEPARATOR} | {SEPARATOR}")
"""Whitespace that `textwrap.shorten` collapses: any but a single space between words,
at either end of a joined string too. A separator inside a string can only make a plain
string look otherwise: the value-by-value path then gives the same values, slower."""
_MARKED = re.compile(rf"(?:^|{SEPARATOR}){MARK}")


def _thin(metadata: dict[str, Any], marked: bool, large: list[bool]) -> dict[str, Any]:
    """Inspect's `thin_metadata` of the metadata with the numbers `_decoded` marked turned
    back. Most metadata comes through unchanged (numbers, bools, None, strings of at most
    1 KB whose whitespace `textwrap.shorten` would not collapse) and is returned as it is,
    asked of all its values at once; otherwise value by value, other values by Inspect's
    function (`large` is told when one was replaced)."""
    if _unchanged(list(metadata.values()), marked):
        return metadata
    thinned: dict[str, Any] = {}
    for key, value in metadata.items():
        if value is None or isinstance(value, int | float):
            thinned[key] = value
        elif isinstance(value, str):
            if marked and value.startswith(MARK):
                thinned[key] = NON_FINITE[value[1:]]
            elif len(value) <= THIN_TEXT_WIDTH:
                thinned[key] = " ".join(value.split())
            else:
                thinned[key] = thin_text(value)
        else:
            thinned[key] = _thin_structure(value, marked, large)
    return thinned


def _thin_structure(value: Any, marked: bool, large: list[bool]) -> Any:
    """A mapping or list (a monitor's reading, say) as `thin_metadata` thins it: whole when
    Inspect's JSON of it (indented, without None) is at most 1 KB, else a notice (`large`
    is told). Inspect first walks the value in Python for a lower bound of that size, to
    spare serializing a large one; its compact JSON here bounds that walk from above at C
    speed, so a small value goes straight to the exact size, and only others to Inspect's
    function."""
    compact = msgspec.json.encode(value)
    if marked and ESCAPED_MARK in compact:
        value = _unmarked(value)
    if len(compact) <= THIN_TEXT_WIDTH and len(to_json_str_safe(value)) <= THIN_TEXT_WIDTH:
        return value
    thinned = thin_metadata({"value": value})["value"]
    if isinstance(thinned, str) and thinned.startswith(SHORTENED):
        large.append(True)
    return thinned


def _unchanged(values: list[Any], marked: bool) -> bool:
    """Whether thinning leaves every value as it is: plain kinds only, no string over 1 KB
    or marked, none spaced otherwise than by single spaces between words."""
    if not PLAIN.issuperset(map(type, values)):
        return False
    strings = list(filter(str.__instancecheck__, values))
    joined = SEPARATOR.join(strings)
    if len(joined) > THIN_TEXT_WIDTH and max(map(len, strings)) > THIN_TEXT_WIDTH:
        return False
    if _RESPACED.search(joined):
        return False
    return not (marked and _MARKED.search(joined))
