"""Reminders: one digest per contract owner of what is due in their contracts.

An owner is known by the `E-post` column of `Avtal`. Their digest lists, grouped by book, the
follow-ups due within the chosen number of days or already overdue, the extension decisions
coming up, the evaluations before a decision and the price adjustments due, and the deviations
on their contracts whose action-plan deadline has passed. Each book is named with its full path
and a link to it; each item says when it is due counted from the reminder's date (`om 5
dagar`, `försenad 12 dagar`) and what to do next. Replies go to the books' `Svarsadress`.
Items whose contract has no usable e-mail address cannot be sent and are counted instead.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from email.headerregistry import Address

from ..publish.facts import contract_title
from ..report.location import file_uri
from ..report.records import BookRecord, DueItem, LateDeviation, next_step
from .message import Outgoing, build
from .sanitize import AddressError, address

KIND = "paminnelse"


@dataclass(frozen=True)
class BookItems:
    """What one owner has to do in one book."""

    unit: str
    file_name: str
    follow_ups: tuple[DueItem, ...]
    decisions: tuple[DueItem, ...]
    deviations: tuple[LateDeviation, ...]
    #: the book's full path, and where replies about it go
    location: str = ""
    reply_to: tuple[str, ...] = ()
    evaluations: tuple[DueItem, ...] = ()
    price_adjustments: tuple[DueItem, ...] = ()
    #: the book's reference date: its items are counted from it
    today: date | None = None

    @property
    def label(self) -> str:
        return f"{self.unit} – {self.file_name}" if self.unit else self.file_name

    def day(self, reminder_day: date) -> date:
        """The date this book's items are counted from: its own, else the reminder's."""
        return self.today or reminder_day

    def own_date(self, reminder_day: date) -> str:
        """`Räknat per 2025-01-15` when the book's date is not the reminder's, else ``."""
        day = self.day(reminder_day)
        return f"Räknat per {day.isoformat()} (avtalsbokens Idag)" if day != reminder_day else ""


@dataclass(frozen=True)
class Digest:
    """One owner's reminder."""

    recipient: Address
    books: tuple[BookItems, ...]

    @property
    def follow_ups(self) -> int:
        return sum(len(b.follow_ups) for b in self.books)

    @property
    def decisions(self) -> int:
        return sum(len(b.decisions) for b in self.books)

    @property
    def deviations(self) -> int:
        return sum(len(b.deviations) for b in self.books)

    @property
    def reply_to(self) -> tuple[str, ...]:
        """The books' `Svarsadress`, each once, in book order."""
        seen: dict[str, str] = {}
        for book in self.books:
            for email in book.reply_to:
                seen.setdefault(email.lower(), email)
        return tuple(seen.values())

    @property
    def evaluations(self) -> int:
        return sum(len(b.evaluations) for b in self.books)

    @property
    def price_adjustments(self) -> int:
        return sum(len(b.price_adjustments) for b in self.books)


@dataclass(frozen=True)
class Digests:
    """The digests of a run, and the items that have no address to go to, per book."""

    digests: tuple[Digest, ...]
    #: (book path, contract id, the address as written or "") of items nobody can be told of
    unaddressed: tuple[tuple[str, str, str], ...] = field(default=())


@dataclass
class _Bucket:
    follow_ups: list[DueItem] = field(default_factory=list)
    decisions: list[DueItem] = field(default_factory=list)
    deviations: list[LateDeviation] = field(default_factory=list)
    evaluations: list[DueItem] = field(default_factory=list)
    price_adjustments: list[DueItem] = field(default_factory=list)


