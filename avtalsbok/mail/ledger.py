"""What has been sent: a small append-only ledger beside the outbox, so a re-run does not
send the same message to the same person twice.

Each line is one JSON object: kind, reference date, recipient, content hash, when and where
it went. A message is the same when all four keys match; `--force` sends anyway. A line is
written only after the message has gone, in one write of a complete line.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

LEDGER_NAME = ".avtalsbok-skickat.jsonl"


@dataclass(frozen=True)
class LedgerKey:
    """What makes two messages the same: kind, reference date, recipient and content."""

    kind: str
    date: date
    recipient: str
    digest: str

    def as_tuple(self) -> tuple[str, str, str, str]:
        return (self.kind, self.date.isoformat(), self.recipient.lower(), self.digest)


class Ledger:
    """The ledger file `LEDGER_NAME` in a folder."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LEDGER_NAME
        self._sent: set[tuple[str, str, str, str]] | None = None

    def contains(self, key: LedgerKey) -> bool:
        return key.as_tuple() in self._load()

    def record(self, key: LedgerKey, where: str, now: datetime) -> None:
        """Add one line for a message that has been sent (raises OSError)."""
        kind, day, recipient, digest = key.as_tuple()
        line = json.dumps(
            {
                "kind": kind,
                "date": day,
                "recipient": recipient,
                "digest": digest,
                "sent": now.isoformat(timespec="seconds"),
                "via": where,
            },
            ensure_ascii=False,
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as out:
            # A line cut short by an earlier crash must not swallow this one.
            start = b"\n" if out.tell() and not self._ends_with_newline() else b""
            out.write(start + line.encode("utf-8") + b"\n")
            out.flush()
            os.fsync(out.fileno())
        self._load().add(key.as_tuple())

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"

    def _load(self) -> set[tuple[str, str, str, str]]:
        if self._sent is None:
            self._sent = set()
            try:
                text = self.path.read_text(encoding="utf-8", errors="replace")
            except FileNotFoundError:
                text = ""
            for line in text.splitlines():
                try:
                    entry = json.loads(line)
                    key = (entry["kind"], entry["date"], entry["recipient"], entry["digest"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a crash: ignore it
                if all(isinstance(part, str) for part in key):
                    self._sent.add(key)
        return self._sent
