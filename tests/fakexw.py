"""A faithful minimal fake of the xlwings objects the Excel buttons use, backed by a real workbook.

Cells hold what Excel holds and hand it out the way xlwings does: numbers as `float`, dates as
`datetime`, empty cells and error values as `None`, text as `str`. A range reads as a scalar, a
list or a 2-D list by its shape, always 2-D with `options(ndim=2)`. Writing works like Excel's
`Range.Value`: a 2-D list fills a block from the range's top-left cell, one value fills the whole
range, `None` empties a cell, and text is taken the way Excel takes typed input: a leading
apostrophe keeps it as text, while text that looks like a formula, a number or a date becomes one
(`Formula`, `float`, `datetime`; these rules are `fakevalues`), so a writer that forgets the
apostrophe changes the values.
`Range.Formula` reads each cell's formula (the file's, kept until the cell is written) or its
constant as Excel's text; `sheet.api.Range(...).FormatConditions` holds the sheet's conditional
formats (the file's, and those added) in priority order (`fakecom`). Tables resize, sheets are
added and activated, message boxes (with the icon Windows shows) and the status bar's texts are
recorded; every value read and write is
counted, and every formula read, so tests can hold the buttons to one read per sheet and one
write per block.

The app keeps its open books and which one is active, as Excel does: opening a book makes it
the active one, an add-in never is. `FakeApp.addin_caller` is what `xlwings.Book.caller()`
returns when the add-in's ribbon runs Python: the active workbook (xlwings' custom add-in
module hands Python `ActiveWorkbook`, not the add-in itself).

`FakeBook.open(path)` loads an .xlsx/.xlsm with openpyxl (`data_only=True`, as the last save
left the values); `snapshot`/`from_snapshot` keep a loaded book as plain data, so a benchmark
can start from it without loading openpyxl.
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from fakecom import FakeComRange, FakeCondition, conditions_of, formulas_of
from fakevalues import constant_text, letter, parse_cell, presented, typed

Cells = dict[tuple[int, int], Any]
# ---------------------------------------------------------------------------------------------


#: The icon Excel on Windows shows for each `App.alert` mode (xlwings 0.37, `_xlwindows.py`:
#: "info" → MB_ICONINFORMATION, "critical" → MB_ICONWARNING, no mode → no icon).
WINDOWS_ICONS: dict[str | None, str | None] = {None: None, "info": "info", "critical": "warning"}


class FakeApp:
    """`xlwings.App`: `screen_updating`, the status bar (every text recorded) and message boxes
    (recorded with the icon Windows shows, answered "ok")."""

    def __init__(self) -> None:
        self.screen_updating = True
        self.alerts: list[tuple[str | None, str, str | None]] = []
        self.books: list[FakeBook] = []
        self.active_book: FakeBook | None = None
        #: the icon of each message box, in order
        self.icons: list[str | None] = []
        #: every text put in the status bar, in order
        self.status_bars: list[str] = []
        self._status_bar: str | bool = False

    def addin_caller(self) -> FakeBook:
        """`xlwings.Book.caller()` for RunPython from the add-in: Excel's `ActiveWorkbook`."""
        if self.active_book is None:
            raise RuntimeError("Excel has no active workbook")
        return self.active_book

    @property
    def status_bar(self) -> str | bool:
        """The status bar's text; False while Excel has control of it."""
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        if isinstance(value, str):
            self.status_bars.append(value)
        elif value is not False:
            raise TypeError(f"Application.StatusBar takes text or False, not {value!r}")
        self._status_bar = value

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> str | None:
        if buttons not in ("ok", "ok_cancel", "yes_no", "yes_no_cancel"):
            raise ValueError(buttons)
        if mode not in (None, "info", "critical"):
            raise ValueError(mode)
        self.alerts.append((title, prompt, mode))
        self.icons.append(WINDOWS_ICONS[mode])
        return "ok"


@dataclass
class _TableData:
    name: str
    bounds: tuple[int, int, int, int]
    headers: bool = True


