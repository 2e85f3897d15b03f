"""The editor of one workbook: edits collected, then saved loss-free in one go.

An officer's .xlsx/.xlsm is the only copy of their contract register and carries much that this
product did not make: their own columns, form-control buttons, VBA, charts, comments, formats.
Libraries that load and re-save a package (openpyxl among them) drop some of it, so nothing
here does that. Instead the edited worksheet XML is spliced row by row (`sheet`, with a
missing conditional format inserted after the rows: `condformat`), a handful of small parts are
patched in place when strictly needed (a date style or a conditional format's colours appended
to `styles.xml`, stale entries cut from `calcChain.xml`, an Excel table's range, a new sheet's
registration), and every other zip entry is copied byte for byte, compressed stream included
(`zipcopy`). Each new part is checked (`checking`), and the new file as a whole (`verify`),
before it replaces the book.

Cell rules: a written cell keeps its style (a date gets a date format when its style has none);
text is written as an inline string and never becomes a formula; `None` clears a value but keeps
the cell's format; a formula that is overwritten leaves the calculation chain with it.

How the file on disk is reached is the caller's (`BookStore`): what tells that a file changed,
whether someone has it open, and how a new file atomically takes the book's place.
"""

from __future__ import annotations

import io
import os
import xml.parsers.expat
import zipfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from .bookparts import BookParts
from .cells import CellValue, check_values
from .checking import CheckHere, PartChecker
from .condformat import EqualsRule
from .docprops import CUSTOM_PART, custom_part, entries_digest, with_property
from .errors import OoxmlError
from .package import Package
from .packing import Packer, SavePlan
from .refs import MAX_COL, MAX_ROW, parse_cell_ref, parse_range
from .sheet import SheetModel
from .styles import Styles
from .tables import Table
from .verify import verify_saved
from .workbookxml import SheetEntry
from .xmltext import XML_ILLEGAL
from .zipcopy import ZipWriter

#: What tells that a file changed on disk (its size and modification time, say).
Stamp = tuple[int, int]


class BookStore(Protocol):
    """How an editor reaches the book on disk."""

    def stamp(self, path: Path) -> Stamp:
        """The file's stamp now (raises OSError when it cannot be read)."""

    def refuse_if_open(self, path: Path) -> None:
        """Raise if someone has the file open, so that it must not be replaced."""

    def replace(
        self, path: Path, write: Callable[[BinaryIO], None], verify: Callable[[Path], None]
    ) -> None:
        """Put what `write` writes in the file's place, all or nothing, once `verify` (given
        the finished new file) has passed it."""


