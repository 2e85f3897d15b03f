"""The check of each part a save writes anew: it unpacks, its checksum and size are right, and
its XML is well-formed — before the part goes into the book.

`problem` checks one part wherever it is called. This file is also a helper program (`python -I
-S partcheck.py`) that a caller may run beside the writer, so that parts are checked on another
core while the next one is rendered: it reads framed parts (`frame`) from its standard input
until it closes, and then answers once, on its standard output: `OK`, or `BAD` and what is
wrong with the first bad part (`answer_problem` reads it back). It imports nothing but the
standard library, so that it can run isolated from the package.

A problem is (code, part, detail): a code of `errors.MESSAGES`, the part it is about and, for a
malformed part, what the XML parser said.
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
BAD = b"BAD\t"
#: What is wrong with a part: (code, part, detail).
Problem = tuple[str, str, str]
_CHUNK = 1 << 18
_DEFLATED = 8


def problem(name: str, stream: Iterable[bytes], method: int, crc: int, size: int) -> Problem | None:
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
                return ("part-truncated", name, "")
            if unpack.unused_data:
                return ("part-damaged", name, "")
        if parser is not None:
            parser.Parse(b"", True)
    except zlib.error:
        return ("part-unpackable", name, "")
    except xml.parsers.expat.ExpatError as exc:
        return ("part-bad-xml", name, str(exc))
    if (got_crc, got_size) != (crc, size):
        return ("part-damaged", name, "")
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


def read_answer(answer: bytes) -> Problem | None:
    """The problem a helper's answer names (None: `OK`); ValueError for anything else."""
    if answer == OK:
        return None
    if answer.startswith(BAD):
        code, part, detail = answer[len(BAD) :].decode("utf-8").rstrip("\n").split("\t", 2)
        return code, part, detail
    raise ValueError("the check gave no answer")


def serve(source: BinaryIO, answer: BinaryIO) -> None:
    """Check every part that arrives on `source`, a piece at a time; answer on `answer`."""
    read = source.read
    found: Problem | None = None
    while header := read(FRAME.size):
        if len(header) < FRAME.size:
            found = found or ("check-incomplete", "", "")
            break
        name_length, method, crc, size, length = FRAME.unpack(header)
        name = read(name_length).decode("utf-8", errors="replace")
        received = _Received(read, length)
        checked = problem(name, received, method, crc, size)
        received.drain()
        if received.short:
            found = found or ("check-cut-off", name, "")
            break
        found = found or checked
    reply = (
        OK if found is None else BAD + "\t".join(found).replace("\n", " ").encode("utf-8") + b"\n"
    )
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
    serve(sys.stdin.buffer, sys.stdout.buffer)
