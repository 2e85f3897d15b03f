"""The check of each part a save writes anew: it unpacks, its checksum and size are right, and
its XML is well-formed — before the part goes into the book.

The check runs in the writing process, or, for a large save, in a helper process started from
this file (`python -I -S partcheck.py`): the writer sends each part as soon as it is packed and
renders the next one meanwhile, on the machine's other core. The helper reads parts from its
standard input until it closes, and then answers once, on its standard output: `OK`, or `FEL`
and what is wrong with the first bad part. It imports nothing but the standard library.
"""

from __future__ import annotations

import struct
import sys
import xml.parsers.expat
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import BinaryIO

#: Before each part on the helper's input: name length, compression method, CRC-32, unpacked
#: size and stream length.
FRAME = struct.Struct("<IIIQQ")
OK = b"OK\n"
BAD = b"FEL\t"
_CHUNK = 1 << 18
_DEFLATED = 8


def problem(name: str, stream: Iterable[bytes], method: int, crc: int, size: int) -> str | None:
    """What is wrong with a part as packed for the zip, its stream given in pieces (None:
    nothing)."""
    parser = None
    if name.endswith((".xml", ".rels")):
        parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    unpack = zlib.decompressobj(-15) if method == _DEFLATED else None
    got_crc = got_size = 0
    try:
        for piece in stream:
            data = unpack.decompress(piece) if unpack is not None else piece
            got_crc = zlib.crc32(data, got_crc)
            got_size += len(data)
            if parser is not None:
                parser.Parse(data, False)
        if unpack is not None:
            if not unpack.eof:
                return f"delen {name} blev avkortad när filen sparades"
            if unpack.unused_data:
                return f"delen {name} blev skadad när filen sparades"
        if parser is not None:
            parser.Parse(b"", True)
    except zlib.error:
        return f"delen {name} kan inte packas upp"
    except xml.parsers.expat.ExpatError as exc:
        return f"den sparade filen blev felaktig XML i delen {name} ({exc})"
    if (got_crc, got_size) != (crc, size):
        return f"delen {name} blev skadad när filen sparades"
    return None


def pieces(stream: bytes) -> Iterator[bytes]:
    """A stream in pieces of a size the check handles at a time."""
    view = memoryview(stream)
    for start in range(0, len(stream), _CHUNK):
        yield bytes(view[start : start + _CHUNK])


def frame(name: str, stream: bytes, method: int, crc: int, size: int) -> bytes:
    """The header the helper reads before a part's stream."""
    encoded = name.encode("utf-8")
    return FRAME.pack(len(encoded), method, crc, size, len(stream)) + encoded


def _serve(source: BinaryIO, answer: BinaryIO) -> None:
    """Check every part that arrives on `source`, a piece at a time; answer on `answer`."""
    read = source.read
    found: str | None = None
    while header := read(FRAME.size):
        if len(header) < FRAME.size:
            found = found or "kontrollen fick en ofullständig del"
            break
        name_length, method, crc, size, length = FRAME.unpack(header)
        name = read(name_length).decode("utf-8", errors="replace")
        received = _Received(read, length)
        checked = problem(name, received, method, crc, size)
        received.drain()
        if received.short:
            found = found or f"kontrollen fick bara en del av {name}"
            break
        found = found or checked
    reply = OK if found is None else BAD + found.encode("utf-8") + b"\n"
    answer.write(reply)
    answer.flush()


class _Received:
    """A part's stream as it arrives, in pieces, never more than one piece held."""

    def __init__(self, read: Callable[[int], bytes], length: int) -> None:
        self._read = read
        self._left = length
        self.short = False

    def __iter__(self) -> Iterator[bytes]:
        while self._left and not self.short:
            piece = self._read(min(self._left, _CHUNK))
            self._left -= len(piece)
            self.short = not piece
            if piece:
                yield piece

    def drain(self) -> None:
        """Read past what the check did not need (it stops at the first problem)."""
        for _ in self:
            pass


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
