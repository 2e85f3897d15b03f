"""Loss-free write-back into an officer's workbook: only the XML that changes is rewritten.

An officer's .xlsx/.xlsm is the only copy of their contract register and carries much that this
product did not make: their own columns, form-control buttons, VBA, charts, comments, formats.
Libraries that load and re-save a package drop some of it, so nothing here does that. Instead
the edited worksheet XML is spliced row by row (every byte outside the edited cells stays as it
was), a handful of small parts are patched in place when strictly needed (a date style appended
to `styles.xml`, stale entries cut from `calcChain.xml`, an Excel table's range, a new sheet's
registration), and every other zip entry is copied byte for byte, compressed stream included.
The result is saved atomically (see `atomic.py`) and checked before it replaces the book.

Cell rules: a written cell keeps its style (a date gets a date format when its style has none);
text is written as an inline string and never becomes a formula; `None` clears a value but keeps
the cell's format; a formula that is overwritten leaves the calculation chain with it.
"""

from __future__ import annotations

import codecs
import html
import io
import math
import operator
import os
import posixpath
import queue
import re
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import BinaryIO, TypeAlias
from urllib.parse import unquote

from avtalsbok.core.schema import column_index, column_letter

from . import partcheck
from .atomic import WriteError, atomic_replace, file_stamp, owner_of

CHANGED_MEANWHILE = "arbetsboken ändrades av någon annan medan den bearbetades"

__all__ = ["CellValue", "WorkbookEditor", "WriteError", "write_cells"]

#: What a cell can be given. Dates and times become Excel serial numbers.
CellValue: TypeAlias = str | int | float | bool | date | datetime | None

MAX_ROW = 1_048_576
MAX_COL = 16_384
#: Excel keeps at most this many characters in a cell; longer text is cut here.
MAX_TEXT = 32_767

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL_NS_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_WORKSHEET_REL = _REL_NS + "/worksheet"
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

# A start tag's attribute text, quoted values taken whole (they may hold `>`).
_ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})")
_ROW_NUMBER = re.compile(r'\sr\s*=\s*"(\d+)"')
_START_TAG = re.compile(f"<[^\\s>/]+({_ATTRS})>")
_SPANS = re.compile(r"""(\sspans\s*=\s*)(?:"[^"]*"|'[^']*')""")
_ROOT = re.compile(r"<(?:([\w.-]+):)?(\w+)\b(" + _ATTRS + ")>")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPED_CHAR = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_CELL_LETTERS = re.compile(r"[A-Z]{1,3}(?=[0-9])")
# White space as XML defines it (a carriage return is always written escaped).
_XML_SPACE = frozenset(" \t\n")
#: Distinct cells (by format or column, and value) remembered while a sheet is rendered.
_MADE_CELLS = 20_000
#: Unpacked bytes of the sheets a save rewrites from which each new part is checked in a helper
#: process while the next one is rendered (below it, starting one costs more than it saves).
_CHECK_BESIDE_FROM = 8 * 1024 * 1024
#: Seconds the helper may take, after the last part, to answer.
_CHECK_TIMEOUT = 600
_CHECK_LOST = "kontrollen av den nya filen avbröts; arbetsboken sparades inte"
#: Rows rendered together (see `_SheetModel._render_plain`); their new text is held meanwhile.
_BATCH_ROWS = 1000

# Built-in number formats that show a date or a time (ECMA-376 18.8.30 and the East Asian ids).
_DATE_FORMAT_IDS = frozenset(
    [*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59), *range(71, 82)]
)
_DATE_FORMAT_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)
_NOT_DATE_PARTS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_FORMAT_DATE, _FORMAT_DATETIME = 14, 22

_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_LEAP_BUG_END = datetime(1900, 3, 1)
_FIRST_1900 = datetime(1900, 1, 1)
_FIRST_DAY_1900, _FIRST_DAY_1904 = date(1900, 1, 1), date(1904, 1, 1)
#: Whole numbers this small are always finite as Excel's floating-point numbers.
_SAFE_INT = 1 << 1000

_ZIP_LIMIT = 0xFFFF_FFFF
#: Characters or bytes handled at a time when a part is packed, copied or checked.
_CHUNK = 1 << 20
_MAX_PART = 1 << 31


# --------------------------------------------------------------------------------------------
# Public API


class WorkbookEditor:
    """Collects edits to one .xlsx/.xlsm and saves them atomically, loss-free.

    Edits apply in the order they are made; nothing touches the file until `save`. A sheet is
    read when it is first edited. `save` refuses a book someone has open (`WriteError` with
    code `file-locked`) and a book that changed on disk since this editor opened it.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, expected_stamp: tuple[int, int] | None = None
    ) -> None:
        """Open a book for editing; `expected_stamp` (from `file_stamp`, taken when the book
        was read) refuses a book saved by someone else since then."""
        self.path = Path(path)
        self._load()
        if expected_stamp is not None and self._stamp != expected_stamp:
            raise WriteError(CHANGED_MEANWHILE)

    @property
    def sheet_names(self) -> list[str]:
        """Every sheet's name, in workbook order."""
        return [entry.name for entry in self._entries]

    def set_cells(self, sheet: str, cells: Mapping[str, CellValue]) -> None:
        """Write single cells by reference: `{"C5": 12, "D5": "text", "F5": None}`."""
        rows: dict[int, dict[int, CellValue]] = {}
        for ref, value in cells.items():
            row, col = _parse_cell_ref(ref)
            row_cells = rows.get(row)
            if row_cells is None:
                rows[row] = {col: value}
            else:
                row_cells[col] = value
        self.set_cell_rows(sheet, rows)

    def set_cell_rows(self, sheet: str, rows: Mapping[int, Mapping[int, CellValue]]) -> None:
        """Write single cells by position, row by row: `{5: {3: 12, 4: "text", 6: None}}`
        writes C5, D5 and F5 (rows and columns counted from 1)."""
        model = self._sheet(sheet)
        edits = model.edits
        date1904 = self._date1904
        for row, cells in rows.items():
            if not cells:
                continue
            if not 1 <= row <= MAX_ROW or not 1 <= min(cells) <= max(cells) <= MAX_COL:
                raise ValueError(f"row {row} has a cell outside the sheet")
            _check_values(cells.values(), date1904)
            row_edits = edits.get(row)
            if row_edits is None:
                edits[row] = dict(cells)
            else:
                row_edits.update(cells)

    def replace_sheet_rows(
        self, sheet: str, rows: Sequence[Sequence[CellValue]], first_row: int = 1
    ) -> None:
        """Clear every cell from `first_row` down and write `rows` from column A of `first_row`.

        Cell formats, column widths, drawings and charts stay. An Excel table that reaches into
        the replaced rows is resized to the new rows (header plus at least one row); when the
        grid covers a table's header row, the table's column names follow the new headers.
        """
        model = self._sheet(sheet)
        last_row = first_row + len(rows) - 1
        if not 1 <= first_row <= MAX_ROW or last_row > MAX_ROW:
            raise ValueError(f"rows {first_row}..{last_row} are outside the sheet")
        grid = self._prepare_grid(rows, first_row, 1)
        for table in model.tables:
            table.fit_to_replaced_rows(model.name, rows, first_row)
        model.clear_from = (
            first_row if model.clear_from is None else min(model.clear_from, first_row)
        )
        for row in [r for r in model.edits if r >= first_row]:
            del model.edits[row]
        model.edits.update(grid)

    def append_rows(
        self, sheet: str, rows: Sequence[Sequence[CellValue]], first_col: int = 1
    ) -> None:
        """Write `rows` below the sheet's last row with a value, from column `first_col`.

        An Excel table that ends at or below that last row grows to hold the new rows.
        """
        model = self._sheet(sheet)
        if not rows:
            return
        old_last = model.last_value_row()
        width = max((len(row) for row in rows), default=0)
        if old_last + len(rows) > MAX_ROW or not 1 <= first_col <= MAX_COL - width + 1:
            raise ValueError("the rows do not fit on the sheet")
        grid = self._prepare_grid(rows, old_last + 1, first_col)
        for table in model.tables:
            table.grow_for_appended_rows(
                model.name, old_last, old_last + len(rows), first_col, first_col + width - 1
            )
        model.edits.update(grid)

    def add_sheet(self, name: str) -> None:
        """Add an empty worksheet after the last sheet."""
        _check_sheet_name(name)
        if self._find_entry(name) is not None:
            raise ValueError(f"a sheet named {name!r} already exists")
        self._book.add_sheet(name)
        entry = self._entries[-1]
        xml = self._book.new_parts[entry.part]
        self._sheets[entry.name] = _SheetModel(entry, lambda: xml, [])

    def save(self) -> None:
        """Write every edit into the book, atomically; raises `WriteError` on any failure."""
        self._check_untouched()
        checker = _Checker(beside=self._rewritten_size() >= _CHECK_BESIDE_FROM)
        try:
            plan = self._plan(checker)
            if not plan.parts and not plan.removed:
                return

            def verify(tmp: Path) -> None:
                checker.result()
                # Writing and checking take a while: whoever saved or opened the book meanwhile
                # keeps their version (and the parts copied from it are compared with it).
                self._check_untouched()
                _verify(tmp, plan, self.path, self._package.infos)
                self._check_untouched()

            atomic_replace(self.path, write=lambda out: self._write(out, plan), verify=verify)
        finally:
            checker.stop()
        self._load()

    def _rewritten_size(self) -> int:
        """Unpacked bytes of the sheets this save rewrites, as they are now."""
        parts = {model.entry.part for model in self._sheets.values() if model.changed()}
        return sum(info.file_size for info in self._package.infos if info.filename in parts)

    def _check_untouched(self) -> None:
        """Refuse a book someone has open, or that changed on disk since it was read."""
        owner = owner_of(self.path)
        if owner is not None:
            raise WriteError("arbetsboken är öppen", code="file-locked", owner=owner)
        try:
            stamp = file_stamp(self.path)
        except OSError as exc:
            raise WriteError(f"arbetsboken kan inte läsas ({exc})") from exc
        if stamp != self._stamp:
            raise WriteError(CHANGED_MEANWHILE)

    # ----------------------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            self._stamp = file_stamp(self.path)
            self._package = _Package(self.path)
        except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            raise WriteError(f"filen kan inte öppnas som arbetsbok ({exc})") from exc
        self._book = _BookParts(self._package)
        self._entries = self._book.entries
        self._date1904 = self._book.date1904
        self._sheets: dict[str, _SheetModel] = {}

    def _find_entry(self, name: str) -> _SheetEntry | None:
        for entry in self._entries:
            if entry.name == name:
                return entry
        folded = name.casefold()
        return next((e for e in self._entries if e.name.casefold() == folded), None)

    def _sheet(self, name: str) -> _SheetModel:
        entry = self._find_entry(name)
        if entry is None:
            raise WriteError(f"bladet {name} finns inte i arbetsboken")
        model = self._sheets.get(entry.name)
        if model is None:
            if entry.kind != "worksheet" or not entry.part:
                raise WriteError(f"bladet {entry.name} är inget kalkylblad med celler")
            tables = [
                _Table(part, self._package.text(part))
                for part in self._package.related(entry.part, "/table")
            ]
            part = entry.part
            model = self._sheets[entry.name] = _SheetModel(
                entry, lambda: self._package.text(part), tables
            )
        return model

    def _prepare_grid(
        self, rows: Sequence[Sequence[CellValue]], first_row: int, first_col: int
    ) -> dict[int, dict[int, CellValue]]:
        grid: dict[int, dict[int, CellValue]] = {}
        for offset, row in enumerate(rows):
            if first_col + len(row) - 1 > MAX_COL:
                raise ValueError(f"row {first_row + offset} is wider than a sheet")
            cells: dict[int, CellValue] = {
                first_col + i: value for i, value in enumerate(row) if value is not None
            }
            _check_values(cells.values(), self._date1904)
            if cells:
                grid[first_row + offset] = cells
        return grid

    def _plan(self, checker: _Checker) -> _Plan:
        """Every new part packed, and handed to `checker` as soon as it is."""
        plan = _Plan()
        stored = {
            info.filename
            for info in self._package.infos
            if info.compress_type == zipfile.ZIP_STORED
        }

        with ThreadPoolExecutor(1, thread_name_prefix="avtalsbok-pack") as pool:

            def put(part: str, text: str) -> None:
                packer = _Packer(part not in stored, pool)
                packer.write_slice(text, 0, len(text))
                plan.parts[part] = blob = packer.blob()
                checker.check(part, blob)

            styles = _Styles(self._book.styles_part, self._package)
            removed_formulas: dict[int, set[tuple[int, int]]] = {}
            for model in self._sheets.values():
                if not model.changed():
                    continue
                packer = _Packer(model.entry.part not in stored, pool)
                head, removed = model.render(styles, self._date1904, packer)
                model.release()
                plan.parts[model.entry.part] = blob = packer.blob(head)
                checker.check(model.entry.part, blob)
                if removed:
                    removed_formulas[model.entry.sheet_id] = removed
                for table in model.tables:
                    if table.changed:
                        put(table.part, table.render())
            if styles.changed and styles.part is not None:
                put(styles.part, styles.render())
            sheets_changed = any(model.changed() for model in self._sheets.values())
            for part, new_text in self._book.finish(removed_formulas, sheets_changed).items():
                if new_text is None:
                    plan.removed.add(part)
                else:
                    put(part, new_text)
            plan.added = [p for p in self._book.new_parts if p not in plan.removed]
            for part in plan.added:
                if part not in plan.parts:
                    put(part, self._book.new_parts[part])
        plan.names = [
            info.filename for info in self._package.infos if info.filename not in plan.removed
        ] + plan.added
        return plan

    def _write(self, out: BinaryIO, plan: _Plan) -> None:
        writer = _ZipWriter(out)
        with open(self.path, "rb") as source:
            st = os.fstat(source.fileno())
            if (st.st_size, st.st_mtime_ns) != self._stamp:
                raise WriteError("arbetsboken ändrades av någon annan medan den bearbetades")
            for info in self._package.infos:
                if info.filename in plan.removed:
                    continue
                blob = plan.parts.get(info.filename)
                if blob is None:
                    writer.copy(source, info)
                else:
                    writer.add(info, blob)
        for part in plan.added:
            writer.add(zipfile.ZipInfo(part, date_time=_now()), plan.parts[part])
        writer.finish(self._package.comment)


