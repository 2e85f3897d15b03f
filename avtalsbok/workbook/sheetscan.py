"""Measure a worksheet's XML before a parser reads it: how far its cells reach, how much
shared-string text they copy, and which of them hold formula errors or formulas (the reader's own
looks, `ScanRequest`), so the reader can choose a parser that stays within memory (`SheetScan`).

The XML is searched as bytes, never parsed: a cell written the way Excel, LibreOffice, openpyxl
and XlsxWriter all write it (`<c r="A1" ...>`) has its reference read directly; a sheet with any
other kind of cell tag is not plain, and only a streaming parser with its own limits reads it.
"""

from __future__ import annotations

import operator
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..ooxml.refs import column_letter, letters_value

_CHUNK = 1024 * 1024

# What follows `<c` in a cell tag not written the way Excel, LibreOffice, openpyxl and XlsxWriter
# all write it (`<c r="A1" ...>`): without a reference, with other spacing, or with a reference
# outside Excel's grid (more than three letters or seven digits). A prefixed tag: `_PREFIXED_CELL`.
_ODD_CELL_TAIL = rb'[\t\r\n>/]| (?!r="[A-Za-z]{1,3}\d{1,7}")'
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Za-z]{1,3}\d{1,7}:)?([A-Za-z]{1,3})(\d{1,7})"')
# A cell that holds something (self-closing cells only carry a style and are not read).
_VALUED_REF = re.compile(rb'<c r="([A-Za-z]+)(\d+)"(?![^<>]*/>)')
_VALUE_INDEX = re.compile(rb"<v>(\d+)</v>")
# A value element written other than `<v>` (or another element whose name begins with v).
_ODD_VALUE = re.compile(rb"<v(?!>)")
_SHARED_STRING = re.compile(rb"<si[\s>/]")
_PREFIXED_SHARED_STRING = re.compile(rb":si[\s>/]")


@dataclass(frozen=True)
class SheetScan:
    """What a worksheet part expands to when parsed, measured in its XML text.

    `plain` says every cell is written with its reference the usual way, so the other figures hold;
    when False they are unknown and only a streaming parser with its own limits may read the sheet.
    `last_row` is the last row that can hold a value, exact whenever it exceeds the reader's row
    limit; `cells` bounds the box from the first to the last cell that holds a value (what a
    parser building a dense grid allocates); `text` bounds the bytes of shared-string text that the
    cells copy (a string used in a thousand cells counts a thousand times), exact whenever it
    exceeds the reader's text limit, and None when it may exceed it but cannot be counted.
    `errors` and `formulas` are what the request's `errors` and `formulas` found in the part
    (see `ScanRequest`); `size` the part's unpacked bytes.
    """

    plain: bool
    last_row: int = 0
    last_column: int = 0
    cells: int = 0
    text: int | None = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: frozenset[tuple[int, int]] = frozenset()
    size: int = 0


@dataclass(frozen=True)
class ScanRequest:
    """The worksheets `sniff` is to measure as it checks them, and the reader's limits.

    `choose` picks the parts from the book's sheets (name as it stands → worksheet part) and
    the unpacked size of every part the zip declares;
    figures are exact where a limit is in reach, else bounds (see `SheetScan`). `errors` and
    `formulas` are the reader's own looks at a plain sheet's XML while it is unpacked here (the
    cells it reads in its own way, and the cells that hold a formula, by (row, column)).
    """

    choose: Callable[[dict[str, str], dict[str, int]], Iterable[str]]
    max_rows: int
    max_cells: int
    max_text: int
    errors: Callable[[bytes], dict[tuple[int, int], str]] = lambda _: {}
    formulas: Callable[[bytes], frozenset[tuple[int, int]]] = lambda _: frozenset()


@dataclass(frozen=True)
class SharedStrings:
    """Byte size of each shared string (its `<si>` element), in table order."""

    sizes: array[int]
    largest: int
    # False when the table holds markup that could hide or fake `<si>` elements from a plain search
    # (comments, CDATA, processing instructions, prefixed elements): sizes are then only a guess.
    exact: bool


def shared_strings(data: bytes) -> SharedStrings:
    starts = [match.start() for match in _SHARED_STRING.finditer(data)]
    starts.append(len(data))
    sizes = array("q", map(operator.sub, starts[1:], starts[:-1]))
    exact = (
        b"<!" not in data
        and data.count(b"<?") <= 1
        and _PREFIXED_SHARED_STRING.search(data) is None
    )
    return SharedStrings(sizes=sizes, largest=max(sizes, default=0), exact=exact)


