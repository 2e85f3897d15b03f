"""The report e-mail: a Swedish subject and body with the key figures as text and as an HTML
table, and the report workbook attached."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from email.headerregistry import Address
from pathlib import Path

from ..report.totals import BOOKS, DEVIATIONS_PAST_DEADLINE, FOLLOW_UPS_OVERDUE, Figure
from .message import Outgoing, build, swedish_number

KIND = "rapport"


def subject(day: date, figures: Sequence[Figure]) -> str:
    """`Avtalsuppföljning 2026-11-02: 12 avtalsböcker, 40 försenade uppföljningar, ...`."""
    values = dict(figures)
    books = values.get(BOOKS, 0)
    return (
        f"Avtalsuppföljning {day.isoformat()}: "
        f"{swedish_number(books)} {'avtalsbok' if books == 1 else 'avtalsböcker'}, "
        f"{swedish_number(values.get(FOLLOW_UPS_OVERDUE, 0))} försenade uppföljningar, "
        f"{swedish_number(values.get(DEVIATIONS_PAST_DEADLINE, 0))} avvikelser efter tidsgränsen"
    )


def report_text(day: date, figures: Sequence[Figure], attachment: str) -> str:
    width = max((len(label) for label, _ in figures), default=0) + 2
    lines = [
        "Hej!",
        "",
        f"Här är den samlade avtalsuppföljningen per {day.isoformat()}.",
        "",
        *(f"{label:<{width}}{swedish_number(value):>10}" for label, value in figures),
        "",
        f"Hela rapporten finns i bilagan {attachment}: bladen Försenade uppföljningar och",
        "Försenade avvikelser visar vad som behöver göras, bladet Böcker hur varje avtalsbok",
        "gick och bladet Fel vad som behöver rättas i böckerna.",
        "",
        "Meddelandet skickades automatiskt av avtalsbok.",
    ]
    return "\n".join(lines) + "\n"


def report_html(day: date, figures: Sequence[Figure], attachment: str) -> str:
    rows = "\n".join(
        f'<tr><td>{html.escape(label)}</td><td style="text-align:right">'
        f"{html.escape(swedish_number(value))}</td></tr>"
        for label, value in figures
    )
    return (
        '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8"></head><body>\n'
        "<p>Hej!</p>\n"
        f"<p>Här är den samlade avtalsuppföljningen per {day.isoformat()}.</p>\n"
        '<table border="1" cellpadding="4" cellspacing="0" style="border-collapse:collapse">\n'
        "<thead><tr><th>Mått</th><th>Värde</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody></table>\n"
        f"<p>Hela rapporten finns i bilagan <b>{html.escape(attachment)}</b>: bladen "
        "<i>Försenade uppföljningar</i> och <i>Försenade avvikelser</i> visar vad som behöver "
        "göras, bladet <i>Böcker</i> hur varje avtalsbok gick och bladet <i>Fel</i> vad som "
        "behöver rättas i böckerna.</p>\n"
        "<p>Meddelandet skickades automatiskt av avtalsbok.</p>\n"
        "</body></html>\n"
    )


def report_messages(
    report: Path,
    day: date,
    figures: Sequence[Figure],
    sender: Address,
    recipients: Sequence[Address],
    max_attachment_bytes: int,
    *,
    reply_to: Sequence[str] = (),
    draft: bool = False,
) -> list[Outgoing]:
    """One message per recipient with the report attached (AttachmentTooLarge, OSError);
    replies to `reply_to`, a draft for the outbox with `draft`."""
    text = report_text(day, figures, report.name)
    body = report_html(day, figures, report.name)
    return [
        build(
            kind=KIND,
            day=day,
            sender=sender,
            recipient=recipient,
            subject=subject(day, figures),
            text=text,
            html=body,
            attachment=report,
            max_attachment_bytes=max_attachment_bytes,
            reply_to=reply_to,
            draft=draft,
        )
        for recipient in recipients
    ]
