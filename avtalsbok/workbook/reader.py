"""Read an avtalsbok file into a `BookInput`: each input sheet's rows by header, fast and safely.

Whatever the file holds, `read_book` returns: a file that cannot be read gives a book with one
finding that tells the officer why (and no sheets, so no run computes from half a book). Sheets are
found by name and columns by header, wherever the officer put them. python-calamine does the
parsing; openpyxl, in streaming mode, reads the books calamine cannot, and the sheets whose layout
would make calamine's dense grid too big for memory. The file is read once, into memory, and is
never written or locked.
"""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, time
from typing import Any

from python_calamine import CalamineSheet, CalamineWorkbook

from ..core import findings, schema
from ..core.book import BookInput, RawRow, SheetInput
from ..core.findings import Finding
from ..ooxml.refs import column_letter, letters_value
from ..ooxml.serials import as_1904
from . import sheetscan, sniff
from .panics import ReaderPanic, panics_as_errors

#: One row as a parser gives it: (Excel row number, column number of its first value, values).
GridRow = tuple[int, int, Sequence[Any]]
# A cell showing a formula error (#N/A, #DIV/0!, ...) and the error's text.
_ERROR_CELL = re.compile(
    rb'<c r="([A-Za-z]{1,3})(\d{1,7})"[^<>]*? t="e"[^<>]*>(?:<f[^<>]*/>|<f[^<>]*>[^<]*</f>)?'
    rb"<v>([^<]*)</v>"
)
# A cell's formula (a shared formula's other cells hold an empty `<f .../>`), and the opening
# tag of the cell that must stand right before it.
_FORMULA = re.compile(rb"<f[\s>/]")
_CELL_START = re.compile(rb'<c r="([A-Za-z]{1,3})(\d{1,7})"[^<>]*>')

#: Bytes a workbook may unpack to before it is refused unread.
MAX_UNCOMPRESSED = 400 * 1024**2
#: Rows from the first non-empty one in which the header row is looked for.
HEADER_SEARCH_ROWS = 10
#: Known headers a row needs to be taken as the header row.
HEADER_MIN_MATCHES = 2
#: Cells of one sheet's grid, empty ones included, that calamine may allocate (about 32 bytes each).
MAX_CELLS = 5_000_000
#: Shared-string text one sheet's cells may copy (calamine copies a shared string into every cell)
#: whatever the sheet's size: a string bomb (one long string in every cell) stops here.
MAX_TEXT = 100 * 1024 * 1024
#: A larger sheet may copy up to this many bytes of text per byte of its own XML (a sheet of
#: contracts copies about 1.7; a bomb copies hundreds), and never more than `MAX_TEXT_CAP`,
#: which a 100 000-contract `Avtal` (about 130 MB of copies) fits under.
TEXT_PER_XML_BYTE = 4
MAX_TEXT_CAP = 256 * 1024 * 1024
#: Cells of a regenerated sheet read to tell whether a run changes it. Reading costs on every
#: run and pays only when the sheet is unchanged, which a large `Uppföljningsplan` seldom is
#: the next day (one day more late, rows moved up), and a same-day `run` is answered by the
#: book's mark (`lastrun`) without reading: so only small sheets are read (Översikt, Fel, a
#: 700-contract book's plan); a larger one is compared by the writer, row by row as XML.
MAX_SHOWN_CELLS = 50_000
#: A regenerated sheet whose XML is larger than this is not even measured for reading (a
#: 10 000-contract plan is 10 MB; a sheet of 50 000 cells is 2–3 MB): only checked, as every
#: part is, which saves unpacking and searching it once more on a day it changes anyway.
MAX_SHOWN_BYTES = 4 * 1024 * 1024
#: The regenerated sheets read, so that a run whose grid for one of them shows what the book
#: shows leaves the sheet as it is without rendering it (`output.plan_writes`).
SHOWN_SHEETS = schema.COMPUTED_SHEETS


class _Misread(Exception):
    """Raised when calamine's rows do not add up to its sheet's size."""