def write_cells(path: str | os.PathLike[str], edits: Mapping[str, Mapping[str, CellValue]]) -> None:
    """Write cells into a book in one atomic save: `{"Blad1": {"C5": 12, "D5": "text"}}`.

    A sheet that does not exist yet is added.
    """
    editor = WorkbookEditor(path)
    for sheet, cells in edits.items():
        if editor._find_entry(sheet) is None:
            editor.add_sheet(sheet)
        editor.set_cells(sheet, cells)
    editor.save()


# --------------------------------------------------------------------------------------------
# Cell values


def _check_values(values: Iterable[CellValue], date1904: bool) -> None:
    """`_check_value` for many values, the everyday ones passed at a glance."""
    first_day = _FIRST_DAY_1904 if date1904 else _FIRST_DAY_1900
    for value in values:
        kind = type(value)
        if kind is str or value is None:
            continue
        if isinstance(value, date):
            if kind is date and value >= first_day:
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
        _serial(value, date1904)
    elif not isinstance(value, str):
        raise TypeError(f"cannot write a {type(value).__name__} to a cell")


def _as_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _escape_text(text: str) -> str:
    """Cell text as XML character data, read back by Excel exactly as given."""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if _XML_ILLEGAL.search(text):
        text = _XML_ILLEGAL.sub("", text)
    if "_x" in text:
        # Excel reads `_xHHHH_` as an escaped character; a literal one is escaped itself.
        text = _ESCAPED_CHAR.sub(r"_x005F_\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _serial(value: date, date1904: bool) -> str:
    """The Excel serial number of a date or a date and time (the wall-clock time is kept)."""
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=None)
    else:
        moment = datetime(value.year, value.month, value.day)
    if date1904:
        delta = moment - _EPOCH_1904
    else:
        if moment < _FIRST_1900:
            raise ValueError(f"Excel cannot hold a date before 1900: {value!r}")
        delta = moment - _EPOCH_1900
        if moment < _LEAP_BUG_END:
            # Excel counts a 29 February 1900 that never was.
            delta -= timedelta(days=1)
    if delta.days < 0:
        raise ValueError(f"Excel cannot hold a date before 1904 in this book: {value!r}")
    seconds = delta.seconds + delta.microseconds / 1_000_000
    if not seconds:
        return str(delta.days)
    return repr(delta.days + seconds / 86_400)


@cache
def _letters(col: int) -> str:
    return column_letter(col)


@cache
def _col_number(letters: str) -> int:
    """The column of upper-case column letters, 0 if they name no column."""
    if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha()):
        return 0
    if not letters.isupper():
        return 0
    col = column_index(letters)
    return col if col <= MAX_COL else 0


def _parse_cell_ref(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    col = _col_number(letters)
    if col and digits and digits[0] != "0" and len(digits) <= 7:
        row = int(digits)
        if row <= MAX_ROW:
            return row, col
    match = _REF.fullmatch(ref.strip())
    if match is None:
        raise ValueError(f"{ref!r} is not a cell reference like C5")
    row, col = int(match[2]), _col_number(match[1].upper())
    if not col or row > MAX_ROW:
        raise ValueError(f"{ref!r} is outside the sheet")
    return row, col


def _parse_range(ref: str) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column) of `A1:C5` or `A1`."""
    first, _, last = ref.partition(":")
    r1, c1 = _parse_cell_ref(first)
    r2, c2 = _parse_cell_ref(last) if last else (r1, c1)
    return r1, c1, r2, c2


def _union(
    a: tuple[int, int, int, int] | None, b: tuple[int, int, int, int] | None
) -> tuple[int, int, int, int] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _range_ref(r1: int, c1: int, r2: int, c2: int) -> str:
    first, last = f"{_letters(c1)}{r1}", f"{_letters(c2)}{r2}"
    return first if first == last else f"{first}:{last}"


# --------------------------------------------------------------------------------------------
# XML helpers (text-level: what is not edited keeps its bytes)


def _attrs(tag: str) -> dict[str, str]:
    return {m[1]: html.unescape(m[2] if m[2] is not None else m[3]) for m in _ATTR.finditer(tag)}


def _set_attr(start_tag: str, name: str, value: str) -> str:
    """A start tag with one attribute set (replaced in place, or added before the `>`)."""
    pattern = re.compile(r"(\s" + re.escape(name) + r"""\s*=\s*)(?:"[^"]*"|'[^']*')""")
    if pattern.search(start_tag):
        return pattern.sub(lambda m: f'{m[1]}"{value}"', start_tag, count=1)
    end = len(start_tag) - (2 if start_tag.endswith("/>") else 1)
    return f'{start_tag[:end]} {name}="{value}"{start_tag[end:]}'


def _escape_attr(text: str) -> str:
    text = _escape_text(text).replace('"', "&quot;")
    return text.replace("\t", "_x0009_").replace("\n", "_x000a_").replace("&#13;", "_x000d_")


def _unescape_name(text: str) -> str:
    return _ESCAPED_CHAR.sub(lambda m: chr(int(m[1][1:5], 16)), text)


def _root(xml: str, part: str) -> tuple[str, str, dict[str, str]]:
    """The root element's prefix (with colon, or ''), local name and attributes."""
    match = _ROOT.search(xml)
    if match is None:
        raise WriteError(f"delen {part} i arbetsboken är skadad")
    prefix = match[1] + ":" if match[1] else ""
    return prefix, match[2], _attrs(match[3])


def _main_prefix(xml: str, part: str) -> str:
    prefix, _, attrs = _root(xml, part)
    declared = attrs.get(f"xmlns:{prefix[:-1]}" if prefix else "xmlns")
    if declared not in _MAIN_NS:
        raise WriteError(f"delen {part} i arbetsboken har ett okänt format")
    return prefix


def _element_span(
    xml: str, prefix: str, name: str, start: int = 0, stop: int | None = None
) -> tuple[int, int, int] | None:
    """(start, end of start tag, end) of the first `<name>` element in xml[start:stop]."""
    stop = len(xml) if stop is None else stop
    match = _start_tag(prefix, name).search(xml, start, stop)
    if match is None:
        return None
    if match[1].endswith("/"):
        return match.start(), match.end(), match.end()
    close = f"</{prefix}{name}>"
    end = xml.find(close, match.end(), stop)
    if end < 0:
        raise WriteError(f"elementet {name} saknar slut")
    return match.start(), match.end(), end + len(close)


