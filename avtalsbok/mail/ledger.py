"""What has been sent: a small append-only ledger beside the outbox, so a re-run does not
send the same message to the same person twice, and a lock so two runs never send at once.

Each line is one JSON object (ASCII only): kind, reference date, recipient, content hash, when
and where it went. A message is the same when all four keys match; `--force` sends anyway.

A run holds the ledger's lock (`LOCK_NAME`, an operating-system lock: `fcntl.lockf` on POSIX,
`msvcrt.locking` on Windows; both are byte-range locks that NFS and SMB shares honour, and the
system drops them when the holder dies, so a killed run leaves no stale lock) for its whole
send, and reads the ledger only once it holds it. A second run waits for the first, up to
`LOCK_WAIT_SECONDS`, and then finds what the first sent; or it stops with a message.

Before a message goes, an intent line (`"state": "sending"`) is written; after, a sent line. A
run killed between the server's acceptance and the sent line leaves only the intent: the next
run sends that message again (at most one duplicate per crash) and says so. A message the
server refused gets a failed line, so it is not taken for one a crash interrupted. A ledger that
cannot be read is an error, never "nothing sent yet".
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .transport import MailError

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

LEDGER_NAME = ".avtalsbok-skickat.jsonl"
LOCK_NAME = ".avtalsbok-skickat.lock"
#: How long a run waits for another run's send before it stops with a message.
LOCK_WAIT_SECONDS = 300.0
_POLL_SECONDS = 0.1
#: Longer than any line the ledger writes.
_MAX_LINE = 64 * 1024

Key = tuple[str, str, str, str]


class LedgerError(MailError):
    """The ledger cannot be read, written or locked; nothing more is sent."""


@dataclass(frozen=True)
class LedgerKey:
    """What makes two messages the same: kind, reference date, recipient and content."""

    kind: str
    date: date
    recipient: str
    digest: str

    def as_tuple(self) -> Key:
        return (self.kind, self.date.isoformat(), self.recipient.lower(), self.digest)


class Ledger:
    """The ledger file `LEDGER_NAME` in a folder."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LEDGER_NAME
        self.lock_path = folder / LOCK_NAME
        self._sent: set[Key] | None = None
        self._pending: set[Key] = set()

    @contextmanager
    def locked(self, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
        """Hold the ledger's lock for the block; raises LedgerError when another run holds it
        for longer than `wait` seconds, or the lock file cannot be made."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise LedgerError(f"kan inte låsa {self.lock_path}: {exc.strerror}") from exc
        try:
            deadline = time.monotonic() + wait
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise LedgerError(
                        f"en annan körning skickar e-post just nu (låset {self.lock_path}); "
                        "inget skickades, kör igen när den är klar"
                    )
                time.sleep(_POLL_SECONDS)
            self._sent = None  # what the run before this one sent
            try:
                yield
            finally:
                _unlock(fd)
        finally:
            os.close(fd)

    def contains(self, key: LedgerKey) -> bool:
        return key.as_tuple() in self._load()

    def interrupted(self, key: LedgerKey) -> bool:
        """Whether a run was killed while it sent this message: it may have gone already."""
        self._load()
        return key.as_tuple() in self._pending

    def intend(self, key: LedgerKey, now: datetime) -> None:
        """Note that a message is about to be sent (raises OSError)."""
        self._append(key, now, {"state": "sending"})

    def failed(self, key: LedgerKey, now: datetime) -> None:
        """Note that a message the server refused did not go (raises OSError)."""
        self._append(key, now, {"state": "failed"})
        self._pending.discard(key.as_tuple())

    def record(self, key: LedgerKey, where: str, now: datetime) -> None:
        """Note that a message has been sent (raises OSError)."""
        self._append(key, now, {"state": "sent", "via": where})
        self._load().add(key.as_tuple())
        self._pending.discard(key.as_tuple())

    def _append(self, key: LedgerKey, now: datetime, extra: dict[str, str]) -> None:
        kind, day, recipient, digest = key.as_tuple()
        entry = {"kind": kind, "date": day, "recipient": recipient, "digest": digest}
        entry |= {"at": now.isoformat(timespec="seconds"), **extra}
        line = json.dumps(entry, ensure_ascii=True).encode("ascii") + b"\n"
        with open(self.path, "ab") as out:
            complete = _complete_length(self.path, out.tell())
            if complete != out.tell():
                out.truncate(complete)  # a last line a crash cut short (held under the lock)
            out.write(line)
            out.flush()
            os.fsync(out.fileno())

    def _load(self) -> set[Key]:
        if self._sent is None:
            self._sent, self._pending = _read(self.path)
        return self._sent


def _read(path: Path) -> tuple[set[Key], set[Key]]:
    """The keys sent, and those intended but never recorded as sent."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return set(), set()
    except OSError as exc:
        raise LedgerError(_unreadable(path, exc.strerror or str(exc))) from exc
    lines = data.split(b"\n")
    if not data.endswith(b"\n"):
        lines.pop()  # a line cut short by a crash: the next write removes it
    sent: set[Key] = set()
    intended: set[Key] = set()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
            key = (entry["kind"], entry["date"], entry["recipient"], entry["digest"])
            state = entry.get("state", "sent")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise LedgerError(_unreadable(path, f"rad {number} är skadad")) from None
        if not all(isinstance(part, str) for part in key):
            raise LedgerError(_unreadable(path, f"rad {number} är skadad"))
        if state == "sending":
            intended.add(key)
        elif state == "failed":
            intended.discard(key)
        else:
            sent.add(key)
    return sent, intended - sent


def _unreadable(path: Path, why: str) -> str:
    return (
        f"listan över skickad e-post ({path}) kan inte läsas: {why}. Inget skickades, så att "
        "ingen får samma meddelande två gånger; rätta eller flytta filen och kör igen"
    )


def _complete_length(path: Path, size: int) -> int:
    """The length of the ledger up to the end of its last complete line."""
    if not size:
        return 0
    start = max(0, size - _MAX_LINE)
    with open(path, "rb") as f:
        f.seek(start)
        tail = f.read(size - start)
    if tail.endswith(b"\n"):
        return size
    cut = tail.rfind(b"\n")
    if cut < 0:
        return 0 if not start else size  # longer than any record: the reader will say so
    return start + cut + 1


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    with suppress(OSError):
        if sys.platform == "win32":
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            fcntl.lockf(fd, fcntl.LOCK_UN)