class _Stop(Exception):
    """Raised while streaming a sheet when a limit is reached; carries the finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


#: What a sheet that is not a worksheet is (the end of its relationship type; "": no part).
_KINDS = {
    "chartsheet": "det är ett diagramblad, inte ett kalkylblad med celler",
    "dialogsheet": "det är ett dialogblad (Excel 5), inte ett kalkylblad med celler",
    "macrosheet": "det är ett makroblad (Excel 4), inte ett kalkylblad med celler",
    "": "dess innehåll saknas i filen",
}


def read_book(
    path: str | os.PathLike[str],
    *,
    max_rows: int = 1_000_000,
    max_uncompressed: int = MAX_UNCOMPRESSED,
) -> BookInput:
    """The input sheets of the workbook at `path`, or the finding that says why it can't be read.

    A sheet over `max_rows` rows (by the Excel row number of its last value) stops the read with
    `too-many-rows`; a file that would unpack to more than `max_uncompressed` bytes is not unpacked.
    A missing required sheet gives `sheet-missing` and the sheets that were found.
    """
    location = os.fspath(path)
    name = os.path.basename(location)
    request = sheetscan.ScanRequest(
        choose=_scanned_parts,
        max_rows=max_rows,
        max_cells=MAX_CELLS,
        max_text=MAX_TEXT,
        errors=_error_cells,
        formulas=_formula_cells,
    )
    package = sniff.sniff(location, max_uncompressed=max_uncompressed, scan=request)
    if isinstance(package, Finding):
        return _unreadable(name, package)

    for actual in canonical_names(package.other_sheets).values():
        # A sheet avtalsbok reads or writes that is not a worksheet: nothing can be read from
        # it, and nothing written in its place (a second sheet of its name).
        kind = package.other_sheets[actual]
        reason = _KINDS.get(kind, f"det är inget kalkylblad med celler utan av sorten {kind}")
        return _unreadable(name, findings.make("sheet-not-worksheet", sheet=actual, reason=reason))
    sheet_names = canonical_names(package.sheets)
    wanted = {c: sheet_names[c] for c in schema.INPUT_SHEETS if c in sheet_names}
    parts = {canonical: package.sheets[actual] for canonical, actual in wanted.items()}
    scans = {part: package.scans[part] for part in parts.values()}
    shown = _shown_sheets(package, sheet_names)
    for canonical, part in parts.items():
        scan = scans[part]
        if scan.plain and scan.last_row > max_rows:
            return _unreadable(name, _too_many_rows(wanted[canonical], max_rows))
        if scan.text is not None and scan.text > text_limit(scan):
            reason = (
                f"cellerna på bladet {wanted[canonical]} skulle rymma {scan.text // 1024**2} MB "
                f"text; gränsen är {text_limit(scan) // 1024**2} MB"
            )
            return _unreadable(name, findings.make("file-too-large", reason=reason))

    # calamine builds each sheet as a dense grid and copies shared strings into every cell: it
    # reads the sheets whose grid and text are known to fit; openpyxl streams the others.
    calamine_can = all(
        scan.plain and scan.cells <= MAX_CELLS and scan.text is not None for scan in scans.values()
    )
    errors = {canonical: scans[part].errors for canonical, part in parts.items()}
    formulas = {canonical: scans[part].formulas for canonical, part in parts.items()}
    # calamine takes only `1` and `true` for a 1904 book; the book's own rule (`ooxml.serials`)
    # also takes them padded with white space: calamine's dates of such a book are moved.
    moved = package.date1904 and package.date1904_written not in ("1", "true")
    by_calamine = (
        _read_calamine(package.data, wanted, errors, formulas, moved, shown)
        if calamine_can
        else None
    )
    grids: dict[str, list[list[Any]]] = {}
    if isinstance(by_calamine, tuple):
        sheets, grids = by_calamine
    else:
        by_openpyxl = _read_openpyxl(package.data, wanted, max_rows, complaint=by_calamine)
        if isinstance(by_openpyxl, Finding):
            return _unreadable(name, by_openpyxl)
        sheets = _sheet_inputs(wanted, by_openpyxl, formulas)

    book = _book(name, sheet_names, sheets, package.date1904)
    book.shown.update(grids)
    return book


def text_limit(scan: sheetscan.SheetScan) -> int:
    """The shared-string text (bytes) a sheet's cells may copy: `MAX_TEXT`, or for a larger
    sheet `TEXT_PER_XML_BYTE` times its own XML, at most `MAX_TEXT_CAP`."""
    return min(MAX_TEXT_CAP, max(MAX_TEXT, TEXT_PER_XML_BYTE * scan.size))


def book_from_grids(
    name: str,
    sheet_names: dict[str, str],
    grids: Mapping[str, Iterable[GridRow]],
    *,
    date1904: bool = False,
) -> BookInput:
    """The book from the rows of its input sheets, however they were read (file or live Excel).

    `sheet_names`: canonical → actual name of every sheet found (`canonical_names`); `grids`:
    canonical name → the rows of each input sheet read, top to bottom. A missing required sheet
    gives `sheet-missing`.
    """
    return _book(name, sheet_names, _sheet_inputs(sheet_names, grids), date1904)


def _sheet_inputs(
    sheet_names: Mapping[str, str],
    grids: Mapping[str, Iterable[GridRow]],
    formulas: Mapping[str, frozenset[tuple[int, int]]] | None = None,
) -> dict[str, SheetInput]:
    texts: dict[str, str | None] = {}
    cells = formulas or {}
    return {
        c: _sheet_input(sheet_names[c], schema.DATA_SHEETS[c], grid, texts, cells.get(c))
        for c, grid in grids.items()
    }


def _book(
    name: str, sheet_names: dict[str, str], sheets: dict[str, SheetInput], date1904: bool
) -> BookInput:
    missing = [
        findings.make("sheet-missing", sheet=s).with_book(name)
        for s in schema.REQUIRED_SHEETS
        if s not in sheets
    ]
    return BookInput(
        name=name, sheets=sheets, sheet_names=sheet_names, findings=missing, date1904=date1904
    )


def _scanned_parts(sheets: dict[str, str], sizes: dict[str, int]) -> list[str]:
    """The worksheet parts of the input sheets, and of the `SHOWN_SHEETS` up to
    `MAX_SHOWN_BYTES`, among a book's sheets (name → part; `sizes`: part → unpacked bytes)."""
    names = canonical_names(sheets)
    shown = [sheets[names[c]] for c in SHOWN_SHEETS if c in names]
    return [sheets[names[c]] for c in schema.INPUT_SHEETS if c in names] + [
        part for part in shown if sizes.get(part, 0) <= MAX_SHOWN_BYTES
    ]


