"""The loss-free writer: what it writes reads back right, and everything else stays byte for byte.

Books come from three places: Excel-saved books from other projects (`corpus/excel-saved`, with
buttons, VBA, drawings, embedded objects), small books made here with XlsxWriter, and books whose
sheet XML is set by hand for what Excel writes but XlsxWriter does not (shared and array
formulas, calculation chains, rows without numbers, prefixed namespaces, rich text).
Independent readers check the result: openpyxl, python-calamine and, where marked, LibreOffice.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string
from python_calamine import CalamineWorkbook

from avtalsbok.core.schema import column_letter
from avtalsbok.workbook import atomic, partcheck, xlsxedit
from avtalsbok.workbook.xlsxedit import (
    MAX_TEXT,
    CellValue,
    WorkbookEditor,
    WriteError,
    write_cells,
)

CORPUS = Path(__file__).parent / "corpus" / "excel-saved"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS = {"m": MAIN}


def libreoffice(test: Callable[..., None]) -> Callable[..., None]:
    """A test that converts with LibreOffice headless (a few seconds each)."""
    needs = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
    marked: Callable[..., None] = pytest.mark.libreoffice(needs(test))
    return marked


# --- helpers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    name: str
    compress_type: int
    crc: int
    compress_size: int
    data: bytes


def entries(book: Path) -> list[Entry]:
    with zipfile.ZipFile(book) as archive:
        return [
            Entry(i.filename, i.compress_type, i.CRC, i.compress_size, archive.read(i))
            for i in archive.infolist()
        ]


def part(book: Path, name: str) -> str:
    with zipfile.ZipFile(book) as archive:
        return archive.read(name).decode("utf-8")


def has_part(book: Path, name: str) -> bool:
    with zipfile.ZipFile(book) as archive:
        return name in archive.namelist()


def make_book(path: Path, build: Callable[[Any], None], **options: Any) -> Path:
    """A book made with XlsxWriter; `build` gets the workbook."""
    workbook = xlsxwriter.Workbook(str(path), options)
    build(workbook)
    workbook.close()
    return path


def plain_book(path: Path) -> Path:
    def build(wb: Any) -> None:
        sheet = wb.add_worksheet("Blad1")
        sheet.write_row(0, 0, ["Avtals-ID", "Namn", "Värde"])
        sheet.write_row(1, 0, ["A1", "Städ", 100])
        sheet.write_row(2, 0, ["A2", "Mat", 200])

    return make_book(path, build)


def rewrite_parts(book: Path, changes: dict[str, str | None]) -> None:
    """Test set-up only: replace, add (new name) or drop (None) parts of a book."""
    with zipfile.ZipFile(book) as src:
        items = [(i.filename, src.read(i)) for i in src.infolist()]
    names = {name for name, _ in items}
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items:
            if name not in changes:
                out.writestr(name, data)
            elif (text := changes[name]) is not None:
                out.writestr(name, text.encode("utf-8"))
        for name, text in changes.items():
            if name not in names and text is not None:
                out.writestr(name, text.encode("utf-8"))


def with_sheet_data(book: Path, sheet_data: str, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    xml = part(book, sheet)
    xml = re.sub(r"<sheetData>.*</sheetData>|<sheetData/>", lambda _: sheet_data, xml, flags=re.S)
    rewrite_parts(book, {sheet: xml})


def values(book: Path, sheet: str) -> dict[str, Any]:
    """Every non-empty cell as openpyxl reads it."""
    ws = openpyxl.load_workbook(book, read_only=True)[sheet]
    return {
        c.coordinate: c.value
        for row in ws.iter_rows()
        for c in row
        if getattr(c, "value", None) is not None
    }


def calamine(book: Path, sheet: str) -> list[list[Any]]:
    sheet_range = CalamineWorkbook.from_path(str(book)).get_sheet_by_name(sheet)
    return sheet_range.to_python(skip_empty_area=False)


def cell_xml(book: Path, ref: str, sheet: str = "xl/worksheets/sheet1.xml") -> str:
    match = re.search(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', part(book, sheet), re.S)
    assert match is not None, f"no cell {ref}"
    return match[0]


def style_of(book: Path, ref: str) -> str | None:
    found = re.match(r'<c r="[A-Z]+\d+"(?: s="(\d+)")?', cell_xml(book, ref))
    assert found is not None
    return found[1]


def assert_well_ordered(book: Path, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    """Rows and cells strictly ascending, each cell in its own row: Excel refuses anything else."""
    root = ET.fromstring(part(book, sheet))
    previous_row = 0
    for row in root.iterfind("m:sheetData/m:row", NS):
        number = int(row.get("r", "0"))
        assert number > previous_row
        previous_row = number
        previous_col = 0
        for cell in row.iterfind("m:c", NS):
            ref = cell.get("r", "")
            letters = ref.rstrip("0123456789")
            assert ref[len(letters) :] == str(number)
            col = column_index_from_string(letters)
            assert col > previous_col
            previous_col = col


# A LibreOffice profile setting that recalculates every formula of an .xlsx when it is opened.
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_csv(book: Path, sheet: str, tmp_path: Path) -> list[list[str]]:
    """The sheet as LibreOffice reads it (formulas recalculated), exported to UTF-8 CSV."""
    out = tmp_path / "lo-out"
    profile = tmp_path / "lo-profile"
    if not profile.exists():
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    filter_options = "44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{filter_options}",
            "--outdir",
            str(out),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with open(out / f"{book.stem}-{sheet}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


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


def split_sheet(xml: str) -> tuple[str, str, str]:
    """(before sheetData with the dimension blanked, sheetData, after sheetData)."""
    match = re.search(r"<sheetData>.*?</sheetData>|<sheetData/>", xml, re.S)
    assert match is not None
    head = re.sub(r'<dimension ref="[^"]*"/>', "<dimension/>", xml[: match.start()])
    return head, match[0], xml[match.end() :]


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


# --- what a cell becomes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", '=HYPERLINK("http://x")']
)
def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, text: str) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B2": text, "D9": text}})
    assert not re.search(r"<f[ >]", part(book, "xl/worksheets/sheet1.xml"))
    sheet = openpyxl.load_workbook(book)["Blad1"]
    for ref in ("B2", "D9"):
        assert (sheet[ref].value, sheet[ref].data_type) == (text, "s")


@pytest.mark.parametrize(
    "text",
    [
        "a & b < c > d",
        "  mellanslag behålls  ",
        "rad 1\nrad 2",
        "tabb\there",
        "CR\r\nLF",
        "citat \"x\" och 'y'",
        "emoji 🙂 och åäö",
        "",
    ],
)
def test_text_reads_back_exactly(tmp_path: Path, text: str) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B2": text}})
    assert values(book, "Blad1").get("B2", "") == text
    assert calamine(book, "Blad1")[1][1] == text


@pytest.mark.parametrize("text", ["_x000D_ är text, ingen radbrytning", "Ärende_x0041_", "_x_"])
def test_text_resembling_excels_escapes_stays_literal(tmp_path: Path, text: str) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B2": text}})
    assert calamine(book, "Blad1")[1][1] == text  # calamine decodes `_xHHHH_` as Excel does


def test_characters_xml_cannot_hold_are_dropped_and_long_text_is_cut(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B2": "a\x01b\x1fc\ufffe", "B3": "x" * (MAX_TEXT + 10)}})
    read = values(book, "Blad1")
    assert read["B2"] == "abc"
    assert read["B3"] == "x" * MAX_TEXT


@pytest.mark.parametrize(
    "number", [0.1 + 0.2, 1e-300, 1.7976931348623157e308, -0.5, 2**53, 123456789012, 0, -7]
)
def test_numbers_read_back_without_loss(tmp_path: Path, number: float) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B2": number}})
    assert values(book, "Blad1")["B2"] == number
    assert calamine(book, "Blad1")[1][1] == number


def test_booleans_are_booleans(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B2": True, "B3": False}})
    sheet = openpyxl.load_workbook(book)["Blad1"]
    assert (sheet["B2"].value, sheet["B3"].value, sheet["B2"].data_type) == (True, False, "b")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 10**400])
def test_numbers_excel_cannot_hold_are_refused(tmp_path: Path, bad: float) -> None:
    editor = WorkbookEditor(plain_book(tmp_path / "bok.xlsx"))
    with pytest.raises(ValueError):
        editor.set_cells("Blad1", {"B2": bad})


def test_values_of_other_types_are_refused(tmp_path: Path) -> None:
    editor = WorkbookEditor(plain_book(tmp_path / "bok.xlsx"))
    with pytest.raises(TypeError):
        editor.set_cells("Blad1", {"B2": object()})  # type: ignore[dict-item]


@pytest.mark.parametrize("ref", ["A0", "XFE1", "A1048577", "1A", "", "A1:B2", "AAAA1"])
def test_bad_references_are_refused(tmp_path: Path, ref: str) -> None:
    editor = WorkbookEditor(plain_book(tmp_path / "bok.xlsx"))
    with pytest.raises(ValueError):
        editor.set_cells("Blad1", {ref: 1})


def test_references_may_be_lower_case_or_absolute(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"e5": 1, "$F$6": 2}})
    read = values(book, "Blad1")
    assert (read["E5"], read["F6"]) == (1, 2)


def test_the_last_cell_of_a_sheet_can_be_written(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"XFD1048576": 3}})
    assert cell_xml(book, "XFD1048576") == '<c r="XFD1048576"><v>3</v></c>'
    assert '<dimension ref="A1:XFD1048576"/>' in part(book, "xl/worksheets/sheet1.xml")
    assert_well_ordered(book)


# --- formats ---------------------------------------------------------------------------------


def styled_book(path: Path) -> Path:
    def build(wb: Any) -> None:
        bold = wb.add_format({"bold": True, "bg_color": "#FFFF00"})
        decimals = wb.add_format({"num_format": "0.00"})
        iso = wb.add_format({"num_format": "yyyy-mm-dd"})
        sheet = wb.add_worksheet("Blad1")
        sheet.write("B2", "fet", bold)
        sheet.write("B3", "fet", bold)
        sheet.write("C2", 1.0, decimals)
        sheet.write_datetime("D2", datetime(2020, 1, 1), iso)
        sheet.write("E2", "vanlig")
        sheet.set_row(6, None, bold)
        sheet.set_column("H:H", None, decimals)

    return make_book(path, build)


def test_written_cells_keep_their_format(tmp_path: Path) -> None:
    book = styled_book(tmp_path / "bok.xlsx")
    styles_before = part(book, "xl/styles.xml")
    before = {ref: style_of(book, ref) for ref in ("B2", "C2")}
    write_cells(book, {"Blad1": {"B2": "ny text", "C2": 3.5}})
    assert {ref: style_of(book, ref) for ref in ("B2", "C2")} == before
    assert part(book, "xl/styles.xml") == styles_before
    sheet = openpyxl.load_workbook(book)["Blad1"]
    assert sheet["B2"].font.b and sheet["B2"].fill.fgColor.rgb == "FFFFFF00"
    assert sheet["C2"].number_format == "0.00"


def test_new_cells_take_the_row_format_else_the_column_format(tmp_path: Path) -> None:
    book = styled_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B7": "i fet rad", "H9": 2.5, "J9": "ingen"}})
    sheet = openpyxl.load_workbook(book)["Blad1"]
    assert sheet["B7"].font.b
    assert sheet["H9"].number_format == "0.00"
    assert style_of(book, "J9") is None


def test_none_clears_the_value_but_keeps_the_format(tmp_path: Path) -> None:
    book = styled_book(tmp_path / "bok.xlsx")
    bold = style_of(book, "B2")
    write_cells(book, {"Blad1": {"B2": None, "E2": None, "Z30": None}})
    assert cell_xml(book, "B2") == f'<c r="B2" s="{bold}"/>'
    xml = part(book, "xl/worksheets/sheet1.xml")
    assert 'r="E2"' not in xml and 'r="Z30"' not in xml and '<row r="30"' not in xml
    assert openpyxl.load_workbook(book)["Blad1"]["B2"].font.b


def test_dates_in_unformatted_cells_get_a_date_format(tmp_path: Path) -> None:
    book = styled_book(tmp_path / "bok.xlsx")
    xfs_before = int(re.findall(r'<cellXfs count="(\d+)"', part(book, "xl/styles.xml"))[0])
    write_cells(
        book,
        {
            "Blad1": {
                "E2": date(2025, 3, 14),
                "F2": datetime(2025, 3, 14, 13, 30),
                "G5": date(2025, 1, 2),
            }
        },
    )
    sheet = openpyxl.load_workbook(book)["Blad1"]
    assert sheet["E2"].is_date and sheet["E2"].value == datetime(2025, 3, 14)
    assert sheet["G5"].is_date and sheet["G5"].value == datetime(2025, 1, 2)
    assert sheet["F2"].value == datetime(2025, 3, 14, 13, 30)
    assert "h" in sheet["F2"].number_format
    styles = part(book, "xl/styles.xml")
    assert int(re.findall(r'<cellXfs count="(\d+)"', styles)[0]) == xfs_before + 2
    assert len(re.findall(r"<xf ", styles.split("<cellXfs")[1].split("</cellXfs>")[0])) == (
        xfs_before + 2
    )


def test_a_date_in_a_formatted_cell_keeps_the_look_and_gains_a_date_format_once(
    tmp_path: Path,
) -> None:
    book = styled_book(tmp_path / "bok.xlsx")
    xfs_before = int(re.findall(r'<cellXfs count="(\d+)"', part(book, "xl/styles.xml"))[0])
    write_cells(book, {"Blad1": {"B2": date(2025, 3, 14), "B3": date(2025, 3, 15)}})
    sheet = openpyxl.load_workbook(book)["Blad1"]
    for ref in ("B2", "B3"):
        assert sheet[ref].is_date and sheet[ref].font.b
    assert style_of(book, "B2") == style_of(book, "B3") == str(xfs_before)
    assert int(re.findall(r'<cellXfs count="(\d+)"', part(book, "xl/styles.xml"))[0]) == (
        xfs_before + 1
    )


def test_a_date_in_a_date_formatted_cell_changes_no_format(tmp_path: Path) -> None:
    book = styled_book(tmp_path / "bok.xlsx")
    styles_before, style_before = part(book, "xl/styles.xml"), style_of(book, "D2")
    write_cells(book, {"Blad1": {"D2": date(2025, 3, 14)}})
    assert part(book, "xl/styles.xml") == styles_before
    assert style_of(book, "D2") == style_before
    assert openpyxl.load_workbook(book)["Blad1"]["D2"].value == datetime(2025, 3, 14)


@pytest.mark.parametrize(
    ("value", "serial"),
    [
        (date(1900, 1, 1), "1"),
        (date(1900, 2, 28), "59"),
        (date(1900, 3, 1), "61"),  # Excel's 29 February 1900 is serial 60
        (date(2025, 3, 14), "45730"),
        (datetime(2025, 3, 14, 12, 0), "45730.5"),
    ],
)
def test_date_serials_follow_excel(tmp_path: Path, value: date, serial: str) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B2": value}})
    assert f"<v>{serial}</v>" in cell_xml(book, "B2")


def test_a_1904_book_gets_1904_serials(tmp_path: Path) -> None:
    book = make_book(tmp_path / "bok.xlsx", lambda wb: wb.add_worksheet("Blad1"), date_1904=True)
    write_cells(book, {"Blad1": {"B2": date(2025, 3, 14)}})
    assert f"<v>{(date(2025, 3, 14) - date(1904, 1, 1)).days}</v>" in cell_xml(book, "B2")
    assert openpyxl.load_workbook(book)["Blad1"]["B2"].value == datetime(2025, 3, 14)
    assert calamine(book, "Blad1")[1][1] == date(2025, 3, 14)


@pytest.mark.parametrize("value", [date(1899, 12, 31), datetime(1899, 12, 31, 23, 59)])
def test_dates_excel_cannot_hold_are_refused(tmp_path: Path, value: date) -> None:
    editor = WorkbookEditor(plain_book(tmp_path / "bok.xlsx"))
    with pytest.raises(ValueError):
        editor.set_cells("Blad1", {"B2": value})


# --- rows, cells and the used range ----------------------------------------------------------


def test_cells_anywhere_land_in_order_and_the_used_range_grows(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"Z100": 1, "B2": "mitt i", "A50": 2, "AA1": 3, "D3": 4}})
    assert_well_ordered(book)
    assert '<dimension ref="A1:AA100"/>' in part(book, "xl/worksheets/sheet1.xml")
    read = values(book, "Blad1")
    assert (read["Z100"], read["B2"], read["A50"], read["AA1"], read["D3"], read["C3"]) == (
        1,
        "mitt i",
        2,
        3,
        4,
        200,
    )


@pytest.fixture(scope="module")
def checkerboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def build(wb: Any) -> None:
        sheet = wb.add_worksheet("Blad1")
        for r in range(0, 20, 2):
            for c in range(0, 10, 3):
                sheet.write(r, c, f"{column_letter(c + 1)}{r + 1}")

    return make_book(tmp_path_factory.mktemp("board") / "board.xlsx", build)


cell_values = st.one_of(
    st.none(),
    st.integers(-10_000, 10_000),
    st.booleans(),
    st.text(alphabet="abcÅÄÖ &<>\"'=+-@_x0D", min_size=1, max_size=6),
)


@given(
    edits=st.dictionaries(
        st.tuples(st.integers(1, 24), st.integers(1, 12)), cell_values, max_size=30
    )
)
@settings(max_examples=40, deadline=None)
def test_any_edits_read_back_exactly_and_in_order(
    checkerboard: Path, tmp_path_factory: pytest.TempPathFactory, edits: dict[tuple[int, int], Any]
) -> None:
    book = tmp_path_factory.mktemp("edit") / "bok.xlsx"
    shutil.copy(checkerboard, book)
    expected = values(book, "Blad1")
    cells = {f"{column_letter(c)}{r}": v for (r, c), v in edits.items()}
    for ref, value in cells.items():
        if value is None:
            expected.pop(ref, None)
        else:
            expected[ref] = value
    write_cells(book, {"Blad1": cells})
    assert_well_ordered(book)
    got = values(book, "Blad1")
    assert got == expected
    assert {k: type(v) for k, v in got.items()} == {k: type(v) for k, v in expected.items()}


def test_rows_and_cells_without_numbers_are_numbered_before_edits(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(
        book,
        "<sheetData><row><c><v>1</v></c><c><v>2</v></c></row>"
        '<row><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    write_cells(book, {"Blad1": {"B2": "ny", "C1": 3}})
    assert_well_ordered(book)
    assert values(book, "Blad1") == {"A1": 1, "B1": 2, "C1": 3, "A2": "x", "B2": "ny"}


def test_a_sheet_with_prefixed_elements_is_edited_in_its_own_prefix(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    xml = part(book, "xl/worksheets/sheet1.xml")
    xml = xml.replace(f'<worksheet xmlns="{MAIN}"', f'<worksheet xmlns:x="{MAIN}"')
    xml = re.sub(r"<(/?)(?!\?)(\w+)", r"<\1x:\2", xml)
    rewrite_parts(book, {"xl/worksheets/sheet1.xml": xml})
    write_cells(book, {"Blad1": {"B2": "ny", "E9": 5}})
    new = part(book, "xl/worksheets/sheet1.xml")
    assert '<x:c r="E9"><x:v>5</x:v></x:c>' in new and "<c " not in new
    read = values(book, "Blad1")
    assert (read["B2"], read["E9"], read["C3"]) == ("ny", 5, 200)


def test_rich_text_before_the_edit_is_kept(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    rich = (
        '<c r="B1" t="inlineStr"><is><r><rPr><color rgb="FFFF0000"/><charset val="1"/></rPr>'
        "<t>röd</t></r><r><t> svart</t></r></is></c>"
    )
    with_sheet_data(book, f'<sheetData><row r="1"><c r="A1"><v>1</v></c>{rich}</row></sheetData>')
    write_cells(book, {"Blad1": {"C1": "efter", "A1": 2}})
    assert rich in part(book, "xl/worksheets/sheet1.xml")
    assert values(book, "Blad1") == {"A1": 2, "B1": "röd svart", "C1": "efter"}


# --- formulas --------------------------------------------------------------------------------


def formula_book(path: Path) -> Path:
    """Two sheets of formulas with the calculation chain Excel would write for them."""

    def build(wb: Any) -> None:
        one = wb.add_worksheet("Blad1")
        one.write_column("A1", [1, 2])
        one.write_formula("B1", "=A1*2", None, 2)
        one.write_formula("B2", "=A2*2", None, 4)
        one.write_formula("C1", "=B1+B2", None, 6)
        two = wb.add_worksheet("Blad2")
        two.write_formula("D1", "=Blad1!C1", None, 6)

    make_book(path, build)
    chain = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<calcChain xmlns="{MAIN}"><c r="B1" i="1" l="1"/><c r="B2"/><c r="C1"/>'
        '<c r="D1" i="2"/></calcChain>'
    )
    rels = part(path, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    types = part(path, "[Content_Types].xml").replace(
        "</Types>",
        '<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.calcChain+xml"/></Types>',
    )
    workbook = part(path, "xl/workbook.xml").replace(' fullCalcOnLoad="1"', "")
    rewrite_parts(
        path,
        {
            "xl/calcChain.xml": chain,
            "xl/_rels/workbook.xml.rels": rels,
            "[Content_Types].xml": types,
            "xl/workbook.xml": workbook,
        },
    )
    return path


def test_overwriting_a_formula_takes_it_out_of_the_calculation_chain(tmp_path: Path) -> None:
    book = formula_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B1": 5}})
    chain = part(book, "xl/calcChain.xml")
    # B2 inherits the sheet id and the new dependency level that B1 carried.
    assert re.findall(r"<c [^>]*/>", chain) == [
        '<c r="B2" i="1" l="1"/>',
        '<c r="C1"/>',
        '<c r="D1" i="2"/>',
    ]
    assert "<f>" not in cell_xml(book, "B1")
    assert 'fullCalcOnLoad="1"' in part(book, "xl/workbook.xml")
    sheet = openpyxl.load_workbook(book)["Blad1"]
    assert (sheet["B1"].value, sheet["B2"].value, sheet["C1"].value) == (5, "=A2*2", "=B1+B2")


def test_the_calculation_chain_goes_when_no_formula_is_left(tmp_path: Path) -> None:
    book = formula_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B1": 1, "B2": 2, "C1": 3}, "Blad2": {"D1": "klar"}})
    assert not has_part(book, "xl/calcChain.xml")
    assert "calcChain" not in part(book, "xl/_rels/workbook.xml.rels")
    assert "calcChain" not in part(book, "[Content_Types].xml")
    assert values(book, "Blad2") == {"D1": "klar"}


@libreoffice
def test_books_with_a_trimmed_calculation_chain_open_in_libreoffice(tmp_path: Path) -> None:
    book = formula_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"A2": 10, "B1": 5}})
    rows = libreoffice_csv(book, "Blad1", tmp_path)
    assert rows[:2] == [["1", "5", "25"], ["10", "20", ""]]


SHARED = (
    '<sheetData><row r="1"><c r="A1"><v>1</v></c>'
    '<c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>2</v></c></row>'
    '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>4</v></c></row>'
    '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c></row>'
    "</sheetData>"
)


def test_overwriting_the_master_of_a_shared_formula_alone_is_refused(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(book, SHARED)
    before = book.read_bytes()
    with pytest.raises(WriteError, match=r"cellen B1 .* B1:B3"):
        write_cells(book, {"Blad1": {"B1": 0}})
    assert book.read_bytes() == before


@pytest.mark.parametrize(
    "cells",
    [{"B2": 0}, {"B1": 0, "B2": 0, "B3": 0}, {"B3": None}],
    ids=["dependent", "all", "clear"],
)
def test_shared_formulas_survive_edits_that_keep_them_whole(
    tmp_path: Path, cells: dict[str, Any]
) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(book, SHARED)
    write_cells(book, {"Blad1": cells})
    sheet = openpyxl.load_workbook(book)["Blad1"]
    expected = {"B1": "=A1*2", "B2": "=A2*2", "B3": "=A3*2"} | cells
    assert {ref: sheet[ref].value for ref in ("B1", "B2", "B3")} == expected


def test_replacing_rows_below_a_shared_formula_master_is_allowed(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(book, SHARED)
    editor = WorkbookEditor(book)
    editor.replace_sheet_rows("Blad1", [["ny", 1]], first_row=2)
    editor.save()
    sheet = openpyxl.load_workbook(book)["Blad1"]
    assert [sheet[ref].value for ref in ("B1", "A2", "B2", "A3", "B3")] == [
        "=A1*2",
        "ny",
        1,
        None,
        None,
    ]


ARRAY = (
    '<sheetData><row r="1"><c r="A1"><v>1</v></c>'
    '<c r="C1"><f t="array" ref="C1:C2">A1:A2*2</f><v>2</v></c></row>'
    '<row r="2"><c r="A2"><v>2</v></c><c r="C2"><v>4</v></c></row></sheetData>'
)


@pytest.mark.parametrize("cells", [{"C2": 0}, {"C1": 0}])
def test_part_of_an_array_formula_cannot_be_overwritten(
    tmp_path: Path, cells: dict[str, Any]
) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(book, ARRAY)
    with pytest.raises(WriteError, match="C1:C2"):
        write_cells(book, {"Blad1": cells})


def test_a_whole_array_formula_can_be_overwritten(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(book, ARRAY)
    write_cells(book, {"Blad1": {"C1": "x", "C2": "y"}})
    assert values(book, "Blad1") == {"A1": 1, "A2": 2, "C1": "x", "C2": "y"}


# --- Excel tables, whole sheets, new sheets --------------------------------------------------


def table_book(path: Path, data_rows: int, last_row: int | None = None, **table: Any) -> Path:
    def build(wb: Any) -> None:
        sheet = wb.add_worksheet("Fel")
        sheet.write("E1", "egen anteckning")
        data = [[f"Avtal {r}", r, "invalid-date"] for r in range(1, data_rows + 1)]
        end = last_row or max(data_rows + 1, 2)
        columns = [{"header": h} for h in ("Blad", "Rad", "Kod")]
        sheet.add_table(
            0, 0, end - 1, 2, {"name": "Fel", "columns": columns, "data": data, **table}
        )

    return make_book(path, build)


def table_refs(book: Path) -> tuple[str, str, list[str]]:
    root = ET.fromstring(part(book, "xl/tables/table1.xml"))
    auto = root.find("m:autoFilter", NS)
    names = [c.get("name", "") for c in root.iterfind("m:tableColumns/m:tableColumn", NS)]
    return root.get("ref", ""), auto.get("ref", "") if auto is not None else "", names


def test_replacing_rows_resizes_the_table(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=8)
    editor = WorkbookEditor(book)
    editor.replace_sheet_rows(
        "Fel", [["Blad", "Rad", "Kod"], ["Avtal", 3, "missing-value"], ["Avtal", 9, "x"]]
    )
    editor.save()
    assert table_refs(book) == ("A1:C3", "A1:C3", ["Blad", "Rad", "Kod"])
    assert values(book, "Fel") == {
        "A1": "Blad",
        "B1": "Rad",
        "C1": "Kod",
        "A2": "Avtal",
        "B2": 3,
        "C2": "missing-value",
        "A3": "Avtal",
        "B3": 9,
        "C3": "x",
    }
    assert openpyxl.load_workbook(book)["Fel"].tables["Fel"].ref == "A1:C3"


def test_replacing_rows_under_the_header_keeps_header_and_one_row(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=3)
    editor = WorkbookEditor(book)
    editor.replace_sheet_rows("Fel", [], first_row=2)
    editor.save()
    assert table_refs(book)[:2] == ("A1:C2", "A1:C2")
    assert values(book, "Fel") == {"A1": "Blad", "B1": "Rad", "C1": "Kod", "E1": "egen anteckning"}
    assert '<dimension ref="A1:E1"/>' in part(book, "xl/worksheets/sheet1.xml")


def test_rows_emptied_by_a_replace_go(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=50)
    editor = WorkbookEditor(book)
    editor.replace_sheet_rows("Fel", [["Avtal", 1, "x"]], first_row=2)
    editor.save()
    assert re.findall(r'<row r="(\d+)"', part(book, "xl/worksheets/sheet1.xml")) == ["1", "2"]
    assert table_refs(book)[0] == "A1:C2"


def test_new_headers_rename_the_table_columns(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2)
    editor = WorkbookEditor(book)
    editor.replace_sheet_rows("Fel", [["Blad", "Rad", "Kod & nivå"], ["x", 1, "y"]])
    editor.save()
    assert table_refs(book)[2] == ["Blad", "Rad", "Kod & nivå"]
    table = openpyxl.load_workbook(book)["Fel"].tables["Fel"]
    assert [c.name for c in table.tableColumns] == ["Blad", "Rad", "Kod & nivå"]


@pytest.mark.parametrize("header", [["Blad", "Rad"], ["Blad", "Rad", 3], ["Blad", "rad", "Rad"]])
def test_a_table_header_must_be_distinct_text(tmp_path: Path, header: list[Any]) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2)
    editor = WorkbookEditor(book)
    with pytest.raises(WriteError, match="tabellen Fel"):
        editor.replace_sheet_rows("Fel", [header, ["x", 1, "y"]])


def test_a_refused_replace_changes_nothing(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2)
    before = values(book, "Fel")
    editor = WorkbookEditor(book)
    with pytest.raises(WriteError):
        editor.replace_sheet_rows("Fel", [["Blad", "Rad"]])
    editor.set_cells("Fel", {"E2": "anteckning"})
    editor.save()
    assert values(book, "Fel") == before | {"E2": "anteckning"}
    assert table_refs(book)[0] == "A1:C3"


def test_a_table_with_a_totals_row_is_not_resized(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2, last_row=4, total_row=True)
    editor = WorkbookEditor(book)
    with pytest.raises(WriteError, match="summarad"):
        editor.replace_sheet_rows("Fel", [["x", 1, "y"]], first_row=2)


def test_appended_rows_extend_the_table(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2)
    editor = WorkbookEditor(book)
    editor.append_rows("Fel", [["Avtal", 7, "ny"], ["Avtal", 8, "ny"]])
    editor.save()
    assert table_refs(book)[:2] == ("A1:C5", "A1:C5")
    read = values(book, "Fel")
    assert [read[f"B{r}"] for r in range(2, 6)] == [1, 2, 7, 8]


def test_appended_rows_fill_an_empty_table_first(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=0)
    assert table_refs(book)[0] == "A1:C2"
    editor = WorkbookEditor(book)
    editor.append_rows("Fel", [["Avtal", 1, "ny"], ["Avtal", 2, "ny"], ["Avtal", 3, "ny"]])
    editor.save()
    assert table_refs(book)[0] == "A1:C4"
    assert [values(book, "Fel")[f"B{r}"] for r in range(2, 5)] == [1, 2, 3]


def test_appended_rows_inside_a_longer_table_leave_it_as_is(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2, last_row=10)
    editor = WorkbookEditor(book)
    editor.append_rows("Fel", [["Avtal", 3, "ny"]])
    editor.append_rows("Fel", [["Avtal", 4, "ny"]], first_col=1)
    editor.save()
    assert table_refs(book)[0] == "A1:C10"
    assert [values(book, "Fel")[f"B{r}"] for r in range(2, 6)] == [1, 2, 3, 4]


def test_appending_to_an_empty_sheet_starts_at_the_top(tmp_path: Path) -> None:
    book = make_book(tmp_path / "bok.xlsx", lambda wb: wb.add_worksheet("Händelselogg"))
    editor = WorkbookEditor(book)
    editor.append_rows("Händelselogg", [["Tidpunkt", "Händelse"]], first_col=2)
    editor.append_rows(
        "Händelselogg", [[datetime(2025, 3, 14, 9, 0), "Status ändrad"]], first_col=2
    )
    editor.save()
    read = values(book, "Händelselogg")
    assert read == {
        "B1": "Tidpunkt",
        "C1": "Händelse",
        "B2": datetime(2025, 3, 14, 9, 0),
        "C2": "Status ändrad",
    }


def test_replacing_rows_keeps_the_sheets_other_elements(tmp_path: Path) -> None:
    def build(wb: Any) -> None:
        sheet = wb.add_worksheet("Översikt")
        sheet.write_column("A1", ["Prioritet", 1, 2, 3])
        sheet.write_column("B1", ["Antal", 5, 7, 9])
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"categories": "=Översikt!$A$2:$A$4", "values": "=Översikt!$B$2:$B$4"})
        sheet.insert_chart("D2", chart)
        sheet.set_column("A:A", 30)

    book = make_book(tmp_path / "bok.xlsx", build)
    before = part(book, "xl/worksheets/sheet1.xml")
    editor = WorkbookEditor(book)
    editor.replace_sheet_rows("Översikt", [["Prioritet", "Antal"], [1, 6], [2, 8], [3, 10]])
    editor.save()
    after = part(book, "xl/worksheets/sheet1.xml")
    assert split_sheet(after)[2] == split_sheet(before)[2]  # <drawing> and all after it
    assert "<cols>" in split_sheet(after)[0]
    assert has_part(book, "xl/charts/chart1.xml")
    assert calamine(book, "Översikt")[1:] == [[1, 6], [2, 8], [3, 10]]


def test_add_sheet_registers_a_new_worksheet(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=1)
    editor = WorkbookEditor(book)
    editor.add_sheet("Uppföljningsplan")
    assert editor.sheet_names == ["Fel", "Uppföljningsplan"]
    editor.set_cells("Uppföljningsplan", {"A1": "Datum", "A2": date(2025, 4, 1)})
    editor.save()
    assert openpyxl.load_workbook(book).sheetnames == ["Fel", "Uppföljningsplan"]
    assert values(book, "Uppföljningsplan") == {"A1": "Datum", "A2": datetime(2025, 4, 1)}
    assert '<Override PartName="/xl/worksheets/sheet2.xml"' in part(book, "[Content_Types].xml")
    assert WorkbookEditor(book).sheet_names == ["Fel", "Uppföljningsplan"]


@pytest.mark.parametrize(
    "name", ["", " ", "x" * 32, "a/b", "a[1]", "a:b", "a*", "'citat'", "fel", "rad\nbrytning"]
)
def test_add_sheet_refuses_names_excel_refuses(tmp_path: Path, name: str) -> None:
    editor = WorkbookEditor(table_book(tmp_path / "bok.xlsx", data_rows=1))
    with pytest.raises(ValueError):
        editor.add_sheet(name)


def test_write_cells_adds_a_missing_sheet(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Fel": {"A1": "Blad"}, "Blad1": {"D1": "Ny kolumn"}})
    assert openpyxl.load_workbook(book).sheetnames == ["Blad1", "Fel"]
    assert values(book, "Fel") == {"A1": "Blad"}
    assert values(book, "Blad1")["D1"] == "Ny kolumn"


@libreoffice
def test_resized_tables_and_new_sheets_open_in_libreoffice(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=5)
    editor = WorkbookEditor(book)
    editor.replace_sheet_rows("Fel", [["Avtal", 3, "missing-value"]], first_row=2)
    editor.append_rows("Fel", [["Avtal", 4, "ny"]])
    editor.add_sheet("Händelselogg")
    editor.append_rows("Händelselogg", [["Tidpunkt", "Händelse"], ["2025-03-14", "Kört"]])
    editor.save()
    assert table_refs(book)[0] == "A1:C3"
    assert libreoffice_csv(book, "Fel", tmp_path)[:3] == [
        ["Blad", "Rad", "Kod", "", "egen anteckning"],
        ["Avtal", "3", "missing-value", "", ""],
        ["Avtal", "4", "ny", "", ""],
    ]
    assert libreoffice_csv(book, "Händelselogg", tmp_path) == [
        ["Tidpunkt", "Händelse"],
        ["2025-03-14", "Kört"],
    ]


# --- books that cannot be written ------------------------------------------------------------


def test_a_file_that_is_no_workbook_is_a_write_error(tmp_path: Path) -> None:
    text = tmp_path / "bok.xlsx"
    text.write_text("Avtals-ID;Namn\n", encoding="utf-8")
    with pytest.raises(WriteError) as caught:
        WorkbookEditor(text)
    assert caught.value.code == "write-failed"


def test_a_missing_sheet_or_a_chart_sheet_is_a_write_error(tmp_path: Path) -> None:
    def build(wb: Any) -> None:
        wb.add_worksheet("Data").write_column("A1", [1, 2])
        chart = wb.add_chart({"type": "line"})
        chart.add_series({"values": "=Data!$A$1:$A$2"})
        wb.add_chartsheet("Diagram").set_chart(chart)

    editor = WorkbookEditor(make_book(tmp_path / "bok.xlsx", build))
    assert editor.sheet_names == ["Data", "Diagram"]
    with pytest.raises(WriteError, match="Avvikelser"):
        editor.set_cells("Avvikelser", {"A1": 1})
    with pytest.raises(WriteError, match="Diagram"):
        editor.set_cells("Diagram", {"A1": 1})


def test_a_book_changed_since_it_was_opened_is_not_overwritten(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    editor = WorkbookEditor(book)
    editor.set_cells("Blad1", {"C2": 1})
    time.sleep(0.01)
    write_cells(book, {"Blad1": {"C3": "ändrad av någon annan"}})
    with pytest.raises(WriteError, match="ändrades"):
        editor.save()
    assert values(book, "Blad1")["C3"] == "ändrad av någon annan"


def test_a_book_changed_while_it_is_saved_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    someone_elses = plain_book(tmp_path / "annan.xlsx").read_bytes() + b"\0"
    real_replace = atomic.atomic_replace

    def saved_by_someone_else_meanwhile(path: Path, **kwargs: Any) -> None:
        book.write_bytes(someone_elses)
        real_replace(path, **kwargs)

    monkeypatch.setattr(xlsxedit, "atomic_replace", saved_by_someone_else_meanwhile)  # as imported
    editor = WorkbookEditor(book)
    editor.set_cells("Blad1", {"C2": 1})
    with pytest.raises(WriteError, match="ändrades"):
        editor.save()
    assert book.read_bytes() == someone_elses
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annan.xlsx", "bok.xlsx"]


def test_saving_without_edits_leaves_the_file_alone(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    before = book.stat().st_mtime_ns, book.read_bytes()
    WorkbookEditor(book).save()
    assert (book.stat().st_mtime_ns, book.read_bytes()) == before


def test_an_editor_can_save_again(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    editor = WorkbookEditor(book)
    editor.set_cells("blad1", {"C2": 1})
    editor.save()
    editor.set_cells("Blad1", {"C3": 2})
    editor.save()
    read = values(book, "Blad1")
    assert (read["C2"], read["C3"]) == (1, 2)


# --- the hot path ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def register_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Avtal sheet of 10 000 contracts, 17 input columns, in a table."""

    def build(wb: Any) -> None:
        sheet = wb.add_worksheet("Avtal")
        iso = wb.add_format({"num_format": "yyyy-mm-dd"})
        columns = [{"header": f"Kolumn {c}"} for c in range(1, 31)]
        sheet.add_table(0, 0, 10_000, 29, {"name": "Avtal", "columns": columns})
        for r in range(1, 10_001):
            sheet.write_row(r, 0, [f"A{r}", f"Leverantör {r} AB", r * 1000, "Ramavtal"] * 4)
            sheet.write_datetime(r, 16, datetime(2024, 1, 1), iso)

    return make_book(tmp_path_factory.mktemp("big") / "register.xlsx", build)


