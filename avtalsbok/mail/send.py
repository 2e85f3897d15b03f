"""Sending a run's e-mail: the report to its recipients, the reminders to the contract owners,
each through the configured transport and past the ledger."""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from ..publish.ics import calendar_bytes
from ..report.records import BookRecord
from ..report.totals import Figure
from .deliver import Delivery, deliver
from .ledger import Ledger
from .reminders import Digests, digests, reminder_messages
from .report_message import report_messages
from .sanitize import address, addresses
from .transport import MailSettings, transport_for

SENDER_NAME = "Avtalsbok"


def send_report(
    report: Path,
    day: date,
    figures: Sequence[Figure],
    recipients: Sequence[str],
    settings: MailSettings,
    *,
    now: datetime,
    force: bool = False,
    context: ssl.SSLContext | None = None,
    reply_to: Sequence[str] = (),
) -> list[Delivery]:
    """The report to each recipient, unless the ledger says it has gone already. Replies go
    to `reply_to` (a book's `Svarsadress`), else to the configured one.

    Raises AddressError for a bad address and AttachmentTooLarge before anything is sent.
    """
    sender = address(settings.sender, SENDER_NAME)
    messages = report_messages(
        report,
        day,
        figures,
        sender,
        addresses(list(recipients)),
        settings.max_attachment_bytes,
        reply_to=tuple(reply_to) or settings.reply_to,
        draft=not settings.uses_smtp,
    )
    return deliver(
        messages, transport_for(settings, context), Ledger(settings.outbox), now=now, force=force
    )


def send_reminders(
    records: Sequence[BookRecord],
    day: date,
    days: int,
    settings: MailSettings,
    *,
    now: datetime,
    force: bool = False,
    context: ssl.SSLContext | None = None,
) -> tuple[Digests, list[Delivery]]:
    """One digest per contract owner, unless the ledger says the same one has gone already.

    Records made with `export` give each owner their own calendar of their items (.ics).
    """
    found = digests(records)
    sender = address(settings.sender, SENDER_NAME)
    books = [r.export for r in records if r.export is not None]
    calendars = {
        d.recipient.addr_spec.lower(): calendar_bytes(books, day, owner=d.recipient.addr_spec)
        for d in found.digests
        if books
    }
    messages = reminder_messages(
        found,
        day,
        days,
        sender,
        calendars,
        reply_to=settings.reply_to,
        draft=not settings.uses_smtp,
    )
    sent = deliver(
        messages, transport_for(settings, context), Ledger(settings.outbox), now=now, force=force
    )
    return found, sent
