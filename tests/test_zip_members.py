"""The report's zip reader reads named members as `zipfile` does: stored, deflated or zstd
(Inspect's), zip64 or not, the last of a repeated name; and refuses what it can't read."""

from __future__ import annotations

import io
import warnings
import zipfile

import inspect_ai._util.zipfile  # noqa: F401  (zstd for zipfile, as Inspect writes logs)
import pytest

from cot_faithfulness.report.zip_members import UnknownZip, ZipMembers

ZSTD = 93
CONTENT = {"header.json": b'{"version": 2}', "summaries.json": b"[" + b'{"id": 1},' * 5000 + b"{}]"}


def written(compression: int, zip64: bool = False, comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.comment = comment
        for index in range(50):
            archive.writestr(f"samples/{index}_epoch_1.json", b"{}")
        for name, data in CONTENT.items():
            with archive.open(name, "w", force_zip64=zip64) as member:
                member.write(data)
    return buffer.getvalue()


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, ZSTD])
@pytest.mark.parametrize("zip64", [False, True])
def test_members_read_as_zipfile_reads_them(compression: int, zip64: bool) -> None:
    data = written(compression, zip64, comment=b"a comment")
    members = ZipMembers(io.BytesIO(data))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in CONTENT:
            assert members.has(name)
            assert members.read(name) == archive.read(name) == CONTENT[name]
    assert not members.has("eader.json") and not members.has("summaries")


def test_a_repeated_name_reads_its_last_member() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", b"first")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
            archive.writestr("header.json", b"second")
    assert ZipMembers(io.BytesIO(buffer.getvalue())).read("header.json") == b"second"


def test_damage_and_what_it_does_not_read_are_refused() -> None:
    data = bytearray(written(zipfile.ZIP_STORED))
    at = bytes(data).index(b'{"version": 2}')
    data[at + 2] ^= 0x01
    with pytest.raises(UnknownZip, match="CRC-32"):
        ZipMembers(io.BytesIO(bytes(data))).read("header.json")
    with pytest.raises(UnknownZip, match="no end of central directory"):
        ZipMembers(io.BytesIO(b"not a zip file"))
    bzip = written(zipfile.ZIP_BZIP2)
    with pytest.raises(UnknownZip, match="compression method 12"):
        ZipMembers(io.BytesIO(bzip)).read("header.json")
    with pytest.raises(UnknownZip, match="no member"):
        ZipMembers(io.BytesIO(bzip)).read("reductions.json")