def computed(rows: int) -> Iterator[tuple[str, Any]]:
    row_values = ["Prioritet 1", 2, date(2025, 3, 1), "Aktivt", 3.5, "OK", None, "Planerad"]
    row_values += [date(2025, 1, 1), 0, "Låg", "Statistik + utvecklingsmöte 3 ggr/år", True]
    for r in range(2, rows + 2):
        for k, value in enumerate(row_values):
            yield f"{column_letter(18 + k)}{r}", value


def test_ten_thousand_rows_of_computed_columns_are_written_and_overwritten(
    register_10k: Path, tmp_path: Path
) -> None:
    book = tmp_path / "register.xlsx"
    shutil.copy(register_10k, book)
    cells = dict(computed(10_000))
    for _ in range(2):  # the first run adds the cells, the second overwrites them
        editor = WorkbookEditor(book)
        editor.set_cells("Avtal", cells)
        editor.save()
    rows = calamine(book, "Avtal")
    assert rows[10_000][16:30] == [
        date(2024, 1, 1),
        "Prioritet 1",
        2,
        date(2025, 3, 1),
        "Aktivt",
        3.5,
        "OK",
        "",
        "Planerad",
        date(2025, 1, 1),
        0,
        "Låg",
        "Statistik + utvecklingsmöte 3 ggr/år",
        True,
    ]


