"""The report's sheets of what needs action: per avtalsansvarig over every book, and the
extension decisions and contracts ending within each book's warning window.

Each is a header of (title, width, number format) and a list of rows for the report
workbook's tables; the rules behind the figures are the engine's (`core/owners.py`,
`core/schedule.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..core.owners import HEADERS as OWNER_HEADERS
from ..core.owners import merged
from ..core.schedule import DECISION
from .records import DECISION_STEP, BookRecord, BookStatus

#: A cell of these sheets.
Value = str | int | date | None

OWNERS = "Per avtalsansvarig"
ENDING = "Beslut och avtalsslut"

#: (header, width, kind) as the report's tables take them.
OWNER_COLUMNS: tuple[tuple[str, int, str], ...] = (
    (OWNER_HEADERS[0], 28, ""),
    *((header, 14, "") for header in OWNER_HEADERS[1:]),
    ("Enheter", 40, ""),
)
ENDING_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Enhet", 24, ""),
    ("Fil", 24, ""),
    ("Avtals-ID", 12, ""),
    ("Avtalsnamn", 36, ""),
    ("Leverantör", 28, ""),
    ("Avtalsstatus", 22, ""),
    ("Beslut senast", 11, "date"),
    ("Slutdatum", 11, "date"),
    ("Dagar kvar", 9, ""),
    ("Nästa steg", 36, ""),
    ("Avtalsansvarig", 22, ""),
    ("E-post", 26, ""),
)
#: What to do about a contract that ends without an extension to decide.
ENDING_STEP = "Förbered ny upphandling eller avveckla avtalet"


def owner_rows(records: Sequence[BookRecord]) -> list[list[Value]]:
    """Each owner's counts added up over every readable book (the same name in any case is
    one owner), the most urgent first, with the units whose books they have something in."""
    usable = [r for r in records if r.status is not BookStatus.UNREADABLE]
    books: dict[str, dict[str, None]] = {}
    for r in usable:
        for load in r.owners:
            books.setdefault(load.owner.casefold(), {})[r.unit] = None
    return [
        [*load.cells(), ", ".join(books[load.owner.casefold()])]
        for load in merged(load for r in usable for load in r.owners)
    ]


def ending_rows(records: Sequence[BookRecord], today: date) -> list[list[Value]]:
    """Every contract with an extension to decide or ending within its book's warning window;
    days are counted from the book's own reference date to the decision, else the end."""
    rows: list[list[Value]] = []
    for r in records:
        day = r.today or today
        for e in r.ending:
            due = e.decide_by or e.end
            rows.append(
                [
                    r.unit,
                    r.file_name,
                    e.contract_id,
                    e.contract_name,
                    e.supplier,
                    e.status,
                    e.decide_by,
                    e.end,
                    (due - day).days if due else None,
                    DECISION_STEP if e.status == DECISION else ENDING_STEP,
                    e.owner,
                    e.email,
                ]
            )
    return rows
