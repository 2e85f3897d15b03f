"""One book, headless: read it, evaluate it, write the result back loss-free (or only check).

Used by `avtalsbok check`/`run` and by the batch. Never raises for a bad or busy file: what went
wrong is a book-level finding in the outcome, and the book is left as it was.

The process concerns of a run stay in this entry (`process`), not in the layers it calls: the
cycle collector is paused for the whole book (`avtalsbok.gcpause`), and the engine and the
writer are imported on a thread of their own while the book is read (`_load_engine`).
"""

from __future__ import annotations

import getpass
import os
import threading
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import findings, schema
from ..core.book import BookInput
from ..core.findings import Finding, Level, sort_key
from ..gcpause import paused_gc
from .atomic import UNKNOWN_OWNER, WriteError, file_stamp
from .reader import read_book

# The engine and the writer are imported when a book is processed, while the book is being read
# (see `_process`); only what reading needs is loaded with this module.
if TYPE_CHECKING:
    from collections.abc import Callable

    from ..core.engine import Result
    from ..core.output import WritePlan

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2
#: Why a run wrote nothing: every value it computed already stood in the book.
NOTHING_TO_UPDATE = "Inget att uppdatera"


@dataclass
class Outcome:
    """What happened to one book: its result (None when unreadable) and every finding."""

    path: Path
    result: Result | None
    findings: list[Finding] = field(default_factory=list)
    written: bool = False
    blocked: bool = False
    #: the run would have changed nothing the book shows, so it was not written
    unchanged: bool = False
    #: the summary the book's mark recorded, when the book was as the last run left it and was
    #: not evaluated again (`lastrun`; `result` is then None)
    recorded: dict[str, Any] | None = None

    @property
    def usable(self) -> bool:
        return self.result is not None or self.recorded is not None

    def summary(self) -> dict[str, Any] | None:
        """The figures of the run (`Result.summary()`), or those the mark recorded."""
        if self.result is not None:
            return self.result.summary()
        return None if self.recorded is None else dict(self.recorded)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.level is Level.ERROR)

    @property
    def reason(self) -> str | None:
        """Why the book was not written although it could be, in Swedish (None: no such reason)."""
        return NOTHING_TO_UPDATE if self.unchanged else None

    @property
    def exit_code(self) -> int:
        if not self.usable or self.blocked:
            return EXIT_UNUSABLE
        return EXIT_ERRORS if self.errors else EXIT_OK

    def to_json(self) -> dict[str, Any]:
        """The `--json` object of one book."""
        summary: dict[str, Any] = self.summary() or {}
        summary["written"] = self.written
        if self.reason is not None:
            summary["reason"] = self.reason
        return {
            "book": str(self.path),
            "ok": self.usable and not self.blocked and self.errors == 0,
            "findings": [f.to_json() for f in self.findings],
            "summary": summary,
        }