def test_new_cells_keep_column_order_when_r_is_not_the_first_attribute(tmp_path: Path) -> None:
    # Other writers put attributes in any order (`<c t="s" r="Z1">`): a new cell goes before it.
    import xlsxwriter

    path = tmp_path / "ordning.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Blad1")
    ws.write_string("A1", "a")
    ws.write_string("Z1", "z")
    wb.close()
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert '<c r="Z1" t="s">' in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        '<c r="Z1" t="s">', '<c t="s" r="Z1">'
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    write_cells(path, {"Blad1": {"B1": "b", "AA1": "aa"}})
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    refs = re.findall(r'<c\b[^>]*?\br="([A-Z]+1)"', xml)
    assert refs == ["A1", "B1", "Z1", "AA1"]
    ws1 = openpyxl.load_workbook(path)["Blad1"]
    assert [ws1[ref].value for ref in refs] == ["a", "b", "z", "aa"]


def test_a_book_saved_by_someone_else_while_the_new_file_is_checked_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The new file is written and checked after the book was last looked at; a save by someone
    # else in that time (seconds for a large book) must not be replaced by ours.
    book = plain_book(tmp_path / "bok.xlsx")
    someone_elses = plain_book(tmp_path / "annan.xlsx").read_bytes() + b"\0"
    real_verify = xlsxedit._verify

    def saved_by_someone_else_meanwhile(tmp: Path, *rest: Any) -> None:
        real_verify(tmp, *rest)
        book.write_bytes(someone_elses)

    monkeypatch.setattr(xlsxedit, "_verify", saved_by_someone_else_meanwhile)
    editor = WorkbookEditor(book)
    editor.set_cells("Blad1", {"C2": 1})
    with pytest.raises(WriteError, match="ändrades"):
        editor.save()
    assert book.read_bytes() == someone_elses
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annan.xlsx", "bok.xlsx"]