def digests(records: Sequence[BookRecord]) -> Digests:
    """Group the records' due items by owner e-mail (case-insensitively), books in order.

    The records already hold only what is due: they were made with the reminder's horizon.
    """
    per_owner: dict[str, dict[str, _Bucket]] = defaultdict(dict)
    names: dict[str, str] = {}
    unaddressed: list[tuple[str, str, str]] = []
    valid: dict[str, Address | None] = {}

    def bucket(email: str, name: str, r: BookRecord, contract: str) -> _Bucket | None:
        if email not in valid:
            try:
                valid[email] = address(email) if email else None
            except AddressError:
                valid[email] = None
        found = valid[email]
        if found is None:
            unaddressed.append((r.path, contract, email))
            return None
        key = found.addr_spec.lower()
        if name and key not in names:
            names[key] = name
        return per_owner[key].setdefault(r.path, _Bucket())

    ordered = sorted(records, key=lambda r: (r.unit, r.file_name, r.path))
    for r in ordered:
        for item in r.follow_ups:
            if b := bucket(item.email, item.owner, r, item.contract_id):
                b.follow_ups.append(item)
        for item in r.decisions:
            if b := bucket(item.email, item.owner, r, item.contract_id):
                b.decisions.append(item)
        for item in r.evaluation_items:
            if b := bucket(item.email, item.owner, r, item.contract_id):
                b.evaluations.append(item)
        for item in r.price_items:
            if b := bucket(item.email, item.owner, r, item.contract_id):
                b.price_adjustments.append(item)
        for d in r.late_deviations:
            if b := bucket(d.email, d.owner, r, d.contract_id):
                b.deviations.append(d)
    by_path = {r.path: r for r in ordered}
    out = []
    for key in sorted(per_owner):
        books = tuple(
            BookItems(
                by_path[path].unit,
                by_path[path].file_name,
                tuple(sorted(b.follow_ups, key=_due_order)),
                tuple(sorted(b.decisions, key=_due_order)),
                tuple(b.deviations),
                by_path[path].location,
                by_path[path].reply_to,
                tuple(sorted(b.evaluations, key=_due_order)),
                tuple(sorted(b.price_adjustments, key=_due_order)),
                by_path[path].today,
            )
            for path, b in per_owner[key].items()
        )
        out.append(Digest(address(key, names.get(key, "")), books))
    return Digests(tuple(out), tuple(unaddressed))


def _due_order(item: DueItem) -> tuple[date, str, str]:
    return (item.date, item.contract_id, item.activity)


def subject(digest: Digest, day: date) -> str:
    parts = []
    for n, one, many in (
        (digest.follow_ups, "uppföljning", "uppföljningar"),
        (digest.decisions, "förlängningsbeslut", "förlängningsbeslut"),
        (digest.evaluations, "utvärdering", "utvärderingar"),
        (digest.price_adjustments, "prisjustering", "prisjusteringar"),
        (digest.deviations, "avvikelse", "avvikelser"),
    ):
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    listed = ", ".join(parts[:-1]) + (" och " if len(parts) > 1 else "") + parts[-1]
    return f"Påminnelse {day.isoformat()}: {listed} att hantera i dina avtal"


def when(due: date, day: date) -> str:
    """When something is due, counted from the reminder's date: `om 5 dagar`, `i dag`,
    `försenad 1 dag`. The reminder's own window decides what is listed; this says how near."""
    days = (due - day).days
    unit = "dag" if abs(days) == 1 else "dagar"
    if days < 0:
        return f"försenad {-days} {unit}"
    return f"om {days} {unit}" if days else "i dag"


def _follow_up_line(i: DueItem, day: date) -> str:
    return (
        f"{i.date.isoformat()}  {contract_title(i.contract_id, i.contract_name, i.supplier)}: "
        f"{i.activity}, {when(i.date, day)} – {next_step(i)}"
    )


def _decision_line(i: DueItem, day: date) -> str:
    return (
        f"{i.date.isoformat()}  {contract_title(i.contract_id, i.contract_name, i.supplier)}: "
        f"sista dag att besluta om förlängning, {when(i.date, day)} – {next_step(i)}"
    )


def _deviation_line(d: LateDeviation, day: date) -> str:
    deadline = (
        f"{d.deadline.isoformat()} ({when(d.deadline, day)})" if d.deadline else "okänt datum"
    )
    return (
        f"{d.deviation_id} på {contract_title(d.contract_id, d.contract_name, d.supplier)}: "
        f"{d.severity or 'okänd allvarlighetsgrad'}, steg {d.step}, åtgärdsplan senast "
        f"{deadline} – {next_step(d)}"
    )


