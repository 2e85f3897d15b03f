"""Where a result goes in the book: cell by cell, sheet by sheet, as a plan any writer carries out.

The file writer and the Excel buttons both apply the same `WritePlan`: computed columns found by
header (or added after the last used column, header included), the regenerated sheets as grids
from A1, and new `Händelselogg` rows under the book's own log columns. Input columns are never
in the plan: the officer's cells are not touched.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, ItemsView, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import schema
from .book import BookInput, SheetInput
from .computed import ComputedRow, values_of
from .engine import Result
from .overview import STAMP
from .schema import column_index, column_letter, header_lookup, normalize_header
from .shown import same_rows, same_shown

Grid = list[list[Any]]


class SheetCells(Mapping[str, Any]):
    """One sheet's single cells, row by row: `rows[excel row][column number] = value`.

    A file writer takes `rows` as they are; read as a mapping, the same cells come by A1
    reference (`{"X2": value}`) for writers that address cells that way.
    """

    __slots__ = ("rows",)

    def __init__(self, rows: dict[int, dict[int, Any]] | None = None) -> None:
        self.rows: dict[int, dict[int, Any]] = {} if rows is None else rows

    def __getitem__(self, ref: str) -> Any:
        letters = ref.rstrip("0123456789")
        digits = ref[len(letters) :]
        cells = self.rows.get(int(digits)) if digits.isdigit() else None
        if cells is None or not letters:
            raise KeyError(ref)
        return cells[column_index(letters)]

    def __iter__(self) -> Iterator[str]:
        return (ref for ref, _ in self._pairs())

    def __len__(self) -> int:
        return sum(map(len, self.rows.values()))

    def items(self) -> ItemsView[str, Any]:
        return _CellItems(self)

    def _pairs(self) -> Iterator[tuple[str, Any]]:
        for row, cells in self.rows.items():
            for col, value in cells.items():
                yield f"{column_letter(col)}{row}", value


class _CellItems(ItemsView[str, Any]):
    """(A1 reference, value) pairs straight from the rows, without a lookup per cell."""

    def __init__(self, cells: SheetCells) -> None:
        super().__init__(cells)
        self._cells = cells

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return self._cells._pairs()


@dataclass
class WritePlan:
    """Everything a run writes.

    `cells`: sheet name as in the book → its single cells (`SheetCells`); `replace`: sheet →
    grid written from A1, replacing what was there; `append`: sheet → rows added after the last
    row; `add_sheets`: sheets the book lacks, to be created first (in this order).
    """

    cells: dict[str, SheetCells] = field(default_factory=dict)
    replace: dict[str, Grid] = field(default_factory=dict)
    append: dict[str, Grid] = field(default_factory=dict)
    add_sheets: list[str] = field(default_factory=list)


def locate_columns(
    sheet: SheetInput, definition: schema.SheetDef, wanted: tuple[schema.Column, ...]
) -> tuple[dict[str, int], dict[int, str]]:
    """Column key → column number in this book for `wanted`, and {column number: header} for
    those to be added in the header row.

    A column is found by its header (or an alias); a missing one goes after the last used
    column, in schema order.
    """
    lookup = header_lookup(definition)
    present: dict[str, int] = {}
    for number, text in sorted((column_index(x), text) for x, text in sheet.headers.items()):
        key = lookup.get(normalize_header(text))
        if key is not None:
            present.setdefault(key, number)
    numbers: dict[str, int] = {}
    new_headers: dict[int, str] = {}
    next_col = max(sheet.max_column, *(column_index(x) for x in sheet.headers), 0) + 1
    for col in wanted:
        if col.key in present:
            numbers[col.key] = present[col.key]
        else:
            numbers[col.key] = next_col
            new_headers[next_col] = col.header
            next_col += 1
    return numbers, new_headers


def plan_writes(
    book: BookInput,
    result: Result,
    *,
    columns: Collection[str] | None = None,
    sheets: Collection[str] | None = None,
    changes_only: bool = False,
) -> WritePlan:
    """The plan for one evaluated book.

    `columns` limits the computed columns written to these column keys (`check` for each
    row's `Kontroll` only), `sheets` the other sheets written – the regenerated ones and
    `Händelselogg` – to these names; None writes all of them. With `changes_only` the plan
    holds only what changes what the book shows (`shown.same_shown`): a computed cell that
    already shows its new value is left out (unless it holds a formula), and so is a
    regenerated sheet the reader read (`book.shown`) whose new grid shows what it shows,
    `Översikt`'s time stamp (`overview.STAMP`) aside.
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
        numbers, new_headers = locate_columns(sheet, definition, wanted)
        values, columns_at = values_of(tuple(numbers)), list(numbers.values())
        cleared = (None,) * len(columns_at)
        if changes_only:
            by_row = _changed_cells(sheet, rows, values, cleared, columns_at)
        else:
            by_row = {
                excel_row: dict(
                    zip(columns_at, cleared if record is None else values(record), strict=True)
                )
                for excel_row, record in rows.items()
            }
        if new_headers:
            header_cells = by_row.setdefault(sheet.header_row, {})
            for number, header in new_headers.items():
                header_cells.setdefault(number, header)
        cells = SheetCells(by_row)
        if cells:
            plan.cells[book.sheet_names.get(sheet_name, sheet_name)] = cells
    for name, grid in result.sheets().items():
        if sheets is not None and name not in sheets:
            continue
        if name not in book.sheet_names:
            plan.add_sheets.append(name)
        elif changes_only and name in book.shown:
            ignore = STAMP if name == schema.OVERSIKT else None
            if same_rows(book.shown[name], grid, ignore=ignore):
                continue
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
        numbers, new_headers = locate_columns(log_sheet, log_def, log_def.columns)
        if new_headers:
            log_cells = plan.cells.setdefault(book.sheet_names[schema.HANDELSELOGG], SheetCells())
            log_cells.rows.setdefault(log_sheet.header_row, {}).update(new_headers)
        width = max(numbers.values())
        appended: Grid = []
        for r in log_rows:
            line: list[Any] = [None] * width
            for key, number in numbers.items():
                line[number - 1] = r[key]
            appended.append(line)
        plan.append[book.sheet_names[schema.HANDELSELOGG]] = appended
    return plan


def _changed_cells(
    sheet: SheetInput,
    rows: Mapping[int, ComputedRow | None],
    values: Callable[[ComputedRow], tuple[Any, ...]],
    cleared: tuple[None, ...],
    columns_at: list[int],
) -> dict[int, dict[int, Any]]:
    """Excel row → {column number: value} of the computed cells (`values` of each row's record,
    `cleared` for a row whose record is None) whose value differs from what the cell shows now
    (a column the book lacks shows nothing). A cell that holds a formula is always written: what
    it shows now is the formula's, and the run replaces the formula."""
    read: dict[int, dict[str, Any]] = dict(sheet.rows)
    formulas = sheet.formulas
    # Each column's header as it stands in the book is the key of its cells in the rows as
    # read, unless an earlier column has the same header (its cells are then not known here,
    # and the column is written whole).
    first: dict[str, int] = {}
    for letter, text in sorted(sheet.headers.items(), key=lambda item: column_index(item[0])):
        first.setdefault(text, column_index(letter))
    headers: list[tuple[int, str | None, bool]] = []
    for number in columns_at:
        header = sheet.headers.get(column_letter(number))
        headers.append((number, header, header is not None and first[header] != number))
    empty: dict[str, Any] = {}
    by_row: dict[int, dict[int, Any]] = {}
    for excel_row, record in rows.items():
        before = read.get(excel_row, empty)
        changed: dict[int, Any] | None = None
        new_values = cleared if record is None else values(record)
        for (number, header, unknown), new in zip(headers, new_values, strict=True):
            old = before.get(header) if header is not None else None
            if (
                not unknown
                and ((old.__class__ is new.__class__ and old == new) or same_shown(old, new))
                and not (formulas and (excel_row, number) in formulas)
            ):
                continue
            if changed is None:
                changed = by_row[excel_row] = {}
            changed[number] = new
    return by_row
