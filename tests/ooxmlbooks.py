"""Books for the tests of the file-format layer, and what independent readers see in them.

Books come from three places: Excel-saved books from other projects (`corpus/excel-saved`, with
buttons, VBA, drawings, embedded objects), small books made here with XlsxWriter, and books whose
sheet XML is set by hand for what Excel writes but XlsxWriter does not (shared and array
formulas, calculation chains, rows without numbers, prefixed namespaces, rich text).
Independent readers check the result: openpyxl, python-calamine and, where marked, LibreOffice.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
import pytest
import xlsxwriter
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string
from python_calamine import CalamineWorkbook

from avtalsbok.ooxml import CellValue, Stamp, WorkbookEditor
from avtalsbok.ooxml import write_cells as write_package_cells
from avtalsbok.workbook.writeback import BOOK_FILE

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


def editor_of(book: Path, **options: Any) -> WorkbookEditor:
    """An editor of a book on disk, saved as the product saves (atomically, locks respected)."""
    return WorkbookEditor(book, store=BOOK_FILE, **options)


def write_cells(book: Path, edits: dict[str, dict[str, CellValue]]) -> None:
    write_package_cells(book, edits, store=BOOK_FILE)


cell_values = st.one_of(
    st.none(),
    st.integers(-10_000, 10_000),
    st.booleans(),
    st.text(alphabet="abcÅÄÖ &<>\"'=+-@_x0D", min_size=1, max_size=6),
)


def split_sheet(xml: str) -> tuple[str, str, str]:
    """(before sheetData with the dimension blanked, sheetData, after sheetData)."""
    match = re.search(r"<sheetData>.*?</sheetData>|<sheetData/>", xml, re.S)
    assert match is not None
    head = re.sub(r'<dimension ref="[^"]*"/>', "<dimension/>", xml[: match.start()])
    return head, match[0], xml[match.end() :]


class ProductStore:
    """The book on disk as the product reaches it (`writeback.BOOK_FILE`): a base for stores
    that vary one step of a save."""

    def stamp(self, path: Path) -> Stamp:
        return BOOK_FILE.stamp(path)

    def refuse_if_open(self, path: Path) -> None:
        BOOK_FILE.refuse_if_open(path)

    def replace(
        self, path: Path, write: Callable[[BinaryIO], None], verify: Callable[[Path], None]
    ) -> None:
        BOOK_FILE.replace(path, write, verify)


def packed(text: bytes) -> tuple[bytes, int, int]:
    """A part as the writer packs it: raw deflate stream, CRC-32, size."""
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return packer.compress(text) + packer.flush(), zlib.crc32(text), len(text)


SOUND = b'<?xml version="1.0"?><worksheet><sheetData><row r="1"/></sheetData></worksheet>'