def scan_sheet(data: bytes, strings: SharedStrings | None, scan: ScanRequest) -> SheetScan:
    max_rows, max_cells, max_text = scan.max_rows, scan.max_cells, scan.max_text
    if _PREFIXED_CELL.search(data):
        return SheetScan(plain=False)
    # The sheet's own claim of its extent, checked by looking for any cell beyond it, in the
    # same pass that looks for cells written in an odd way.
    claim = _DIMENSION.search(data)
    last_row, last_column = (int(claim[2]), letters_value(claim[1].decode())) if claim else (0, 0)
    found = _odd_or_beyond(last_row, last_column).findall(data)
    if any(odd for odd, _, _ in found):
        return SheetScan(plain=False)
    beyond = [(letters, digits) for _, letters, digits in found]
    if beyond:
        rows, columns = _extent(beyond)
        last_row, last_column = max(last_row, max(rows)), max(last_column, max(columns))
    cells = last_row * last_column
    if last_row > max_rows or cells > max_cells:
        # The claim may be generous; only cells that hold a value count, measured exactly.
        rows, columns = _extent(_VALUED_REF.findall(data))
        if not rows:
            return SheetScan(plain=True)
        last_row, last_column = max(rows), max(columns)
        cells = (last_row - min(rows) + 1) * (last_column - min(columns) + 1)
    return SheetScan(
        plain=True,
        last_row=last_row,
        last_column=last_column,
        cells=cells,
        text=_copied_text(data, strings, cells, max_text),
        errors=scan.errors(data),
        formulas=scan.formulas(data),
        size=len(data),
    )


def _extent(references: list[tuple[bytes, bytes]]) -> tuple[set[int], set[int]]:
    """Row numbers and column indexes of cell references given as (letters, digits)."""
    letters = {letters for letters, _ in references}
    digits = {digits for _, digits in references}
    return {int(d) for d in digits}, {letters_value(c.decode()) for c in letters}


def _copied_text(
    data: bytes, strings: SharedStrings | None, cells: int, max_text: int
) -> int | None:
    """Bytes of shared-string text the cells copy: a bound, counted exactly over `max_text`."""
    if strings is None:
        return 0
    bound = cells * strings.largest
    if bound <= max_text:
        return bound
    if not strings.exact or _ODD_VALUE.search(data):
        return None
    # Only a cell's `<v>` can name a shared string.
    bound = data.count(b"<v>") * strings.largest
    if bound <= max_text:
        return bound
    sizes = strings.sizes
    uses: Counter[bytes] = Counter()
    start = 0
    while start < len(data):
        # Counted a stretch of whole cells at a time, to hold only a stretch's indexes.
        end = data.find(b"<c ", start + _CHUNK)
        end = len(data) if end < 0 else end
        uses.update(_VALUE_INDEX.findall(data, start, end))
        start = end
    return sum(n * sizes[i] for value, n in uses.items() if (i := int(value)) < len(sizes))


def _odd_or_beyond(last_row: int, last_column: int) -> re.Pattern[bytes]:
    """Cells written in an odd way (group 1, see `_ODD_CELL_TAIL`), and the references (groups 2
    and 3) of cells in a later row or a later column than (last_row, last_column)."""
    columns = _letters_after(column_letter(last_column))
    rows = _number_above(last_row)
    return re.compile(
        rb"<c(?:("
        + _ODD_CELL_TAIL
        + rb')| r="(?=(?:'
        + columns
        + rb")\d|[A-Za-z]+(?:"
        + rows
        + rb')")([A-Za-z]+)(\d+)")'
    )


def _number_above(number: int) -> bytes:
    """A pattern for decimal numbers (leading zeros allowed) greater than `number`."""
    digits = str(number)
    width = len(digits)
    options = [rf"[1-9]\d{{{width},}}"]
    for i, digit in enumerate(digits):
        if digit != "9":
            options.append(rf"{digits[:i]}[{int(digit) + 1}-9]\d{{{width - i - 1}}}")
    return ("0*(?:" + "|".join(options) + ")").encode()


def _letters_after(letters: str) -> bytes:
    """A pattern for column letters (either case) that come after `letters` ("" = before A)."""
    width = len(letters)
    options = [f"[A-Za-z]{{{width + 1},}}"]
    for i, letter in enumerate(letters):
        if letter != "Z":
            following = chr(ord(letter) + 1)
            same = f"(?i:{letters[:i]})" if i else ""
            options.append(f"{same}[{following}-Z{following.lower()}-z][A-Za-z]{{{width - i - 1}}}")
    return ("(?:" + "|".join(options) + ")").encode()
