"""Building messages: safe headers, a plain-text and an HTML part, an optional attachment.

Every header value passes `sanitize`; the recipient gets a message of their own, so nobody
sees who else received it. Replies go to `Reply-To` when one is given. A message for the outbox
is a draft (`X-Unsent: 1`): Outlook opens such an `.eml` file as a new message to send, not as
a received one. The content hash (subject, text and attachment) is what the ledger compares to
tell a re-send of the same message from a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from .ledger import LedgerKey
from .sanitize import AddressError, address, file_name, header_text
from .transport import KIND_HEADER

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
#: The file name of a calendar attached to a message.
CALENDAR_FILE = "avtalsbok.ics"
#: Outlook opens an `.eml` file with this header as an unsent message, ready to send.
DRAFT_HEADER = "X-Unsent"


class AttachmentTooLarge(Exception):
    """The attachment is bigger than the configured limit; `str()` says so in Swedish."""


@dataclass(frozen=True)
class Outgoing:
    """One message for one recipient, with the key the ledger knows it by."""

    kind: str
    recipient: Address
    message: EmailMessage
    key: LedgerKey


def build(
    *,
    kind: str,
    day: date,
    sender: Address,
    recipient: Address,
    subject: str,
    text: str,
    html: str,
    attachment: Path | None = None,
    max_attachment_bytes: int | None = None,
    calendar: bytes | None = None,
    reply_to: Sequence[str] = (),
    draft: bool = False,
) -> Outgoing:
    """A message to one recipient, with an optional file and an optional calendar (.ics).
    Raises AttachmentTooLarge (before reading the file) and OSError when the attachment
    cannot be read.

    `reply_to` addresses that are not strictly valid are left out (those from a book were
    reported by its settings check already); `draft` marks a message for the outbox."""
    data = b""
    if attachment is not None:
        size = attachment.stat().st_size
        if max_attachment_bytes is not None and size > max_attachment_bytes:
            raise AttachmentTooLarge(
                f"Bilagan {attachment.name} är {_mb(size)} MB, mer än gränsen "
                f"{_mb(max_attachment_bytes)} MB; den skickas inte. Höj gränsen med "
                "--max-attachment-mb eller AVTALSBOK_MAIL_MAX_MB, eller dela upp rapporten."
            )
        data = attachment.read_bytes()
    clean_subject = header_text(subject)
    msg = EmailMessage()
    msg["Subject"] = clean_subject
    msg["From"] = sender
    msg["To"] = recipient
    replies = _valid(reply_to)
    if replies:
        msg["Reply-To"] = replies
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.domain)
    msg[KIND_HEADER] = kind
    if draft:
        msg[DRAFT_HEADER] = "1"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if attachment is not None:
        maintype, subtype = XLSX_TYPE
        msg.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=file_name(attachment.name)
        )
    if calendar is not None:
        msg.add_attachment(
            calendar,
            maintype="text",
            subtype="calendar",
            filename=CALENDAR_FILE,
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    digest = hashlib.sha256()
    for part in (clean_subject.encode(), text.encode(), data, calendar or b""):
        digest.update(hashlib.sha256(part).digest())
    key = LedgerKey(kind, day, recipient.addr_spec, digest.hexdigest()[:32])
    return Outgoing(kind, recipient, msg, key)


def _valid(emails: Sequence[str]) -> list[Address]:
    out = []
    for email in emails:
        try:
            out.append(address(email))
        except AddressError:
            continue
    return out


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def swedish_number(value: float) -> str:
    """`12 345` and `12,5`: numbers as a Swedish reader writes them."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u00a0")
    return f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",")
