"""A part's new content packed for the zip as it is written: UTF-8, deflated (or stored, as the
original entry was) and checksummed a chunk at a time, on a thread of its own.

A large sheet's new XML is never whole in memory. Its head (the sheet's dimension, known only
once every row is written) is packed last and put in front: a deflate stream may go on in a
new stream that starts at a byte boundary, and CRC-32s combine (zlib's `crc32_combine`, which
Python's zlib does not offer, done here in `crc32_combine`).
"""

from __future__ import annotations

import zipfile
import zlib
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from functools import cache

from .package import CHUNK


@dataclass(frozen=True)
class Blob:
    """A part's new content as stored in the zip, with its checksum and unpacked size."""

    stream: bytes
    crc: int
    size: int
    method: int


class Packer:
    """A part's new text, encoded and compressed as it is written, so that a large sheet's new
    XML never has to be whole in memory. Its head, known only once the rows are done (the
    sheet's dimension), is packed last and put in front.

    The checksum and compression of each chunk run on `pool`'s one thread, in order, while the
    next rows are rendered (zlib lets go of the interpreter while it works).
    """

    def __init__(self, deflate: bool, pool: Executor) -> None:
        # The fast setting Excel itself saves with: the sheet XML is most of the save time.
        self._compressor = zlib.compressobj(1, zlib.DEFLATED, -15) if deflate else None
        self._pool = pool
        self._streams: list[Future[bytes]] = []
        self._pending: list[str] = []
        self._pending_size = 0
        self._crc = 0
        self._size = 0

    def write(self, text: str) -> None:
        self._pending.append(text)
        self._pending_size += len(text)
        if self._pending_size >= CHUNK:
            self._flush()

    def write_slice(self, text: str, start: int, stop: int) -> None:
        """Write text[start:stop] (in pieces, when it is long)."""
        while start < stop:
            end = min(stop, start + CHUNK)
            self.write(text[start:end])
            start = end

    def blob(self, head: str = "") -> Blob:
        """The packed part: `head`, then everything written."""
        self._flush()
        streams = [future.result() for future in self._streams]
        head_data = head.encode("utf-8")
        crc = crc32_combine(zlib.crc32(head_data), self._crc, self._size)
        size = len(head_data) + self._size
        if self._compressor is None:
            return Blob(b"".join([head_data, *streams]), crc, size, zipfile.ZIP_STORED)
        # A deflate stream may go on in a new stream that starts at a byte boundary: the head
        # is packed on its own and flushed to one, ending in no final block.
        packer = zlib.compressobj(1, zlib.DEFLATED, -15)
        head_stream = packer.compress(head_data) + packer.flush(zlib.Z_SYNC_FLUSH)
        stream = b"".join([head_stream, *streams, self._compressor.flush()])
        return Blob(stream, crc, size, zipfile.ZIP_DEFLATED)

    def _flush(self) -> None:
        if not self._pending:
            return
        data = "".join(self._pending).encode("utf-8")
        self._pending.clear()
        self._pending_size = 0
        self._size += len(data)
        self._streams.append(self._pool.submit(self._pack, data))

    def _pack(self, data: bytes) -> bytes:
        self._crc = zlib.crc32(data, self._crc)
        return data if self._compressor is None else self._compressor.compress(data)


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from the CRC-32s of A and B and the length of B (zlib's
    crc32_combine: appending B's length in zero bytes to A multiplies its CRC by x^(8·length)
    modulo the CRC polynomial)."""
    if not crc1:
        return crc2  # zero times anything is zero (an empty A has CRC zero)
    power = 1 << 31  # x^0, bits reflected as the CRC keeps them
    k = 3  # 8 bits per byte: x^(length · 2^3)
    while length2:
        if length2 & 1:
            power = _multiply_mod_crc(_x_to_2n()[k & 31], power)
        length2 >>= 1
        k += 1
    return _multiply_mod_crc(power, crc1) ^ crc2


def _multiply_mod_crc(a: int, b: int) -> int:
    """a · b modulo the CRC-32 polynomial (bit-reflected polynomials, as zlib's multmodp)."""
    m = 1 << 31
    product = 0
    while True:
        if a & m:
            product ^= b
            if not a & (m - 1):
                return product
        m >>= 1
        b = (b >> 1) ^ 0xEDB88320 if b & 1 else b >> 1


@cache
def _x_to_2n() -> list[int]:
    """x^(2^n) modulo the CRC-32 polynomial, n = 0..31."""
    table = [1 << 30]  # x^1
    for _ in range(31):
        table.append(_multiply_mod_crc(table[-1], table[-1]))
    return table


@dataclass
class SavePlan:
    """What a save writes: new content per part, parts dropped and added, the entry order."""

    parts: dict[str, Blob] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    added: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