class WorkbookEditor:
    """Collects edits to one .xlsx/.xlsm and saves them loss-free.

    Edits apply in the order they are made; nothing touches the file until `save`. A sheet is
    read when it is first edited. `save` refuses a book someone has open (as `store` says) and
    a book that changed on disk since this editor opened it (`OoxmlError` `book-changed`).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        store: BookStore,
        expected_stamp: Stamp | None = None,
        rows_together: bool = True,
    ) -> None:
        """Open a book for editing; `expected_stamp` (the stamp taken when the book was read)
        refuses a book saved by someone else since then. `rows_together=False` renders each
        edited row on its own, the general way, which must write what rendering rows that only
        gain cells together writes (tests hold the two equal)."""
        self.path = Path(path)
        self._store = store
        self._together = rows_together
        self._stamp, self._package, self._book = self._open()
        self._sheets: dict[str, SheetModel] = {}
        self._mark: tuple[str, Callable[[str], str]] | None = None
        if expected_stamp is not None and self._stamp != expected_stamp:
            raise OoxmlError("book-changed")

    @property
    def sheet_names(self) -> list[str]:
        """Every sheet's name, in workbook order."""
        return [entry.name for entry in self._book.entries]

    def set_cells(self, sheet: str, cells: Mapping[str, CellValue]) -> None:
        """Write single cells by reference: `{"C5": 12, "D5": "text", "F5": None}`."""
        rows: dict[int, dict[int, CellValue]] = {}
        for ref, value in cells.items():
            row, col = parse_cell_ref(ref)
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
        date1904 = self._book.date1904
        for row, cells in rows.items():
            if not cells:
                continue
            if not 1 <= row <= MAX_ROW or not 1 <= min(cells) <= max(cells) <= MAX_COL:
                raise OoxmlError("cells-outside", sheet=sheet, row=str(row))
            check_values(cells.values(), date1904)
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
            raise OoxmlError("cells-outside", sheet=sheet, row=str(max(first_row, last_row)))
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
            raise OoxmlError("cells-outside", sheet=sheet, row=str(old_last + len(rows)))
        grid = self._prepare_grid(rows, old_last + 1, first_col)
        for table in model.tables:
            table.grow_for_appended_rows(
                model.name, old_last, old_last + len(rows), first_col, first_col + width - 1
            )
        model.edits.update(grid)

    def add_conditional_formats(self, sheet: str, ref: str, rules: Sequence[EqualsRule]) -> None:
        """Colour the cells of the range `ref` (`D79:D1048576`) by `rules`, each added on save
        unless the sheet already has an `equal` rule with its formula over the range's first
        cell (the officer's own, or one added before): a book saved again gains nothing. Each
        new rule's colours are appended to styles.xml's differential formats."""
        parse_range(ref)  # a ValueError for anything but a range
        self._sheet(sheet).formats.append((ref, tuple(rules)))

    def add_sheet(self, name: str) -> None:
        """Add an empty worksheet after the last sheet."""
        check_sheet_name(name)
        existing = self._find_entry(name)
        if existing is not None:
            if existing.kind != "worksheet" or not existing.part:
                raise OoxmlError("not-a-worksheet", sheet=existing.name)
            raise ValueError(f"a sheet named {name!r} already exists")
        self._book.add_sheet(name)
        entry = self._book.entries[-1]
        xml = self._book.new_parts[entry.part]
        self._sheets[entry.name] = SheetModel(entry, lambda: xml, [], self._together)

    def mark_on_save(self, name: str, value: Callable[[str], str]) -> None:
        """On a save that writes, set the custom document property `name` (`docprops`) to
        `value(digest)`, where digest is `docprops.entries_digest` of every other entry as
        saved: what the file holds besides the mark. The officer's own custom properties stay;
        a book whose custom properties part cannot be edited safely (one that is not well-formed,
        or a `docProps/custom.xml` the package does not point to) is saved without the mark."""
        self._mark = (name, value)

    def rewritten_size(self) -> int:
        """Unpacked bytes of the sheets a save would rewrite, as they are now (what a caller
        weighs to choose a part checker)."""
        parts = {model.entry.part for model in self._sheets.values() if model.changed()}
        return sum(info.file_size for info in self._package.infos if info.filename in parts)

    def save(self, checker: PartChecker | None = None) -> bool:
        """Write every edit into the book, atomically; raises `OoxmlError` on any failure.

        Each new part goes to `checker` (default: `CheckHere`) as soon as it is packed. Edits
        that leave every part as it was (each value already in its cell) write nothing: the
        file, its bytes and its modification time stay, and False says so.
        """
        self._check_untouched()
        checker = CheckHere() if checker is None else checker
        try:
            plan = self._plan(checker)
            if not plan.parts and not plan.removed:
                return False

            def verify(tmp: Path) -> None:
                checker.result()
                # Writing and checking take a while: whoever saved or opened the book meanwhile
                # keeps their version (and the parts copied from it are compared with it).
                self._check_untouched()
                verify_saved(tmp, plan, self.path, self._package.infos)
                self._check_untouched()

            self._store.replace(self.path, lambda out: self._write(out, plan), verify)
        finally:
            checker.stop()
        self._stamp, self._package, self._book = self._open()
        self._sheets = {}
        return True

    def _check_untouched(self) -> None:
        """Refuse a book someone has open, or that changed on disk since it was read."""
        self._store.refuse_if_open(self.path)
        try:
            stamp = self._store.stamp(self.path)
        except OSError as exc:
            raise OoxmlError("book-unreadable", reason=str(exc)) from exc
        if stamp != self._stamp:
            raise OoxmlError("book-changed")

    def _open(self) -> tuple[Stamp, Package, BookParts]:
        try:
            stamp = self._store.stamp(self.path)
            package = Package(zipfile.ZipFile(io.BytesIO(self.path.read_bytes())))
        except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            raise OoxmlError("not-a-package", reason=str(exc)) from exc
        return stamp, package, BookParts(package)

    def find_sheet(self, name: str) -> str | None:
        """The name a sheet has in the book, found as Excel finds it (case-insensitively)."""
        entry = self._find_entry(name)
        return None if entry is None else entry.name

    def _find_entry(self, name: str) -> SheetEntry | None:
        entries = self._book.entries
        for entry in entries:
            if entry.name == name:
                return entry
        folded = name.casefold()
        return next((e for e in entries if e.name.casefold() == folded), None)

    def _sheet(self, name: str) -> SheetModel:
        entry = self._find_entry(name)
        if entry is None:
            raise OoxmlError("sheet-missing", sheet=name)
        model = self._sheets.get(entry.name)
        if model is None:
            if entry.kind != "worksheet" or not entry.part:
                raise OoxmlError("not-a-worksheet", sheet=entry.name)
            tables = [
                Table(part, self._package.text(part))
                for part in self._package.related(entry.part, "/table")
            ]
            part = entry.part
            model = self._sheets[entry.name] = SheetModel(
                entry, lambda: self._package.text(part), tables, self._together
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
            check_values(cells.values(), self._book.date1904)
            if cells:
                grid[first_row + offset] = cells
        return grid

    def _plan(self, checker: PartChecker) -> SavePlan:
        """Every new part packed, and handed to `checker` as soon as it is."""
        plan = SavePlan()
        stored = {
            info.filename
            for info in self._package.infos
            if info.compress_type == zipfile.ZIP_STORED
        }

        with ThreadPoolExecutor(1, thread_name_prefix="avtalsbok-pack") as pool:

            def put(part: str, text: str) -> None:
                packer = Packer(part not in stored, pool)
                packer.write_slice(text, 0, len(text))
                plan.parts[part] = blob = packer.blob()
                checker.check(part, blob)

            styles = Styles(self._book.styles_part, self._package)
            removed_formulas: dict[int, set[tuple[int, int]]] = {}
            rewritten: set[str] = set()
            for model in self._sheets.values():
                if not model.changed():
                    continue
                packer = Packer(model.entry.part not in stored, pool)
                rendered = model.render(styles, self._book.date1904, packer)
                model.release()
                if rendered is not None:  # else every row is as it was: the part is copied
                    head, removed = rendered
                    rewritten.add(model.entry.part)
                    plan.parts[model.entry.part] = blob = packer.blob(head)
                    checker.check(model.entry.part, blob)
                    if removed:
                        removed_formulas[model.entry.sheet_id] = removed
                for table in model.tables:
                    if table.changed:
                        put(table.part, table.render())
            if styles.changed and styles.part is not None:
                put(styles.part, styles.render())
            sheets_changed = bool(rewritten)
            marked = self._mark_part() if plan.parts or self._book.dirty else None
            for part, new_text in self._book.finish(removed_formulas, sheets_changed).items():
                if new_text is None:
                    plan.removed.add(part)
                else:
                    put(part, new_text)
            plan.added = [p for p in self._book.new_parts if p not in plan.removed]
            for part in plan.added:
                if part not in plan.parts:
                    put(part, self._book.new_parts[part])
            if marked is not None and marked[1] is None:
                plan.added.append(marked[0])
            plan.names = [
                info.filename for info in self._package.infos if info.filename not in plan.removed
            ] + plan.added
            if marked is not None:
                part, old = marked
                put(part, self._marked(plan, part, old))
        return plan

    def _mark_part(self) -> tuple[str, str | None] | None:
        """The custom properties part the mark goes in and its text now (None: a new part,
        registered here); None when it cannot go in safely."""
        if self._mark is None:
            return None
        part = custom_part(self._package)
        if part is None:
            if self._package.find(CUSTOM_PART) is not None:
                return None  # a part of that name the package does not point to
            if not self._book.add_custom_properties(CUSTOM_PART):
                return None
            return CUSTOM_PART, None
        try:
            old = self._package.text(part)
            with_property(old, self._mark[0], "")
            xml.parsers.expat.ParserCreate().Parse(old.encode(), True)
        except (OoxmlError, xml.parsers.expat.ExpatError):
            return None
        return part, old

    def _marked(self, plan: SavePlan, part: str, old: str | None) -> str:
        """The custom properties part with the mark, from the other entries as saved."""
        assert self._mark is not None
        infos = {info.filename: info for info in self._package.infos}
        others = []
        for name in plan.names:
            if name == part:
                continue
            blob = plan.parts.get(name)
            if blob is not None:
                others.append((name, blob.crc, blob.size))
            else:
                info = infos[name]
                others.append((name, info.CRC, info.file_size))
        name, value = self._mark
        return with_property(old, name, value(entries_digest(others)))

    def _write(self, out: BinaryIO, plan: SavePlan) -> None:
        writer = ZipWriter(out)
        with open(self.path, "rb") as source:
            if self._store.stamp(self.path) != self._stamp:
                raise OoxmlError("book-changed")
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


def write_cells(
    path: str | os.PathLike[str],
    edits: Mapping[str, Mapping[str, CellValue]],
    *,
    store: BookStore,
) -> None:
    """Write cells into a book in one atomic save: `{"Blad1": {"C5": 12, "D5": "text"}}`.

    A sheet that does not exist yet is added.
    """
    editor = WorkbookEditor(path, store=store)
    for sheet, cells in edits.items():
        if editor.find_sheet(sheet) is None:
            editor.add_sheet(sheet)
        editor.set_cells(sheet, cells)
    editor.save()


def check_sheet_name(name: str) -> None:
    """Raise ValueError for a sheet name Excel refuses."""
    if not name.strip() or len(name) > 31:
        raise ValueError(f"a sheet name must have 1–31 characters: {name!r}")
    if any(ch in "[]:*?/\\" or ord(ch) < 32 for ch in name) or XML_ILLEGAL.search(name):
        raise ValueError(f"a sheet name cannot contain []:*?/\\ : {name!r}")
    if name.startswith("'") or name.endswith("'"):
        raise ValueError(f"a sheet name cannot begin or end with an apostrophe: {name!r}")


def _now() -> tuple[int, int, int, int, int, int]:
    now = datetime.now()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)