@cache
def _start_tag(prefix: str, name: str) -> re.Pattern[str]:
    return re.compile(f"<{re.escape(prefix)}{name}\\b({_ATTRS})>")


@cache
def _row_end(prefix: str) -> re.Pattern[str]:
    return re.compile(f"</{re.escape(prefix)}row>")


@cache
def _row_start(prefix: str) -> re.Pattern[str]:
    """A row's start tag: its number when `r` comes first (as Excel writes it), the rest."""
    return re.compile(f'<{re.escape(prefix)}row\\b(?:\\s+r\\s*=\\s*"(\\d+)")?({_ATTRS})>')


# --------------------------------------------------------------------------------------------
# The package


class _Package:
    """The book's zip entries, found by part name case-insensitively as OPC requires.

    The file is read once; its parts are unpacked from that copy as the edits need them.
    """

    def __init__(self, path: Path) -> None:
        self._archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
        self.infos = self._archive.infolist()
        self.comment = self._archive.comment
        self._by_key = {info.filename.casefold(): info.filename for info in self.infos}

    def find(self, part: str) -> str | None:
        return self._by_key.get(part.casefold())

    def text(self, part: str) -> str:
        name = self.find(part)
        if name is None:
            raise WriteError(f"delen {part} saknas i arbetsboken")
        info = self._archive.getinfo(name)
        if info.file_size > _MAX_PART:
            raise WriteError(f"delen {name} är för stor")
        decoder = codecs.getincrementaldecoder("utf-8")()
        pieces: list[str] = []
        try:
            # Unpacked and decoded a piece at a time: the part's bytes are never whole in memory.
            with self._archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    pieces.append(decoder.decode(chunk))
            pieces.append(decoder.decode(b"", final=True))
            return "".join(pieces)
        except UnicodeDecodeError as exc:
            raise WriteError(f"delen {name} har en okänd teckenkodning") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise WriteError(f"delen {name} är skadad ({exc})") from exc

    def rels(self, part: str) -> list[_Rel]:
        """The relationships of a part, targets resolved to zip entry names where they exist."""
        rels_part = _rels_part(part)
        if self.find(rels_part) is None:
            return []
        rels = []
        for match in re.finditer(
            r"<(?:[\w.-]+:)?Relationship\b(" + _ATTRS + ")>", self.text(rels_part)
        ):
            attrs = _attrs(match[1])
            external = attrs.get("TargetMode") == "External"
            target = attrs.get("Target", "")
            resolved = None if external else self.find(_resolve(part, target))
            rels.append(_Rel(attrs.get("Id", ""), attrs.get("Type", ""), resolved))
        return rels

    def related(self, part: str, type_suffix: str) -> list[str]:
        return [rel.part for rel in self.rels(part) if rel.type.endswith(type_suffix) and rel.part]


@dataclass(frozen=True)
class _Rel:
    """One relationship: its id, type URI and the zip entry it points to (None: outside)."""

    id: str
    type: str
    part: str | None


