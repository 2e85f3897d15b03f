"""Whether a file the engine writes whole (an export, the batch report) may replace what is at
its path: never a folder, a device or a pipe, and never a workbook it did not make itself — an
output's name can be mistyped as, or link to, an officer's register, the only copy they have."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

#: The first bytes of an Excel 97-2003 (.xls) or encrypted book: an OLE2 compound file.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refusal(path: Path, own_category: str | None = None) -> str | None:
    """Why `path` may not be replaced (a Swedish sentence), or None. A workbook (zip or OLE2
    package, followed through links) may be replaced only when its document category is
    `own_category`: an earlier file of the same kind."""
    if path.is_dir():
        return f"{path} är en mapp, inte en fil"
    target = Path(os.path.realpath(path))
    try:
        regular = stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        return None  # nothing there yet (or the write itself will say why)
    if not regular:
        return f"{path} är ingen vanlig fil (en enhet eller en namngiven pipe)"
    if _is_package(target) and not (own_category and has_category(target, own_category)):
        return f"{path} är en arbetsbok som inte skrivs över"
    return None


def has_category(path: Path, category: str) -> bool:
    """Whether the package at `path` has `category` in its document properties (how the
    engine marks a workbook it made, such as the report)."""
    marker = f"<cp:category>{category}</cp:category>".encode()
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("docProps/core.xml")
            return info.file_size < 65_536 and marker in z.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError):
        return False  # not ours to judge: the reader reports what is wrong with it


def _is_package(target: Path) -> bool:
    try:
        with target.open("rb") as file:
            head = file.read(len(_OLE2_MAGIC))
    except OSError:
        return False
    return head == _OLE2_MAGIC or zipfile.is_zipfile(target)
