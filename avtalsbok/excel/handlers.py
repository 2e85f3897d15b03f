"""The buttons of the avtalsbok in Excel: one function per button, run by xlwings' `RunPython`.

Each handler takes the book the button was clicked for (`xlwings.Book.caller()`): with the
template's buttons the book holding them, with the add-in's ribbon tab the active workbook (the
add-in's xlwings module hands Python `ActiveWorkbook`); the handlers cannot tell the two apart
and need not. A book without an `Avtal` sheet is no avtalsbok: it gets a message box and is not
touched. Otherwise a handler reads its tables and runs the engine.

`Kontrollera` and `Uppdatera` write the computed columns and sheets back and leave a status line
on `Översikt` (cell A4), with a message box that points at `Fel` when the book has errors.
Every button ends with a one-line result in Excel's status bar (`feedback`).
`Skapa rapport` saves the book's report (the workbook `avtalsbok report` makes) beside the book,
and `Skicka rapport` also sends it by e-mail to the book's `Rapportmottagare`, the way
`avtalsbok mail` does; neither writes in the book. `Gör till avtalsbok` adds the sheets and
computed columns an officer's own workbook lacks, as `avtalsbok init` does to a file.

Anything unexpected ends in a message box too, never in a VBA error with a traceback (set the
environment variable AVTALSBOK_DEBUG=1 to get the traceback instead). Every click starts a new
Python: this module imports only the standard library, and each button imports what it needs
(only the report buttons the report and e-mail).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.words import counted, findings_text
from .feedback import result_line, show, warn

if TYPE_CHECKING:
    from ..core.book import BookInput
    from ..core.engine import Result
    from ..core.output import WritePlan
    from ..mail.deliver import Delivery
    from ..mail.transport import MailSettings
    from ..report.records import BookRecord
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
    """Skapa rapport: the book's report workbook beside the book."""
    run_button("skapa_rapport")


def skicka_rapport() -> None:
    """Skicka rapport: the book's report by e-mail to its `Rapportmottagare`."""
    run_button("skicka_rapport")


def visa_fel() -> None:
    """Visa fel: show the `Fel` sheet."""
    run_button("visa_fel")


def gor_till_avtalsbok() -> None:
    """Gör till avtalsbok: add what the book lacks of the avtalsbok (`avtalsbok init`)."""
    run_button("gor_till_avtalsbok")


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
    `Händelselogg`: tests and the benchmark pass them, a click uses the real ones. The e-mail
    settings of `Skicka rapport` come from the environment, as for `avtalsbok mail`.
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
    world = _World(today, now or datetime.now().replace(microsecond=0), source)
    try:
        if _is_avtalsbok(book, name):
            action(book, world)
        if not world.told:
            # The click ended in a message box that says why; the status bar says so too, so
            # that the line of an earlier click is not mistaken for this one's.
            show(book.app, f"{_CAPTIONS[name]}: se meddelandet i rutan.")
    except Exception as exc:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        show(book.app, f"{_CAPTIONS[name]} avbröts – se rutan.")
        book.app.alert(_unexpected(name, exc), title=TITLE, mode="critical")


class _World:
    """What a run takes from outside the book: the reference date, the clock, who ran it
    (None: the user who clicked, looked up when a run needs it)."""

    def __init__(self, today: date | None, now: datetime, source: str | None) -> None:
        self.today = today
        self.now = now
        self.source = source
        #: whether the run has put its result in the status bar
        self.told = False

    def done(self, book: Book, line: str) -> None:
        """The click's result, in the status bar."""
        show(book.app, line)
        self.told = True


_CAPTIONS = {
    "kontrollera": "Kontrollera",
    "uppdatera": "Uppdatera",
    "skapa_rapport": "Skapa rapport",
    "skicka_rapport": "Skicka rapport",
    "visa_fel": "Visa fel",
    "gor_till_avtalsbok": "Gör till avtalsbok",
}