def _resolve(source_part: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _rels_part(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


@dataclass
class _SheetEntry:
    """A sheet as workbook.xml lists it: name, id, zip entry and kind (`worksheet`, …)."""

    name: str
    sheet_id: int
    part: str
    kind: str


@dataclass(frozen=True)
class _Blob:
    """A part's new content as stored in the zip, with its checksum and unpacked size."""

    stream: bytes
    crc: int
    size: int
    method: int


class _Packer:
    """A part's new text, encoded and compressed as it is written, so that a large sheet's new
    XML never has to be whole in memory. Its head, known only once the rows are done (the
    sheet's dimension), is packed last and put in front.

    The checksum and compression of each chunk run on `pool`'s one thread, in order, while the
    next rows are rendered (zlib lets go of the interpreter while it works).
    """

    def __init__(self, deflate: bool, pool: Executor) -> None:
        # The fast setting Excel itself saves with: the sheet XML is most of the save time.
        self._compressor = zlib.compressobj(1, zlib.DEFLATED, -15) if deflate else None
        self._pool = pool
        self._streams: list[Future[bytes]] = []
        self._pending: list[str] = []
        self._pending_size = 0
        self._crc = 0
        self._size = 0

    def write(self, text: str) -> None:
        self._pending.append(text)
        self._pending_size += len(text)
        if self._pending_size >= _CHUNK:
            self._flush()

    def write_slice(self, text: str, start: int, stop: int) -> None:
        """Write text[start:stop] (in pieces, when it is long)."""
        while start < stop:
            end = min(stop, start + _CHUNK)
            self.write(text[start:end])
            start = end

    def blob(self, head: str = "") -> _Blob:
        """The packed part: `head`, then everything written."""
        self._flush()
        streams = [future.result() for future in self._streams]
        head_data = head.encode("utf-8")
        crc = _crc32_combine(zlib.crc32(head_data), self._crc, self._size)
        size = len(head_data) + self._size
        if self._compressor is None:
            return _Blob(b"".join([head_data, *streams]), crc, size, zipfile.ZIP_STORED)
        # A deflate stream may go on in a new stream that starts at a byte boundary: the head
        # is packed on its own and flushed to one, ending in no final block.
        packer = zlib.compressobj(1, zlib.DEFLATED, -15)
        head_stream = packer.compress(head_data) + packer.flush(zlib.Z_SYNC_FLUSH)
        stream = b"".join([head_stream, *streams, self._compressor.flush()])
        return _Blob(stream, crc, size, zipfile.ZIP_DEFLATED)

    def _flush(self) -> None:
        if not self._pending:
            return
        data = "".join(self._pending).encode("utf-8")
        self._pending.clear()
        self._pending_size = 0
        self._size += len(data)
        self._streams.append(self._pool.submit(self._pack, data))

    def _pack(self, data: bytes) -> bytes:
        self._crc = zlib.crc32(data, self._crc)
        return data if self._compressor is None else self._compressor.compress(data)


def _crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from the CRC-32s of A and B and the length of B (zlib's
    crc32_combine: appending B's length in zero bytes to A multiplies its CRC by x^(8·length)
    modulo the CRC polynomial)."""
    if not crc1:
        return crc2  # zero times anything is zero (an empty A has CRC zero)
    power = 1 << 31  # x^0, bits reflected as the CRC keeps them
    k = 3  # 8 bits per byte: x^(length · 2^3)
    while length2:
        if length2 & 1:
            power = _multiply_mod_crc(_x_to_2n()[k & 31], power)
        length2 >>= 1
        k += 1
    return _multiply_mod_crc(power, crc1) ^ crc2


def _multiply_mod_crc(a: int, b: int) -> int:
    """a · b modulo the CRC-32 polynomial (bit-reflected polynomials, as zlib's multmodp)."""
    m = 1 << 31
    product = 0
    while True:
        if a & m:
            product ^= b
            if not a & (m - 1):
                return product
        m >>= 1
        b = (b >> 1) ^ 0xEDB88320 if b & 1 else b >> 1


@cache
def _x_to_2n() -> list[int]:
    """x^(2^n) modulo the CRC-32 polynomial, n = 0..31."""
    table = [1 << 30]  # x^1
    for _ in range(31):
        table.append(_multiply_mod_crc(table[-1], table[-1]))
    return table


@dataclass
class _Plan:
    """What a save writes: new content per part, parts dropped and added, the entry order."""

    parts: dict[str, _Blob] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    added: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


class _BookParts:
    """workbook.xml, its relationships and [Content_Types].xml: the book's table of contents."""

    def __init__(self, package: _Package) -> None:
        self.package = package
        office = [
            rel.part
            for rel in package.rels("")
            if rel.type.endswith("/officeDocument") and rel.part
        ]
        if not office:
            raise WriteError("arbetsboken saknar sin huvuddel (workbook.xml)")
        self.workbook = office[0]
        self.workbook_rels = _rels_part(self.workbook)
        self.texts: dict[str, str] = {}
        self.dirty: set[str] = set()
        self.new_parts: dict[str, str] = {}
        rels = package.rels(self.workbook)
        self._rel_ids = {rel.id for rel in rels}
        self._worksheet_type = next(
            (rel.type for rel in rels if rel.type.endswith("/worksheet")), _WORKSHEET_REL
        )
        by_id = {rel.id: rel for rel in rels}
        self.styles_part = next((r.part for r in rels if r.type.endswith("/styles")), None)
        self.calc_chain = next((r.part for r in rels if r.type.endswith("/calcChain")), None)

        xml = self.text(self.workbook)
        self.prefix = _main_prefix(xml, self.workbook)
        _, _, root_attrs = _root(xml, self.workbook)
        self._main_ns = root_attrs.get(f"xmlns:{self.prefix[:-1]}" if self.prefix else "xmlns")
        self._rel_prefix = next(
            (
                k[6:]
                for k, v in root_attrs.items()
                if k.startswith("xmlns:") and v in (_REL_NS, _REL_NS_STRICT)
            ),
            None,
        )
        pr = _element_span(xml, self.prefix, "workbookPr")
        self.date1904 = pr is not None and _attrs(xml[pr[0] : pr[1]]).get("date1904") in (
            "1",
            "true",
        )
        self.entries: list[_SheetEntry] = []
        sheet_tag = re.compile(f"<{re.escape(self.prefix)}sheet\\b({_ATTRS})>")
        for match in sheet_tag.finditer(xml):
            attrs = _attrs(match[1])
            rel = by_id.get(next((v for k, v in attrs.items() if k.endswith(":id")), ""))
            sheet_id = attrs.get("sheetId", "")
            self.entries.append(
                _SheetEntry(
                    attrs.get("name", ""),
                    int(sheet_id) if sheet_id.isdigit() else 0,
                    (rel.part or "") if rel else "",
                    rel.type.rsplit("/", 1)[-1] if rel else "",
                )
            )

    def text(self, part: str) -> str:
        if part not in self.texts:
            self.texts[part] = self.package.text(part)
        return self.texts[part]

    def edit(self, part: str, text: str) -> None:
        self.texts[part] = text
        self.dirty.add(part)

    def add_sheet(self, name: str) -> None:
        folder = posixpath.dirname(self.workbook)
        used = {info.filename.casefold() for info in self.package.infos} | set(self.new_parts)
        number = 1
        while posixpath.join(folder, f"worksheets/sheet{number}.xml").casefold() in used:
            number += 1
        target = f"worksheets/sheet{number}.xml"
        part = posixpath.join(folder, target)
        sheet_id = max((e.sheet_id for e in self.entries), default=0) + 1
        rel_number = 1
        while f"rId{rel_number}" in self._rel_ids:
            rel_number += 1
        rel_id = f"rId{rel_number}"
        self._rel_ids.add(rel_id)

        xml = self.text(self.workbook)
        if self._rel_prefix is None:
            strict = self._main_ns == _MAIN_NS[1]
            id_attr = f'xmlns:r="{_REL_NS_STRICT if strict else _REL_NS}" r:id="{rel_id}"'
        else:
            id_attr = f'{self._rel_prefix}:id="{rel_id}"'
        sheet = f'<{self.prefix}sheet name="{_escape_attr(name)}" sheetId="{sheet_id}" {id_attr}/>'
        self.edit(self.workbook, _insert_before(xml, f"</{self.prefix}sheets>", sheet))
        rels = self.text(self.workbook_rels)
        rel = f'<Relationship Id="{rel_id}" Type="{self._worksheet_type}" Target="{target}"/>'
        self.edit(self.workbook_rels, _insert_before(rels, "</Relationships>", rel))
        types = self.text("[Content_Types].xml")
        override = f'<Override PartName="/{part}" ContentType="{_WORKSHEET_TYPE}"/>'
        self.edit("[Content_Types].xml", _insert_before(types, "</Types>", override))
        self.new_parts[part] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{self._main_ns}"><dimension ref="A1"/>'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/><sheetData/><pageMargins left="0.7" '
            'right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        )
        self.entries.append(_SheetEntry(name, sheet_id, part, "worksheet"))

    def finish(
        self, removed_formulas: dict[int, set[tuple[int, int]]], sheets_changed: bool
    ) -> dict[str, str | None]:
        """The book-level parts a save changes, as their new text (None: the part goes)."""
        out: dict[str, str | None] = {}
        if self.calc_chain is not None:
            if removed_formulas:
                chain = _edit_calc_chain(self.package.text(self.calc_chain), removed_formulas)
                if chain is None:
                    out[self.calc_chain] = None
                    self._drop_calc_chain()
                else:
                    out[self.calc_chain] = chain
            if sheets_changed:
                # Formulas elsewhere may read the cells written: Excel recalculates on opening.
                self._full_calc_on_load()
        for part in self.dirty:
            out[part] = self.texts[part]
        return out

    def _drop_calc_chain(self) -> None:
        rels = self.text(self.workbook_rels)
        rel = re.compile(r"<(?:[\w.-]+:)?Relationship\b(" + _ATTRS + ")>")
        self.edit(
            self.workbook_rels,
            rel.sub(
                lambda m: "" if _attrs(m[1]).get("Type", "").endswith("/calcChain") else m[0], rels
            ),
        )
        types = self.text("[Content_Types].xml")
        name = "/" + str(self.calc_chain).casefold()
        override = re.compile(r"<(?:[\w.-]+:)?Override\b(" + _ATTRS + ")>")
        self.edit(
            "[Content_Types].xml",
            override.sub(
                lambda m: "" if _attrs(m[1]).get("PartName", "").casefold() == name else m[0],
                types,
            ),
        )

    def _full_calc_on_load(self) -> None:
        xml = self.text(self.workbook)
        span = _element_span(xml, self.prefix, "calcPr")
        if span is not None:
            tag = _set_attr(xml[span[0] : span[1]], "fullCalcOnLoad", "1")
            self.edit(self.workbook, xml[: span[0]] + tag + xml[span[1] :])


def _insert_before(xml: str, closing: str, element: str) -> str:
    at = xml.rfind(closing)
    if at < 0:
        raise WriteError(f"arbetsboken är skadad ({closing} saknas)")
    return xml[:at] + element + xml[at:]


def _calc_cell(attrs: dict[str, str]) -> tuple[int, int] | None:
    try:
        return _parse_cell_ref(attrs.get("r", ""))
    except ValueError:
        return None


def _edit_calc_chain(xml: str, removed: dict[int, set[tuple[int, int]]]) -> str | None:
    """calcChain.xml without the cells whose formulas were overwritten; None if none is left.

    An entry that omits its sheet id inherits the previous entry's, and a removed entry may
    have started a dependency level or a chain: the next kept entry takes those over.
    """
    prefix, _, _ = _root(xml, "calcChain.xml")
    entry = re.compile(f"<{re.escape(prefix)}c\\b({_ATTRS})>(?:</{re.escape(prefix)}c>)?")
    out: list[str] = []
    pos = kept = 0
    sheet = 0
    carry = False
    carry_level = carry_parent = False
    for match in entry.finditer(xml):
        attrs = _attrs(match[1])
        if "i" in attrs:
            sheet = int(attrs["i"])
        cells = removed.get(sheet)
        if cells is not None and _calc_cell(attrs) in cells:
            out.append(xml[pos : match.start()])
            pos = match.end()
            carry = True
            carry_level |= attrs.get("l") in ("1", "true")
            carry_parent |= attrs.get("s") not in ("1", "true")
            continue
        kept += 1
        if carry:
            tag = match[0]
            if "i" not in attrs:
                tag = _set_attr(tag, "i", str(sheet))
            if carry_level and attrs.get("l") not in ("1", "true"):
                tag = _set_attr(tag, "l", "1")
            if carry_level or carry_parent:
                # A chain's first entry (or a new level's, which Excel never marks as a child).
                tag = re.sub(r'\ss\s*=\s*"(?:1|true)"', "", tag)
            out.append(xml[pos : match.start()])
            out.append(tag)
            pos = match.end()
            carry = carry_level = carry_parent = False
    if not kept:
        return None
    out.append(xml[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Styles


class _Styles:
    """styles.xml, read only if a date needs a date format, and changed only by appending."""

    def __init__(self, part: str | None, package: _Package) -> None:
        self.part = part
        self._package = package
        self._xml: str | None = None
        self._formats: list[int] = []
        self._xfs: list[str] = []
        self._added: list[str] = []
        self._derived: dict[tuple[int, int], str] = {}
        self._chosen: dict[tuple[str | None, int], str | None] = {}
        self._custom: dict[int, str] = {}
        self._close = 0
        self._count_tag: tuple[int, int] = (0, 0)

    @property
    def changed(self) -> bool:
        return bool(self._added)

    def date_style(self, style: str | None, format_id: int) -> str | None:
        """A style index showing a date: `style` itself if it does, else a copy that does."""
        key = (style, format_id)
        if key not in self._chosen:
            self._chosen[key] = self._date_style(style, format_id)
        return self._chosen[key]

    def _date_style(self, style: str | None, format_id: int) -> str | None:
        self._parse()
        base = int(style) if style and style.isdigit() else 0
        if base >= len(self._xfs):
            base = 0
        if self._is_date(self._formats[base]):
            return style
        key = (base, format_id)
        if key not in self._derived:
            start = re.match(_START_TAG, self._xfs[base])
            assert start is not None
            tag = _set_attr(start[0], "numFmtId", str(format_id))
            tag = _set_attr(tag, "applyNumberFormat", "1")
            self._added.append(tag + self._xfs[base][start.end() :])
            self._derived[key] = str(len(self._xfs) + len(self._added) - 1)
        return self._derived[key]

    def render(self) -> str:
        assert self._xml is not None
        xml = self._xml
        start, end = self._count_tag
        tag = _set_attr(xml[start:end], "count", str(len(self._xfs) + len(self._added)))
        return (
            xml[:start] + tag + xml[end : self._close] + "".join(self._added) + xml[self._close :]
        )

    def _is_date(self, format_id: int) -> bool:
        if format_id in _DATE_FORMAT_IDS:
            return True
        code = self._custom.get(format_id)
        return code is not None and bool(_DATE_FORMAT_CODE.search(_NOT_DATE_PARTS.sub("", code)))

    def _parse(self) -> None:
        if self._xml is not None:
            return
        if self.part is None:
            raise WriteError("arbetsboken saknar formatmallar (styles.xml) för datum")
        xml = self._xml = self._package.text(self.part)
        prefix = _main_prefix(xml, self.part)
        for match in re.finditer(f"<{re.escape(prefix)}numFmt\\b({_ATTRS})>", xml):
            attrs = _attrs(match[1])
            if attrs.get("numFmtId", "").isdigit():
                self._custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        span = _element_span(xml, prefix, "cellXfs")
        if span is None or span[1] == span[2]:
            raise WriteError("arbetsbokens formatmallar saknar cellformat")
        self._count_tag = (span[0], span[1])
        self._close = span[2] - len(f"</{prefix}cellXfs>")
        pos = span[1]
        while (xf := _element_span(xml, prefix, "xf", pos, self._close)) is not None:
            self._xfs.append(xml[xf[0] : xf[2]])
            number = _attrs(xml[xf[0] : xf[1]]).get("numFmtId", "0")
            self._formats.append(int(number) if number.isdigit() else 0)
            pos = xf[2]
        if not self._xfs:
            raise WriteError("arbetsbokens formatmallar saknar cellformat")


# --------------------------------------------------------------------------------------------
# One worksheet


class _SheetModel:
    """One worksheet's XML with the edits made to it, spliced together on save.

    The XML is read, and the rows of `<sheetData>` indexed by number, when the sheet is first
    needed; once a save has written the sheet they are let go (a book's large sheets need not
    all be in memory at once). A save copies untouched stretches of rows as they are; in a row
    that changes, the cells before the first edited column are copied as one piece and only the
    cells from there on are looked at.
    """

    def __init__(self, entry: _SheetEntry, load: Callable[[], str], tables: list[_Table]) -> None:
        self.entry = entry
        self.name = entry.name
        self.tables = tables
        self.edits: dict[int, dict[int, CellValue]] = {}
        self.clear_from: int | None = None
        self._load = load
        self.xml = ""

    def changed(self) -> bool:
        return bool(self.edits) or self.clear_from is not None

    def _open(self) -> None:
        if self.xml:
            return
        xml = self._load()
        p = self.p = _main_prefix(xml, self.entry.part)
        self._re_cell = _cell_start(p)
        self._re_value = re.compile(f"<{re.escape(p)}(?:v|is|f)\\b")
        self._re_formula = re.compile(f"<{re.escape(p)}f\\b({_ATTRS})>")
        self._f_marker = f"<{p}f"
        self._cell_marker = f"<{p}c"
        self._cell_open = f'<{p}c r="'
        self._ext_marker = f"<{p}extLst"
        self._row_close = f"</{p}row>"
        span = _element_span(xml, p, "sheetData")
        if span is None:
            raise WriteError(f"bladet {self.name} saknar celldata")
        self._sd = span
        self._self_closing = span[1] == span[2]
        end = span[1] if self._self_closing else span[2] - len(f"</{p}sheetData>")
        self._content = (span[1], end)
        self.col_styles: dict[int, str | None] = {}
        self._col_ranges: list[tuple[int, int, str]] | None = None
        self._index_rows(xml)
        self.xml = xml

    def release(self) -> None:
        """Let the XML and its index go (the sheet is read again if it is needed again)."""
        self.xml = ""
        self._rows = self._starts = self._tag_ends = self._ends = array("q")

    def _index_rows(self, xml: str) -> None:
        """Each row's number, where it starts, where its start tag ends and where it ends."""
        self._missing_r: set[int] = set()
        if not self._index_plain_rows(xml):
            self._index_any_rows(xml)

    def _index_plain_rows(self, xml: str) -> bool:
        """The index in a few passes over the whole sheet, for rows as Excel writes them
        (numbered in order, each closed before the next begins); False if some row is not."""
        pos, stop = self._content
        found = list(_row_start(self.p).finditer(xml, pos, stop))
        numbers = [match[1] for match in found]
        if None in numbers or any(match[2].endswith("/") for match in found):
            return False
        closes = list(_row_end(self.p).finditer(xml, pos, stop))
        if len(closes) != len(found):
            return False
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
            return False
        self._rows, self._starts, self._tag_ends, self._ends = rows, starts, tag_ends, ends
        return True

    def _index_any_rows(self, xml: str) -> None:
        """The index row by row, for rows without numbers or closed in themselves."""
        close = self._row_close
        numbers, starts, tag_ends, ends = array("q"), array("q"), array("q"), array("q")
        pos, stop = self._content
        previous = 0
        for match in _row_start(self.p).finditer(xml, pos, stop):
            if match.start() < pos:
                continue  # inside the row before: part of its content
            r, attrs = match[1], match[2]
            if r is None:
                found = _ROW_NUMBER.search(attrs)
                number = int(found[1]) if found else previous + 1
                if found is None:
                    self._missing_r.add(number)
            else:
                number = int(r)
            if number <= previous:
                raise WriteError(f"raderna på bladet {self.name} ligger inte i ordning")
            if attrs.endswith("/"):
                end = match.end()
            else:
                end = xml.find(close, match.end(), stop)
                if end < 0:
                    raise WriteError(f"bladet {self.name} är skadat (rad {number} saknar slut)")
                end += len(close)
            numbers.append(number)
            starts.append(match.start())
            tag_ends.append(match.end())
            ends.append(end)
            pos, previous = end, number
        self._rows, self._starts, self._tag_ends, self._ends = numbers, starts, tag_ends, ends

    def _row_at(self, number: int) -> int | None:
        """The index of row `number` (None: the sheet has no such row)."""
        rows = self._rows
        # Rows usually follow one another from the first: try where it would then be.
        k = number - rows[0] if rows else 0
        if not 0 <= k < len(rows) or rows[k] != number:
            k = bisect_left(rows, number)
        return k if k < len(rows) and rows[k] == number else None

    def _row_has_values(self, i: int) -> bool:
        start, end = self._tag_ends[i], self._ends[i]
        return start != end and self._re_value.search(self.xml, start, end) is not None

    def last_value_row(self) -> int:
        """The last row holding a value once the edits so far are applied (0: none)."""
        self._open()
        last = max(
            (r for r, cells in self.edits.items() if any(v is not None for v in cells.values())),
            default=0,
        )
        for i in range(len(self._rows) - 1, -1, -1):
            number = self._rows[i]
            if number <= last:
                break
            if self.clear_from is not None and number >= self.clear_from:
                continue
            if self._row_has_values(i):
                return number
        return last

    # --- rendering -------------------------------------------------------------------------

    def render(
        self, styles: _Styles, date1904: bool, packer: _Packer
    ) -> tuple[str, set[tuple[int, int]]]:
        """Write the sheet XML from `<sheetData>` on, every edit applied, into `packer`; return
        what goes before it (the dimension set to the cells now used) and the cells whose
        formulas went."""
        self._open()
        self._check_array_formulas()
        xml = self.xml
        work = _RowWork(styles, date1904, self.p)
        targets: dict[int, int | None] = {r: self._row_at(r) for r in self.edits}
        if self.clear_from is not None:
            for k in range(bisect_left(self._rows, self.clear_from), len(self._rows)):
                if self._row_has_values(k):
                    targets[self._rows[k]] = k
        for number in self._missing_r:
            targets[number] = self._row_at(number)
        content_start, content_end = self._content
        # Shared formulas that stay, by group, when the sheet has formulas at all.
        shared: dict[str, None] | None = {} if self._has_formulas() else None
        pos = content_start
        starts, ends, edits, clear_from = self._starts, self._ends, self.edits, self.clear_from
        render_row, write = self._render_row, packer.write
        order = sorted(targets)
        for begin in range(0, len(order), _BATCH_ROWS):
            batch = order[begin : begin + _BATCH_ROWS]
            plain = self._render_plain(batch, targets, work)
            for number in batch:
                i = targets[number]
                if i is None:
                    j = bisect_right(self._rows, number)
                    at = starts[j] if j < len(starts) else content_end
                else:
                    at = starts[i]
                if at > pos:
                    packer.write_slice(xml, pos, at)
                    if shared is not None:
                        self._note_shared(shared, xml, pos, at)
                pos = at if i is None else ends[i]
                row = plain.get(number)
                if row is None:
                    cleared = i is not None and clear_from is not None and number >= clear_from
                    row = render_row(i, number, edits.get(number), cleared, work)
                write(row)
                if shared is not None:
                    self._note_shared(shared, row, 0, len(row))
        packer.write_slice(xml, pos, content_end)
        if shared is not None:
            self._note_shared(shared, xml, pos, content_end)
            self._check_shared_formulas(shared, work.removed_shared)
        if self._self_closing:
            head = xml[: self._sd[0]] + f"<{self.p}sheetData>"
            packer.write(f"</{self.p}sheetData>")
            packer.write_slice(xml, self._sd[2], len(xml))
        else:
            head = xml[:content_start]
            packer.write_slice(xml, content_end, len(xml))
        return self._with_dimension(head, work, set(targets.values())), work.removed_formulas

    def _render_plain(
        self, numbers: list[int], targets: dict[int, int | None], work: _RowWork
    ) -> dict[int, str]:
        """The rows among `numbers` that only gain cells, rendered together; the others are left
        to `_render_row`, which renders them the same way one at a time.

        Such a row is new, or has cells that all come before its first edited column, no row
        format, no extension list and its `r`; and at least one of its edits makes a cell. Its
        new cells are made a column at a time: the same value in the same column gives the same
        text on every row, so each is made once.
        """
        xml, p, edits = self.xml, self.p, self.edits
        tag_starts, tag_ends, ends = self._starts, self._tag_ends, self._ends
        ext_marker, close, clear_from = self._ext_marker, self._row_close, self.clear_from
        chosen: list[tuple[int, str, str, int]] = []  # number, tag, cells kept, first column
        row_edits: list[dict[int, CellValue]] = []
        for number in numbers:
            cells = edits.get(number)
            if not cells or number in self._missing_r:
                continue
            i = targets[number]
            if i is None:
                chosen.append((number, f'<{p}row r="{number}">', "", 0))
                row_edits.append(cells)
                continue
            if clear_from is not None and number >= clear_from:
                continue  # its cells are cleared
            tag_end, end = tag_ends[i], ends[i] - len(close)
            tag = xml[tag_starts[i] : tag_end]
            if tag.endswith("/>") or (" s=" in tag and _row_style(tag) is not None):
                continue
            if xml.find(ext_marker, tag_end, end) >= 0:
                continue
            last = self._last_cell(tag_end, end)
            if last < 0 or not 0 < self._col_at(last) < min(cells):
                continue
            chosen.append((number, tag, xml[tag_end:end], self._col_at(tag_end)))
            row_edits.append(cells)
        if not chosen:
            return {}
        columns = sorted(set().union(*row_edits))
        rows = [str(number) for number, _, _, _ in chosen]
        made: list[list[str]] = []
        for col in columns:
            values = [cells.get(col) for cells in row_edits]
            rests = map(
                work.rests(self, col).__getitem__, zip(map(type, values), values, strict=True)
            )
            open_ = work.cell_open(col)
            made.append(
                [open_ + row + rest if rest else "" for row, rest in zip(rows, rests, strict=True)]
            )
        rendered: dict[int, str] = {}
        last_index = len(columns) - 1
        for k, new in enumerate(map("".join, zip(*made, strict=True))):
            number, tag, kept, first = chosen[k]
            if not new:
                continue  # no cell made: `_render_row` knows what such a row becomes
            c = last_index
            while not made[c][k]:
                c -= 1
            last = columns[c]
            if not kept:
                c = 0
                while not made[c][k]:
                    c += 1
                first = columns[c]
            work.include(number, first, last)
            if "spans=" in tag:
                tag = _with_spans(tag, first, last)
            rendered[number] = tag + kept + new + close
        return rendered

    def _render_row(
        self,
        i: int | None,
        number: int,
        edits: dict[int, CellValue] | None,
        cleared: bool,
        work: _RowWork,
    ) -> str:
        """One row as it is to be written ('' for a new row that would stay empty).

        A new cell takes the row's format, else its column's, as Excel does when one types; a
        cell written over keeps its own.
        """
        xml, p = self.xml, self.p
        row = str(number)
        items = sorted(edits.items()) if edits else []
        kept = after = ""
        tail: list[tuple[int, str]] = []
        start = cut = 0
        if i is None:
            tag = f'<{p}row r="{row}">'
        else:
            tag = xml[self._starts[i] : self._tag_ends[i]]
            if tag.endswith("/>"):
                tag = tag[:-2].rstrip() + ">"
            else:
                start, end = self._tag_ends[i], self._ends[i] - len(self._row_close)
                extension = xml.find(self._ext_marker, start, end)
                stop = end if extension < 0 else extension
                after = xml[stop:end]
                from_col = 1 if cleared else items[0][0] if items else MAX_COL + 1
                cut, tail = self._split(start, stop, number, from_col)
                kept = xml[start:cut]
            if number in self._missing_r:
                tag = f'<{p}row r="{row}"' + tag[len(p) + 4 :]
        row_style = _row_style(tag) if items and " s=" in tag else None
        make, col_style = work.cell, self.col_style
        cols: list[int] = []
        texts: list[str] = []
        e = 0
        if tail:
            n = len(items)
            for col, text in tail:
                while e < n and items[e][0] < col:
                    new, value = items[e]
                    e += 1
                    if value is not None:
                        cols.append(new)
                        texts.append(make(new, row, row_style or col_style(new), value))
                if e < n and items[e][0] == col:
                    made = make(col, row, self._forget(text, number, col, work), items[e][1])
                    e += 1
                    if made:
                        cols.append(col)
                        texts.append(made)
                elif cleared and self._re_value.search(text):
                    style = self._forget(text, number, col, work)
                    if style is not None:
                        cols.append(col)
                        texts.append(f'{work.cell_open(col)}{row}" s="{style}"/>')
                else:
                    cols.append(col)
                    texts.append(text)
        if e < len(items):
            work.new_cells(row, items[e:] if e else items, row_style, self, cols, texts)
        if not kept and not texts and not after and (i is None or _bare_row(tag)):
            return ""
        if kept or texts:
            first = self._col_at(start) if kept else cols[0]
            last = cols[-1] if cols else self._last_col(start, cut)
            work.include(number, first, last)
            if "spans=" in tag:
                tag = _with_spans(tag, first, last)
        texts.append(after)
        texts.append(self._row_close)
        return tag + kept + "".join(texts)

    def _split(
        self, start: int, stop: int, number: int, from_col: int
    ) -> tuple[int, list[tuple[int, str]]]:
        """Split a row's cells where column `from_col` begins: (where the split is, the cells
        from there on as (column, exact text)); the cells before it are copied as one piece.

        When the cell at `from_col` exists it is found directly by its reference; otherwise the
        row is searched from its end, so a row whose edited columns come last costs only those
        columns.
        """
        xml = self.xml
        marker = self._cell_marker
        after_marker = len(marker)
        last = self._last_cell(start, stop)
        if last >= 0 and 0 < self._col_at(last) < from_col:
            return stop, []  # the last cell comes before the split: so do all in order
        probe = xml.find(f'{self._cell_open}{_letters(from_col)}{number}"', start, stop)
        if probe >= 0:
            tail = self._cells(probe, stop)
            return (probe, tail) if tail is not None else self._split_all(start, stop, number)
        tail = []
        pos = search = stop  # where the cells taken so far begin; where the search goes on
        previous = MAX_COL + 1
        while (at := xml.rfind(marker, start, search)) >= 0:
            search = at
            if xml[at + after_marker] not in " \t\r\n/>":
                continue  # `<color`, `<charset` … inside a cell's rich text: not a cell
            col = self._col_at(at)
            if not col or col >= previous:
                return self._split_all(start, stop, number)
            if col < from_col:
                break
            tail.append((col, xml[at:pos]))
            previous, pos = col, at
        else:
            pos = start
        tail.reverse()
        return pos, tail

    def _last_cell(self, start: int, stop: int) -> int:
        """Where the last cell in xml[start:stop] begins (-1: it has none)."""
        xml, marker = self.xml, self._cell_marker
        last = xml.rfind(marker, start, stop)
        while last >= 0 and xml[last + len(marker)] not in " \t\r\n/>":
            last = xml.rfind(marker, start, last)  # `<color`, `<charset` … in rich text
        return last

    def _cells(self, start: int, stop: int) -> list[tuple[int, str]] | None:
        """The cells of xml[start:stop] as (column, exact text), when each is written the plain
        way (`<c r="A1"`, columns in order, nothing else that starts like a cell); else None."""
        segment = self.xml[start:stop]
        marker = self._cell_open
        pieces = segment.split(marker)
        if pieces[0] or segment.count(self._cell_marker) != len(pieces) - 1:
            return None
        cells: list[tuple[int, str]] = []
        previous = 0
        for piece in pieces[1:]:
            ref = piece[: piece.find('"')]
            letters = ref.rstrip("0123456789")
            col = _col_number(letters) if len(letters) < len(ref) else 0
            if col <= previous:
                return None
            cells.append((col, marker + piece))
            previous = col
        return cells

    def _col_at(self, at: int) -> int:
        """The column of the cell starting at `at` (0 if it has no reference)."""
        xml = self.xml
        if xml.startswith(self._cell_open, at):
            letters = _CELL_LETTERS.match(xml, at + len(self._cell_open))
            if letters is not None:
                return _col_number(letters[0])
        match = self._re_cell.match(xml, at)
        return _col_number(match[1].upper()) if match and match[1] else 0

    def _last_col(self, start: int, stop: int) -> int:
        """The column of the last cell in xml[start:stop]."""
        at = self.xml.rfind(f"<{self.p}c ", start, stop)
        return self._col_at(at) if at >= 0 else 1

    def _split_all(self, start: int, stop: int, number: int) -> tuple[int, list[tuple[int, str]]]:
        """The careful split for rows Excel would not write: cells without `r`, out of order."""
        xml, p = self.xml, self.p
        matches = list(self._re_cell.finditer(xml, start, stop))
        cells: dict[int, str] = {}
        col = 0
        for k, match in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else stop
            text = xml[match.start() : end]
            if match[1]:
                col = _col_number(match[1].upper())
            else:
                col += 1
                text = f'<{p}c r="{_letters(col)}{number}"' + text[len(p) + 2 :]
            cells[col] = text
        return start, sorted(cells.items())

    def _forget(self, text: str, number: int, col: int, work: _RowWork) -> str | None:
        """The style of a cell about to be overwritten; notes the formula it loses, if any."""
        tag_end = text.find(">")
        at = text.find(' s="', 0, tag_end)
        if at >= 0:
            style: str | None = text[at + 4 : text.find('"', at + 4)]
        elif "s=" in text[:tag_end]:
            style = _attrs(text[: tag_end + 1]).get("s")
        else:
            style = None
        formula = self._re_formula.search(text) if self._f_marker in text else None
        if formula is not None:
            work.removed_formulas.add((number, col))
            f_attrs = _attrs(formula[1])
            if f_attrs.get("t") == "shared" and "ref" in f_attrs:
                work.removed_shared[f_attrs.get("si", "")] = (
                    f"{_letters(col)}{number}",
                    f_attrs["ref"],
                )
        return style

    def col_style(self, col: int) -> str | None:
        """The format column `col` gives a new cell (its `<col style>`), remembered."""
        if col in self.col_styles:
            return self.col_styles[col]
        if self._col_ranges is None:
            self._col_ranges = []
            span = _element_span(self.xml, self.p, "cols", 0, self._sd[0])
            if span is not None:
                col_tag = _start_tag(self.p, "col")
                for match in col_tag.finditer(self.xml, span[1], span[2]):
                    attrs = _attrs(match[1])
                    low, high = attrs.get("min", ""), attrs.get("max", "")
                    if attrs.get("style") and low.isdigit():
                        top = int(high) if high.isdigit() else int(low)
                        self._col_ranges.append((int(low), top, attrs["style"]))
        style = next((s for low, high, s in self._col_ranges if low <= col <= high), None)
        self.col_styles[col] = style
        return style

    def _with_dimension(self, head: str, work: _RowWork, rewritten: set[int | None]) -> str:
        span = _element_span(head, self.p, "dimension")
        if span is None:
            return head
        tag = head[span[0] : span[1]]
        try:
            old: tuple[int, int, int, int] | None = _parse_range(_attrs(tag).get("ref", ""))
        except ValueError:
            old = None
        bounds = work.bounds
        if self.clear_from is None:
            # Cells were only written: the used range can only grow.
            bounds = _union(bounds, old)
        else:
            # Rows were cleared: measure what is left.
            kept = [i for i in range(len(self._rows)) if i not in rewritten]
            top = next((i for i in kept if self._has_cells(i)), None)
            bottom = next((i for i in reversed(kept) if self._has_cells(i)), None)
            if top is not None and bottom is not None:
                c1, c2 = (old[1], old[3]) if old is not None else (1, 1)
                bounds = _union(bounds, (self._rows[top], c1, self._rows[bottom], c2))
        ref = _range_ref(*bounds) if bounds is not None else "A1"
        return head[: span[0]] + _set_attr(tag, "ref", ref) + head[span[1] :]

    def _has_cells(self, i: int) -> bool:
        start, end = self._tag_ends[i], self._ends[i]
        return start != end and self._re_cell.search(self.xml, start, end) is not None

    # --- formulas that span several cells ---------------------------------------------------

    def _written(self, row: int, col: int) -> bool:
        if self.clear_from is not None and row >= self.clear_from:
            return True
        cells = self.edits.get(row)
        return cells is not None and col in cells

    def _check_array_formulas(self) -> None:
        start, end = self._content
        xml = self.xml
        if xml.find('t="array"', start, end) < 0 and xml.find('t="dataTable"', start, end) < 0:
            return
        for match in self._re_formula.finditer(xml, start, end):
            attrs = _attrs(match[1])
            if attrs.get("t") not in ("array", "dataTable") or ":" not in attrs.get("ref", ""):
                continue
            r1, c1, r2, c2 = _parse_range(attrs["ref"])
            written = [self._written(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
            if any(written) and not all(written):
                raise WriteError(
                    f"området {attrs['ref']} på bladet {self.name} är en matrisformel som "
                    "bara kan skrivas över i sin helhet"
                )

    def _has_formulas(self) -> bool:
        start, end = self._content
        return self._re_formula.search(self.xml, start, end) is not None

    def _note_shared(self, shared: dict[str, None], text: str, start: int, end: int) -> None:
        """Note the group of each shared formula in text[start:end] (rows as written)."""
        if text.find(self._f_marker, start, end) < 0:
            return
        for match in self._re_formula.finditer(text, start, end):
            attrs = _attrs(match[1])
            if attrs.get("t") == "shared":
                shared.setdefault(attrs.get("si", ""), None)

    def _check_shared_formulas(
        self, shared: dict[str, None], removed: dict[str, tuple[str, str]]
    ) -> None:
        """Refuse a save that would leave cells sharing a formula whose master was written."""
        for si in shared:
            if si in removed:
                cell, ref = removed[si]
                raise WriteError(
                    f"cellen {cell} på bladet {self.name} har en formel som andra celler i "
                    f"{ref} delar; skriv över hela {ref} eller låt {cell} vara"
                )


def _cell_start(prefix: str) -> re.Pattern[str]:
    p = re.escape(prefix)
    lazy = r"""(?:[^>"']|"[^"]*"|'[^']*')*?"""
    return re.compile(f'<{p}c(?=[\\s/>])(?:{lazy}\\sr\\s*=\\s*"([A-Za-z]{{1,3}})\\d+")?')


def _bare_row(tag: str) -> bool:
    """Whether a row element says nothing but where it is (so it can go once it is empty)."""
    return set(_attrs(tag)) <= {"r", "spans"}


def _row_style(tag: str) -> str | None:
    attrs = _attrs(tag)
    if attrs.get("customFormat") in ("1", "true"):
        return attrs.get("s")
    return None


def _with_spans(tag: str, first: int, last: int) -> str:
    """A row tag with its `spans` hint set to the columns it holds."""
    at = tag.find(' spans="')
    if at >= 0:
        end = tag.find('"', at + 8)
        return f"{tag[: at + 8]}{first}:{last}{tag[end:]}"
    return _SPANS.sub(f'\\g<1>"{first}:{last}"', tag, count=1)


class _RowWork:
    """What rendering a sheet's rows needs and finds out along the way.

    A sheet's cells repeat the same texts and dates in the same formats row after row (a
    status, a deadline), so what follows a cell's reference is made once per value and format
    (for a new cell: per value and column, whose format it takes).
    """

    def __init__(self, styles: _Styles, date1904: bool, prefix: str) -> None:
        self.styles = styles
        self.date1904 = date1904
        self.p = prefix
        self.removed_formulas: set[tuple[int, int]] = set()
        self.removed_shared: dict[str, tuple[str, str]] = {}
        self._top = self._left = MAX_COL + MAX_ROW
        self._bottom = self._right = 0
        self._opens: dict[int, str] = {}
        self._made: dict[tuple[str | None, CellValue], str] = {}
        self._new: dict[tuple[int, CellValue], str] = {}
        self._rests: dict[int, _Rests] = {}

    @property
    def bounds(self) -> tuple[int, int, int, int] | None:
        """The range the rendered rows' cells cover (None: no cells)."""
        if not self._bottom:
            return None
        return self._top, self._left, self._bottom, self._right

    def include(self, row: int, first_col: int, last_col: int) -> None:
        if row < self._top:
            self._top = row
        if row > self._bottom:
            self._bottom = row
        if first_col < self._left:
            self._left = first_col
        if last_col > self._right:
            self._right = last_col

    def cell_open(self, col: int) -> str:
        """`<c r="AB`: the start of a cell in column `col`, up to its row number."""
        made = self._opens.get(col)
        if made is None:
            made = self._opens[col] = f'<{self.p}c r="{_letters(col)}'
        return made

    def new_cells(
        self,
        row: str,
        edits: list[tuple[int, CellValue]],
        row_style: str | None,
        sheet: _SheetModel,
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

    def rests(self, sheet: _SheetModel, col: int) -> _Rests:
        """What follows a new cell's row number in column `col` (which gives it its format), by
        (type, value): '' for None, which makes no cell."""
        rests = self._rests.get(col)
        if rests is None or len(rests) >= _MADE_CELLS:
            style = sheet.col_style(col)
            rests = self._rests[col] = _Rests(lambda value: self._rest(style, value))
        return rests

    def cell(self, col: int, row: str, style: str | None, value: CellValue) -> str:
        """A cell's XML ('' for an empty cell without a format): text inline (never a
        formula), numbers, booleans, dates as serials."""
        kind = type(value)
        if kind is str or kind is date or kind is int:
            key = (style, value)
            rest = self._made.get(key)
            if rest is None:
                rest = self._remember(key)
        elif value is None:
            if style is None:
                return ""
            rest = f'" s="{style}"/>'
        else:
            rest = self._rest(style, value)
        open_ = self._opens.get(col)
        if open_ is None:
            open_ = self.cell_open(col)
        return open_ + row + rest

    def _remember(self, key: tuple[str | None, CellValue]) -> str:
        if len(self._made) >= _MADE_CELLS:
            self._made.clear()
        rest = self._made[key] = self._rest(*key)
        return rest

    def _rest(self, style: str | None, value: CellValue) -> str:
        """What follows a cell's row number: its format, type and value."""
        p = self.p
        if isinstance(value, str):
            s = "" if style is None else f' s="{style}"'
            text = _escape_text(value)
            space = ' xml:space="preserve"' if _edge_space(text) else ""
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
            text = _serial(value, self.date1904)
        s = "" if style is None else f' s="{style}"'
        return f'"{s}{t}><{p}v>{text}</{p}v></{p}c>'


class _Rests(dict[tuple[type, CellValue], str]):
    """A column's cell texts after the row number, by (type, value), each made when first asked
    for (the type is in the key since 1, 1.0 and True are equal as keys but not as cells)."""

    def __init__(self, make: Callable[[CellValue], str]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: tuple[type, CellValue]) -> str:
        value = key[1]
        rest = self[key] = "" if value is None else self._make(value)
        return rest


def _edge_space(escaped: str) -> bool:
    """Whether cell text begins or ends with white space, which XML readers may drop unless told
    to keep it (a carriage return is escaped as `&#13;`)."""
    return (
        escaped[:1] in _XML_SPACE
        or escaped[-1:] in _XML_SPACE
        or escaped.startswith("&#13;")
        or escaped.endswith("&#13;")
    )


# --------------------------------------------------------------------------------------------
# Excel tables


class _Table:
    """An Excel table (ListObject) on an edited sheet: its range follows the rows written."""

    def __init__(self, part: str, xml: str) -> None:
        self.part = part
        self.xml = xml
        self.changed = False
        self.prefix = _main_prefix(xml, part)
        span = _element_span(xml, self.prefix, "table")
        if span is None:
            raise WriteError(f"tabellen i {part} är skadad")
        attrs = _attrs(xml[span[0] : span[1]])
        self.name = attrs.get("displayName") or attrs.get("name") or part
        self.first_row, self.first_col, self.last_row, self.last_col = _parse_range(
            attrs.get("ref", "A1")
        )
        self.header_rows = int(attrs.get("headerRowCount", "1") or 1)
        self.totals_rows = int(attrs.get("totalsRowCount", "0") or 0)
        column = re.compile(f"<{re.escape(self.prefix)}tableColumn\\b({_ATTRS})>")
        self.columns = [_unescape_name(_attrs(m[1]).get("name", "")) for m in column.finditer(xml)]
        self._renamed: dict[int, str] = {}

    def fit_to_replaced_rows(
        self, sheet: str, rows: Sequence[Sequence[CellValue]], first_row: int
    ) -> None:
        if self.last_row < first_row - 1:
            return
        self._refuse_totals(sheet)
        grid_last = first_row + len(rows) - 1
        if self.first_row >= first_row:
            header_at = self.first_row - first_row
            if self.header_rows and header_at >= len(rows):
                raise WriteError(
                    f"tabellen {self.name} på bladet {sheet} skulle bli utan rubrikrad"
                )
            if self.header_rows:
                self._take_headers(sheet, rows[header_at])
        self._set_last_row(max(grid_last, self.first_row + self.header_rows))

    def grow_for_appended_rows(
        self, sheet: str, old_last: int, new_last: int, first_col: int, last_col: int
    ) -> None:
        overlaps = first_col <= self.last_col and last_col >= self.first_col
        if not overlaps or self.first_row > old_last or self.last_row < old_last:
            return
        self._refuse_totals(sheet)
        if new_last > self.last_row:
            self._set_last_row(new_last)

    def render(self) -> str:
        xml, p = self.xml, re.escape(self.prefix)
        span = _element_span(xml, self.prefix, "table")
        assert span is not None
        ref = _range_ref(self.first_row, self.first_col, self.last_row, self.last_col)
        out = xml[: span[0]] + _set_attr(xml[span[0] : span[1]], "ref", ref)
        rest = xml[span[1] :]
        data_first = self.first_row + self.header_rows
        for name, first in (("autoFilter", self.first_row), ("sortState", data_first)):
            span = _element_span(rest, self.prefix, name)
            if span is not None:
                tag = self._shift(rest[span[0] : span[1]], first)
                rest = rest[: span[0]] + tag + rest[span[1] :]
        if self._renamed:
            column = re.compile(f"<{p}tableColumn\\b({_ATTRS})>")
            counter = iter(range(len(self.columns)))

            def rename(match: re.Match[str]) -> str:
                k = next(counter)
                new = self._renamed.get(k)
                return match[0] if new is None else _set_attr(match[0], "name", _escape_attr(new))

            rest = column.sub(rename, rest)
        return out + rest

    def _shift(self, tag: str, first_row: int) -> str:
        ref = _attrs(tag).get("ref")
        if not ref:
            return tag
        _, c1, _, c2 = _parse_range(ref)
        return _set_attr(tag, "ref", _range_ref(first_row, c1, max(self.last_row, first_row), c2))

    def _set_last_row(self, last_row: int) -> None:
        if last_row != self.last_row:
            self.last_row = last_row
            self.changed = True

    def _refuse_totals(self, sheet: str) -> None:
        if self.totals_rows:
            raise WriteError(
                f"tabellen {self.name} på bladet {sheet} har en summarad; ta bort den så "
                "att raderna kan skrivas"
            )

    def _take_headers(self, sheet: str, header: Sequence[CellValue]) -> None:
        """Excel requires a table's column names to be its header cells: keep them equal."""
        names = list(self.columns)
        renamed: dict[int, str] = {}
        for k in range(len(names)):
            col = self.first_col + k
            value = header[col - 1] if col - 1 < len(header) else None
            if not isinstance(value, str) or not value.strip():
                raise WriteError(
                    f"rubriken i {_letters(col)}{self.first_row} i tabellen {self.name} på "
                    f"bladet {sheet} måste vara en text"
                )
            if value != names[k]:
                names[k] = renamed[k] = value
        if len({n.casefold() for n in names}) != len(names):
            raise WriteError(f"tabellen {self.name} på bladet {sheet} får två lika rubriker")
        if renamed:
            self._renamed.update(renamed)
            self.columns = names
            self.changed = True


# --------------------------------------------------------------------------------------------
# Writing the zip: unchanged entries are copied as their compressed bytes


class _ZipWriter:
    """A plain zip writer that can copy an entry's compressed stream untouched."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._offset = 0
        self._central: list[bytes] = []

    def copy(self, source: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy one entry of the original exactly: same name, method, stream, dates."""
        if info.flag_bits & 0x1:
            raise WriteError(f"delen {info.filename} är krypterad")
        found = _local_header(source, info)
        if found is None:
            raise WriteError(f"arbetsboken är skadad vid delen {info.filename}")
        local_extra = found[1]
        self._header(
            info, info.CRC, info.compress_size, info.file_size, info.compress_type, local_extra
        )
        left = info.compress_size
        while left:
            chunk = source.read(min(left, _CHUNK))
            if not chunk:
                raise WriteError(f"arbetsboken är avkortad vid delen {info.filename}")
            self._out.write(chunk)
            left -= len(chunk)
        self._offset += info.compress_size

    def add(self, info: zipfile.ZipInfo, blob: _Blob) -> None:
        """Write new content under an entry's name and metadata."""
        extra = _strip_zip64(info.extra)
        self._header(info, blob.crc, len(blob.stream), blob.size, blob.method, extra)
        self._out.write(blob.stream)
        self._offset += len(blob.stream)

    def finish(self, comment: bytes) -> None:
        directory = b"".join(self._central)
        if self._offset > _ZIP_LIMIT or len(self._central) > 0xFFFF:
            raise WriteError("arbetsboken blir för stor för att sparas (över 4 GB)")
        self._out.write(directory)
        self._out.write(
            struct.pack(
                "<4s4H2LH",
                b"PK\x05\x06",
                0,
                0,
                len(self._central),
                len(self._central),
                len(directory),
                self._offset,
                len(comment),
            )
            + comment
        )

    def _header(
        self,
        info: zipfile.ZipInfo,
        crc: int,
        compressed: int,
        size: int,
        method: int,
        local_extra: bytes,
    ) -> None:
        if max(compressed, size, self._offset) >= _ZIP_LIMIT:
            raise WriteError("arbetsboken blir för stor för att sparas (över 4 GB)")
        flags = info.flag_bits & ~0x8
        name = info.orig_filename.encode("utf-8" if flags & 0x800 else "cp437")
        year, month, day, hour, minute, second = info.date_time
        dos_time = hour << 11 | minute << 5 | second // 2
        dos_date = max(year - 1980, 0) << 9 | month << 5 | day
        version = 20 if info.extract_version in (45, 0) else info.extract_version
        local_extra = _strip_zip64(local_extra)
        self._out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                version,
                flags,
                method,
                dos_time,
                dos_date,
                crc,
                compressed,
                size,
                len(name),
                len(local_extra),
            )
            + name
            + local_extra
        )
        central_extra = _strip_zip64(info.extra)
        self._central.append(
            struct.pack(
                "<4s2B5H3L5H2L",
                b"PK\x01\x02",
                info.create_version,
                info.create_system,
                version,
                flags,
                method,
                dos_time,
                dos_date,
                crc,
                compressed,
                size,
                len(name),
                len(central_extra),
                len(info.comment),
                0,
                info.internal_attr,
                info.external_attr,
                self._offset,
            )
            + name
            + central_extra
            + info.comment
        )
        self._offset += 30 + len(name) + len(local_extra)


def _strip_zip64(extra: bytes) -> bytes:
    """Extra fields without the ZIP64 one (this writer never needs it)."""
    kept = bytearray()
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind != 0x0001:
            kept += extra[at : at + 4 + length]
        at += 4 + length
    return bytes(kept)


class _Checker:
    """Checks each new part as it is packed (see `partcheck`): in a helper process when `beside`
    is set and one can be started, so the check runs while the next part is rendered; else at
    once, here. Parts go to the helper from a thread of their own, so rendering never waits for
    the helper to take them."""

    def __init__(self, beside: bool) -> None:
        self._problem: str | None = None
        self._helper: subprocess.Popen[bytes] | None = None
        self._queue: queue.SimpleQueue[tuple[str, _Blob] | None] = queue.SimpleQueue()
        self._feeder: threading.Thread | None = None
        if beside and sys.executable:
            try:
                self._helper = subprocess.Popen(
                    [sys.executable, "-I", "-S", partcheck.__file__],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
            except OSError:
                return  # checked here instead
            self._feeder = threading.Thread(
                target=self._feed, args=(self._helper,), name="avtalsbok-check", daemon=True
            )
            self._feeder.start()

    def check(self, name: str, blob: _Blob) -> None:
        if self._feeder is not None:
            self._queue.put((name, blob))
        elif self._problem is None:
            stream = partcheck.pieces(blob.stream)
            self._problem = partcheck.problem(name, stream, blob.method, blob.crc, blob.size)

    def _feed(self, helper: subprocess.Popen[bytes]) -> None:
        assert helper.stdin is not None
        lost = False
        while (item := self._queue.get()) is not None:
            if lost:
                continue
            name, blob = item
            try:
                helper.stdin.write(
                    partcheck.frame(name, blob.stream, blob.method, blob.crc, blob.size)
                )
                helper.stdin.write(blob.stream)
            except OSError:
                lost = True

    def result(self) -> None:
        """Raise `WriteError` if a part failed its check (or the helper could not finish)."""
        helper, feeder = self._helper, self._feeder
        self._helper = self._feeder = None
        if helper is not None and feeder is not None:
            self._queue.put(None)
            feeder.join()
            try:
                answer, _ = helper.communicate(timeout=_CHECK_TIMEOUT)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                helper.kill()
                helper.wait()
                answer = b""
            if answer.startswith(partcheck.BAD):
                self._problem = answer[len(partcheck.BAD) :].decode("utf-8").strip()
            elif answer != partcheck.OK or helper.returncode != 0:
                self._problem = _CHECK_LOST
        if self._problem is not None:
            raise WriteError(self._problem)

    def stop(self) -> None:
        """End the helper, if it still runs (the save was given up)."""
        helper, feeder = self._helper, self._feeder
        self._helper = self._feeder = None
        if helper is not None and feeder is not None:
            helper.kill()
            self._queue.put(None)
            feeder.join()
            helper.wait()


def _verify(tmp: Path, plan: _Plan, original: Path, infos: Sequence[zipfile.ZipInfo]) -> None:
    """The saved file must be a zip with the planned entries, each holding exactly the stream
    that was packed and checked for it, or exactly the original book's stream for it."""
    originals = {info.filename: info for info in infos}
    try:
        with (
            zipfile.ZipFile(tmp) as archive,
            open(tmp, "rb") as saved,
            open(original, "rb") as source,
        ):
            if archive.namelist() != plan.names:
                raise WriteError("den sparade filen fick fel innehåll")
            for info in archive.infolist():
                blob = plan.parts.get(info.filename)
                if blob is not None:
                    expected = (blob.crc, blob.size, blob.method)
                    same = _stream_of(saved, info) == blob.stream
                else:
                    old = originals[info.filename]
                    expected = (old.CRC, old.file_size, old.compress_type)
                    same = _same_streams(saved, info, source, old)
                if not same or (info.CRC, info.file_size, info.compress_type) != expected:
                    raise WriteError(f"delen {info.filename} blev skadad när filen sparades")
    except zipfile.BadZipFile as exc:
        raise WriteError(f"den sparade filen är ingen giltig zip-fil ({exc})") from exc


def _local_header(file: BinaryIO, info: zipfile.ZipInfo) -> tuple[bytes, bytes] | None:
    """The name and extra field in an entry's local header, the file left where its stream
    begins (None: no local header where the directory says)."""
    file.seek(info.header_offset)
    header = file.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    rest = file.read(name_length + extra_length)
    return rest[:name_length], rest[name_length:]


def _stream_start(file: BinaryIO, info: zipfile.ZipInfo) -> int:
    """Where a saved entry's stream begins, after a local header that names it."""
    found = _local_header(file, info)
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if found is None or found[0] != info.orig_filename.encode(encoding):
        raise WriteError(f"delen {info.filename} blev skadad när filen sparades")
    return file.tell()


def _stream_of(file: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    file.seek(_stream_start(file, info))
    return file.read(info.compress_size)


def _same_streams(
    saved: BinaryIO, info: zipfile.ZipInfo, source: BinaryIO, old: zipfile.ZipInfo
) -> bool:
    """Whether a copied entry's stream is the original's, byte for byte."""
    if info.compress_size != old.compress_size:
        return False
    at = _stream_start(saved, info)
    if _local_header(source, old) is None:
        return False
    old_at = source.tell()
    left = info.compress_size
    while left:
        step = min(left, _CHUNK)
        saved.seek(at)
        source.seek(old_at)
        if saved.read(step) != source.read(step):
            return False
        at, old_at, left = at + step, old_at + step, left - step
    return True


# --------------------------------------------------------------------------------------------
# Small helpers


def _check_sheet_name(name: str) -> None:
    if not name.strip() or len(name) > 31:
        raise ValueError(f"a sheet name must have 1–31 characters: {name!r}")
    if any(ch in "[]:*?/\\" or ord(ch) < 32 for ch in name) or _XML_ILLEGAL.search(name):
        raise ValueError(f"a sheet name cannot contain []:*?/\\ : {name!r}")
    if name.startswith("'") or name.endswith("'"):
        raise ValueError(f"a sheet name cannot begin or end with an apostrophe: {name!r}")


def _now() -> tuple[int, int, int, int, int, int]:
    now = datetime.now()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)
