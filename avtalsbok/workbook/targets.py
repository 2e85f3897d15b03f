"""Whether a file the engine writes whole (an export, the batch report) may replace what is at
its path: never a folder, a device or a pipe, and never a workbook it did not make itself — an
output's name can be mistyped as, or link to, an officer's register, the only copy they have."""

from __future__ import annotations

import os
import re
import stat
import zipfile
from html import unescape
from pathlib import Path

#: The first bytes of an Excel 97-2003 (.xls) or encrypted book: an OLE2 compound file.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TITLE = re.compile(rb"<dc:title>([^<]*)</dc:title>")


def refusal(path: Path, own_title: str | None = None) -> str | None:
    """Why `path` may not be replaced (a Swedish sentence), or None. A workbook (zip or OLE2
    package, followed through links) may be replaced only when its document title is
    `own_title`: an earlier file of the same kind."""
    if path.is_dir():
        return f"{path} är en mapp, inte en fil"
    target = Path(os.path.realpath(path))
    try:
        regular = stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        return None  # nothing there yet (or the write itself will say why)
    if not regular:
        return f"{path} är ingen vanlig fil (en enhet eller en namngiven pipe)"
    if _is_package(target) and (own_title is None or _title(target) != own_title):
        return f"{path} är en arbetsbok som inte skrivs över"
    return None


def _is_package(target: Path) -> bool:
    try:
        with target.open("rb") as file:
            head = file.read(len(_OLE2_MAGIC))
    except OSError:
        return False
    return head == _OLE2_MAGIC or zipfile.is_zipfile(target)


def _title(target: Path) -> str | None:
    """The title in the package's document properties (docProps/core.xml), None if none."""
    try:
        with zipfile.ZipFile(target) as archive:
            core = archive.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError):
        return None
    match = _TITLE.search(core)
    return unescape(match[1].decode("utf-8", "replace")) if match else None
