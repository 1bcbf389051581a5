"""Write a ZipCrypto-encrypted zip, like the official GPQA archive, for synthetic fixtures.

Python's zipfile reads ZipCrypto but cannot write it, and the suite must be tested on a
password zip without shipping GPQA itself. This is the traditional PKWARE scheme (APPNOTE
6.1), with entries stored or, like the official archive's, deflated.
"""

from __future__ import annotations

import struct
import zlib

_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0xEDB88320 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


class _Keys:
    def __init__(self, password: bytes) -> None:
        self.k0, self.k1, self.k2 = 0x12345678, 0x23456789, 0x34567890
        for byte in password:
            self.update(byte)

    @staticmethod
    def _crc(crc: int, byte: int) -> int:
        return (crc >> 8) ^ _CRC_TABLE[(crc ^ byte) & 0xFF]

    def update(self, byte: int) -> None:
        self.k0 = self._crc(self.k0, byte)
        self.k1 = ((self.k1 + (self.k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        self.k2 = self._crc(self.k2, self.k1 >> 24)

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for byte in data:
            temp = (self.k2 | 2) & 0xFFFF
            out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
            self.update(byte)
        return bytes(out)


def write_encrypted_zip(members: dict[str, bytes], password: bytes, deflate: bool = False) -> bytes:
    local, central = bytearray(), bytearray()
    for name, data in members.items():
        crc = zlib.crc32(data) & 0xFFFFFFFF
        header = bytes(11) + bytes([crc >> 24])  # fixed, so tests are deterministic
        if deflate:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as zip stores it
            payload, method = packer.compress(data) + packer.flush(), 8
        else:
            payload, method = data, 0
        body = _Keys(password).encrypt(header + payload)
        encoded = name.encode()
        fields = (20, 1, method, 0, 0x21, crc, len(body), len(data), len(encoded), 0)
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + body
        central += (
            struct.pack("<IH", 0x02014B50, 20)
            + struct.pack("<HHHHHIIIHH", *fields)
            + struct.pack("<HHHII", 0, 0, 0, 0, offset)
            + encoded
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0
    )
    return bytes(local + central + end)