def run_source(label: str = "avtalsbok") -> str:
    """Who ran it, for `Händelselogg`: `avtalsbok (user)`, or `Excel (user)` for a button."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = os.environ.get("USERNAME", "")
    return f"{label} ({user})" if user else label


def apply_plan(
    path: str | os.PathLike[str],
    plan: WritePlan,
    *,
    read_stamp: tuple[int, int] | None = None,
    mark: Callable[[str], str] | None = None,
) -> bool:
    """Carry out a write plan on a book file, atomically and loss-free (raises WriteError);
    False when the plan changes nothing in the file, which is then left as it was.

    `read_stamp` is the book's `file_stamp` when it was read: a book saved by someone else
    since then is not written, since the plan's cells were placed by what was read. `mark`
    gives the text of the run's mark (`lastrun.MARK`) from the digest of the other entries.

    A plan that writes `Översikt` also gives it the goal table's colours if it lacks them (a
    book made from an earlier template, or adopted).

    The plan is used up: each sheet's part of it is let go as soon as the writer holds its own
    copy, so a large book's cells are held once, not twice (100 000 contracts, first run: the
    process's peak 995 → 877 MB).
    """
    if not (plan.cells or plan.replace or plan.append or plan.add_sheets):
        return False
    from .checkhelper import part_checker
    from .colours import add_verdict_colours
    from .writeback import open_book, swedish_errors

    editor = open_book(path, expected_stamp=read_stamp)
    if mark is not None:
        from .lastrun import MARK

        editor.mark_on_save(MARK, mark)
    with swedish_errors():
        for name in plan.add_sheets:
            editor.add_sheet(name)
        while plan.cells:
            name, cells = plan.cells.popitem()
            editor.set_cell_rows(name, cells.rows)
            del cells
        while plan.replace:
            name, grid = plan.replace.popitem()
            editor.replace_sheet_rows(name, grid)
            del grid
            if name == editor.find_sheet(schema.OVERSIKT):
                add_verdict_colours(editor, name)
        for name, rows in plan.append.items():
            editor.append_rows(name, rows)
        # A large save has its parts checked in a helper process, on the other core.
        return editor.save(part_checker(editor.rewritten_size()))


def process(
    path: str | os.PathLike[str],
    *,
    today: date | None = None,
    write: bool = True,
    now: datetime | None = None,
    source: str | None = None,
    reuse: bool = False,
) -> Outcome:
    """Read, evaluate and (with `write`) write back one book, and mark it (`lastrun`). With
    `reuse` and `write`, a book that is as the run that marked it left it, on the same
    reference date, is neither read nor evaluated: the outcome tells what that run found
    (`Outcome.recorded`, its findings from `Fel`), and that there was nothing to update."""
    from .lastrun import last_run, run_key

    key = run_key(today)
    if reuse and write:
        last = last_run(Path(path), key)
        if last is not None:
            return Outcome(Path(path), None, last.findings, unchanged=True, recorded=last.summary)
    with paused_gc():
        return _process(Path(path), today, write, now, source, key)


def _process(
    book_path: Path,
    today: date | None,
    write: bool,
    now: datetime | None,
    source: str | None,
    key: str,
) -> Outcome:
    try:
        read_stamp: tuple[int, int] | None = file_stamp(book_path)
    except OSError:
        read_stamp = None  # the reader reports a missing or unreadable file
    loading = threading.Thread(target=_load_engine, daemon=True)
    loading.start()
    book: BookInput = read_book(book_path)
    loading.join()
    from ..core.engine import evaluate
    from ..core.output import plan_writes
    from .lastrun import mark_value

    name = book_path.name
    if any(f.level is Level.ERROR for f in book.findings):
        return Outcome(book_path, None, [f.with_book(name) for f in book.findings])
    if now is None:
        now = (
            datetime.combine(today, datetime.min.time())
            if today
            else datetime.now().replace(microsecond=0)
        )
    result = evaluate(book, today, now=now, source=source or run_source())
    outcome = Outcome(book_path, result, [f.with_book(name) for f in result.findings])
    if write:
        plan = plan_writes(book, result, changes_only=True)
        del book  # the rows as read are not needed for writing: their memory goes first
        try:
            # Only a settled result is told again: otherwise the next run says something else.
            mark = mark_value(key, result.summary()) if result.settled else None
            outcome.written = apply_plan(book_path, plan, read_stamp=read_stamp, mark=mark)
            outcome.unchanged = not outcome.written
        except WriteError as exc:
            outcome.blocked = True
            outcome.findings.append(write_finding(exc).with_book(name))
            outcome.findings.sort(key=sort_key)
    return outcome


def write_finding(error: WriteError) -> Finding:
    """The book-level finding of a book that could not be written."""
    if error.code == "file-locked":
        return findings.make("file-locked", owner=error.owner or UNKNOWN_OWNER)
    if error.code == "file-read-only":
        return findings.make("file-read-only")
    return findings.make("write-failed", reason=error.reason)


def _load_engine() -> None:
    """Import the engine and the writer, on a thread of their own while the book is read:
    calamine lets go of the interpreter while it parses a sheet, and zlib while it unpacks, so
    the two share the machine's cores (from a process's second book on, all is loaded already).
    Any import error shows again, as it normally would, when `_process` imports them itself."""
    with suppress(Exception):
        from ..core import engine, output  # noqa: F401
        from . import checkhelper, writeback  # noqa: F401