def _shown_sheets(
    package: sniff.Package, sheet_names: Mapping[str, str]
) -> dict[str, tuple[str, sheetscan.SheetScan]]:
    """Canonical → (name, scan) of the `SHOWN_SHEETS` the book has, small enough to read."""
    shown: dict[str, tuple[str, sheetscan.SheetScan]] = {}
    for canonical in SHOWN_SHEETS:
        actual = sheet_names.get(canonical)
        scan = package.scans.get(package.sheets[actual]) if actual is not None else None
        if scan is None or not scan.plain or scan.cells > MAX_SHOWN_CELLS:
            continue
        if scan.text is not None and scan.text <= MAX_TEXT and actual is not None:
            shown[canonical] = (actual, scan)
    return shown


def _unreadable(name: str, finding: Finding) -> BookInput:
    return BookInput(name=name, findings=[finding.with_book(name)])


def _too_many_rows(sheet: str, limit: int) -> Finding:
    return findings.make("too-many-rows", sheet=sheet, limit=limit)


def canonical_names(actual_names: Iterable[str]) -> dict[str, str]:
    """Canonical sheet name → the name as it stands in the book (the first match wins)."""
    lookup = schema.sheet_lookup()
    names: dict[str, str] = {}
    for actual in actual_names:
        canonical = lookup.get(schema.normalize_header(actual))
        if canonical is not None:
            names.setdefault(canonical, actual)
    return names


