"""Saving a workbook so that the officer's original survives any failure, and lock detection.

A save writes a hidden temp file beside the book, makes it durable, checks it, and only then
puts it in the book's place with one `os.replace`. A crash, a full disk or a killed process at
any point leaves the original as it was; at worst a recognisable temp file
(`.~avtalsbok-*.tmp`) is left behind, which a batch run skips and a later save in the same
folder removes once it is older than any save could take and no live save holds it.

A book that someone has open in Excel or LibreOffice is not written at all: `owner_of` reads the
owner file the program keeps beside the book and names the person, so the message can say who
to ask to close it. A book marked read-only is not written either, as Excel would not. Through a
symbolic link both are judged at the book the link points to, and that book is replaced; the
link stays a link.

This is the file layer: it knows files, not findings. A failure is a `WriteError` with a code
and a Swedish reason; the caller makes the finding.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

#: Name prefix and suffix of the temp files a save writes beside the book.
TEMP_PREFIX = ".~avtalsbok-"
TEMP_SUFFIX = ".tmp"
#: A temp file untouched for this long is left over from a save that was killed: no save of a
#: book, however large or slow its share, writes for hours without touching its temp file.
STALE_AFTER_SECONDS = 6 * 3600

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

    `code` says why: `file-locked` (someone has the book open; `owner` names them),
    `file-read-only` (the book is marked read-only) or `write-failed` (`reason` says why).
    `str(error)` is a Swedish sentence an officer reads.
    """

    def __init__(self, reason: str, *, code: str = "write-failed", owner: str | None = None):
        self.reason = reason
        self.code = code
        self.owner = owner
        if code == "file-locked":
            reason = f"filen är öppen hos {owner or UNKNOWN_OWNER}"
        super().__init__(reason)


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
    A link is followed: the file it points to is replaced. The book's permission bits, owner,
    group and extended attributes carry over as far as the platform lets this process set
    them. A read-only book is not replaced (`file-read-only`). Any failure removes the temp
    file and raises `WriteError`; the original stays byte for byte.
    """
    target = Path(os.path.realpath(path))
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise WriteError(_os_reason(exc)) from exc
    if old is not None and is_read_only(old):
        raise WriteError("filen är skrivskyddad", code="file-read-only")
    remove_stale_temp_files(target.parent)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise WriteError(_os_reason(exc)) from exc
    tmp = Path(tmp_name)
    held = _hold(fd)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if verify is not None:
            verify(tmp)
        if old is not None:
            _carry_over(old, target, tmp)
        else:
            os.chmod(tmp, _new_file_mode())
        _replace(tmp, target)
    except BaseException as exc:
        with suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise WriteError(_os_reason(exc)) from exc
        raise
    finally:
        if held is not None:
            os.close(held)
    _fsync_directory(target.parent)


def is_read_only(st: os.stat_result) -> bool:
    """Whether a file is marked read-only, judged by its attribute and mode bits, as Excel
    judges it (renaming over it would succeed, but the officer asked for it to stay as it is).

    Windows: the read-only attribute. POSIX: no write bit for this user's class (owner, group,
    others); for the superuser, who may write anything, no write bit at all (mode 444).
    """
    if getattr(st, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_READONLY:
        return True
    mode = stat.S_IMODE(st.st_mode)
    if not hasattr(os, "geteuid"):
        return not mode & stat.S_IWRITE
    uid = os.geteuid()
    if uid == 0:
        bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    elif uid == st.st_uid:
        bits = stat.S_IWUSR
    elif st.st_gid == os.getegid() or st.st_gid in os.getgroups():
        bits = stat.S_IWGRP
    else:
        bits = stat.S_IWOTH
    return not mode & bits


def remove_stale_temp_files(folder: str | os.PathLike[str], now: float | None = None) -> None:
    """Remove the temp files killed saves left in `folder`: those untouched for
    `STALE_AFTER_SECONDS` that no live save holds (a save holds a lock on its temp file on
    POSIX; on Windows a file another process has open cannot be removed)."""
    moment = time.time() if now is None else now
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not is_temp_file(entry.name):
                continue
            with suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(st.st_mode) or moment - st.st_mtime < STALE_AFTER_SECONDS:
                    continue
                if not _held_by_a_live_save(entry.path):
                    os.unlink(entry.path)


def owner_of(path: str | os.PathLike[str]) -> str | None:
    """Who has the book open, from Excel's or LibreOffice's owner file beside it; else None.

    Through a link the book is looked for under both names: Excel opened through the link
    keeps its owner file beside the link, opened directly beside the book it points to.
    """
    given = Path(path)
    for book in dict.fromkeys((given, Path(os.path.realpath(given)))):
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


def _carry_over(old: os.stat_result, book: Path, tmp: Path) -> None:
    """Give the new file what the book had: extended attributes, owner, group, mode."""
    if hasattr(os, "listxattr"):
        # Linux: user attributes (a tag, a file manager's note); security attributes such as
        # an SELinux label only where this process may set them.
        with suppress(OSError):
            for name in os.listxattr(book):
                with suppress(OSError):
                    os.setxattr(tmp, name, os.getxattr(book, name))
    if hasattr(os, "chown"):
        # The owner only the superuser can give away. The group keeps colleagues sharing the
        # folder their access; a user not in that group cannot set it, and then the folder's
        # default group stays.
        with suppress(OSError):
            os.chown(tmp, old.st_uid, old.st_gid)
        with suppress(OSError):
            os.chown(tmp, -1, old.st_gid)
    os.chmod(tmp, stat.S_IMODE(old.st_mode))


def _hold(fd: int) -> int | None:
    """Lock a new temp file for as long as its save runs, so no other run takes it for a
    leftover (POSIX; a second descriptor keeps the lock once the file is closed for writing).
    Windows needs none: a file open in another process cannot be removed there."""
    if fcntl is None:
        return None
    held = os.dup(fd)
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(held)
        return None  # a file system without locks: the age alone protects the file then
    return held


def _held_by_a_live_save(path: str) -> bool:
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


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