def _is_avtalsbok(book: Book, name: str) -> bool:
    """Whether the book has an `Avtal` sheet; if not, a message box says what to do."""
    from ..core import schema
    from ..workbook.reader import canonical_names

    if schema.AVTAL in canonical_names(s.name for s in book.sheets):
        return True
    what_to_do = (
        "Byt namn på bladet med era avtal till Avtal och klicka igen. Rubrikerna får stå i "
        "vilken ordning som helst, och era egna kolumner lämnas orörda."
        if name == "gor_till_avtalsbok"
        else "Knapparna arbetar i den aktiva arbetsboken. Öppna avtalsboken, eller gör den här "
        "boken till en avtalsbok: byt namn på bladet med era avtal till Avtal och klicka på "
        "Gör till avtalsbok."
    )
    book.app.alert(
        f"Arbetsboken ”{book.name}” är ingen avtalsbok: bladet Avtal saknas. Inget har "
        f"ändrats.\n\n{what_to_do}",
        title=f"{TITLE} – {_CAPTIONS[name]}",
        mode="critical",
    )
    return False


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
    from ..core import schema
    from ..core.output import plan_writes

    # Each row's `Kontroll` and the `Fel` sheet, nothing else; `Översikt` only when the book
    # lacks it, for the status line.
    plan = plan_writes(book_input, result, columns=("check",), sheets=(schema.FEL,))
    if schema.OVERSIKT not in book_input.sheet_names:
        plan.add_sheets.append(schema.OVERSIKT)
    status = f"Kontrollerad {world.now:%Y-%m-%d %H:%M}: {_counts(result)}."
    _write(book, book_input, plan, status)
    _tell(book, result, "Kontrollerad", world, "kontrollera")


def _uppdatera(book: Book, world: _World) -> None:
    evaluated = _evaluate(book, world)
    if evaluated is None:
        return
    book_input, result = evaluated
    from ..core.output import plan_writes

    s = result.summary()
    status = (
        f"Uppdaterad {world.now:%Y-%m-%d %H:%M} (Idag {s['today']}): {s['contracts']} avtal, "
        f"{_counts(result)}, "
        + counted(s["follow_ups_overdue"], "försenad uppföljning", "försenade uppföljningar")
        + ", "
        + counted(s["open_deviations"], "öppen avvikelse", "öppna avvikelser")
        + "."
    )
    _write(book, book_input, plan_writes(book_input, result), status)
    _tell(book, result, "Uppdaterad", world, "uppdatera")


def _skapa_rapport(book: Book, world: _World) -> None:
    result = _evaluate_saved(book, world)
    if result is None:
        return
    made = _write_report(book, result)
    if made is None:
        return
    target = made[0]
    world.done(book, f"Rapporten är sparad: {target.name}")
    note = (
        f"\n\nAvtalsboken har {_counts(result)}: de står på bladet Fel i rapporten."
        if result.errors
        else ""
    )
    book.app.alert(f"Rapporten är sparad här:\n{target}{note}", title=TITLE, mode="info")