_SECTIONS = (
    ("Uppföljningar", "follow_ups", _follow_up_line),
    ("Förlängningsbeslut", "decisions", _decision_line),
    ("Utvärderingar inför beslut", "evaluations", _follow_up_line),
    ("Prisjusteringar", "price_adjustments", _follow_up_line),
    ("Avvikelser efter tidsgränsen för åtgärdsplanen", "deviations", _deviation_line),
)


def _intro(day: date, days: int) -> str:
    return (
        f"Det här väntar i dina avtal per {day.isoformat()}: uppföljningar inom {days} "
        f"{'dag' if days == 1 else 'dagar'} och sådant som är försenat, förlängningsbeslut, "
        "utvärderingar och prisjusteringar som närmar sig och avvikelser där tidsgränsen för "
        "åtgärdsplanen har passerat. Efter varje rad står nästa steg."
    )


def digest_text(digest: Digest, day: date, days: int) -> str:
    name = digest.recipient.display_name
    lines = [f"Hej {name}!" if name else "Hej!", "", _intro(day, days)]
    for book in digest.books:
        lines += ["", book.label]
        if book.location:
            lines.append(f"  Avtalsboken: {book.location}")
            lines.append(f"  <{file_uri(book.location)}>")
        if own := book.own_date(day):
            lines.append(f"  {own}")
        for title, attr, line in _SECTIONS:
            items = getattr(book, attr)
            if items:
                lines.append(f"  {title}")
                lines += [f"    {line(item, book.day(day))}" for item in items]
    lines += [
        "",
        "För in genomförda uppföljningar på bladet Uppföljningar och nya steg på bladet "
        "Avvikelser i avtalsboken, så kommer de inte med i nästa påminnelse.",
        "",
        "Meddelandet skickades automatiskt av avtalsbok.",
    ]
    return "\n".join(lines) + "\n"


def digest_html(digest: Digest, day: date, days: int) -> str:
    e = html.escape
    name = digest.recipient.display_name
    parts = [
        '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8"></head><body>',
        f"<p>Hej {e(name)}!</p>" if name else "<p>Hej!</p>",
        f"<p>{e(_intro(day, days))}</p>",
    ]
    for book in digest.books:
        parts.append(f"<h3>{e(book.label)}</h3>")
        if book.location:
            parts.append(
                f'<p>Avtalsboken: <a href="{e(file_uri(book.location))}">{e(book.location)}</a></p>'
            )
        if own := book.own_date(day):
            parts.append(f"<p>{e(own)}</p>")
        for title, attr, line in _SECTIONS:
            items = getattr(book, attr)
            if items:
                parts.append(f"<p><b>{e(title)}</b></p><ul>")
                parts += [f"<li>{e(line(item, book.day(day)))}</li>" for item in items]
                parts.append("</ul>")
    parts += [
        "<p>För in genomförda uppföljningar på bladet <i>Uppföljningar</i> och nya steg på "
        "bladet <i>Avvikelser</i> i avtalsboken, så kommer de inte med i nästa påminnelse.</p>",
        "<p>Meddelandet skickades automatiskt av avtalsbok.</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def reminder_messages(
    found: Digests,
    day: date,
    days: int,
    sender: Address,
    calendars: Mapping[str, bytes] | None = None,
    *,
    reply_to: Sequence[str] = (),
    draft: bool = False,
) -> list[Outgoing]:
    """One message per owner, with their calendar (`calendars` by lower-case address).
    Replies go to the owner's books' `Svarsadress`, else to `reply_to`; `draft` marks messages
    for the outbox, to be opened and sent by hand."""
    return [
        build(
            kind=KIND,
            day=day,
            sender=sender,
            recipient=d.recipient,
            subject=subject(d, day),
            text=digest_text(d, day, days),
            html=digest_html(d, day, days),
            calendar=(calendars or {}).get(d.recipient.addr_spec.lower()),
            reply_to=d.reply_to or tuple(reply_to),
            draft=draft,
        )
        for d in found.digests
    ]
