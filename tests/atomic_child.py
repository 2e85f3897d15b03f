"""Child process of the crash tests: saves edits to a book and stops where it is told to.

Usage: `python atomic_child.py BOOK PAUSE [run]` where PAUSE is `write:N` (stop after N bytes of
the temp file), `fsync` (temp file complete and on disk, not yet checked) or `replace` (checked,
just before it takes the book's place). At the pause it prints `PAUSED` and sleeps; the test
then kills it with SIGKILL, as a power cut or a killed Excel button would, or stops it with
SIGINT or SIGTERM. With `run` the save is that of the command `avtalsbok run BOOK`, whose
exit code the child exits with.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from avtalsbok.ooxml import CellValue
from avtalsbok.workbook.writeback import open_book


def pause() -> None:
    print("PAUSED", flush=True)
    time.sleep(120)


class StopAfter:
    """A file that stops the process once `limit` bytes have been written."""

    def __init__(self, inner: Any, limit: int) -> None:
        self.inner = inner
        self.left = limit

    def write(self, data: bytes) -> int:
        if len(data) >= self.left:
            self.inner.write(data[: self.left])
            self.inner.flush()
            pause()
        self.left -= len(data)
        return int(self.inner.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __enter__(self) -> StopAfter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.inner.close()


def main(book: str, where: str, how: str = "editor") -> None:
    if where.startswith("write:"):
        limit = int(where.removeprefix("write:"))
        real_fdopen = os.fdopen

        def fdopen_stopping(fd: int, mode: str) -> StopAfter:
            return StopAfter(real_fdopen(fd, mode), limit)

        os.fdopen = fdopen_stopping  # type: ignore[assignment]
    elif where == "fsync":
        real_fsync = os.fsync

        def fsync_then_pause(fd: Any) -> None:
            real_fsync(fd)
            pause()

        os.fsync = fsync_then_pause
    elif where == "replace":
        real_replace = os.replace

        def pause_then_replace(src: Any, dst: Any, **_: Any) -> None:
            pause()
            real_replace(src, dst)

        os.replace = pause_then_replace
    if how == "run":
        from avtalsbok.cli import main as command

        sys.exit(command(["run", book, "--today", "2025-03-14"]))
    editor = open_book(book)
    rows: list[list[CellValue]] = [[f"Beräknat {r}", r * 2, "OK"] for r in range(1, 3001)]
    editor.replace_sheet_rows("Avtal", rows, first_row=2)
    editor.save()
    print("SAVED", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
