"""Sending a run's messages: skip what the ledger says has gone, send the rest, record each,
all under the ledger's lock so that two runs at once never both send."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .ledger import Ledger
from .message import Outgoing
from .transport import MailError, Transport

#: Said of a message a killed run may have sent already, and this run sent again.
INTERRUPTED_BEFORE = (
    "en tidigare körning avbröts medan detta skickades; det kan ha kommit fram två gånger"
)


class Status(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already-sent"
    FAILED = "failed"

    @property
    def swedish(self) -> str:
        return {
            Status.SENT: "skickat",
            Status.ALREADY_SENT: "redan skickat",
            Status.FAILED: "misslyckades",
        }[self]


@dataclass(frozen=True)
class Delivery:
    """What happened to one message."""

    kind: str
    recipient: str
    status: Status
    where: str = ""
    error: str = ""
    note: str = ""

    @property
    def done(self) -> bool:
        """Sent (or sent before) and noted in the ledger: nothing for anyone to look into."""
        return self.status is not Status.FAILED and not self.error

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "recipient": self.recipient,
            "status": self.status.value,
            "where": self.where,
            "error": self.error,
            "note": self.note,
        }


def deliver(
    outgoing: Sequence[Outgoing],
    transport: Transport,
    ledger: Ledger,
    *,
    now: datetime,
    force: bool = False,
) -> list[Delivery]:
    """Send every message not already in the ledger (all of them with `force`).

    The ledger is locked for the whole send (raises LedgerError when another run keeps it
    locked, or it cannot be read). A message that fails is reported and the others still go.
    Each message is noted as about to go before it is sent, and as sent after; a message that
    cannot be noted beforehand is not sent, and one sent but not noted afterwards is reported
    with an error, so the run does not end as if all were well.
    """
    out: list[Delivery] = []
    with ledger.locked(), transport:
        for item in outgoing:
            recipient = item.recipient.addr_spec
            if not force and ledger.contains(item.key):
                out.append(Delivery(item.kind, recipient, Status.ALREADY_SENT))
                continue
            again = ledger.interrupted(item.key)
            try:
                ledger.intend(item.key, now)
            except OSError as exc:
                error = f"inte skickat: kunde inte antecknas i {ledger.path}: {exc.strerror}"
                out.append(Delivery(item.kind, recipient, Status.FAILED, error=error))
                continue
            try:
                where = transport.send(item.message)
            except MailError as exc:
                with suppress(OSError):  # without it, the next run only says it may be twice
                    ledger.failed(item.key, now)
                out.append(Delivery(item.kind, recipient, Status.FAILED, error=str(exc)))
                continue
            try:
                ledger.record(item.key, where, now)
            except OSError as exc:
                error = f"skickat, men kunde inte antecknas i {ledger.path}: {exc.strerror}"
                out.append(Delivery(item.kind, recipient, Status.SENT, where, error))
                continue
            note = INTERRUPTED_BEFORE if again else ""
            out.append(Delivery(item.kind, recipient, Status.SENT, where, note=note))
    return out