def _error_cells(data: bytes) -> dict[tuple[int, int], str]:
    """(row, column) → the error of each cell of a plain sheet's XML that shows a formula error
    (#N/A, #DIV/0!, ...), which calamine reads as empty."""
    if b' t="e"' not in data:
        return {}
    return {
        (int(row), letters_value(letters.decode())): text.decode("utf-8", errors="replace")
        for letters, row, text in _ERROR_CELL.findall(data)
    }


def _formula_cells(data: bytes) -> frozenset[tuple[int, int]]:
    """(row, column) of each cell of a plain sheet's XML that holds a formula."""
    cells: set[tuple[int, int]] = set()
    at = data.find(b"<f")
    while at >= 0:  # few, if any (and `<formula>` of a conditional format): each looked at back
        if _FORMULA.match(data, at):
            cell = _CELL_START.match(data, data.rfind(b"<c ", 0, at))
            if cell is not None and cell.end() == at:
                cells.add((int(cell[2]), letters_value(cell[1].decode())))
        at = data.find(b"<f", at + 2)
    return frozenset(cells)


def _read_calamine(
    data: bytes,
    wanted: dict[str, str],
    errors: dict[str, dict[tuple[int, int], str]],
    formulas: dict[str, frozenset[tuple[int, int]]],
    as_1904: bool = False,
    shown: Mapping[str, tuple[str, sheetscan.SheetScan]] | None = None,
) -> tuple[dict[str, SheetInput], dict[str, list[list[Any]]]] | str:
    """Each wanted sheet read by calamine, with the cells of the `shown` sheets (canonical →
    (name, scan)) as rows from A1; or calamine's complaint when it cannot read them.

    calamine reads a cell showing a formula error as empty; `errors` (sheet → (row, column) →
    error text) puts the error back, so the officer hears of `#N/A`, not of a missing value.
    `formulas` (sheet → cells that hold a formula) goes with the sheet (`SheetInput.formulas`).
    The rows are taken one at a time as calamine converts them, so only what a sheet keeps is
    ever held, not every cell of its grid. `as_1904`: the book is a 1904 book that calamine
    takes for a 1900 one, so each date it gives is moved to the 1904 system.
    """
    sheets: dict[str, SheetInput] = {}
    grids: dict[str, list[list[Any]]] = {}
    texts: dict[str, str | None] = {}
    try:
        with panics_as_errors(), CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            for canonical, actual in wanted.items():
                sheet = book.get_sheet_by_name(actual)
                rows = _calamine_rows(sheet, errors[canonical])
                if as_1904:
                    rows = _dates_as_1904(rows)
                sheets[canonical] = _sheet_input(
                    actual, schema.DATA_SHEETS[canonical], rows, texts, formulas[canonical]
                )
                del sheet, rows  # its cells go before the next sheet's are read
            for canonical, (actual, scan) in (shown or {}).items():
                rows = _calamine_rows(book.get_sheet_by_name(actual), scan.errors)
                grids[canonical] = _from_a1(_dates_as_1904(rows) if as_1904 else rows)
    except Exception as exc:  # calamine's own error types, and a panic as `ReaderPanic`
        detail = str(exc) if isinstance(exc, ReaderPanic) else f"{type(exc).__name__}: {exc}"
        return detail[:200]
    return sheets, grids


def _from_a1(rows: Iterable[GridRow]) -> list[list[Any]]:
    """A sheet's rows as a grid from A1 (empty rows and cells as empty lists and None)."""
    grid: list[list[Any]] = []
    for number, first, values in rows:
        grid.extend([] for _ in range(number - 1 - len(grid)))
        grid.append([None] * (first - 1) + [None if v == "" else v for v in values])
    return grid