@dataclass
class _SheetData:
    cells: Cells = field(default_factory=dict)
    #: (last row, last column) Excel counts as used beyond the cells with values (formats)
    extent: tuple[int, int] = (0, 0)
    tables: list[_TableData] = field(default_factory=list)
    #: (row, column) → the formula of a cell that holds one (its value is what it showed)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    #: the sheet's conditional formats, first priority first
    conditions: list[FakeCondition] = field(default_factory=list)


class FakeBook:
    """`xlwings.Book`."""

    def __init__(
        self,
        sheets: dict[str, _SheetData],
        *,
        fullname: str,
        app: FakeApp | None = None,
        date1904: bool = False,
        addin: bool = False,
    ) -> None:
        self.app = app or FakeApp()
        self.app.books.append(self)
        if not addin:
            self.app.active_book = self
        self.fullname = fullname
        self.api = SimpleNamespace(Date1904=date1904)
        self.reads: list[tuple[str, str]] = []
        self.formula_reads: list[tuple[str, str]] = []
        self.writes: list[tuple[str, str, int, int]] = []
        self.sheets = FakeSheets(
            self, [FakeSheet(self, name, data) for name, data in sheets.items()]
        )

    @property
    def name(self) -> str:
        return Path(self.fullname).name

    @classmethod
    def blank(
        cls, *sheets: str, fullname: str = "Bok1", app: FakeApp | None = None, addin: bool = False
    ) -> FakeBook:
        """A new book with these empty sheets (an add-in's workbook with `addin`)."""
        return cls({name: _SheetData() for name in sheets}, fullname=fullname, app=app, addin=addin)

    def activate(self) -> None:
        """Make this book Excel's active workbook."""
        self.app.active_book = self

    @classmethod
    def open(cls, path: str | Path, app: FakeApp | None = None) -> FakeBook:
        """The workbook at `path` with its values as Excel shows them after opening it."""
        from openpyxl import load_workbook
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        with warnings.catch_warnings():
            # openpyxl cannot hold a print area of whole columns (Översikt's, valid in Excel).
            warnings.filterwarnings("ignore", "Print area cannot be set", UserWarning)
            book = load_workbook(path, data_only=True)
            formulas = formulas_of(path)
        sheets: dict[str, _SheetData] = {}
        for ws in book.worksheets:
            cells = {
                (c.row, c.column): v
                for row in ws.iter_rows()
                for c in row
                if (v := presented(c.value)) is not None
            }
            tables = []
            for table in ws.tables.values():
                first, last = table.ref.split(":")
                tables.append(
                    _TableData(
                        table.name,
                        (*parse_cell(first), *parse_cell(last)),
                        table.headerRowCount != 0,
                    )
                )
            sheets[ws.title] = _SheetData(
                cells,
                (ws.max_row, ws.max_column),
                tables,
                formulas.get(ws.title, {}),
                conditions_of(ws),
            )
        return cls(
            sheets,
            fullname=str(Path(path).resolve()),
            app=app,
            date1904=book.epoch == CALENDAR_MAC_1904,
        )

    def snapshot(self) -> bytes:
        """The book as plain data (see `from_snapshot`)."""
        data = {s.name: s._data for s in self.sheets}
        return pickle.dumps((data, self.fullname, self.api.Date1904))

    @classmethod
    def from_snapshot(cls, blob: bytes, app: FakeApp | None = None) -> FakeBook:
        data, fullname, date1904 = pickle.loads(blob)
        return cls(data, fullname=fullname, app=app, date1904=date1904)

    def values(self) -> dict[str, Cells]:
        """Every sheet's cells with a value: {sheet: {(row, column): value}}."""
        return {s.name: dict(s._data.cells) for s in self.sheets}

    def table_bounds(self) -> dict[str, tuple[int, int, int, int]]:
        """Every table's (first row, first column, last row, last column) by table name."""
        return {t.name: t.bounds for s in self.sheets for t in s._data.tables}


