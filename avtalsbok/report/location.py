"""Where a book is, so that someone on another computer can open it: its full path and a link.

A path given as a network path (`\\\\server\\share\\…`, UNC) is kept as it was given: that is
the name everyone on the network knows the book by. Any other path is made absolute and
resolved, which on Windows also turns a mapped drive into its network path. The link is a
`file:` URI (RFC 8089) with every byte outside the unreserved set percent-encoded as UTF-8, so
spaces, `å`, `#` and `%` in a name survive the trip through a mail program or a spreadsheet.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

_UNC = re.compile(r"^\\\\[^\\]+\\[^\\]+")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
#: Longest hyperlink address Excel takes.
MAX_EXCEL_LINK = 2079


def full_path(path: str) -> str:
    """The book's path as a reader elsewhere can use it: a UNC path as given, otherwise the
    resolved absolute path."""
    if _UNC.match(path):
        return path
    return str(Path(path).resolve())


def is_windows_path(full: str) -> bool:
    """Whether a full path is a Windows one: a drive (`C:\\…`) or a network path (UNC)."""
    return bool(_UNC.match(full) or _WINDOWS_DRIVE.match(full))


def file_uri(full: str) -> str:
    """`file://server/share/Avtal%202026.xlsx`, `file:///C:/…`, `file:///home/…` for a full path."""
    if is_windows_path(full):
        return PureWindowsPath(full).as_uri()
    return PurePosixPath(full).as_uri()
