"""The buttons of the avtalsbok in Excel: one function per button, run by xlwings' `RunPython`.

Each handler takes the book the button was clicked in (`xlwings.Book.caller()`), reads its tables,
runs the engine, writes the computed columns and sheets back and leaves a status line on
`Översikt` (cell A4), with a message box that points at `Fel` when the book has errors. Anything
unexpected ends in a message box too, never in a VBA error with a traceback (set the environment
variable AVTALSBOK_DEBUG=1 to get the traceback instead). Every click starts a new Python: this
module imports only the standard library, and each button imports what it needs.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.book import BookInput
    from ..core.engine import Result
    from ..core.output import WritePlan
    from .livebook import Book

#: Where on `Översikt` the status line of the last button run stands: the row kept free for it.
STATUS_CELL = "A4"
TITLE = "Avtalsbok"
DEBUG_VARIABLE = "AVTALSBOK_DEBUG"


def kontrollera() -> None:
    """Kontrollera: check the book; mark each row's `Kontroll` and list the findings on `Fel`."""
    run_button("kontrollera")


def uppdatera() -> None:
    """Uppdatera: check and recompute every computed column and sheet."""
    run_button("uppdatera")


def skapa_rapport() -> None:
    """Skapa rapport: the book's overview as a report workbook beside the book."""
    run_button("skapa_rapport")


def skicka_rapport() -> None:
    """Skicka rapport: not available yet; the button says so."""
    run_button("skicka_rapport")


def visa_fel() -> None:
    """Visa fel: show the `Fel` sheet."""
    run_button("visa_fel")


def run_button(
    name: str,
    book: Book | None = None,
    *,
    today: date | None = None,
    now: datetime | None = None,
    source: str | None = None,
) -> None:
    """Run one button on `book` (default: the book that called Python from Excel).

    `today` overrides the book's `Idag` setting, `now` the clock and `source` who is named in
    `Händelselogg`: tests and the benchmark pass them, a click uses the real ones.
    """
    action = _ACTIONS[name]
    if book is None:
        import xlwings as xw

        try:
            book = xw.Book.caller()
        except Exception as exc:
            app = xw.apps.active
            if app is None or os.environ.get(DEBUG_VARIABLE):
                raise
            app.alert(_unexpected(name, exc), title=TITLE, mode="critical")
            return
    try:
        action(book, _World(today, now or datetime.now().replace(microsecond=0), source))
    except Exception as exc:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        book.app.alert(_unexpected(name, exc), title=TITLE, mode="critical")


class _World:
    """What a run takes from outside the book: the reference date, the clock, who ran it."""

    def __init__(self, today: date | None, now: datetime, source: str | None) -> None:
        self.today = today
        self.now = now
        self.source = source or _source()