class FakeSheets:
    """`xlwings.main.Sheets`: by position or by name (case-insensitive, as Excel finds them)."""

    def __init__(self, book: FakeBook, sheets: list[FakeSheet]) -> None:
        self._book = book
        self._sheets = sheets
        self._active = sheets[0] if sheets else None

    def __iter__(self) -> Iterator[FakeSheet]:
        return iter(list(self._sheets))

    def __len__(self) -> int:
        return len(self._sheets)

    def __getitem__(self, key: int | str) -> FakeSheet:
        if isinstance(key, int):
            return self._sheets[key]
        for sheet in self._sheets:
            if sheet.name.lower() == key.lower():
                return sheet
        raise KeyError(key)

    @property
    def active(self) -> FakeSheet:
        assert self._active is not None
        return self._active

    def add(
        self,
        name: str | None = None,
        before: FakeSheet | None = None,
        after: FakeSheet | None = None,
    ) -> FakeSheet:
        name = name or f"Blad{len(self._sheets) + 1}"
        if any(s.name.lower() == name.lower() for s in self._sheets):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = FakeSheet(self._book, name, _SheetData())
        if after is not None:
            self._sheets.insert(self._sheets.index(after) + 1, sheet)
        elif before is not None:
            self._sheets.insert(self._sheets.index(before), sheet)
        else:
            self._sheets.insert(self._sheets.index(self.active), sheet)
        self._active = sheet
        return sheet


class FakeSheet:
    """`xlwings.Sheet`."""

    def __init__(self, book: FakeBook, name: str, data: _SheetData) -> None:
        self.book = book
        self._name = name
        self._data = data

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        if not value or len(value) > 31 or any(ch in value for ch in "\\/?*[]"):
            raise ValueError(f"invalid sheet name {value!r}")
        self._name = value

    def range(
        self, cell1: str | tuple[int, int], cell2: str | tuple[int, int] | None = None
    ) -> FakeRange:
        def bounds(cell: str | tuple[int, int]) -> tuple[int, int, int, int]:
            if isinstance(cell, tuple):
                return (*cell, *cell)
            first, _, last = cell.partition(":")
            r1, c1 = parse_cell(first)
            r2, c2 = parse_cell(last) if last else (r1, c1)
            return r1, c1, r2, c2

        a = bounds(cell1)
        b = bounds(cell2) if cell2 is not None else a
        return FakeRange(self, min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))

    @property
    def used_range(self) -> FakeRange:
        keys = self._data.cells.keys()
        if not keys and self._data.extent == (0, 0):
            return FakeRange(self, 1, 1, 1, 1)
        rows = [r for r, _ in keys]
        cols = [c for _, c in keys]
        last_row, last_col = self._data.extent
        return FakeRange(
            self,
            min(rows, default=1),
            min(cols, default=1),
            max([*rows, last_row]),
            max([*cols, last_col]),
        )

    @property
    def tables(self) -> list[FakeTable]:
        return [FakeTable(self, t) for t in self._data.tables]

    def activate(self) -> None:
        self.book.sheets._active = self

    @property
    def api(self) -> SimpleNamespace:
        """`Worksheet` of Excel's object model: `Range(address)` only."""

        def com_range(address: str) -> FakeComRange:
            at = self.range(address)
            return FakeComRange(self._data, (at.r1, at.c1, at.r2, at.c2))

        return SimpleNamespace(Range=com_range)


class FakeTable:
    """`xlwings.main.Table`."""

    def __init__(self, sheet: FakeSheet, data: _TableData) -> None:
        self._sheet = sheet
        self._data = data
        self.name = data.name

    @property
    def range(self) -> FakeRange:
        return FakeRange(self._sheet, *self._data.bounds)

    @property
    def show_headers(self) -> bool:
        return self._data.headers

    def resize(self, range: FakeRange) -> None:
        if range.sheet is not self._sheet or range.row != self._data.bounds[0]:
            raise ValueError("a table keeps its header row on its own sheet")
        self._data.bounds = (range.row, range.column, range.r2, range.c2)


