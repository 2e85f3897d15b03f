"""Cell values: what a cell can be given, and the XML of a cell that holds it.

Text is written as an inline string (never a formula, never the shared-string table, which
would mean rewriting a part every other sheet shares), numbers as numbers, booleans as
booleans, dates and times as serial numbers in the book's date system with a date format.
Rows repeat the same values in the same formats, so each cell text is made once and reused.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeAlias

from .refs import MAX_COL, MAX_ROW, column_letter
from .serials import first_day, to_serial
from .sheetxml import with_spans
from .styles import Styles
from .xmltext import escape_text

if TYPE_CHECKING:
    from .sheetxml import SheetXml

#: What a cell can be given. Dates and times become Excel serial numbers.
CellValue: TypeAlias = str | int | float | bool | date | datetime | None

#: Whole numbers this small are always finite as Excel's floating-point numbers.
_SAFE_INT = 1 << 1000
# White space as XML defines it (a carriage return is always written escaped).
_XML_SPACE = frozenset(" \t\n")
#: Distinct cells (by format or column, and value) remembered while a sheet is rendered.
_MADE_CELLS = 20_000
#: The built-in formats a date (`d-m-yy` style) and a date with a time get.
_FORMAT_DATE, _FORMAT_DATETIME = 14, 22


def check_values(values: Iterable[CellValue], date1904: bool) -> None:
    """`_check_value` for many values, the everyday ones passed at a glance."""
    first = first_day(date1904)
    for value in values:
        kind = type(value)
        if kind is str or value is None:
            continue
        if isinstance(value, date):
            if kind is date and value >= first:
                continue
        elif isinstance(value, int):
            if kind is int and -_SAFE_INT <= value <= _SAFE_INT:
                continue
        elif isinstance(value, float) and math.isfinite(value):
            continue
        _check_value(value, date1904)


def _check_value(value: CellValue, date1904: bool) -> None:
    """Raise at once for a value a cell cannot hold, so the caller sees where it came from."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return
    if isinstance(value, int | float):
        if not math.isfinite(_as_float(value)):
            raise ValueError(f"{value!r} cannot be written to a cell")
    elif isinstance(value, date):
        to_serial(value, date1904)
    elif not isinstance(value, str):
        raise TypeError(f"cannot write a {type(value).__name__} to a cell")


def _as_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf


class RowWork:
    """What rendering a sheet's rows needs and finds out along the way.

    A sheet's cells repeat the same texts and dates in the same formats row after row (a
    status, a deadline), so what follows a cell's reference is made once per value and format
    (for a new cell: per value and column, whose format it takes).
    """

    def __init__(self, styles: Styles, date1904: bool, prefix: str) -> None:
        self.styles = styles
        self.date1904 = date1904
        self.p = prefix
        self.removed_formulas: set[tuple[int, int]] = set()
        self.removed_shared: dict[str, tuple[str, str]] = {}
        self._top = self._left = MAX_COL + MAX_ROW
        self._bottom = self._right = 0
        self._opens: dict[int, str] = {}
        self._made: dict[tuple[str | None, type, CellValue], str] = {}
        self._new: dict[tuple[int, CellValue], str] = {}
        self._rests: dict[int, Rests] = {}

    @property
    def bounds(self) -> tuple[int, int, int, int] | None:
        """The range the rendered rows' cells cover (None: no cells)."""
        if not self._bottom:
            return None
        return self._top, self._left, self._bottom, self._right

    def row_tag(self, tag: str, row: int, first_col: int, last_col: int) -> str:
        """A rendered row's start tag, its `spans` hint (if it has one) set to the columns it
        holds, from `first_col` to `last_col`, which the sheet's used range now covers."""
        if row < self._top:
            self._top = row
        if row > self._bottom:
            self._bottom = row
        if first_col < self._left:
            self._left = first_col
        if last_col > self._right:
            self._right = last_col
        return with_spans(tag, first_col, last_col) if "spans=" in tag else tag

    def cell_open(self, col: int) -> str:
        """`<c r="AB`: the start of a cell in column `col`, up to its row number."""
        made = self._opens.get(col)
        if made is None:
            made = self._opens[col] = f'<{self.p}c r="{column_letter(col)}'
        return made

    def new_cells(
        self,
        row: str,
        edits: list[tuple[int, CellValue]],
        row_style: str | None,
        sheet: SheetXml,
        cols: list[int],
        texts: list[str],
    ) -> None:
        """Add to `cols` and `texts` the cells that `edits` (column, value) make where a row had
        none: each takes the row's format, else its column's, as Excel does when one types; an
        empty value makes no cell."""
        if row_style is not None:
            for col, value in edits:
                if value is not None:
                    cols.append(col)
                    texts.append(self.cell(col, row, row_style, value))
            return
        # Without a row format a new cell's format is its column's: a cell is made once per
        # column and value.
        made, opens = self._new, self._opens
        for col, value in edits:
            if value is None:
                continue
            kind = type(value)
            if kind is str or kind is date or kind is int:
                key = (col, value)
                rest = made.get(key)
                if rest is None:
                    if len(made) >= _MADE_CELLS:
                        made.clear()
                    rest = made[key] = self._rest(sheet.col_style(col), value)
            else:
                rest = self._rest(sheet.col_style(col), value)
            cols.append(col)
            texts += (opens.get(col) or self.cell_open(col), row, rest)

    def rests(self, sheet: SheetXml, col: int) -> Rests:
        """What follows a new cell's row number in column `col` (which gives it its format), by
        (type, value): '' for None, which makes no cell."""
        rests = self._rests.get(col)
        if rests is None or len(rests) >= _MADE_CELLS:
            style = sheet.col_style(col)
            rests = self._rests[col] = Rests(lambda value: self._rest(style, value))
        return rests

    def cell(self, col: int, row: str, style: str | None, value: CellValue) -> str:
        """A cell's XML ('' for an empty cell without a format): text inline (never a
        formula), numbers, booleans, dates as serials."""
        if value is None:
            if style is None:
                return ""
            rest = f'" s="{style}"/>'
        else:
            rest = self.rest(style, value)
        open_ = self._opens.get(col)
        if open_ is None:
            open_ = self.cell_open(col)
        return open_ + row + rest

    def rest(self, style: str | None, value: CellValue) -> str:
        """What follows the row number of a cell in format `style` holding `value` (not None),
        made once per format and value (the type is in the key: 1, 1.0 and True are equal as
        keys but not as cells)."""
        key = (style, type(value), value)
        rest = self._made.get(key)
        if rest is None:
            if len(self._made) >= _MADE_CELLS:
                self._made.clear()
            rest = self._made[key] = self._rest(style, value)
        return rest

    def _rest(self, style: str | None, value: CellValue) -> str:
        """What follows a cell's row number: its format, type and value."""
        p = self.p
        if isinstance(value, str):
            s = "" if style is None else f' s="{style}"'
            text = escape_text(value)
            space = ' xml:space="preserve"' if edge_space(text) else ""
            return f'"{s} t="inlineStr"><{p}is><{p}t{space}>{text}</{p}t></{p}is></{p}c>'
        t = ""
        if isinstance(value, bool):
            text, t = ("1" if value else "0"), ' t="b"'
        elif isinstance(value, int):
            text = str(int(value))
        elif isinstance(value, float):
            text = repr(float(value))
        else:
            assert isinstance(value, date)
            date_format = _FORMAT_DATETIME if isinstance(value, datetime) else _FORMAT_DATE
            style = self.styles.date_style(style, date_format)
            text = to_serial(value, self.date1904)
        s = "" if style is None else f' s="{style}"'
        return f'"{s}{t}><{p}v>{text}</{p}v></{p}c>'


class Rests(dict[tuple[type, CellValue], str]):
    """A column's cell texts after the row number, by (type, value), each made when first asked
    for (the type is in the key since 1, 1.0 and True are equal as keys but not as cells)."""

    def __init__(self, make: Callable[[CellValue], str]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: tuple[type, CellValue]) -> str:
        value = key[1]
        rest = self[key] = "" if value is None else self._make(value)
        return rest


def edge_space(escaped: str) -> bool:
    """Whether cell text begins or ends with white space, which XML readers may drop unless told
    to keep it (a carriage return is escaped as `&#13;`)."""
    return (
        escaped[:1] in _XML_SPACE
        or escaped[-1:] in _XML_SPACE
        or escaped.startswith("&#13;")
        or escaped.endswith("&#13;")
    )
