"""Where a result goes in the book: cell by cell, sheet by sheet, as a plan any writer carries out.

The file writer and the Excel buttons both apply the same `WritePlan`: computed columns found by
header (or added after the last used column, header included), the regenerated sheets as grids
from A1, and new `Händelselogg` rows under the book's own log columns. Input columns are never
in the plan: the officer's cells are not touched.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from . import schema
from .book import BookInput, SheetInput
from .engine import Result
from .schema import column_index, column_letter, header_lookup, normalize_header

Grid = list[list[Any]]


@dataclass
class WritePlan:
    """Everything a run writes.

    `cells`: sheet name as in the book → {A1 reference: value}; `replace`: sheet → grid written
    from A1, replacing what was there; `append`: sheet → rows added after the last row;
    `add_sheets`: sheets the book lacks, to be created first (in this order).
    """

    cells: dict[str, dict[str, Any]] = field(default_factory=dict)
    replace: dict[str, Grid] = field(default_factory=dict)
    append: dict[str, Grid] = field(default_factory=dict)
    add_sheets: list[str] = field(default_factory=list)


def locate_columns(
    sheet: SheetInput, definition: schema.SheetDef, wanted: tuple[schema.Column, ...]
) -> tuple[dict[str, str], dict[str, str]]:
    """Column key → letter in this book for `wanted`, and {A1: header} for those to be added.

    A column is found by its header (or an alias); a missing one goes after the last used
    column, in schema order.
    """
    lookup = header_lookup(definition)
    present: dict[str, str] = {}
    for letter, text in sorted(sheet.headers.items(), key=lambda kv: column_index(kv[0])):
        key = lookup.get(normalize_header(text))
        if key is not None:
            present.setdefault(key, letter)
    letters: dict[str, str] = {}
    new_headers: dict[str, str] = {}
    next_col = max(sheet.max_column, *(column_index(x) for x in sheet.headers), 0) + 1
    for col in wanted:
        if col.key in present:
            letters[col.key] = present[col.key]
        else:
            letters[col.key] = letter = column_letter(next_col)
            next_col += 1
            new_headers[f"{letter}{sheet.header_row}"] = col.header
    return letters, new_headers


def plan_writes(
    book: BookInput,
    result: Result,
    *,
    columns: Collection[str] | None = None,
    sheets: Collection[str] | None = None,
) -> WritePlan:
    """The plan for one evaluated book.

    `columns` limits the computed columns written to these column keys (`check` for each
    row's `Kontroll` only), `sheets` the other sheets written – the regenerated ones and
    `Händelselogg` – to these names; None writes all of them.
    """
    plan = WritePlan()
    for sheet_name, rows in result.computed.items():
        sheet = book.sheets.get(sheet_name)
        if sheet is None:
            continue
        definition = schema.DATA_SHEETS[sheet_name]
        wanted = tuple(
            c for c in definition.computed_columns if columns is None or c.key in columns
        )
        letters, new_headers = locate_columns(sheet, definition, wanted)
        cells: dict[str, Any] = dict(new_headers)
        for excel_row, values in rows.items():
            for key, letter in letters.items():
                cells[f"{letter}{excel_row}"] = values.get(key)
        if cells:
            plan.cells[book.sheet_names.get(sheet_name, sheet_name)] = cells
    for name, grid in result.sheets().items():
        if sheets is not None and name not in sheets:
            continue
        if name not in book.sheet_names:
            plan.add_sheets.append(name)
        plan.replace[book.sheet_names.get(name, name)] = grid
    if sheets is not None and schema.HANDELSELOGG not in sheets:
        return plan
    log_rows = result.log_grid()
    log_sheet = book.sheets.get(schema.HANDELSELOGG)
    log_def = schema.HANDELSELOGG_SHEET
    if log_sheet is None:
        plan.add_sheets.append(schema.HANDELSELOGG)
        headers = [c.header for c in log_def.columns]
        plan.replace[schema.HANDELSELOGG] = [headers] + [
            [r[c.key] for c in log_def.columns] for r in log_rows
        ]
    elif log_rows:
        letters, new_headers = locate_columns(log_sheet, log_def, log_def.columns)
        if new_headers:
            plan.cells.setdefault(book.sheet_names[schema.HANDELSELOGG], {}).update(new_headers)
        width = max(column_index(x) for x in letters.values())
        appended: Grid = []
        for r in log_rows:
            line: list[Any] = [None] * width
            for key, letter in letters.items():
                line[column_index(letter) - 1] = r[key]
            appended.append(line)
        plan.append[book.sheet_names[schema.HANDELSELOGG]] = appended
    return plan
