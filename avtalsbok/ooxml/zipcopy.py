"""Writing a book's zip: every entry a save does not change is copied as its compressed bytes.

Python's zipfile can only write an entry by compressing it again, which changes the bytes of
every part of the officer's book (pictures, VBA, embedded files) and takes time for nothing.
This writer copies an unchanged entry's local header fields and compressed stream untouched,
writes the new parts' packed streams (`packing`) under their entries' names and metadata, and
ends with a central directory of its own. It never writes ZIP64: a book over 4 GB is refused.
"""

from __future__ import annotations

import struct
import zipfile
from typing import BinaryIO

from .errors import OoxmlError
from .package import CHUNK
from .packing import Blob

_ZIP_LIMIT = 0xFFFF_FFFF


class ZipWriter:
    """A plain zip writer that can copy an entry's compressed stream untouched."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._offset = 0
        self._central: list[bytes] = []

    def copy(self, source: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy one entry of the original exactly: same name, method, stream, dates."""
        if info.flag_bits & 0x1:
            raise OoxmlError("part-encrypted", part=info.filename)
        found = local_header(source, info)
        if found is None:
            raise OoxmlError("local-header-missing", part=info.filename)
        local_extra = found[1]
        self._header(
            info, info.CRC, info.compress_size, info.file_size, info.compress_type, local_extra
        )
        left = info.compress_size
        while left:
            chunk = source.read(min(left, CHUNK))
            if not chunk:
                raise OoxmlError("book-truncated", part=info.filename)
            self._out.write(chunk)
            left -= len(chunk)
        self._offset += info.compress_size

    def add(self, info: zipfile.ZipInfo, blob: Blob) -> None:
        """Write new content under an entry's name and metadata."""
        extra = _strip_zip64(info.extra)
        self._header(info, blob.crc, len(blob.stream), blob.size, blob.method, extra)
        self._out.write(blob.stream)
        self._offset += len(blob.stream)

    def finish(self, comment: bytes) -> None:
        directory = b"".join(self._central)
        if self._offset > _ZIP_LIMIT or len(self._central) > 0xFFFF:
            raise OoxmlError("too-large")
        self._out.write(directory)
        self._out.write(
            struct.pack(
                "<4s4H2LH",
                b"PK\x05\x06",
                0,
                0,
                len(self._central),
                len(self._central),
                len(directory),
                self._offset,
                len(comment),
            )
            + comment
        )

    def _header(
        self,
        info: zipfile.ZipInfo,
        crc: int,
        compressed: int,
        size: int,
        method: int,
        local_extra: bytes,
    ) -> None:
        if max(compressed, size, self._offset) >= _ZIP_LIMIT:
            raise OoxmlError("too-large")
        flags = info.flag_bits & ~0x8
        name = info.orig_filename.encode("utf-8" if flags & 0x800 else "cp437")
        year, month, day, hour, minute, second = info.date_time
        dos_time = hour << 11 | minute << 5 | second // 2
        dos_date = max(year - 1980, 0) << 9 | month << 5 | day
        version = 20 if info.extract_version in (45, 0) else info.extract_version
        local_extra = _strip_zip64(local_extra)
        self._out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                version,
                flags,
                method,
                dos_time,
                dos_date,
                crc,
                compressed,
                size,
                len(name),
                len(local_extra),
            )
            + name
            + local_extra
        )
        central_extra = _strip_zip64(info.extra)
        self._central.append(
            struct.pack(
                "<4s2B5H3L5H2L",
                b"PK\x01\x02",
                info.create_version,
                info.create_system,
                version,
                flags,
                method,
                dos_time,
                dos_date,
                crc,
                compressed,
                size,
                len(name),
                len(central_extra),
                len(info.comment),
                0,
                info.internal_attr,
                info.external_attr,
                self._offset,
            )
            + name
            + central_extra
            + info.comment
        )
        self._offset += 30 + len(name) + len(local_extra)


def _strip_zip64(extra: bytes) -> bytes:
    """Extra fields without the ZIP64 one (this writer never needs it)."""
    kept = bytearray()
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind != 0x0001:
            kept += extra[at : at + 4 + length]
        at += 4 + length
    return bytes(kept)


def local_header(file: BinaryIO, info: zipfile.ZipInfo) -> tuple[bytes, bytes] | None:
    """The name and extra field in an entry's local header, the file left where its stream
    begins (None: no local header where the directory says)."""
    file.seek(info.header_offset)
    header = file.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    rest = file.read(name_length + extra_length)
    return rest[:name_length], rest[name_length:]
