"""The report's own .eval reader gives what Inspect's reader gives, field by field, on every
kind of log the suite writes (hint tasks, sandbagging, scheming, reward hacking), and hands
the logs it does not know to Inspect's reader."""

from __future__ import annotations

import gc
import json
import math
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inspect_ai import eval
from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries
from inspect_ai.log._util import thin_metadata

from cot_faithfulness.report import eval_zip, logs
from cot_faithfulness.report.report import READERS
from cot_faithfulness.tasks import SCHEMING_TASKS
from cot_faithfulness.tasks.metadata_hint import metadata_hint
from cot_faithfulness.tasks.reward_hacking import reward_hacking
from cot_faithfulness.tasks.sandbagging import sandbagging
from log_factory import Pair, write_foreign_log, write_log, write_zip_log

EVERY_COLUMN = re.compile(".")
MODEL = "openai/model-a"


def hint_pairs() -> list[Pair]:
    return [
        Pair("q0", "A", "C", "C", verbalized=True, quote_found=True),
        Pair("q1", "A", "C", "C", verbalized=False, tokens=None, cot_kind="summary"),
        Pair("q2", "A", None, "C", unscorable="no_hinted_answer"),
        Pair("q3", "B", "B", "C", arm="correct", epoch=2),
        Pair("q4", "A", None, "C", error="RateLimitError"),
        Pair("q5", "A", "C", "C", verbalized=True, monitors=(("informed", True, None),)),
    ]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Logs of every family as the tasks write them (hint tasks, sandbagging, scheming,
    reward hacking), and the hint logs the report's tests
    build: errored samples, re-graded columns, monitors, readings too long for a summary,
    whitespace that Inspect collapses, a foreign log."""
    folder = tmp_path_factory.mktemp("logs")
    eval(
        [
            sandbagging(runs=2, cache=False),
            SCHEMING_TASKS["oversight_subversion"](runs=2, follow_up=1, cache=False),
            metadata_hint(dataset="demo", questions=2, cache=False),
        ],
        model="standin/default",
        model_roles={"grader": "offline_grader/rules"},
        log_dir=str(folder / "tasks"),
        display="none",
    )
    eval(
        reward_hacking(dataset="demo", questions=3, cache=False),
        model="standin/rl-step-15",
        model_roles={"grader": "offline_grader/rules"},
        log_dir=str(folder / "tasks"),
        display="none",
    )
    pairs = hint_pairs()
    regraded = [Pair(p.question, p.unhinted, p.hinted, p.hint, verbalized=True) for p in pairs]
    write_log(folder, MODEL, "sycophancy", pairs, extra_scores={"hint_faithfulness1": regraded})
    three = (("blind", True, False), ("informed", True, None), ("answer_only", False, True))
    nested = [replace(pair, monitors=three) for pair in pairs]  # over 1 KB in one key
    write_log(folder, MODEL, "consistency", nested, nested_monitors=True, name="nested")
    spaced = [Pair("q0", "A", "C", "C", verbalized=True, grader="  offline\n\tgrader  x" * 60)]
    write_log(folder, MODEL, "metadata", spaced, name="spaced", status="cancelled")
    write_zip_log(folder, MODEL, "grader_hacking", pairs, name="members")
    write_foreign_log(folder)
    return folder


def every_log(folder: Path) -> list[str]:
    return sorted(str(path) for path in folder.rglob("*.eval"))


def test_the_folder_holds_both_families_and_every_kind_of_log(folder: Path) -> None:
    families = {logs.family(read_eval_log(path, header_only=True)) for path in every_log(folder)}
    assert {"hint_faithfulness", "sandbagging", "scheming", "reward_hacking"} <= families
    assert len(every_log(folder)) == 9


def test_headers_equal_inspects_field_by_field(folder: Path) -> None:
    for path in every_log(folder):
        with eval_zip.open_zip(path) as archive:
            fast = eval_zip.read_header(archive).model_dump(exclude={"location"})
        expected = read_eval_log(path, header_only=True).model_dump(exclude={"location"})
        expected.pop("reductions", None)
        fast.pop("reductions", None)
        assert fast == expected, path


def test_summaries_equal_inspects_field_by_field(folder: Path) -> None:
    compared = 0
    for path in every_log(folder):
        with eval_zip.open_zip(path) as archive:
            fast, shortened = eval_zip.read_summaries(archive, EVERY_COLUMN)
        lost = any(
            isinstance(value, str) and value.startswith(eval_zip.SHORTENED)
            for summary in fast
            for metadata in summary.scores.values()
            for value in metadata.values()
        )
        assert shortened >= lost and lost == path.endswith("nested.eval")
        inspect = read_eval_log_sample_summaries(path)
        assert [(s.id, s.epoch, s.failed) for s in fast] == [
            (str(s.id), s.epoch, s.error is not None) for s in inspect
        ], path
        for mine, theirs in zip(fast, inspect, strict=True):
            assert mine.scores == {
                name: score.metadata or {} for name, score in (theirs.scores or {}).items()
            }, (path, mine.id)
            compared += len(mine.scores)
    assert compared > 20


def test_rows_equal_those_read_with_inspects_reader(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole per-log result (rows, note, warnings) through the fast reader and through
    Inspect's, for every log."""
    fast = [logs.read_log(path, READERS) for path in every_log(folder)]

    def unknown(*args: object) -> None:
        raise eval_zip.NotKnown("for this test")

    monkeypatch.setattr(logs, "_read_fast", unknown)
    slow = [logs.read_log(path, READERS) for path in every_log(folder)]
    assert sum(result.frame is not None for result in fast) == 8
    for mine, theirs in zip(fast, slow, strict=True):
        assert (mine.note, mine.family, mine.warnings) == (
            theirs.note,
            theirs.family,
            theirs.warnings,
        )
        if theirs.frame is None:
            assert mine.frame is None
        else:
            pd.testing.assert_frame_equal(mine.frame, theirs.frame)


