"""The engine's input: raw rows of each sheet, as a reader found them, before any parsing.

A reader (the file reader, or the Excel button reading a live book) produces a `BookInput`;
the engine never sees a file. Rows keep their Excel row numbers and columns their letters, so
every finding can point at the cell an officer must fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .findings import Finding
from .schema import column_letter

#: One data row: (Excel row number, {header text as in the book: cell value}).
RawRow = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class SheetInput:
    """One sheet as read: where its header is, which headers stand where, and its data rows.

    `headers` maps column letter → header text exactly as it stands in the book (every
    non-empty header cell, the officer's own columns included). `rows` skips blank rows.
    `max_column` is the last used column (1-based) of the header row and data, so new
    computed columns can be added after it. `formulas` holds the cells (Excel row, column
    number) of the computed columns that hold a formula, where the reader can tell (the file
    reader of a plain sheet); the values in `rows` are then what the formula showed.
    """

    name: str
    header_row: int
    headers: dict[str, str]
    rows: list[RawRow]
    max_column: int = 0
    max_row: int = 0
    formulas: frozenset[tuple[int, int]] = frozenset()

    @classmethod
    def from_records(
        cls, name: str, records: list[dict[str, Any]], header_row: int = 1
    ) -> SheetInput:
        """A sheet from plain dicts (header → value), rows numbered from below the header.

        Header order is the order of first appearance. Convenient for tests, the demo
        generator and callers that build a book in memory.
        """
        order: dict[str, None] = {}
        for rec in records:
            for key in rec:
                order.setdefault(key, None)
        headers = {column_letter(i): h for i, h in enumerate(order, start=1)}
        rows = [(header_row + i, dict(rec)) for i, rec in enumerate(records, start=1)]
        return cls(
            name=name,
            header_row=header_row,
            headers=headers,
            rows=rows,
            max_column=len(headers),
            max_row=header_row + len(records),
        )


@dataclass(frozen=True)
class BookInput:
    """A whole workbook as read: its sheets by canonical name, and what the reader found.

    `sheets` is keyed by the canonical sheet name of `schema` (the reader matches names the
    way headers are matched); `sheet_names` maps canonical → name as it stands in the book.
    `date1904` tells how Excel serial numbers in cells are to be read. `shown` holds, by
    canonical name, the cells of regenerated sheets the reader read (rows from A1), so that a
    run can tell whether its new grid would change what the sheet shows.
    """

    name: str = "avtalsbok"
    sheets: dict[str, SheetInput] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    date1904: bool = False
    shown: dict[str, list[list[Any]]] = field(default_factory=dict)

    @classmethod
    def from_records(
        cls, sheets: dict[str, list[dict[str, Any]]], name: str = "avtalsbok"
    ) -> BookInput:
        """A book from {canonical sheet name: [row dicts]}."""
        return cls(
            name=name,
            sheets={s: SheetInput.from_records(s, recs) for s, recs in sheets.items()},
            sheet_names={s: s for s in sheets},
        )
