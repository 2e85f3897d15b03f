"""How far a batch has come: a live progress bar on a terminal, plain log lines otherwise
(a scheduled task's log file, a pipe)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import (
    Progress as RichBar,
)
from rich.text import Text

from ..core.words import counted
from ..report.records import BookRecord, BookStatus
from ..textout import line


class Progress(Protocol):
    """What the pool tells about its progress."""

    def start(self, total: int) -> None: ...
    def advance(self, record: BookRecord) -> None: ...
    def retry(self, count: int) -> None: ...
    def note(self, text: str) -> None: ...
    def finish(self) -> None: ...


def describe(record: BookRecord) -> str:
    """One book's outcome in one line."""
    where = f"{record.unit}/{record.file_name}" if record.unit else record.file_name
    if record.status is BookStatus.SKIPPED:
        return f"{where}: öppen hos {record.owner}, hoppas över"
    if record.status is BookStatus.UNREADABLE:
        return f"{where}: {record.problem}"
    done = "uppdaterad" if record.written else "oförändrad" if record.unchanged else "kontrollerad"
    return f"{where}: {done}, {record.contracts} avtal, {record.errors} fel"


def retry_text(count: int) -> str:
    """The line that says which books get a second try."""
    books = counted(count, "arbetsbok som var öppen", "arbetsböcker som var öppna")
    return f"Försöker en gång till med {books} eller avbröts"


def per_minute(done: int, seconds: float) -> float:
    return 60.0 * done / seconds if seconds > 0 else 0.0


class LineProgress:
    """One plain line per book: `[ 12/300] OK enhet/bok.xlsx: uppdaterad, 700 avtal, 0 fel`."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.perf_counter) -> None:
        self.stream = stream
        self.clock = clock
        self.total = 0
        self.done = 0
        self.started = 0.0

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, self.clock()
        self._line(f"{counted(total, 'arbetsbok', 'arbetsböcker')} att köra")

    def advance(self, record: BookRecord) -> None:
        self.done += 1
        width = len(str(self.total))
        label = _LABELS[record.status]
        self._line(f"[{self.done:>{width}}/{self.total}] {label:<10} {describe(record)}")

    def retry(self, count: int) -> None:
        self.total += count
        self._line(retry_text(count))

    def note(self, text: str) -> None:
        self._line(text)

    def finish(self) -> None:
        elapsed = self.clock() - self.started
        rate = per_minute(self.done, elapsed)
        self._line(f"Klart på {elapsed:.1f} s ({rate:.0f} böcker/minut)")

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


_LABELS = {
    BookStatus.OK: "OK",
    BookStatus.ERRORS: "FEL",
    BookStatus.SKIPPED: "ÖPPEN",
    BookStatus.UNREADABLE: "OLÄSBAR",
}


class _RateColumn(ProgressColumn):
    """Books per minute."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed * 60:.0f} böcker/min" if speed else "– böcker/min", style="cyan")


class BarProgress:
    """A live bar on a terminal: books done of total, books per minute, time left; books
    that were skipped or could not be read are printed above it."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar = RichBar(
            TextColumn("[bold]Avtalsböcker"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TextColumn("kvar"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task: TaskID | None = None

    def start(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("batch", total=total)

    def advance(self, record: BookRecord) -> None:
        if record.status in (BookStatus.SKIPPED, BookStatus.UNREADABLE):
            colour = "yellow" if record.status is BookStatus.SKIPPED else "red"
            self.bar.console.print(line((describe(record), colour)), highlight=False)
        if self.task is not None:
            self.bar.advance(self.task)

    def retry(self, count: int) -> None:
        if self.task is not None:
            total = self.bar.tasks[0].total or 0
            self.bar.update(self.task, total=total + count)
        self.note(retry_text(count) + ".")

    def note(self, text: str) -> None:
        self.bar.console.print(text, highlight=False, markup=False)

    def finish(self) -> None:
        self.bar.stop()


def progress_for(stream: TextIO) -> Progress:
    """The bar when `stream` is a terminal, plain lines otherwise."""
    if stream.isatty():
        return BarProgress(Console(file=stream))
    return LineProgress(stream)
