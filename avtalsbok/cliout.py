"""What the commands print: one book's run, a batch, a report, deliveries and reminders, as
text for a terminal (`textout`, never markup) or as strict JSON with `--json`.

`textout` (and with it rich) is imported where text is printed, not when the command starts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .core.words import counted, findings_text

if TYPE_CHECKING:
    from rich.console import Console

    from .mail.deliver import Delivery
    from .mail.reminders import Digests
    from .report.records import BookRecord
    from .report.totals import Totals
    from .workbook.runner import Outcome

#: Findings (`check`, `run`) or books (`batch`) listed on the terminal; the rest are counted.
MAX_LISTED = 200


def render_book(outcome: Outcome, as_json: bool, stream: TextIO) -> None:
    """One book's run (`check`, `run`, `demo`): its key figures, what was written, and its
    findings by sheet (at most `MAX_LISTED`)."""
    if as_json:
        dump(outcome.to_json(), stream)
        return
    from .textout import console_for, say

    console = console_for(stream)
    say(console, ("Avtalsbok:", "bold"), f" {outcome.path}")
    s = outcome.summary()
    if s is not None:
        say(
            console,
            f"Idag {s['today']} · {s['contracts']} avtal "
            f"({counted(s['active'], 'aktivt', 'aktiva')}) · "
            f"prioritet 1/2/3: {'/'.join(str(n) for n in s['tiers'])}",
        )
        say(
            console,
            f"Försenade uppföljningar {s['follow_ups_overdue']} · inom 30 dagar "
            f"{s['follow_ups_due_30']} · löper ut {s['expiring']} · förlängningsbeslut "
            f"{s['extension_decisions']} · öppna avvikelser {s['open_deviations']} "
            f"({s['overdue_action_plans']} med passerad åtgärdsplan)",
        )
    errors = outcome.errors
    warnings = len(outcome.findings) - errors
    colour = "red" if errors else ("yellow" if warnings else "green")
    say(console, (findings_text(errors, warnings), colour))
    if outcome.written:
        say(console, "Arbetsboken är uppdaterad.")
    elif outcome.unchanged:
        say(console, f"{outcome.reason}: arbetsboken visar redan allt och sparades inte om.")
    by_sheet: dict[str, list[Any]] = {}
    for f in outcome.findings[:MAX_LISTED]:
        by_sheet.setdefault(f.sheet or "Arbetsboken", []).append(f)
    for sheet, items in by_sheet.items():
        say(console, "\n", (sheet, "bold"))
        for f in items:
            where = " ".join(x for x in (f"rad {f.row}" if f.row else "", f.column or "") if x)
            style = "red" if f.is_error else "yellow"
            label = "Fel" if f.is_error else "Varning"
            say(
                console,
                "  ",
                (f"{label:7}", style),
                f" {where:10} {f.message} ",
                (f"({f.code})", "dim"),
            )
    if len(outcome.findings) > MAX_LISTED:
        say(console, f"\n… och {len(outcome.findings) - MAX_LISTED} till: se bladet Fel.")


def render_batch(result: Any, as_json: bool, stream: TextIO) -> None:
    """A batch run: the totals, the books that need attention, and what was written and sent."""
    if as_json:
        dump(result.to_json(), stream)
        return
    from .report.records import BookStatus
    from .textout import console_for, say

    console = console_for(stream)
    t = result.totals
    colour = "green" if result.all_fine else "yellow"
    say(
        console,
        (f"{counted(t.books, 'avtalsbok', 'avtalsböcker')}:", f"bold {colour}"),
        f" {t.ok} utan fel, {t.with_errors} med fel, "
        f"{counted(t.skipped, 'överhoppad (öppen)', 'överhoppade (öppna)')}, "
        f"{t.unreadable} kan inte läsas",
    )
    if not result.options.dry_run:
        say(
            console,
            f"{t.updated} uppdaterade, {t.unchanged} oförändrade (inget att uppdatera, "
            "sparades inte om)",
        )
    say(
        console,
        f"{t.contracts} avtal · "
        f"{counted(t.follow_ups_overdue, 'försenad uppföljning', 'försenade uppföljningar')} · "
        f"{counted(t.open_deviations, 'öppen avvikelse', 'öppna avvikelser')}, "
        f"varav {t.deviations_past_deadline} med "
        "passerad åtgärdsplan",
    )
    labels = {
        BookStatus.ERRORS: ("Fel i data", "red"),
        BookStatus.SKIPPED: ("Överhoppad", "yellow"),
        BookStatus.UNREADABLE: ("Kan inte läsas", "red"),
    }
    listed = [r for r in result.records if r.status in labels]
    for r in listed[:MAX_LISTED]:
        why = r.problem or f"{r.errors} fel – se bladet Fel i boken"
        say(console, "  ", labels[r.status], f" {r.path}: {why}")
    if len(listed) > MAX_LISTED:
        say(console, f"  … och {len(listed) - MAX_LISTED} till: se rapporten eller --json.")
    for path, reason in result.problems:
        say(console, "  ", ("Kunde inte söka i", "red"), f" {path}: {reason}")
    if result.options.dry_run:
        say(console, "Provkörning (--dry-run): ingen arbetsbok skrevs.")
    if result.report_written:
        say(console, f"Rapport: {result.options.report}")
    elif result.report_error:
        say(console, ("Rapporten kunde inte skrivas:", "red"), f" {result.report_error}")
    if result.katalog_written:
        say(console, f"Avtalskatalog: {result.options.katalog}")
    elif result.katalog_error:
        say(console, ("Avtalskatalogen kunde inte skrivas:", "red"), f" {result.katalog_error}")
    _render_deliveries(console, result.deliveries)
    if result.mail_error:
        say(console, ("E-post skickades inte:", "red"), f" {result.mail_error}")
    elif result.mail_note:
        say(console, f"E-post: {result.mail_note}")
    say(console, f"Tid {result.elapsed:.1f} s ({result.books_per_minute:.0f} böcker/minut)")


def _render_deliveries(console: Console, deliveries: Sequence[Any]) -> None:
    from .mail.deliver import Status
    from .textout import say

    for d in deliveries:
        colour = {Status.SENT: "green", Status.ALREADY_SENT: "dim", Status.FAILED: "red"}[d.status]
        where = f" ({d.where})" if d.where else ""
        extra = f": {d.error}" if d.error else (f" ({d.note})" if d.note else "")
        # Without an SMTP server the message is a file in the outbox: say so, not "skickat".
        text = "sparat i utkorgen" if d.where.endswith(".eml") else d.status.swedish
        say(console, f"E-post till {d.recipient}: ", (text, colour), f"{where}{extra}")


def dump(data: dict[str, Any], stream: TextIO) -> None:
    """Strict JSON: a number JSON cannot hold (NaN, infinity) raises rather than being printed."""
    json.dump(data, stream, ensure_ascii=False, indent=2, default=str, allow_nan=False)
    stream.write("\n")


def render_report(path: Path, totals: Totals, as_json: bool, stream: TextIO) -> None:
    """`report`: where the report is, and its key figures."""
    if as_json:
        dump({**totals.to_json(), "report": str(path)}, stream)
        return
    print(f"Rapport: {path}", file=stream)
    for label, value in totals.key_figures():
        print(f"  {label}: {value}", file=stream)


def render_mail(deliveries: Sequence[Delivery], as_json: bool, stream: TextIO) -> None:
    """`mail`: each message, sent, already sent, saved in the outbox or failed."""
    if as_json:
        dump({"mail": [d.to_json() for d in deliveries]}, stream)
        return
    from .textout import console_for

    _render_deliveries(console_for(stream), deliveries)


def render_reminders(
    books: int,
    unreadable: Sequence[BookRecord],
    digests: Digests,
    deliveries: Sequence[Delivery],
    as_json: bool,
    stream: TextIO,
) -> None:
    """`remind`: the reminders from how many books, each delivery, the books that could not be
    read, and the items without an address."""
    if as_json:
        dump(
            {
                "books": books,
                "unreadable": [r.path for r in unreadable],
                "reminders": len(digests.digests),
                "without_address": len(digests.unaddressed),
                "mail": [d.to_json() for d in deliveries],
            },
            stream,
        )
        return
    from .textout import console_for, say

    console = console_for(stream)
    say(
        console,
        f"{counted(len(digests.digests), 'påminnelse', 'påminnelser')} från "
        f"{counted(books, 'avtalsbok', 'avtalsböcker')}",
    )
    _render_deliveries(console, deliveries)
    for r in unreadable:
        say(console, ("Kan inte läsas", "red"), f" {r.path}: {r.problem}")
    if digests.unaddressed:
        say(
            console,
            (
                f"{counted(len(digests.unaddressed), 'post har', 'poster har')} "
                "ingen giltig e-postadress "
                "i kolumnen E-post och kunde inte skickas.",
                "yellow",
            ),
        )