def _source() -> str:
    """Who clicked, for `Händelselogg`: `Excel (user)`."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = os.environ.get("USERNAME", "")
    return f"Excel ({user})" if user else "Excel"


_CAPTIONS = {
    "kontrollera": "Kontrollera",
    "uppdatera": "Uppdatera",
    "skapa_rapport": "Skapa rapport",
    "skicka_rapport": "Skicka rapport",
    "visa_fel": "Visa fel",
}


def _unexpected(name: str, exc: Exception) -> str:
    return (
        f"{_CAPTIONS[name]}: något oväntat gick fel och knappen avbröts.\n\n"
        f"{type(exc).__name__}: {exc}\n\n"
        "Det som hann skrivas syns i boken men är inte sparat: stäng boken utan att spara "
        "för att gå tillbaka. Berätta för IT-stödet vad som hände och vad meddelandet säger."
    )


# ---------------------------------------------------------------------------------------------
# The buttons


def _kontrollera(book: Book, world: _World) -> None:
    evaluated = _evaluate(book, world)
    if evaluated is None:
        return
    book_input, result = evaluated
    from ..core.output import plan_writes
    from .livebook import check_plan

    plan = check_plan(book_input, result, plan_writes(book_input, result))
    status = f"Kontrollerad {world.now:%Y-%m-%d %H:%M}: {_counts(result)}."
    _write(book, book_input, plan, status)
    _point_at_errors(book, result, "kontrollera")


def _uppdatera(book: Book, world: _World) -> None:
    evaluated = _evaluate(book, world)
    if evaluated is None:
        return
    book_input, result = evaluated
    from ..core.output import plan_writes

    s = result.summary()
    status = (
        f"Uppdaterad {world.now:%Y-%m-%d %H:%M} (Idag {s['today']}): {s['contracts']} avtal, "
        f"{_counts(result)}, {s['follow_ups_overdue']} försenade uppföljningar, "
        f"{s['open_deviations']} öppna avvikelser."
    )
    _write(book, book_input, plan_writes(book_input, result), status)
    _point_at_errors(book, result, "uppdatera")


def _skapa_rapport(book: Book, world: _World) -> None:
    path = _report_path(book.fullname)
    if path is None:
        book.app.alert(
            "Spara avtalsboken i en mapp först: rapporten sparas bredvid den.",
            title=TITLE,
            mode="info",
        )
        return
    evaluated = _evaluate(book, world)
    if evaluated is None:
        return
    _, result = evaluated
    from ..core import schema
    from .livebook import replace_rows

    target = _free_name(path.with_name(f"{path.stem} – rapport {result.today.isoformat()}.xlsx"))
    report = book.app.books.add()
    sheet = report.sheets[0]
    sheet.name = schema.OVERSIKT
    replace_rows(sheet, result.sheets()[schema.OVERSIKT])
    sheet.autofit()
    report.save(str(target))
    note = f"\n\nAvtalsboken har {_counts(result)}: se bladet Fel." if result.errors else ""
    book.app.alert(f"Rapporten är sparad här:\n{target}{note}", title=TITLE, mode="info")


def _skicka_rapport(book: Book, world: _World) -> None:
    book.app.alert(
        "Skicka rapport finns inte ännu: utskicket med e-post kommer i en senare version. "
        "Så länge: klicka på Skapa rapport och skicka filen själv.",
        title=TITLE,
        mode="info",
    )


def _visa_fel(book: Book, world: _World) -> None:
    from ..core import schema
    from ..workbook.reader import canonical_names

    name = canonical_names(s.name for s in book.sheets).get(schema.FEL)
    if name is None:
        book.app.alert(
            "Bladet Fel finns inte i boken. Klicka på Kontrollera, så skapas det.",
            title=TITLE,
            mode="info",
        )
        return
    book.sheets[name].activate()


_ACTIONS: dict[str, Callable[[Book, _World], None]] = {
    "kontrollera": _kontrollera,
    "uppdatera": _uppdatera,
    "skapa_rapport": _skapa_rapport,
    "skicka_rapport": _skicka_rapport,
    "visa_fel": _visa_fel,
}


# ---------------------------------------------------------------------------------------------
# The steps the buttons share


def _evaluate(book: Book, world: _World) -> tuple[BookInput, Result] | None:
    """Read and evaluate the book; None (after telling the officer why) when it cannot be run."""
    from ..core.engine import evaluate
    from ..core.findings import Level
    from .livebook import read_book

    book_input = read_book(book)
    blocking = [f.message for f in book_input.findings if f.level is Level.ERROR]
    if blocking:
        book.app.alert(
            "Avtalsboken kan inte kontrolleras:\n\n" + "\n".join(blocking),
            title=TITLE,
            mode="critical",
        )
        return None
    result = evaluate(book_input, world.today, now=world.now, source=world.source)
    return book_input, result


def _write(book: Book, book_input: BookInput, plan: WritePlan, status: str) -> None:
    """Apply the plan and the status line with the screen still, then let Excel redraw."""
    from ..core import schema
    from .livebook import apply_plan, excel_value

    last_rows = {book_input.sheet_names[c]: s.max_row for c, s in book_input.sheets.items()}
    app = book.app
    app.screen_updating = False
    try:
        apply_plan(book, plan, last_rows)
        overview = book.sheets[book_input.sheet_names.get(schema.OVERSIKT, schema.OVERSIKT)]
        overview.range(STATUS_CELL).value = excel_value(status)
    finally:
        app.screen_updating = True


def _counts(result: Result) -> str:
    return f"{result.errors} fel, {result.warnings} varningar"


def _point_at_errors(book: Book, result: Result, name: str) -> None:
    """When the book has errors: a message box that says where to find them."""
    if not result.errors:
        return
    book.app.alert(
        f"Avtalsboken har {_counts(result)}.\n\n"
        "Bladet Fel listar varje fel med blad, rad och kolumn (knappen Visa fel). Raderna med "
        "fel är röda, och kolumnen Kontroll på raden säger vad som ska rättas.",
        title=f"{TITLE} – {_CAPTIONS[name]}",
        mode="critical",
    )


def _report_path(fullname: str) -> Path | None:
    """The book's own path when it is saved in a folder (not new, not only in the cloud)."""
    if not os.path.isabs(fullname) or not os.path.isdir(os.path.dirname(fullname)):
        return None
    return Path(fullname)


def _free_name(path: Path) -> Path:
    """`path`, or `path (2)`, `(3)`, … when a file of that name is already there."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate
