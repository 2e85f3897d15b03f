"""One worksheet's XML, read once and indexed for splicing: where each row of `<sheetData>`
starts and ends, and where a row's cells split at a column.

The sheet is spliced, not parsed: a parser would rewrite every row, and a sheet of 100 000
contract rows is read, edited and written in well under a second only because the rows a save
leaves alone are copied as text. Rows and cells are found with regular expressions and string
search; Excel's own way of writing them (`<c r="A1"`, rows numbered in order) has a fast path,
anything else a careful one.
"""

from __future__ import annotations

import operator
import re
from array import array
from bisect import bisect_left
from functools import cache

from .errors import OoxmlError
from .refs import MAX_COL, column_letter, column_number
from .xmltext import ATTRS, attributes, element_span, main_prefix, start_tag

_ROW_NUMBER = re.compile(r'\sr\s*=\s*"(\d+)"')
_CELL_LETTERS = re.compile(r"[A-Z]{1,3}(?=[0-9])")
_SPANS = re.compile(r"""(\sspans\s*=\s*)(?:"[^"]*"|'[^']*')""")

#: Each row's number, where it starts, where its start tag ends and where it ends.
_RowIndex = tuple["array[int]", "array[int]", "array[int]", "array[int]"]


@cache
def row_end(prefix: str) -> re.Pattern[str]:
    """A row's end tag."""
    return re.compile(f"</{re.escape(prefix)}row>")


@cache
def row_start(prefix: str) -> re.Pattern[str]:
    """A row's start tag: its number when `r` comes first (as Excel writes it), the rest."""
    return re.compile(f'<{re.escape(prefix)}row\\b(?:\\s+r\\s*=\\s*"(\\d+)")?({ATTRS})>')


def _cell_start(prefix: str) -> re.Pattern[str]:
    p = re.escape(prefix)
    lazy = r"""(?:[^>"']|"[^"]*"|'[^']*')*?"""
    return re.compile(f'<{p}c(?=[\\s/>])(?:{lazy}\\sr\\s*=\\s*"([A-Za-z]{{1,3}})\\d+")?')


class SheetXml:
    """A worksheet's XML and the index of its rows (`rows[i]` is the number of the i-th row,
    which spans xml[starts[i]:ends[i]], its start tag ending at tag_ends[i])."""

    def __init__(self, xml: str, part: str, name: str) -> None:
        self.xml = xml
        self.name = name
        p = self.p = main_prefix(xml, part)
        self.re_cell = _cell_start(p)
        self.re_value = re.compile(f"<{re.escape(p)}(?:v|is|f)\\b")
        self.re_formula = re.compile(f"<{re.escape(p)}f\\b({ATTRS})>")
        self.f_marker = f"<{p}f"
        self.cell_marker = f"<{p}c"
        self.cell_open = f'<{p}c r="'
        self.ext_marker = f"<{p}extLst"
        self.row_close = f"</{p}row>"
        span = element_span(xml, p, "sheetData")
        if span is None:
            raise OoxmlError("no-sheet-data", sheet=name)
        #: (start, end of start tag, end) of `<sheetData>`.
        self.sd = span
        self.self_closing = span[1] == span[2]
        end = span[1] if self.self_closing else span[2] - len(f"</{p}sheetData>")
        #: Where the rows are: xml[content[0]:content[1]].
        self.content = (span[1], end)
        self.col_styles: dict[int, str | None] = {}
        self._col_ranges: list[tuple[int, int, str]] | None = None
        #: Rows without an `r`, numbered as Excel numbers them (one after the row before).
        self.missing_r: set[int] = set()
        index = self._index_plain_rows(xml) or self._index_any_rows(xml)
        self.rows, self.starts, self.tag_ends, self.ends = index

    def _index_plain_rows(self, xml: str) -> _RowIndex | None:
        """The index in a few passes over the whole sheet, for rows as Excel writes them
        (numbered in order, each closed before the next begins); None if some row is not."""
        pos, stop = self.content
        found = list(row_start(self.p).finditer(xml, pos, stop))
        numbers = [match[1] for match in found]
        if None in numbers or any(match[2].endswith("/") for match in found):
            return None
        closes = list(row_end(self.p).finditer(xml, pos, stop))
        if len(closes) != len(found):
            return None
        starts = array("q", map(re.Match.start, found))
        tag_ends = array("q", map(re.Match.end, found))
        close_starts = array("q", map(re.Match.start, closes))
        ends = array("q", map(re.Match.end, closes))
        rows = array("q", map(int, numbers))
        if not (
            (not rows or rows[0] > 0)
            and all(map(operator.lt, rows, rows[1:]))
            and all(map(operator.le, tag_ends, close_starts))
            and all(map(operator.le, ends, starts[1:]))
        ):
            return None
        return rows, starts, tag_ends, ends

    def _index_any_rows(self, xml: str) -> _RowIndex:
        """The index row by row, for rows without numbers or closed in themselves."""
        close = self.row_close
        numbers, starts, tag_ends, ends = array("q"), array("q"), array("q"), array("q")
        pos, stop = self.content
        previous = 0
        for match in row_start(self.p).finditer(xml, pos, stop):
            if match.start() < pos:
                continue  # inside the row before: part of its content
            r, attrs = match[1], match[2]
            if r is None:
                found = _ROW_NUMBER.search(attrs)
                number = int(found[1]) if found else previous + 1
                if found is None:
                    self.missing_r.add(number)
            else:
                number = int(r)
            if number <= previous:
                raise OoxmlError("rows-out-of-order", sheet=self.name)
            if attrs.endswith("/"):
                end = match.end()
            else:
                end = xml.find(close, match.end(), stop)
                if end < 0:
                    raise OoxmlError("row-unclosed", sheet=self.name, row=str(number))
                end += len(close)
            numbers.append(number)
            starts.append(match.start())
            tag_ends.append(match.end())
            ends.append(end)
            pos, previous = end, number
        return numbers, starts, tag_ends, ends

    def row_at(self, number: int) -> int | None:
        """The index of row `number` (None: the sheet has no such row)."""
        rows = self.rows
        # Rows usually follow one another from the first: try where it would then be.
        k = number - rows[0] if rows else 0
        if not 0 <= k < len(rows) or rows[k] != number:
            k = bisect_left(rows, number)
        return k if k < len(rows) and rows[k] == number else None

    def row_has_values(self, i: int) -> bool:
        start, end = self.tag_ends[i], self.ends[i]
        return start != end and self.re_value.search(self.xml, start, end) is not None

    def split(
        self, start: int, stop: int, number: int, from_col: int
    ) -> tuple[int, list[tuple[int, str]]]:
        """Split a row's cells where column `from_col` begins: (where the split is, the cells
        from there on as (column, exact text)); the cells before it are copied as one piece.

        When the cell at `from_col` exists it is found directly by its reference; otherwise the
        row is searched from its end, so a row whose edited columns come last costs only those
        columns.
        """
        xml = self.xml
        marker = self.cell_marker
        after_marker = len(marker)
        last = self.last_cell(start, stop)
        if last >= 0 and 0 < self.col_at(last) < from_col:
            return stop, []  # the last cell comes before the split: so do all in order
        probe = xml.find(f'{self.cell_open}{column_letter(from_col)}{number}"', start, stop)
        if probe >= 0:
            tail = self.cells(probe, stop)
            return (probe, tail) if tail is not None else self.split_all(start, stop, number)
        tail = []
        pos = search = stop  # where the cells taken so far begin; where the search goes on
        previous = MAX_COL + 1
        while (at := xml.rfind(marker, start, search)) >= 0:
            search = at
            if xml[at + after_marker] not in " \t\r\n/>":
                continue  # `<color`, `<charset` … inside a cell's rich text: not a cell
            col = self.col_at(at)
            if not col or col >= previous:
                return self.split_all(start, stop, number)
            if col < from_col:
                break
            tail.append((col, xml[at:pos]))
            previous, pos = col, at
        else:
            pos = start
        tail.reverse()
        return pos, tail

    def next_cell(self, start: int, stop: int) -> int:
        """Where the first cell in xml[start:stop] begins (`stop`: it has none)."""
        xml, marker = self.xml, self.cell_marker
        at = xml.find(marker, start, stop)
        while at >= 0 and xml[at + len(marker)] not in " \t\r\n/>":
            at = xml.find(marker, at + 1, stop)  # `<color`, `<charset` … in rich text
        return stop if at < 0 else at

    def last_cell(self, start: int, stop: int) -> int:
        """Where the last cell in xml[start:stop] begins (-1: it has none)."""
        xml, marker = self.xml, self.cell_marker
        last = xml.rfind(marker, start, stop)
        while last >= 0 and xml[last + len(marker)] not in " \t\r\n/>":
            last = xml.rfind(marker, start, last)  # `<color`, `<charset` … in rich text
        return last

    def first_col(self, start: int, stop: int) -> int:
        """The column of the first cell in xml[start:stop] (0: it has none); what comes before
        it (white space between the tags) is passed over."""
        first = self.next_cell(start, stop)
        return self.col_at(first) if first < stop else 0

    def cells(self, start: int, stop: int) -> list[tuple[int, str]] | None:
        """The cells of xml[start:stop] as (column, exact text), when each is written the plain
        way (`<c r="A1"`, columns in order, nothing else that starts like a cell); else None."""
        segment = self.xml[start:stop]
        marker = self.cell_open
        pieces = segment.split(marker)
        if pieces[0] or segment.count(self.cell_marker) != len(pieces) - 1:
            return None
        cells: list[tuple[int, str]] = []
        previous = 0
        for piece in pieces[1:]:
            ref = piece[: piece.find('"')]
            letters = ref.rstrip("0123456789")
            col = column_number(letters) if len(letters) < len(ref) else 0
            if col <= previous:
                return None
            cells.append((col, marker + piece))
            previous = col
        return cells

    def col_at(self, at: int) -> int:
        """The column of the cell starting at `at` (0 if it has no reference)."""
        xml = self.xml
        if xml.startswith(self.cell_open, at):
            letters = _CELL_LETTERS.match(xml, at + len(self.cell_open))
            if letters is not None:
                return column_number(letters[0])
        match = self.re_cell.match(xml, at)
        return column_number(match[1].upper()) if match and match[1] else 0

    def last_col(self, start: int, stop: int) -> int:
        """The column of the last cell in xml[start:stop]."""
        at = self.xml.rfind(f"<{self.p}c ", start, stop)
        return self.col_at(at) if at >= 0 else 1

    def split_all(self, start: int, stop: int, number: int) -> tuple[int, list[tuple[int, str]]]:
        """The careful split for rows Excel would not write: cells without `r`, out of order."""
        xml, p = self.xml, self.p
        matches = list(self.re_cell.finditer(xml, start, stop))
        cells: dict[int, str] = {}
        col = 0
        for k, match in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else stop
            text = xml[match.start() : end]
            if match[1]:
                col = column_number(match[1].upper())
            else:
                col += 1
                text = f'<{p}c r="{column_letter(col)}{number}"' + text[len(p) + 2 :]
            cells[col] = text
        return start, sorted(cells.items())

    def col_style(self, col: int) -> str | None:
        """The format column `col` gives a new cell (its `<col style>`), remembered."""
        if col in self.col_styles:
            return self.col_styles[col]
        if self._col_ranges is None:
            self._col_ranges = []
            span = element_span(self.xml, self.p, "cols", 0, self.sd[0])
            if span is not None:
                col_tag = start_tag(self.p, "col")
                for match in col_tag.finditer(self.xml, span[1], span[2]):
                    attrs = attributes(match[1])
                    low, high = attrs.get("min", ""), attrs.get("max", "")
                    if attrs.get("style") and low.isdigit():
                        top = int(high) if high.isdigit() else int(low)
                        self._col_ranges.append((int(low), top, attrs["style"]))
        style = next((s for low, high, s in self._col_ranges if low <= col <= high), None)
        self.col_styles[col] = style
        return style

    def has_cells(self, i: int) -> bool:
        start, end = self.tag_ends[i], self.ends[i]
        return start != end and self.re_cell.search(self.xml, start, end) is not None

    # --- formulas that span several cells ---------------------------------------------------

    def has_formulas(self) -> bool:
        start, end = self.content
        return self.re_formula.search(self.xml, start, end) is not None

    def note_shared(self, shared: dict[str, None], text: str, start: int, end: int) -> None:
        """Note the group of each shared formula in text[start:end] (rows as written)."""
        if text.find(self.f_marker, start, end) < 0:
            return
        for match in self.re_formula.finditer(text, start, end):
            attrs = attributes(match[1])
            if attrs.get("t") == "shared":
                shared.setdefault(attrs.get("si", ""), None)


# --- row tags ---------------------------------------------------------------------------------


def bare_row(tag: str) -> bool:
    """Whether a row element says nothing but where it is (so it can go once it is empty)."""
    return set(attributes(tag)) <= {"r", "spans"}


def row_style(tag: str) -> str | None:
    """The format a row gives the cells typed into it (None: it gives none)."""
    attrs = attributes(tag)
    if attrs.get("customFormat") in ("1", "true"):
        return attrs.get("s")
    return None


def with_spans(tag: str, first: int, last: int) -> str:
    """A row tag with its `spans` hint set to the columns it holds."""
    at = tag.find(' spans="')
    if at >= 0:
        end = tag.find('"', at + 8)
        return f"{tag[: at + 8]}{first}:{last}{tag[end:]}"
    return _SPANS.sub(f'\\g<1>"{first}:{last}"', tag, count=1)