class FakeRange:
    """`xlwings.Range` over (r1, c1) … (r2, c2)."""

    def __init__(
        self, sheet: FakeSheet, r1: int, c1: int, r2: int, c2: int, ndim: int | None = None
    ) -> None:
        if not (1 <= r1 <= r2 <= 1_048_576 and 1 <= c1 <= c2 <= 16_384):
            raise ValueError(f"outside the sheet: {(r1, c1, r2, c2)}")
        self.sheet = sheet
        self.r1, self.c1, self.r2, self.c2 = r1, c1, r2, c2
        self._ndim = ndim

    @property
    def address(self) -> str:
        first = f"${letter(self.c1)}${self.r1}"
        return (
            first
            if (self.r1, self.c1) == (self.r2, self.c2)
            else (f"{first}:${letter(self.c2)}${self.r2}")
        )

    @property
    def row(self) -> int:
        return self.r1

    @property
    def column(self) -> int:
        return self.c1

    @property
    def last_cell(self) -> FakeRange:
        return FakeRange(self.sheet, self.r2, self.c2, self.r2, self.c2)

    def options(self, convert: Any = None, **options: Any) -> FakeRange:
        if convert is not None or set(options) - {"ndim"} or options.get("ndim") not in (1, 2):
            raise NotImplementedError(f"the fake knows options(ndim=1|2) only: {options}")
        return FakeRange(self.sheet, self.r1, self.c1, self.r2, self.c2, options["ndim"])

    @property
    def formula(self) -> Any:
        """`Range.Formula`: each cell's formula, or its constant as text (`''` when empty);
        a text for one cell, else rows of texts."""
        self.sheet.book.formula_reads.append((self.sheet.name, self.address))
        data = self.sheet._data
        grid = tuple(
            tuple(
                data.formulas.get((r, c)) or constant_text(data.cells.get((r, c)))
                for c in range(self.c1, self.c2 + 1)
            )
            for r in range(self.r1, self.r2 + 1)
        )
        return grid[0][0] if (self.r1, self.c1) == (self.r2, self.c2) else grid

    @property
    def value(self) -> Any:
        self.sheet.book.reads.append((self.sheet.name, self.address))
        cells = self.sheet._data.cells
        grid = [
            [cells.get((r, c)) for c in range(self.c1, self.c2 + 1)]
            for r in range(self.r1, self.r2 + 1)
        ]
        if self._ndim == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1 and self._ndim is None:
            return grid[0][0]
        if len(grid) == 1:
            return grid[0]
        if all(len(row) == 1 for row in grid):
            return [row[0] for row in grid]
        return grid

    @value.setter
    def value(self, data: Any) -> None:
        cells = self.sheet._data.cells
        if isinstance(data, list | tuple):
            rows = (
                [list(r) for r in data]
                if data and isinstance(data[0], list | tuple)
                else [list(data)]
            )
            width = len(rows[0]) if rows else 0
            if any(len(r) != width for r in rows):
                raise ValueError("xlwings writes rectangular lists only")
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    self._put(cells, self.r1 + i, self.c1 + j, typed(v))
            shape = (len(rows), width)
        else:
            held = typed(data)
            for r in range(self.r1, self.r2 + 1):
                for c in range(self.c1, self.c2 + 1):
                    self._put(cells, r, c, held)
            shape = (self.r2 - self.r1 + 1, self.c2 - self.c1 + 1)
        self.sheet.book.writes.append((self.sheet.name, self.address, *shape))

    def _put(self, cells: Cells, r: int, c: int, v: Any) -> None:
        self.sheet._data.formulas.pop((r, c), None)
        if v is None:
            cells.pop((r, c), None)
        else:
            cells[(r, c)] = v

    def clear_contents(self) -> None:
        cells = self.sheet._data.cells
        for key in [k for k in cells if self.r1 <= k[0] <= self.r2 and self.c1 <= k[1] <= self.c2]:
            del cells[key]
            self.sheet._data.formulas.pop(key, None)
