"""The report's lists of contracts with a decision ahead, across books: those that need a new
procurement (status `Ny upphandling krävs`) and those whose evaluation before an extension
decision or the end is due (each book's `Utvärdering`).

Each list is a sheet name, its columns as (header, width, number-format kind) and its rows,
one per contract, for the report workbook to write as it writes its other lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .records import BookRecord

PROCUREMENTS = "Ny upphandling krävs"
EVALUATIONS_DUE = "Utvärderingar inför beslut"

_CONTRACT: tuple[tuple[str, int, str], ...] = (
    ("Enhet", 24, ""),
    ("Fil", 24, ""),
    ("Avtals-ID", 12, ""),
    ("Avtalsnamn", 36, ""),
    ("Leverantör", 28, ""),
)
_OWNER: tuple[tuple[str, int, str], ...] = (("Avtalsansvarig", 22, ""), ("E-post", 30, ""))

PROCUREMENT_COLUMNS = (
    *_CONTRACT,
    ("Ny upphandling senast", 12, "date"),
    ("Dagar kvar", 9, ""),
    ("Senaste möjliga slutdatum", 12, "date"),
    *_OWNER,
)
EVALUATION_COLUMNS = (
    *_CONTRACT,
    ("Beslut", 20, ""),
    ("Beslutsdatum", 12, "date"),
    ("Utvärdera senast", 12, "date"),
    ("Förlängningar kvar", 10, ""),
    *_OWNER,
)

Cell = str | int | float | date | None


def procurement_rows(records: Sequence[BookRecord], today: date) -> list[list[Cell]]:
    """One row per contract that needs a new procurement, books in the given order."""
    return [
        [
            r.unit,
            r.file_name,
            d.contract_id,
            d.contract_name,
            d.supplier,
            d.day,
            (d.day - today).days if d.day else None,
            d.latest_end,
            d.owner,
            d.email,
        ]
        for r in records
        for d in r.procurements
    ]


def evaluation_rows(records: Sequence[BookRecord]) -> list[list[Cell]]:
    """One row per contract whose evaluation before a decision is due, books in order."""
    return [
        [
            r.unit,
            r.file_name,
            d.contract_id,
            d.contract_name,
            d.supplier,
            d.subject,
            d.day,
            d.evaluate_by,
            d.extensions_left,
            d.owner,
            d.email,
        ]
        for r in records
        for d in r.evaluations
    ]