def _skicka_rapport(book: Book, world: _World) -> None:
    from ..mail.message import AttachmentTooLarge
    from ..mail.sanitize import AddressError
    from ..mail.send import send_report
    from ..mail.transport import MailError, MailSettings
    from ..report.totals import Totals

    result = _evaluate_saved(book, world)
    if result is None:
        return
    recipients = result.settings.report_recipients
    if not recipients:
        book.app.alert(
            "Ingen mottagare är angiven. Skriv e-postadresserna i Rapportmottagare på bladet "
            "Inställningar (flera adresser skiljs med komma) och klicka igen.",
            title=TITLE,
            mode="info",
        )
        return
    try:
        settings = MailSettings.from_env(os.environ)
    except MailError as exc:
        book.app.alert(
            f"E-postinställningarna går inte att använda: {exc}.\n\nDet är en sak för IT.",
            title=TITLE,
            mode="critical",
        )
        return
    made = _write_report(book, result)
    if made is None:
        return
    target, record = made
    try:
        deliveries = send_report(
            target,
            result.today,
            Totals.of([record], result.today).key_figures(),
            recipients,
            settings,
            now=world.now,
            reply_to=result.settings.reply_to,
        )
    except (AddressError, AttachmentTooLarge, MailError, OSError) as exc:
        book.app.alert(
            f"Rapporten skickades inte: {exc}\n\nRapporten är sparad här:\n{target}",
            title=TITLE,
            mode="critical",
        )
        return
    failed = any(d.error for d in deliveries)
    world.done(book, _sent_line(deliveries, settings))
    book.app.alert(
        _sent_message(deliveries, settings, target, result.today),
        title=TITLE,
        mode="critical" if failed else "info",
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
    world.done(book, "Bladet Fel visas.")


def _gor_till_avtalsbok(book: Book, world: _World) -> None:
    from ..core import schema
    from ..workbook.adopt import adoption_plan, blocking, describe, first_filled
    from ..workbook.reader import canonical_names
    from .livebook import read_book, sheet_values

    book_input = read_book(book)
    # Whether the book has been an avtalsbok goes by its plan's header row, as for init: a
    # register's own Uppföljningsplan does not make it one.
    plan_sheet = canonical_names(s.name for s in book.sheets).get(schema.UPPFOLJNINGSPLAN)
    plan_header = (
        first_filled(sheet_values(book.sheets[plan_sheet])) if plan_sheet is not None else None
    )
    problems = blocking(book_input, [s.name for s in book.sheets], plan_header)
    if problems:
        book.app.alert(
            "Arbetsboken kan inte göras till en avtalsbok:\n\n" + "\n".join(problems),
            title=TITLE,
            mode="critical",
        )
        return
    today = world.today or world.now.date()
    plan = adoption_plan(book_input, [s.name for s in book.sheets], today)
    lines = describe(plan, book_input)
    if not lines:
        book.app.alert(
            f"”{book.name}” är redan en avtalsbok: inget behövde läggas till.",
            title=TITLE,
            mode="info",
        )
        return
    _write(book, book_input, plan, None)
    book.app.alert(
        f"”{book.name}” är nu en avtalsbok. Tillagt:\n"
        + "\n".join(f"• {line}" for line in lines)
        + "\n\nInget av det som fanns är ändrat. Klicka på Uppdatera för att fylla i de "
        "grå kolumnerna och bladen, och spara boken.",
        title=TITLE,
        mode="info",
    )


_ACTIONS: dict[str, Callable[[Book, _World], None]] = {
    "kontrollera": _kontrollera,
    "uppdatera": _uppdatera,
    "skapa_rapport": _skapa_rapport,
    "skicka_rapport": _skicka_rapport,
    "visa_fel": _visa_fel,
    "gor_till_avtalsbok": _gor_till_avtalsbok,
}


# ---------------------------------------------------------------------------------------------
# The steps the buttons share


def _evaluate(book: Book, world: _World) -> tuple[BookInput, Result] | None:
    """Read and evaluate the book; None (after telling the officer why) when it cannot be run."""
    from ..core.engine import evaluate
    from ..core.findings import Level
    from ..gcpause import paused_gc
    from ..workbook.runner import run_source
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
    source = world.source or run_source("Excel")
    with paused_gc():
        result = evaluate(book_input, world.today, now=world.now, source=source)
    return book_input, result


def _write(book: Book, book_input: BookInput, plan: WritePlan, status: str | None) -> None:
    """Apply the plan and the status line (if any) with the screen still, then let Excel
    redraw."""
    from ..core import schema
    from .livebook import apply_plan, excel_value

    last_rows = {book_input.sheet_names[c]: s.max_row for c, s in book_input.sheets.items()}
    app = book.app
    app.screen_updating = False
    try:
        apply_plan(book, plan, last_rows)
        if status is not None:
            overview = book.sheets[book_input.sheet_names.get(schema.OVERSIKT, schema.OVERSIKT)]
            overview.range(STATUS_CELL).value = excel_value(status)
    finally:
        app.screen_updating = True


def _counts(result: Result) -> str:
    return findings_text(result.errors, result.warnings)


def _tell(book: Book, result: Result, done: str, world: _World, name: str) -> None:
    """The run's result in the status bar and, when the book has errors, a message box with
    the warning icon that says where to find them."""
    world.done(
        book,
        result_line(done, world.now, result.summary()["contracts"], result.errors, result.warnings),
    )
    if not result.errors:
        return
    warn(
        book.app,
        f"Avtalsboken har {_counts(result)}.\n\n"
        "Bladet Fel listar varje fel med blad, rad och kolumn (knappen Visa fel). Raderna med "
        "fel är röda, och kolumnen Kontroll på raden säger vad som ska rättas.\n\n"
        "Det som räknades fram är skrivet i boken men inte sparat: spara med Ctrl+S.",
        f"{TITLE} – {_CAPTIONS[name]}",
    )


def _evaluate_saved(book: Book, world: _World) -> Result | None:
    """The result of a book saved in a folder, where its report can go; None after a message
    box (asking the officer to save the book first, or saying why it cannot be run)."""
    # A new book has no folder yet, and a book opened from the cloud only has a web address.
    fullname = book.fullname
    if not os.path.isabs(fullname) or not os.path.isdir(os.path.dirname(fullname)):
        book.app.alert(
            "Spara avtalsboken i en mapp först: rapporten sparas bredvid den.",
            title=TITLE,
            mode="info",
        )
        return None
    evaluated = _evaluate(book, world)
    return None if evaluated is None else evaluated[1]


def _write_report(book: Book, result: Result) -> tuple[Path, BookRecord] | None:
    """The report of this one book, as `avtalsbok report` makes it, saved beside the book as
    `<book> – rapport <Idag>.xlsx`: the path and the book's record, or None after a message
    box when the report is open or cannot be saved."""
    from ..report.records import record_of, unit_of
    from ..report.workbook import write_report
    from ..workbook.atomic import UNKNOWN_OWNER, WriteError
    from ..workbook.runner import Outcome

    path = Path(book.fullname)
    target = path.with_name(f"{path.stem} – rapport {result.today.isoformat()}.xlsx")
    outcome = Outcome(path, result, [f.with_book(path.name) for f in result.findings])
    record = record_of(outcome, unit_of(path, None))
    try:
        write_report(target, [record], result.today)
    except WriteError as exc:
        reason = (
            f"den är öppen hos {exc.owner or UNKNOWN_OWNER}. Stäng den och klicka igen."
            if exc.code == "file-locked"
            else f"{exc.reason}."
        )
        book.app.alert(
            f"Rapporten kunde inte sparas:\n{target}\n\n{reason}", title=TITLE, mode="critical"
        )
        return None
    return target, record


def _sent_message(
    deliveries: list[Delivery], settings: MailSettings, target: Path, day: date
) -> str:
    """What became of each message: sent, put in the outbox, already sent today, or failed."""
    from ..mail.deliver import Status

    sent = [d for d in deliveries if d.status is Status.SENT]
    already = [d.recipient for d in deliveries if d.status is Status.ALREADY_SENT]
    parts = []
    if sent and settings.uses_smtp:
        parts.append("Rapporten är skickad till " + ", ".join(d.recipient for d in sent) + ".")
    elif sent:
        parts.append(
            "Ingen e-postserver är inställd, så e-posten är sparad i utkorgen. Öppna filen i "
            "Outlook och skicka den vidare därifrån:\n" + "\n".join(d.where for d in sent)
        )
    if already:
        parts.append(
            f"Rapporten per {day.isoformat()} är redan skickad till "
            + ", ".join(already)
            + " med samma innehåll och skickas inte igen. Ändrar du något i avtalsboken blir "
            "det en ny rapport, och den skickas."
        )
    parts.extend(f"Till {d.recipient}: {d.error}" for d in deliveries if d.error)
    parts.append(f"Rapporten är sparad här:\n{target}")
    return "\n\n".join(parts)


def _sent_line(deliveries: list[Delivery], settings: MailSettings) -> str:
    """`Rapporten är skickad till 2 mottagare.` and the like, for the status bar."""
    from ..mail.deliver import Status

    sent = "skickad till" if settings.uses_smtp else "sparad i utkorgen för"
    parts = []
    for status, what in (
        (Status.SENT, sent),
        (Status.ALREADY_SENT, "redan skickad till"),
        (Status.FAILED, "inte skickad till"),
    ):
        n = sum(1 for d in deliveries if d.status is status)
        if n:
            parts.append(f"{what} {counted(n, 'mottagare', 'mottagare')}")
    failed = " – se rutan" if any(d.error for d in deliveries) else ""
    return "Rapporten är " + (", ".join(parts) or "inte skickad") + failed + "."