def _calamine_rows(sheet: CalamineSheet, errors: dict[tuple[int, int], str]) -> Iterator[GridRow]:
    """A sheet's rows from its first used one, numbered as in Excel, formula errors put back."""
    start = sheet.start
    if start is None:
        return
    top, left = start
    # iter_rows() yields `top` empty rows before the first used one, then the rows of the used
    # range, each from its first used column.
    rows = itertools.islice(sheet.iter_rows(), top, None)
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, column), text in errors.items():
        if row > top and column > left:
            by_row.setdefault(row, []).append((column - left - 1, text))
    count = 0
    for count, values in enumerate(rows, start=1):
        fixes = by_row.get(top + count) if by_row else None
        if fixes is not None:
            for at, text in fixes:
                if at < len(values):
                    values[at] = text
        yield top + count, left + 1, values
    if count != sheet.height:
        raise _Misread(f"calamine gav {count} rader av {sheet.height}")


def _dates_as_1904(rows: Iterator[GridRow]) -> Iterator[GridRow]:
    """Rows with each date and date-time moved from the 1900 date system to the 1904 one."""
    for number, first, values in rows:
        yield number, first, [as_1904(v) if isinstance(v, date) else v for v in values]


def _read_openpyxl(
    data: bytes, wanted: dict[str, str], max_rows: int, *, complaint: str | None
) -> dict[str, list[GridRow]] | Finding:
    """Each wanted sheet's rows by openpyxl, streaming, with the row and cell limits applied as
    rows arrive (the fallback when calamine cannot read the book or its grid would not fit).

    Values are as openpyxl gives them: whole numbers as int, dates as datetime, errors as text.
    When openpyxl fails too, the finding quotes calamine's `complaint` if there was one.
    """
    from openpyxl import load_workbook

    grids: dict[str, list[GridRow]] = {}
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        return _uninterpretable(complaint or f"{type(exc).__name__}: {exc}")
    try:
        for canonical, actual in wanted.items():
            sheet = book[actual]
            # The sheet's stated dimensions may be wrong: read every row as it stands.
            sheet.reset_dimensions()
            grids[canonical] = _stream_rows(actual, sheet.iter_rows(values_only=True), max_rows)
    except _Stop as stop:
        return stop.finding
    except Exception as exc:
        return _uninterpretable(complaint or f"{type(exc).__name__}: {exc}")
    finally:
        book.close()
    return grids