@pytest.fixture(scope="module")
def varied_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rows of every kind a write meets: with cells left and right, formatted rows, formatted
    columns, empty formatted rows and no row at all."""

    def build(wb: Any) -> None:
        sheet = wb.add_worksheet("Blad1")
        bold = wb.add_format({"bold": True})
        money = wb.add_format({"num_format": "#,##0"})
        sheet.set_column(5, 6, 12, money)
        for r in range(1, 16, 3):
            sheet.set_row(r, None, bold)
        for r in range(0, 18):
            if r % 4 != 3:
                sheet.write_row(r, 0, [f"A{r + 1}", r, date(2026, 1, 1 + r)][: 1 + r % 3])
        sheet.write(5, 8, "långt ut")

    return make_book(tmp_path_factory.mktemp("varied") / "varied.xlsx", build)


@given(
    edits=st.dictionaries(
        st.tuples(st.integers(1, 22), st.integers(1, 12)),
        st.one_of(
            cell_values,
            st.dates(date(1950, 1, 1), date(2100, 1, 1)),
            st.floats(-1e6, 1e6, allow_nan=False),
        ),
        max_size=60,
    ),
    replace_from=st.none() | st.integers(1, 20),
)
@settings(max_examples=40, deadline=None)
def test_rows_rendered_together_are_rendered_as_one_at_a_time(
    varied_rows: Path,
    tmp_path_factory: pytest.TempPathFactory,
    edits: dict[tuple[int, int], Any],
    replace_from: int | None,
) -> None:
    """The batch path for rows that only gain cells writes what the row-by-row path writes."""
    folder = tmp_path_factory.mktemp("together")
    books = [folder / "batch.xlsx", folder / "single.xlsx"]
    rows: dict[int, dict[int, Any]] = {}
    for (r, c), value in edits.items():
        rows.setdefault(r, {})[c] = value
    for book in books:
        shutil.copy(varied_rows, book)
        with pytest.MonkeyPatch.context() as patch:
            if book.name == "single.xlsx":
                patch.setattr(xlsxedit._SheetModel, "_render_plain", lambda *_: {})
            editor = WorkbookEditor(book)
            if replace_from is not None:
                grid = [["ny", 1], [None, date(2026, 5, 1)]]
                editor.replace_sheet_rows("Blad1", grid, replace_from)
            editor.set_cell_rows("Blad1", rows)
            editor.save()
    batch, single = (formats_spelt_out(book) for book in books)
    assert batch == single
    assert_well_ordered(books[0])


def formats_spelt_out(book: Path) -> str:
    """The sheet XML with each cell's format number replaced by the format itself (new date
    formats are numbered in the order they are first needed, which may differ)."""
    styles = part(book, "xl/styles.xml")
    cell_xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
    assert cell_xfs is not None
    xfs = re.findall(r"<xf\b[^>]*/>|<xf\b.*?</xf>", cell_xfs[1], re.S)
    return re.sub(
        r' s="(\d+)"', lambda m: f" s='{xfs[int(m[1])]}'", part(book, "xl/worksheets/sheet1.xml")
    )


# --- the check of each new part ----------------------------------------------------------------


def packed(text: bytes) -> tuple[bytes, int, int]:
    """A part as the writer packs it: raw deflate stream, CRC-32, size."""
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return packer.compress(text) + packer.flush(), zlib.crc32(text), len(text)


SOUND = b'<?xml version="1.0"?><worksheet><sheetData><row r="1"/></sheetData></worksheet>'


@pytest.mark.parametrize(
    ("name", "text", "spoil", "expected"),
    [
        ("xl/worksheets/sheet1.xml", SOUND, None, None),
        ("xl/media/image1.png", b"\x89PNG not xml", None, None),
        ("xl/worksheets/sheet1.xml", SOUND.replace(b"</sheetData>", b""), None, "felaktig XML"),
        ("_rels/.rels", b"<Relationships><Relationship Id='a'>", None, "felaktig XML"),
        ("xl/worksheets/sheet1.xml", SOUND, "crc", "skadad"),
        ("xl/worksheets/sheet1.xml", SOUND, "cut", "avkortad"),
        ("xl/worksheets/sheet1.xml", SOUND, "noise", "kan inte packas upp"),
    ],
)
def test_a_new_part_must_unpack_to_sound_xml_with_its_checksum(
    name: str, text: bytes, spoil: str | None, expected: str | None
) -> None:
    stream, crc, size = packed(text)
    if spoil == "crc":
        crc ^= 1
    elif spoil == "cut":
        stream = stream[: len(stream) // 2]
    elif spoil == "noise":
        stream = b"\xff" * 40
    found = partcheck.problem(name, partcheck.pieces(stream), zipfile.ZIP_DEFLATED, crc, size)
    if expected is None:
        assert found is None
    else:
        assert found is not None and expected in found and name in found


@pytest.mark.parametrize("beside", [False, True])
def test_the_checker_finds_the_first_bad_part_here_or_in_its_helper(beside: bool) -> None:
    checker = xlsxedit._Checker(beside=beside)
    assert (checker._helper is not None) == beside
    good = xlsxedit._Blob(*packed(SOUND), zipfile.ZIP_DEFLATED)
    bad = xlsxedit._Blob(*packed(b"<a><b></a>"), zipfile.ZIP_DEFLATED)
    checker.check("xl/worksheets/sheet1.xml", good)
    checker.check("xl/worksheets/sheet2.xml", bad)
    checker.check("xl/worksheets/sheet3.xml", bad)
    with pytest.raises(WriteError, match=re.escape("sheet2.xml")):
        checker.result()
    fine = xlsxedit._Checker(beside=beside)
    fine.check("xl/worksheets/sheet1.xml", good)
    fine.result()


def test_a_helper_that_dies_fails_the_save_safely(tmp_path: Path) -> None:
    checker = xlsxedit._Checker(beside=True)
    assert checker._helper is not None
    checker._helper.kill()
    checker._helper.wait()
    checker.check("xl/worksheets/sheet1.xml", xlsxedit._Blob(*packed(SOUND), 8))
    with pytest.raises(WriteError, match="avbröts"):
        checker.result()


@pytest.mark.parametrize("beside", [False, True])
def test_a_part_rendered_wrong_never_reaches_the_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, beside: bool
) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    before = book.read_bytes()
    monkeypatch.setattr(xlsxedit, "_CHECK_BESIDE_FROM", 0 if beside else 1 << 60)
    broken = xlsxedit._RowWork._rest
    monkeypatch.setattr(
        xlsxedit._RowWork, "_rest", lambda self, style, value: broken(self, style, value) + "<x>"
    )
    editor = WorkbookEditor(book)
    editor.set_cells("Blad1", {"D2": "ny"})
    with pytest.raises(WriteError, match="felaktig XML"):
        editor.save()
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bok.xlsx"]


@pytest.mark.parametrize("entry", ["xl/styles.xml", "xl/worksheets/sheet1.xml"])
def test_a_saved_file_that_differs_from_what_was_packed_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    # A copied part (styles) or a new one (the sheet) changed on its way to the disk.
    book = plain_book(tmp_path / "bok.xlsx")
    before = book.read_bytes()
    real_copy, real_add = xlsxedit._ZipWriter.copy, xlsxedit._ZipWriter.add

    def spoil_last_byte(writer: Any, name: str, last: int) -> None:
        if name == entry:
            writer._out.flush()
            os.pwrite(writer._out.fileno(), bytes([last ^ 0xFF]), writer._offset - 1)

    def copy(writer: Any, source: Any, info: zipfile.ZipInfo) -> None:
        real_copy(writer, source, info)
        source.seek(-1, 1)
        spoil_last_byte(writer, info.filename, source.read(1)[0])

    def add(writer: Any, info: zipfile.ZipInfo, blob: Any) -> None:
        real_add(writer, info, blob)
        spoil_last_byte(writer, info.filename, blob.stream[-1])

    monkeypatch.setattr(xlsxedit._ZipWriter, "copy", copy)
    monkeypatch.setattr(xlsxedit._ZipWriter, "add", add)
    editor = WorkbookEditor(book)
    editor.set_cells("Blad1", {"D2": "ny"})
    with pytest.raises(WriteError, match=re.escape(f"delen {entry} blev skadad")):
        editor.save()
    assert book.read_bytes() == before


def test_the_helper_answers_once_for_all_parts_and_notices_a_cut_off_part() -> None:
    stream, crc, size = packed(SOUND)
    part_bytes = partcheck.frame("a.xml", stream, 8, crc, size) + stream
    answers = []
    for feed in (part_bytes * 3, part_bytes + part_bytes[:-5]):
        answer = io.BytesIO()
        partcheck._serve(io.BytesIO(feed), answer)
        answers.append(answer.getvalue())
    assert answers == [
        partcheck.OK,
        partcheck.BAD + b"kontrollen fick bara en del av a.xml\n",
    ]
