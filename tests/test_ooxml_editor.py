"""The editor as a whole: Excel-saved books keep every other part byte for byte, and books
that cannot be written are refused untouched."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from ooxmlbooks import (
    CORPUS,
    ProductStore,
    assert_well_ordered,
    calamine,
    editor_of,
    entries,
    libreoffice,
    libreoffice_csv,
    make_book,
    plain_book,
    split_sheet,
    values,
    write_cells,
)

from avtalsbok.ooxml import CellValue, CheckHere, OoxmlError, WorkbookEditor
from avtalsbok.ooxml.packing import Blob
from avtalsbok.workbook.writeback import BOOK_FILE

# --- Excel-saved books keep everything -------------------------------------------------------

CORPUS_CASES = [
    (
        "62629_target.xlsm",
        "Report",
        "xl/worksheets/sheet2.xml",
        ["<controls>", "<legacyDrawing", '<drawing r:id="rId2"/>', "<extLst>", "mc:Choice"],
    ),
    (
        "ExcelWithAttachments.xlsm",
        "Страница 1",
        "xl/worksheets/sheet1.xml",
        ["<drawing", "<legacyDrawing", "<oleObjects>", "<hyperlinks>", "<cols>"],
    ),
    ("SimpleMacro.xlsm", "Sheet1", "xl/worksheets/sheet1.xml", ["<pageMargins"]),
]
EDITS: dict[str, CellValue] = {
    "B2": 12,
    "C3": "Försenad (3 dagar)",
    "D4": 1.25,
    "E5": True,
    "F17": "=1+1",
}


@pytest.mark.parametrize(("name", "sheet", "sheet_part", "kept"), CORPUS_CASES)
def test_corpus_book_keeps_every_other_part_byte_for_byte(
    tmp_path: Path, name: str, sheet: str, sheet_part: str, kept: list[str]
) -> None:
    book = tmp_path / name
    shutil.copy(CORPUS / name, book)
    before = entries(book)
    write_cells(book, {sheet: EDITS})
    after = entries(book)

    assert [e.name for e in after] == [e.name for e in before]
    for old, new in zip(before, after, strict=True):
        if old.name != sheet_part:
            assert new == old, old.name  # same bytes, same compressed stream
    vba = [e for e in after if e.name == "xl/vbaProject.bin"]
    assert vba and vba == [e for e in before if e.name == "xl/vbaProject.bin"]

    old_xml = next(e.data for e in before if e.name == sheet_part).decode()
    new_xml = next(e.data for e in after if e.name == sheet_part).decode()
    old_head, old_data, old_tail = split_sheet(old_xml)
    new_head, new_data, new_tail = split_sheet(new_xml)
    assert new_head == old_head
    assert new_tail == old_tail
    for marker in kept:
        assert marker in new_head + new_tail
    edited_rows = {2, 3, 4, 5, 17}
    for row in re.findall(r'<row r="(\d+)".*?(?:</row>|/>)', old_data, re.S):
        if int(row) not in edited_rows:
            original = re.search(
                rf'<row r="{row}"[ >].*?</row>|<row r="{row}"[^>]*/>', old_data, re.S
            )
            assert original is not None and original[0] in new_data

    assert_well_ordered(book, sheet_part)
    read = values(book, sheet)
    assert {ref: read[ref] for ref in EDITS} == EDITS
    rows = calamine(book, sheet)
    assert (rows[1][1], rows[2][2], rows[3][3], rows[4][4]) == (
        12,
        "Försenad (3 dagar)",
        1.25,
        True,
    )


@libreoffice
def test_corpus_book_edited_opens_in_libreoffice(tmp_path: Path) -> None:
    book = tmp_path / "ExcelWithAttachments.xlsm"
    shutil.copy(CORPUS / book.name, book)
    write_cells(book, {"Страница 1": {"B2": 12, "C3": "Försenad (3 dagar)", "D4": "=1+1"}})
    rows = libreoffice_csv(book, "Страница 1", tmp_path)
    assert rows[1][:2] == ["English", "12"]
    assert rows[2][:3] == ["Ўзбек", "", "Försenad (3 dagar)"]
    assert rows[3][3] == "=1+1"


# --- books that cannot be written ------------------------------------------------------------


def test_a_file_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "bok.xlsx"
    text.write_text("Avtals-ID;Namn\n", encoding="utf-8")
    with pytest.raises(OoxmlError) as caught:
        editor_of(text)
    assert caught.value.code == "not-a-package"


def test_a_missing_sheet_or_a_chart_sheet_is_refused(tmp_path: Path) -> None:
    def build(wb: Any) -> None:
        wb.add_worksheet("Data").write_column("A1", [1, 2])
        chart = wb.add_chart({"type": "line"})
        chart.add_series({"values": "=Data!$A$1:$A$2"})
        wb.add_chartsheet("Diagram").set_chart(chart)

    editor = editor_of(make_book(tmp_path / "bok.xlsx", build))
    assert editor.sheet_names == ["Data", "Diagram"]
    with pytest.raises(OoxmlError) as missing:
        editor.set_cells("Avvikelser", {"A1": 1})
    assert (missing.value.code, missing.value.details) == ("sheet-missing", {"sheet": "Avvikelser"})
    with pytest.raises(OoxmlError) as chart:
        editor.set_cells("Diagram", {"A1": 1})
    assert (chart.value.code, chart.value.details) == ("not-a-worksheet", {"sheet": "Diagram"})


def test_a_book_changed_since_it_was_opened_is_not_overwritten(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    editor = editor_of(book)
    editor.set_cells("Blad1", {"C2": 1})
    time.sleep(0.01)
    write_cells(book, {"Blad1": {"C3": "ändrad av någon annan"}})
    with pytest.raises(OoxmlError, match="changed by someone else"):
        editor.save()
    assert values(book, "Blad1")["C3"] == "ändrad av någon annan"


class SavedBySomeoneElse(ProductStore):
    """The product's book file and part check, but someone else saves the book as the new file
    is written (`write`) or while the new parts are checked (`check`)."""

    def __init__(self, book: Path, moment: str) -> None:
        self.book = book
        self.moment = moment
        self.theirs = plain_book(book.with_name("annan.xlsx")).read_bytes() + b"\0"
        self.checker = CheckHere()

    def replace(
        self, path: Path, write: Callable[[BinaryIO], None], verify: Callable[[Path], None]
    ) -> None:
        if self.moment == "write":
            self.book.write_bytes(self.theirs)
        BOOK_FILE.replace(path, write, verify)

    def check(self, name: str, blob: Blob) -> None:
        self.checker.check(name, blob)

    def result(self) -> None:
        self.checker.result()
        if self.moment == "check":
            self.book.write_bytes(self.theirs)

    def stop(self) -> None:
        self.checker.stop()


@pytest.mark.parametrize("moment", ["write", "check"])
def test_a_book_saved_by_someone_else_during_a_save_is_not_overwritten(
    tmp_path: Path, moment: str
) -> None:
    # The new file is written and checked after the book was last looked at; a save by someone
    # else in that time (seconds for a large book) must not be replaced by ours.
    book = plain_book(tmp_path / "bok.xlsx")
    someone = SavedBySomeoneElse(book, moment)
    editor = WorkbookEditor(book, store=someone)
    editor.set_cells("Blad1", {"C2": 1})
    with pytest.raises(OoxmlError) as caught:
        editor.save(someone)
    assert caught.value.code == "book-changed"
    assert book.read_bytes() == someone.theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annan.xlsx", "bok.xlsx"]


def test_saving_without_edits_leaves_the_file_alone(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    before = book.stat().st_mtime_ns, book.read_bytes()
    editor_of(book).save()
    assert (book.stat().st_mtime_ns, book.read_bytes()) == before


def test_an_editor_can_save_again(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    editor = editor_of(book)
    editor.set_cells("blad1", {"C2": 1})
    editor.save()
    editor.set_cells("Blad1", {"C3": 2})
    editor.save()
    read = values(book, "Blad1")
    assert (read["C2"], read["C3"]) == (1, 2)
