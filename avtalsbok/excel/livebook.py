"""The workbook open in Excel, through xlwings: read its tables in bulk, write a plan back in bulk.

Each input sheet is read with one call (its used range as a 2-D list) and turned into the engine's
input by the same code as the file reader; its computed columns' formulas are read with one call
per run of adjacent computed columns. A `WritePlan` is written back one rectangle at a
time: the computed cells grouped into contiguous blocks, each regenerated sheet as one grid, the
new log rows as one block; Excel tables grow or shrink with the rows the way the file writer
makes them, and `Översikt` gets the goal table's colours where it lacks them, as the file
writer gives them. Excel keeps everything else in the book.

The xlwings objects are described by the protocols below: exactly the attributes used here,
with xlwings' own signatures, so that mypy checks the real objects against them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Protocol

from ..core import schema
from ..core.book import BookInput, SheetInput
from ..core.output import Grid, WritePlan, locate_columns
from ..core.schema import column_index
from ..workbook import reader
from ..workbook.colours import VERDICT_FORMATS, verdict_range

CellRef = str | tuple[int, int]
#: `XlFormatConditionType.xlCellValue` and `XlFormatConditionOperator.xlEqual`.
_XL_CELL_VALUE, _XL_EQUAL = 1, 3


class Range(Protocol):
    """`xlwings.Range`."""

    @property
    def value(self) -> Any: ...
    @value.setter
    def value(self, data: Any) -> None: ...
    @property
    def row(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def last_cell(self) -> Range: ...
    @property
    def formula(self) -> Any: ...
    def options(self, convert: Any = None, **options: Any) -> Range: ...
    def clear_contents(self) -> None: ...


class Table(Protocol):
    """`xlwings.main.Table`."""

    @property
    def range(self) -> Range: ...
    @property
    def show_headers(self) -> bool: ...
    def resize(self, range: Any) -> None: ...  # an xlwings Range


class Tables(Protocol):
    """`xlwings.main.Tables`."""

    def __iter__(self) -> Iterator[Table]: ...


class Sheet(Protocol):
    """`xlwings.Sheet`."""

    @property
    def name(self) -> str: ...
    @property
    def used_range(self) -> Range: ...
    @property
    def tables(self) -> Tables: ...
    def range(self, cell1: CellRef, cell2: CellRef | None = None) -> Range: ...
    def activate(self) -> None: ...
    @property
    def api(self) -> Any: ...


class Sheets(Protocol):
    """`xlwings.main.Sheets`."""

    def __iter__(self) -> Iterator[Sheet]: ...
    def __getitem__(self, key: int | str) -> Sheet: ...
    def __len__(self) -> int: ...
    @property
    def active(self) -> Sheet: ...
    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> Sheet: ...


class App(Protocol):
    """`xlwings.App`."""

    @property
    def screen_updating(self) -> bool: ...
    @screen_updating.setter
    def screen_updating(self, value: bool) -> None: ...
    @property
    def status_bar(self) -> str | bool: ...
    @status_bar.setter
    def status_bar(self, value: str | bool) -> None: ...
    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> str | None: ...


class Book(Protocol):
    """`xlwings.Book`."""

    @property
    def name(self) -> str: ...
    @property
    def fullname(self) -> str: ...
    @property
    def sheets(self) -> Sheets: ...
    @property
    def app(self) -> App: ...
    @property
    def api(self) -> Any: ...


# ---------------------------------------------------------------------------------------------
# Reading


def sheet_values(sheet: Sheet) -> list[list[Any]]:
    """Every cell from A1 to the end of the used range, as Excel gives them, in one read."""
    last = sheet.used_range.last_cell
    block = sheet.range((1, 1), (last.row, last.column))
    values: list[list[Any]] = block.options(ndim=2).value
    return values


def read_book(book: Book) -> BookInput:
    """The engine's input from the open book: the input sheets found by name, read in bulk,
    with the formulas of their computed columns (`formula_cells`)."""
    sheet_names = reader.canonical_names(s.name for s in book.sheets)
    values = {
        canonical: sheet_values(book.sheets[actual])
        for canonical, actual in sheet_names.items()
        if canonical in schema.INPUT_SHEETS
    }
    grids: dict[str, list[reader.GridRow]] = {
        canonical: [(r, 1, row) for r, row in enumerate(rows, 1)]
        for canonical, rows in values.items()
    }
    book_input = reader.book_from_grids(
        book.name, sheet_names, grids, date1904=bool(book.api.Date1904)
    )
    for canonical, read in book_input.sheets.items():
        sheet = book.sheets[sheet_names[canonical]]
        formulas = formula_cells(sheet, read, schema.DATA_SHEETS[canonical], values[canonical])
        if formulas:
            book_input.sheets[canonical] = replace(read, formulas=formulas)
    return book_input


def formula_cells(
    sheet: Sheet, read: SheetInput, definition: schema.SheetDef, values: list[list[Any]]
) -> frozenset[tuple[int, int]]:
    """(Excel row, column) of each cell of the sheet's computed columns that holds a formula,
    as the file reader tells them (`SheetInput.formulas`): one read of `Range.Formula` per run
    of adjacent computed columns. A cell's `Formula` is its formula, or its constant as text;
    a formula is one that starts with `=` and is not what the cell shows (text typed with
    Excel's apostrophe, `'=A1`, shows `=A1` and is no formula)."""
    numbers, new = locate_columns(read, definition, definition.computed_columns)
    present = sorted(n for n in numbers.values() if n not in new)
    top, bottom = read.header_row + 1, read.max_row
    found: set[tuple[int, int]] = set()
    if not present or bottom < top:
        return frozenset()
    runs: list[list[int]] = []
    for number in present:
        if runs and runs[-1][1] == number - 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    for left, right in runs:
        texts = sheet.range((top, left), (bottom, right)).formula
        grid = [[texts]] if isinstance(texts, str) else texts
        for r, row in enumerate(grid, top):
            shown = values[r - 1] if r <= len(values) else []
            for c, text in enumerate(row, left):
                formula = isinstance(text, str) and text.startswith("=")
                if formula and (c > len(shown) or shown[c - 1] != text):
                    found.add((r, c))
    return frozenset(found)


# ---------------------------------------------------------------------------------------------
# Writing


def apply_plan(book: Book, plan: WritePlan, last_rows: Mapping[str, int]) -> None:
    """Carry out a plan in the open book, one write per rectangle of cells.

    `last_rows`: the last row with a value on each sheet as read (new log rows go below it).
    New sheets come after the last sheet, as the file writer adds them; the sheet the officer
    was on stays active.
    """
    active = book.sheets.active
    for name in plan.add_sheets:
        book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    for name, cells in plan.cells.items():
        sheet = book.sheets[name]
        for (top, left), block in blocks(cells):
            sheet.range((top, left)).value = block
    for name, grid in plan.replace.items():
        replace_rows(book.sheets[name], grid)
        if schema.normalize_header(name) == schema.normalize_header(schema.OVERSIKT):
            add_verdict_colours(book.sheets[name])
    for name, rows in plan.append.items():
        append_rows(book.sheets[name], rows, last_rows.get(name, 0))
    active.activate()


def add_verdict_colours(sheet: Sheet) -> None:
    """Give `Översikt` the goal table's `Uppnått` colours the template has, where it lacks
    them (a book from an earlier template, or adopted), as the file writer does
    (`workbook.colours`): an `xlCellValue`/`xlEqual` condition per text that no condition on
    the range's first cell has already, ranked after the book's own (`SetLastPriority`)."""
    whole = sheet.api.Range(verdict_range())
    present = whole.Cells(1, 1).FormatConditions
    have = set()
    for i in range(1, present.Count + 1):
        condition = present.Item(i)
        if condition.Type == _XL_CELL_VALUE and condition.Operator == _XL_EQUAL:
            have.add(condition.Formula1)
    for text, look in VERDICT_FORMATS.items():
        formula = f'="{text}"'
        if formula in have:
            continue
        condition = whole.FormatConditions.Add(_XL_CELL_VALUE, _XL_EQUAL, formula)
        condition.Font.Color = _excel_colour(look["font_color"])
        condition.Interior.Color = _excel_colour(look["bg_color"])
        condition.SetLastPriority()


def _excel_colour(rgb: str) -> int:
    """`#RRGGBB` as Excel's colour number (red + green·256 + blue·65536)."""
    red, green, blue = (int(rgb[i : i + 2], 16) for i in (1, 3, 5))
    return red + green * 256 + blue * 65536


def blocks(cells: Mapping[str, Any]) -> list[tuple[tuple[int, int], Grid]]:
    """Cells by A1 reference → rectangles ((top row, left column), rows of values) covering them.

    Each column's cells split into runs of consecutive rows; neighbouring columns with the same
    run join into one rectangle.
    """
    by_column: dict[int, dict[int, Any]] = {}
    for ref, value in cells.items():
        letters = ref.rstrip("0123456789")
        by_column.setdefault(column_index(letters), {})[int(ref[len(letters) :])] = value
    #: (first row, last row) → [left, right] of the rectangle still open for that run
    open_rects: dict[tuple[int, int], list[int]] = {}
    rects: list[tuple[int, int, list[int]]] = []
    for col in sorted(by_column):
        rows = sorted(by_column[col])
        first = rows[0]
        for prev, row in zip(rows, [*rows[1:], 0], strict=True):
            if row == prev + 1:
                continue
            rect = open_rects.get((first, prev))
            if rect is not None and rect[1] == col - 1:
                rect[1] = col
            else:
                open_rects[(first, prev)] = rect = [col, col]
                rects.append((first, prev, rect))
            first = row
    return [
        (
            (first, left),
            [
                [excel_value(by_column[c][r]) for c in range(left, right + 1)]
                for r in range(first, last + 1)
            ],
        )
        for first, last, (left, right) in rects
    ]


def replace_rows(sheet: Sheet, grid: Sequence[Sequence[Any]]) -> None:
    """Clear the sheet's values and write `grid` from A1; its tables fit the new rows, and
    widen to header cells the grid added right of them (as the file writer's tables do)."""
    sheet.used_range.clear_contents()
    width = max((len(r) for r in grid), default=0)
    if width:
        sheet.range("A1").value = [
            [excel_value(v) for v in row] + [None] * (width - len(row)) for row in grid
        ]
    for table in sheet.tables:
        whole = table.range
        top = whole.row
        last = max(len(grid), top + (1 if table.show_headers else 0))
        header = grid[top - 1] if table.show_headers and top <= len(grid) else []
        right = whole.last_cell.column
        while right < len(header) and isinstance(header[right], str) and header[right].strip():
            right += 1
        table.resize(sheet.range((top, whole.column), (last, right)))


def append_rows(sheet: Sheet, rows: Sequence[Sequence[Any]], last_row: int) -> None:
    """Write `rows` from column A below `last_row`; a table ending there grows with them."""
    if not rows:
        return
    width = max(len(r) for r in rows)
    sheet.range((last_row + 1, 1)).value = [
        [excel_value(v) for v in row] + [None] * (width - len(row)) for row in rows
    ]
    new_last = last_row + len(rows)
    for table in sheet.tables:
        whole = table.range
        end = whole.last_cell
        if whole.row <= last_row <= end.row and whole.column <= width:
            table.resize(sheet.range((whole.row, whole.column), (new_last, end.column)))


def excel_value(value: Any) -> Any:
    """A value as it is handed to Excel, so that Excel stores exactly it.

    Text gets Excel's text prefix (an apostrophe, not part of the value): without it Excel would
    read `=…`, `-…`, `12` or `2024-05-07` as a formula, a number or a date. Dates go as
    date-times at midnight, the way Excel holds them.
    """
    if isinstance(value, str):
        return "'" + value if value else None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value