def test_an_inspect_without_the_private_helpers_reads_every_log_its_own_way(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where an Inspect upgrade has moved the helpers the fast reader thins values with, no
    log is read fast, and every log is still read: the same rows as before."""
    fast = [logs.read_log(path, READERS) for path in every_log(folder)]
    monkeypatch.setattr(eval_zip, "INSPECT_HELPERS", False)
    with eval_zip.open_zip(every_log(folder)[0]) as archive, pytest.raises(eval_zip.NotKnown):
        eval_zip.read_header(archive)
    slow = [logs.read_log(path, READERS) for path in every_log(folder)]
    for mine, theirs in zip(fast, slow, strict=True):
        assert mine.note == theirs.note
        if theirs.frame is not None:
            pd.testing.assert_frame_equal(mine.frame, theirs.frame)


def test_the_benchmarks_writer_writes_the_log_inspect_writes(tmp_path: Path) -> None:
    """`write_zip_log` (members written directly) and `write_log` (Inspect's writer): the
    same log to Inspect's reader, but for the run's random id."""
    pairs = hint_pairs()
    logs_read = [
        read_eval_log(str(write(tmp_path, MODEL, "sycophancy", pairs, name=write.__name__)))
        for write in (write_log, write_zip_log)
    ]
    dumps = [log.model_dump(exclude={"location"}) for log in logs_read]
    for dump in dumps:
        dump["eval"].pop("eval_id")
    assert dumps[0] == dumps[1] and len(dumps[0]["samples"]) == len(pairs)


def rewrite(path: Path, member: str, change) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == member:
                data = change(data)
            if data is not None:
                target.writestr(info, data)


def another_version(data: bytes) -> bytes:
    return json.dumps({**json.loads(data), "version": 3}).encode()


def summaries_of_another_shape(data: bytes) -> bytes:
    return json.dumps({"samples": json.loads(data)}).encode()


def summaries_with_text_for_an_epoch(data: bytes) -> bytes:
    return json.dumps([{**item, "epoch": str(item["epoch"])} for item in json.loads(data)]).encode()


def summaries_with_a_boolean_id(data: bytes) -> bytes:
    return json.dumps([{**item, "id": True} for item in json.loads(data)]).encode()


@pytest.mark.parametrize(
    ("member", "change", "why"),
    [
        ("header.json", another_version, "log format version 3"),
        ("header.json", lambda data: None, "a log still being written"),
        ("summaries.json", summaries_of_another_shape, "not a list"),
        ("summaries.json", summaries_with_text_for_an_epoch, r"Expected `int`.*\$\[0\]\.epoch"),
        ("summaries.json", summaries_with_a_boolean_id, r"\$\[0\]\.id"),
    ],
)
def test_a_log_it_does_not_know_goes_to_inspects_reader(tmp_path: Path, member, change, why):
    path = write_log(tmp_path, MODEL, "metadata", hint_pairs(), name="log")
    before = logs.read_log(str(path), READERS)
    rewrite(path, member, change)
    with pytest.raises(eval_zip.NotKnown, match=why), eval_zip.open_zip(str(path)) as archive:
        eval_zip.read_header(archive)
        eval_zip.read_summaries(archive, EVERY_COLUMN)
    if member == "summaries.json":
        return  # Inspect finds it damaged too and reads the samples: test_report_robustness
    after = logs.read_log(str(path), READERS)
    assert after.frame is not None and before.frame is not None
    pd.testing.assert_frame_equal(after.frame, before.frame)


def test_known_versions_are_the_one_inspect_writes(folder: Path) -> None:
    versions = {read_eval_log(path, header_only=True).version for path in every_log(folder)}
    assert versions == set(eval_zip.KNOWN_VERSIONS)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("ab -\n\t\r\x0b\x0c\x1c\x85\u00a0\u2003\u3000é."), max_size=1100
    )
    | st.integers()
    | st.floats(allow_nan=False)
    | st.none()
    | st.booleans()
    | st.lists(st.text(max_size=300), max_size=6)
    | st.dictionaries(
        st.text(alphabet="abc", max_size=60),
        st.none() | st.text(max_size=120) | st.integers() | st.lists(st.none(), max_size=3),
        max_size=30,
    )
)
def test_metadata_is_thinned_as_inspect_thins_it(value: object) -> None:
    metadata = {"key": value, "plain": "a b", "number": 1.5}
    assert eval_zip._thin(metadata, False, []) == thin_metadata(metadata)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("ab \n\x01\u00a0"), max_size=6)
        | st.text(alphabet="ab", min_size=300, max_size=1100)
        | st.none()
        | st.integers(),
        max_size=6,
    )
)
def test_strings_checked_all_at_once_are_thinned_as_inspect_thins_them(values: list) -> None:
    """Several strings joined for one check: a space at the end of one and the start of the
    next, the separator inside a string, short strings over 1 KB together."""
    metadata = {f"k{i}": value for i, value in enumerate(values)}
    assert eval_zip._thin(metadata, False, []) == thin_metadata(metadata)


NON_FINITE_SUMMARIES = (
    b'[{"id":1,"epoch":1,"scores":{"s":{"value":NaN,"metadata":{"a":NaN,"b":[Infinity,'
    b'-Infinity],"c":"x","d":TEXT}}}}]'
)


@pytest.mark.parametrize(
    ("text", "marked"), [(b'"NaN"', True), (b'"y:NaN"', False), (b'"\\u0000NaN"', False)]
)
def test_non_finite_numbers_are_read_as_inspect_reads_them(text: bytes, marked: bool) -> None:
    """NaN and the infinities come back as floats wherever they stand, and a string that
    holds the words stays a string: marked for the fast decoder, or, where marking would
    break a string (or meet a string that looks marked), read by the standard library."""
    member = NON_FINITE_SUMMARIES.replace(b"TEXT", text)
    [item], was_marked = eval_zip._decoded(member)
    assert was_marked == marked
    metadata = eval_zip._thin(item.scores["s"].metadata, was_marked, [])
    expected = json.loads(member)[0]["scores"]["s"]["metadata"]
    assert metadata["c"] == "x" and metadata["d"] == expected["d"]
    assert math.isnan(metadata["a"]) and metadata["b"] == [math.inf, -math.inf]


def test_reading_a_log_leaves_the_cycle_collector_as_it_was(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paused while a log is read, running again after it, also when the read fails."""
    seen = []
    read = logs._read_log

    def spy(location: str, readers: object) -> object:
        seen.append(gc.isenabled())
        if location.endswith("members.eval"):
            raise RuntimeError("a failing read")
        return read(location, readers)

    monkeypatch.setattr(logs, "_read_log", spy)
    for path in every_log(folder):
        if path.endswith("members.eval"):
            with pytest.raises(RuntimeError):
                logs.read_log(path, READERS)
        else:
            logs.read_log(path, READERS)
        assert gc.isenabled()
    gc.disable()
    try:
        logs.read_log(every_log(folder)[0], READERS)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False] * (len(every_log(folder)) + 1)
