"""The check of a saved file before it replaces the book: a zip with exactly the planned
entries, each holding exactly the stream packed (and checked) for it, or exactly the original
book's stream for it, byte for byte.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from .errors import OoxmlError
from .package import CHUNK
from .packing import SavePlan
from .zipcopy import local_header


def verify_saved(
    tmp: Path, plan: SavePlan, original: Path, infos: Sequence[zipfile.ZipInfo]
) -> None:
    """The saved file must be a zip with the planned entries, each holding exactly the stream
    that was packed and checked for it, or exactly the original book's stream for it."""
    originals = {info.filename: info for info in infos}
    try:
        with (
            zipfile.ZipFile(tmp) as archive,
            open(tmp, "rb") as saved,
            open(original, "rb") as source,
        ):
            if archive.namelist() != plan.names:
                raise OoxmlError("saved-wrong-entries")
            for info in archive.infolist():
                blob = plan.parts.get(info.filename)
                if blob is not None:
                    expected = (blob.crc, blob.size, blob.method)
                    same = _stream_of(saved, info) == blob.stream
                else:
                    old = originals[info.filename]
                    expected = (old.CRC, old.file_size, old.compress_type)
                    same = _same_streams(saved, info, source, old)
                if not same or (info.CRC, info.file_size, info.compress_type) != expected:
                    raise OoxmlError("part-damaged", part=info.filename)
    except zipfile.BadZipFile as exc:
        raise OoxmlError("saved-not-zip", reason=str(exc)) from exc


def _stream_start(file: BinaryIO, info: zipfile.ZipInfo) -> int:
    """Where a saved entry's stream begins, after a local header that names it."""
    found = local_header(file, info)
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if found is None or found[0] != info.orig_filename.encode(encoding):
        raise OoxmlError("part-damaged", part=info.filename)
    return file.tell()


def _stream_of(file: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    file.seek(_stream_start(file, info))
    return file.read(info.compress_size)


def _same_streams(
    saved: BinaryIO, info: zipfile.ZipInfo, source: BinaryIO, old: zipfile.ZipInfo
) -> bool:
    """Whether a copied entry's stream is the original's, byte for byte."""
    if info.compress_size != old.compress_size:
        return False
    at = _stream_start(saved, info)
    if local_header(source, old) is None:
        return False
    old_at = source.tell()
    left = info.compress_size
    while left:
        step = min(left, CHUNK)
        saved.seek(at)
        source.seek(old_at)
        if saved.read(step) != source.read(step):
            return False
        at, old_at, left = at + step, old_at + step, left - step
    return True
