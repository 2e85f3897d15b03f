"""Saving a workbook so that the officer's original survives any failure, and lock detection.

A save writes a hidden temp file beside the book, makes it durable, checks it, and only then
puts it in the book's place with one `os.replace`. A crash, a full disk or a killed process at
any point leaves the original as it was; at worst a recognisable temp file
(`.~avtalsbok-*.tmp`) is left behind, which a batch run skips.

A book that someone has open in Excel or LibreOffice is not written at all: `owner_of` reads the
owner file the program keeps beside the book and names the person, so the message can say who
to ask to close it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from avtalsbok.core import findings
from avtalsbok.core.findings import Finding

#: Name prefix and suffix of the temp files a save writes beside the book.
TEMP_PREFIX = ".~avtalsbok-"
TEMP_SUFFIX = ".tmp"

#: Shown when an owner file exists but names nobody.
UNKNOWN_OWNER = "en annan användare"
#: Shown when Windows refuses to replace a book that a program holds open.
OPEN_IN_PROGRAM = "ett annat program (troligen Excel)"

_WINDOWS = os.name == "nt"

# Excel's owner file `~$<book>`: one length byte, the name in the Windows 8-bit code page padded
# with spaces up to offset 55, then a 2-byte length and the name again in UTF-16-LE
# (reverse-engineered by LibreOffice, svl/source/misc/msodocumentlockfile.cxx).
_MSO_NAME_MAX = 52
_MSO_UTF16_AT = 55


class WriteError(Exception):
    """A workbook could not be written; the original is untouched.

    `code` is the finding code callers report (`file-locked` when someone has the book open,
    `write-failed` otherwise); `str(error)` is the Swedish message an officer reads.
    """

    def __init__(self, reason: str, *, code: str = "write-failed", owner: str | None = None):
        self.reason = reason
        self.code = code
        self.owner = owner
        super().__init__(self.finding().message)

    def finding(self) -> Finding:
        """The book-level finding a run reports for this failure."""
        if self.code == "file-locked":
            return findings.make("file-locked", owner=self.owner or UNKNOWN_OWNER)
        return findings.make(self.code, reason=self.reason)


def file_stamp(path: str | os.PathLike[str]) -> tuple[int, int]:
    """Size and modification time of a book: what tells that someone saved it since."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def is_temp_file(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a temp file left by an interrupted save (a batch run skips these)."""
    name = Path(path).name
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def atomic_replace(
    path: str | os.PathLike[str],
    write: Callable[[BinaryIO], object],
    verify: Callable[[Path], object] | None = None,
) -> None:
    """Replace `path` with what `write` produces, all or nothing.

    `write` gets a binary file opened in the book's folder; `verify` gets the finished temp
    file and raises (preferably `WriteError`) if it is not good enough to replace the book.
    The book's permission bits (and on POSIX its group) carry over to the new file. Any
    failure removes the temp file and raises `WriteError`; the original stays byte for byte.
    """
    target = Path(os.path.realpath(path))
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise WriteError(_os_reason(exc)) from exc
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise WriteError(_os_reason(exc)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if verify is not None:
            verify(tmp)
        if old is not None:
            _copy_permissions(old, tmp)
        else:
            os.chmod(tmp, _new_file_mode())
        _replace(tmp, target)
    except BaseException as exc:
        with suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise WriteError(_os_reason(exc)) from exc
        raise
    _fsync_directory(target.parent)


def owner_of(path: str | os.PathLike[str]) -> str | None:
    """Who has the book open, from Excel's or LibreOffice's owner file beside it; else None."""
    book = Path(path)
    excel = book.with_name("~$" + book.name)
    libre = book.with_name(".~lock." + book.name + "#")
    if excel.exists():
        return _excel_owner(excel) or UNKNOWN_OWNER
    if libre.exists():
        return _libreoffice_owner(libre) or UNKNOWN_OWNER
    return None


def _excel_owner(owner_file: Path) -> str | None:
    try:
        data = owner_file.read_bytes()[:512]
    except OSError:
        return None
    if not data or not 0 < data[0] <= _MSO_NAME_MAX:
        return None
    if len(data) >= _MSO_UTF16_AT + 2:
        length = int.from_bytes(data[_MSO_UTF16_AT : _MSO_UTF16_AT + 2], "little")
        raw = data[_MSO_UTF16_AT + 2 : _MSO_UTF16_AT + 2 + 2 * length]
        if 0 < length <= _MSO_NAME_MAX and len(raw) == 2 * length:
            with suppress(UnicodeDecodeError):
                name = raw.decode("utf-16-le").strip()
                if name:
                    return name
    return data[1 : 1 + data[0]].decode("cp1252", errors="replace").strip() or None


def _libreoffice_owner(lock_file: Path) -> str | None:
    # `.~lock.<book>#`: one UTF-8 line `name,system user,host,time,profile;`, with `\` escaping
    # `,` `;` and `\` inside fields.
    try:
        text = lock_file.read_bytes()[:4096].decode("utf-8", errors="replace")
    except OSError:
        return None
    fields: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in ",;":
            fields.append("".join(current).strip())
            current = []
            if ch == ";":
                break
        else:
            current.append(ch)
    name, user, host = [*fields, "", "", ""][:3]
    if name:
        return name
    if user and host:
        return f"{user} på {host}"
    return user or None


def _new_file_mode() -> int:
    """The mode a newly created file gets here (0666 less the umask), not the temp file's 0600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _copy_permissions(old: os.stat_result, tmp: Path) -> None:
    os.chmod(tmp, stat.S_IMODE(old.st_mode))
    if hasattr(os, "chown"):
        # Keep the group, so colleagues sharing the folder keep their access; a user who is not
        # in that group cannot do this, and then the folder's default group stays.
        with suppress(OSError):
            os.chown(tmp, -1, old.st_gid)


def _replace(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except PermissionError as exc:
        if _WINDOWS:
            # Windows refuses to replace a file another program holds open.
            raise WriteError(
                "filen används av ett annat program", code="file-locked", owner=OPEN_IN_PROGRAM
            ) from exc
        raise


def _fsync_directory(folder: Path) -> None:
    # Makes the rename itself durable on POSIX. Windows has no directory handles for this, and
    # some network file systems refuse it; the file's own data is already on disk then.
    if _WINDOWS:
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "disken är full"
    if isinstance(exc, PermissionError):
        return f"behörighet saknas ({exc.filename or exc.strerror})"
    if isinstance(exc, FileNotFoundError):
        return f"filen eller mappen finns inte ({exc.filename or exc.strerror})"
    return exc.strerror or str(exc)
