"""Writing an export file: atomically, never over a file someone has open, and never over a
workbook (an export's name can be mistyped as, or link to, the officer's only register)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..workbook.atomic import WriteError, atomic_replace, owner_of

#: The first bytes of an Excel 97-2003 (.xls) or encrypted book: an OLE2 compound file.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def save(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all or nothing (the report's atomic save); raises
    WriteError when `path` is a folder or a workbook (also through a link), is open in a
    program that keeps an owner file, or cannot be written."""
    if (why := refusal(path)) is not None:
        raise WriteError(why)
    owner = owner_of(path)
    if owner is not None:
        raise WriteError("filen är öppen", code="file-locked", owner=owner)
    atomic_replace(path, lambda out: out.write(data))


def refusal(path: Path) -> str | None:
    """Why an export may not be written to `path` whatever its content (a Swedish sentence),
    or None."""
    if path.is_dir():
        return f"{path} är en mapp, inte en fil"
    if is_workbook(path):
        return f"{path} är en arbetsbok; en export skriver aldrig över en arbetsbok"
    return None


def is_workbook(path: Path) -> bool:
    """Whether `path` (followed through links) is an existing file that holds a workbook or any
    other zip or OLE2 package — never something an export wrote."""
    target = Path(os.path.realpath(path))
    try:
        with target.open("rb") as file:
            head = file.read(len(_OLE2_MAGIC))
    except OSError:
        return False
    return head == _OLE2_MAGIC or zipfile.is_zipfile(target)