def first_row(path: str | os.PathLike[str], sheet: str) -> list[Any] | None:
    """The values of the first row of `sheet` that holds one ([]: none), streamed by openpyxl
    up to that row; None when the sheet cannot be read."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception:
        return None
    try:
        ws = book[sheet]
        ws.reset_dimensions()
        for values in ws.iter_rows(values_only=True):
            if any(v is not None and v != "" for v in values):
                return list(values)
        return []
    except Exception:
        return None
    finally:
        book.close()


def _uninterpretable(detail: str) -> Finding:
    return findings.make("file-corrupt", reason=f"innehållet kan inte tolkas: {detail}")


def _stream_rows(sheet: str, rows: Iterable[Sequence[Any]], max_rows: int) -> list[GridRow]:
    grid: list[GridRow] = []
    cells = 0
    for number, values in enumerate(rows, start=1):
        cells += len(values)
        if cells > MAX_CELLS:
            reason = f"bladet {sheet} har fler än {MAX_CELLS} celler"
            raise _Stop(findings.make("file-too-large", reason=reason))
        if number > max_rows:
            if any(not _blank(v) for v in values):
                raise _Stop(_too_many_rows(sheet, max_rows))
            continue
        grid.append((number, 1, values))
    return grid


def _sheet_input(
    name: str,
    sheet: schema.SheetDef,
    grid: Iterable[GridRow],
    texts: dict[str, str | None],
    formulas: frozenset[tuple[int, int]] | None = None,
) -> SheetInput:
    """A sheet's header row, headers by column letter, and non-blank data rows by header.

    `texts` keeps each distinct text once across the book (a supplier or a category repeats
    on thousands of rows); an empty cell (calamine's "") becomes None. Of `formulas` (the
    cells that hold a formula), those in the sheet's computed columns below the header are kept.
    """
    if not texts:
        texts[""] = None
    lookup = schema.header_lookup(sheet)
    rows_in = iter(grid)
    # The first non-empty row and the rows after it within reach of the header search.
    head: list[GridRow] = []
    for grid_row in rows_in:
        if head:
            head.append(grid_row)
            if grid_row[0] >= head[0][0] + HEADER_SEARCH_ROWS:
                break
        elif not all(_blank(v) for v in grid_row[2]):
            head.append(grid_row)
    if not head:
        return SheetInput(name=name, header_row=1, headers={}, rows=[])
    at = _header_index(head, lookup)
    header_row, first_column, header_values = head[at]

    headers: dict[str, str] = {}
    positions: list[tuple[int, str]] = []
    for offset, value in enumerate(header_values):
        text = _header_text(value)
        if text is None:
            continue
        headers[column_letter(first_column + offset)] = text
        # The same header twice: the first column counts (the parser reports the duplicate).
        if all(text != seen for _, seen in positions):
            positions.append((offset, text))

    offsets = [offset for offset, _ in positions]
    keys = [text for _, text in positions]
    reach = max(offsets, default=-1)
    count = len(offsets)
    whole = offsets == list(range(count))
    keep = texts.setdefault
    rows: list[RawRow] = []
    max_row = header_row
    max_column = 0
    for number, first, values in itertools.chain(head[at:], rows_in):
        width = len(values)
        if first + width - 1 > max_column:
            # Only cells right of the last used column found so far can move it.
            for k in range(width - 1, max_column - first, -1):
                if not _blank(values[k]):
                    max_column = first + k
                    break
        if number == header_row:
            continue
        shift = first_column - first
        if shift == 0 and reach < width:
            if whole:
                picked = values if width == count else values[:count]
            else:
                picked = [values[k] for k in offsets]
        else:
            picked = [values[k] if 0 <= (k := o + shift) < width else None for o in offsets]
        # A data row holds a value the officer typed, not only spaces (most show it at once).
        shown = next(filter(None, picked), None)
        if (shown is not None and (not isinstance(shown, str) or shown.strip())) or not all(
            map(_empty, picked)
        ):
            cells = [keep(v, v) if v.__class__ is str else v for v in picked]
            rows.append((number, dict(zip(keys, cells, strict=True))))
            max_row = number
        elif not all(_blank(v) for v in values):
            max_row = number
    return SheetInput(
        name=name,
        header_row=header_row,
        headers=headers,
        rows=rows,
        max_column=max_column,
        max_row=max_row,
        formulas=_computed_cells(formulas, header_row, headers, sheet),
    )


def _computed_cells(
    cells: frozenset[tuple[int, int]] | None,
    header_row: int,
    headers: Mapping[str, str],
    sheet: schema.SheetDef,
) -> frozenset[tuple[int, int]]:
    """The `cells` (row, column) below the header row in a column whose header is one of the
    sheet's computed columns."""
    if not cells:
        return frozenset()
    lookup = schema.header_lookup(sheet)
    computed = {c.key for c in sheet.computed_columns}
    columns = {
        letters_value(letter)
        for letter, text in headers.items()
        if lookup.get(schema.normalize_header(text)) in computed
    }
    return frozenset(cell for cell in cells if cell[0] > header_row and cell[1] in columns)


def _header_index(head: list[GridRow], lookup: dict[str, str]) -> int:
    """The first row near the top with enough known headers; else the first row (non-empty)."""
    top = head[0][0]
    for i, (number, _, values) in enumerate(head):
        if number >= top + HEADER_SEARCH_ROWS:
            break
        known = sum(1 for v in values if schema.normalize_header(_header_text(v)) in lookup)
        if known >= HEADER_MIN_MATCHES:
            return i
    return 0


def _header_text(value: Any) -> str | None:
    """A header cell as text, as it stands (numbers and dates written out); None when empty."""
    if _empty(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _blank(value: Any) -> bool:
    """Nothing in the cell (an empty string from calamine, None from openpyxl)."""
    return value is None or value == ""


def _empty(value: Any) -> bool:
    """Nothing the officer typed: blank, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())
