"""The follow-up plan as an iCalendar file (RFC 5545) for Outlook and other calendars.

One all-day event per planned item, with an alarm some days before (`Kalenderpåminnelse`).
Each item has a stable UID (its book's file name and its identity in the book), so importing a
newer file updates the events instead of duplicating them. SEQUENCE is the number of days from
2000-01-01 to the reference date: it grows with every day's export without keeping any state,
so a moved date seen in a later export always wins; an export of the same day gives the same
bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from ..core.words import counted
from .facts import BookExport, Item, contract_title

PRODID = "-//avtalsbok//Avtalsuppföljning//SV"
CALENDAR_NAME = "Avtalsuppföljning"
#: SEQUENCE counts days from here.
SEQUENCE_EPOCH = date(2000, 1, 1)


def sequence(today: date) -> int:
    """The SEQUENCE of every event exported at `today`."""
    return max(0, (today - SEQUENCE_EPOCH).days)


def calendar_bytes(books: Sequence[BookExport], today: date, owner: str | None = None) -> bytes:
    """The items of `books` (only `owner`'s, by e-mail, ignoring case) as an .ics file."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    seen: set[str] = set()
    for book, item in owner_items(books, owner):
        # The file name alone, unless another unit's book of the same name has the same item.
        names = (book.file_name, f"{book.unit}/{book.file_name}", book.path)
        uid = next(u for u in (_uid(n, item.key) for n in names) if u not in seen)
        seen.add(uid)
        cal.add_component(_event(book, item, uid, today))
    data: bytes = cal.to_ical()
    return data


def owner_items(
    books: Sequence[BookExport], owner: str | None = None
) -> Iterable[tuple[BookExport, Item]]:
    """The items a calendar holds, books in order: all of them, or `owner`'s (by e-mail)."""
    wanted = owner.casefold() if owner else None
    ordered = sorted(books, key=lambda b: (b.unit, b.file_name, b.path))
    for book in ordered:
        for item in book.items:
            if wanted is None or item.row.email.casefold() == wanted:
                yield book, item


def _uid(book: str, key: str) -> str:
    digest = hashlib.sha256(f"{book}\x1f{key}".encode()).hexdigest()[:32]
    return f"{digest}@avtalsbok"


def _event(book: BookExport, item: Item, uid: str, today: date) -> Event:
    row = item.row
    title = contract_title(row.contract_id, row.contract_name, row.supplier)
    summary = f"{item.kind.label}: {title}"
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence(today))
    event.add("dtstamp", datetime(today.year, today.month, today.day, tzinfo=UTC))
    event.add("dtstart", row.date)
    event.add("dtend", row.date + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", _description(book, item))
    event.add("categories", ["Avtalsuppföljning"])
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(days=-book.alarm_days))
    event.add_component(alarm)
    return event


def _description(book: BookExport, item: Item) -> str:
    row = item.row
    facts = book.contract(row.contract_id)
    late = f" ({counted(row.days_late, 'dag', 'dagar')})" if row.days_late else ""
    lines = [row.activity + (f" – {row.status}{late}" if row.status else "")]
    lines.append(f"Avtal: {contract_title(row.contract_id, row.contract_name, '')}")
    if row.supplier:
        lines.append(f"Leverantör: {row.supplier}")
    if facts is not None:
        if facts.category:
            lines.append(f"Kategori: {facts.category}")
        if facts.start or facts.end:
            lines.append(f"Avtalsperiod: {_day(facts.start)} – {_day(facts.end)}")
        if facts.status:
            lines.append(f"Avtalsstatus: {facts.status}")
    if row.tier is not None:
        lines.append(f"Prioritet: {row.tier}")
    email = f"<{row.email}>" if row.email else ""
    if row.owner or email:
        lines.append("Ansvarig: " + " ".join(x for x in (row.owner, email) if x))
    lines.append(f"Avtalsbok: {book.label}")
    return "\n".join(lines)


def _day(d: date | None) -> str:
    return d.isoformat() if d else "?"
