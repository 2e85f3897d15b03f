"""Sending a run's messages: skip what the ledger says has gone, send the rest, record each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .ledger import Ledger
from .message import Outgoing
from .transport import MailError, Transport


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

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "recipient": self.recipient,
            "status": self.status.value,
            "where": self.where,
            "error": self.error,
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

    A message that fails is reported and the others still go. The ledger line is written
    only after a message has gone.
    """
    out: list[Delivery] = []
    with transport:
        for item in outgoing:
            recipient = item.recipient.addr_spec
            if not force and ledger.contains(item.key):
                out.append(Delivery(item.kind, recipient, Status.ALREADY_SENT))
                continue
            try:
                where = transport.send(item.message)
            except MailError as exc:
                out.append(Delivery(item.kind, recipient, Status.FAILED, error=str(exc)))
                continue
            try:
                ledger.record(item.key, where, now)
            except OSError as exc:
                error = f"skickat, men kunde inte antecknas i {ledger.path}: {exc.strerror}"
                out.append(Delivery(item.kind, recipient, Status.SENT, where, error))
                continue
            out.append(Delivery(item.kind, recipient, Status.SENT, where))
    return out
