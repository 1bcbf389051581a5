"""Named members of a zip file, read without listing the rest.

An Inspect log holds one member per sample; `zipfile` reads an entry object for each before
it can read any, a third of a second for a log of 27,000 samples. This reader finds the
central directory from the end of the file, finds the records of the members asked for in
it (the last of a name, as `zipfile` does), and reads and checks only those: stored,
deflated or zstd-compressed (what Inspect writes), zip64 or not. Anything else (another
compression, encryption, a bad checksum) raises `UnknownZip`.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import IO

import zstandard

END = b"PK\x05\x06"
END64 = b"PK\x06\x06"
END64_LOCATOR = b"PK\x06\x07"
CENTRAL = b"PK\x01\x02"
LOCAL = b"PK\x03\x04"
CENTRAL_SIZE = 46
LOCAL_SIZE = 30
LONGEST_COMMENT = 0xFFFF
STORED, DEFLATED, ZSTD = 0, 8, 93
ZIP64_EXTRA = 0x0001
FULL = 0xFFFFFFFF


class UnknownZip(Exception):
    """A zip this reader does not read, or a damaged one."""


class ZipMembers:
    """The central directory of a zip file open for reading (binary, seekable)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.directory = self._directory()

    def has(self, name: str) -> bool:
        return self._record(name.encode()) is not None

    def read(self, name: str) -> bytes:
        """The member's bytes, decompressed and checked against its CRC-32."""
        record = self._record(name.encode())
        if record is None:
            raise UnknownZip(f"no member {name}")
        flags, method = struct.unpack_from("<HH", self.directory, record + 8)
        crc, packed, size = struct.unpack_from("<III", self.directory, record + 16)
        name_length, extra_length = struct.unpack_from("<HH", self.directory, record + 28)
        (offset,) = struct.unpack_from("<I", self.directory, record + 42)
        extra_at = record + CENTRAL_SIZE + name_length
        size, packed, offset = _zip64(
            self.directory[extra_at : extra_at + extra_length], size, packed, offset
        )
        if flags & 1:
            raise UnknownZip(f"{name} is encrypted")
        self.handle.seek(offset)
        local = self.handle.read(LOCAL_SIZE)
        if local[:4] != LOCAL:
            raise UnknownZip(f"{name}: no local header where the directory says")
        skip = sum(struct.unpack_from("<HH", local, 26))
        self.handle.seek(offset + LOCAL_SIZE + skip)
        data = _decompressed(self.handle.read(packed), method, size)
        if len(data) != size or zlib.crc32(data) != crc:
            raise UnknownZip(f"{name}: damaged (size or CRC-32 differs)")
        return data

    def _record(self, name: bytes) -> int | None:
        """Where the last central record of `name` starts, or None."""
        found = None
        at = self.directory.find(name)
        while at >= 0:
            start = at - CENTRAL_SIZE
            if (
                start >= 0
                and self.directory[start : start + 4] == CENTRAL
                and struct.unpack_from("<H", self.directory, start + 28)[0] == len(name)
            ):
                found = start
            at = self.directory.find(name, at + 1)
        return found

    def _directory(self) -> bytes:
        handle = self.handle
        size = handle.seek(0, io.SEEK_END)
        tail_size = min(size, 22 + LONGEST_COMMENT + 20)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
        end = tail.rfind(END)
        if end < 0:
            raise UnknownZip("no end of central directory")
        entries, length, offset = struct.unpack_from("<HII", tail, end + 10)
        if FULL in (length, offset) or entries == 0xFFFF:
            locator = tail[end - 20 : end]
            if end < 20 or locator[:4] != END64_LOCATOR:
                raise UnknownZip("zip64 without its locator")
            (end64,) = struct.unpack_from("<Q", locator, 8)
            handle.seek(end64)
            record = handle.read(56)
            if record[:4] != END64:
                raise UnknownZip("no zip64 end of central directory")
            length, offset = struct.unpack_from("<QQ", record, 40)
        handle.seek(offset)
        directory = handle.read(length)
        if len(directory) != length:
            raise UnknownZip("central directory cut short")
        return directory


def _zip64(extra: bytes, size: int, packed: int, offset: int) -> tuple[int, int, int]:
    """Sizes and offset from the zip64 extra field, for those the record marks as full."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == ZIP64_EXTRA:
            values = iter(struct.unpack_from(f"<{length // 8}Q", extra, at + 4))
            size = next(values) if size == FULL else size
            packed = next(values) if packed == FULL else packed
            offset = next(values) if offset == FULL else offset
            break
        at += 4 + length
    return size, packed, offset


def _decompressed(data: bytes, method: int, size: int) -> bytes:
    if method == STORED:
        return data
    if method == DEFLATED:
        return zlib.decompress(data, -15)
    if method == ZSTD:
        stream = zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True)
        return b"".join(iter(lambda: stream.read(1 << 24), b""))
    raise UnknownZip(f"compression method {method}")
