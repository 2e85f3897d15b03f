"""Reading an avtalsbok from disk: a hostile file gives one clear finding; a good one reads."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

from avtalsbok.core import schema
from avtalsbok.core.book import BookInput
from avtalsbok.workbook.reader import read_book, text_limit
from avtalsbok.workbook.sheetscan import SheetScan

CORPUS = Path(__file__).parent / "corpus"
HOSTILE = CORPUS / "hostile"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

#: What each file of the hostile corpus gives (files that are fine but not ours: sheet-missing).
EXPECTED = {
    "54764.xlsx": "file-unsafe-xml",  # billion laughs in sharedStrings.xml and core.xml
    "MalformedSSTCount.xlsx": "sheet-missing",
    "clusterfuzz-testcase-minimized-POIXSSFFuzzer-4828727001088000.xlsx": "file-corrupt",
    "clusterfuzz-testcase-minimized-POIXSSFFuzzer-5089447305609216.xlsx": "file-corrupt",
    "clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5636439151607808.xlsx": "file-corrupt",
    "crash-274d6342e4842d61be0fb48eaadad6208ae767ae.xlsx": "file-corrupt",
    "date_1904.xlsx": "sheet-missing",
    "has_x000D_.xlsx": "sheet-missing",
    "merge_cells.xlsx": "sheet-missing",
    "password.xls": "file-legacy-xls",  # a password-protected Excel 97-2003 book
    "poc-shared-strings.xlsx": "sheet-missing",  # its 1 MB string is only copied if read
    "poc-xmlbomb-empty.xlsx": "file-unsafe-xml",
    "poc-xmlbomb.xlsx": "file-unsafe-xml",
    "protected_passtika.xlsx": "file-encrypted",
}


def codes(book: BookInput) -> list[str]:
    return [f.code for f in book.findings]


# --- tiny packages built by hand ----------------------------------------------------------------


def package(
    path: Path,
    sheets: dict[str, str | bytes],
    *,
    shared: list[str] | None = None,
    workbook_pr: str = "",
    workbook_part: str = "xl/workbook.xml",
) -> Path:
    """A minimal .xlsx: `sheets` maps sheet name → its `<sheetData>` content (or a whole part)."""
    folder, base = workbook_part.rsplit("/", 1)
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1)
    )
    overrides = [
        (f"/{workbook_part}", f"{SHEET_TYPE}.sheet.main+xml"),
        *([(f"/{folder}/sharedStrings.xml", f"{SHEET_TYPE}.sharedStrings+xml")] if shared else []),
        *(
            (f"/{folder}/worksheets/sheet{i}.xml", f"{SHEET_TYPE}.worksheet+xml")
            for i in range(1, len(sheets) + 1)
        ),
    ]
    rels = [
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    ]
    if shared is not None:
        rels.append(
            f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="{workbook_part}"/></Relationships>',
        )
        z.writestr(
            workbook_part,
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{workbook_pr}'
            f"<sheets>{entries}</sheets></workbook>",
        )
        z.writestr(
            f"{folder}/_rels/{base}.rels",
            f'<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>',
        )
        for i, content in enumerate(sheets.values(), 1):
            if isinstance(content, str) and not content.startswith(("<?xml", "<worksheet")):
                content = (
                    f'<worksheet xmlns="{MAIN_NS}"><sheetData>{content}</sheetData></worksheet>'
                )
            z.writestr(f"{folder}/worksheets/sheet{i}.xml", content)
        if shared is not None:
            items = "".join(f"<si><t>{text}</t></si>" for text in shared)
            z.writestr(f"{folder}/sharedStrings.xml", f'<sst xmlns="{MAIN_NS}">{items}</sst>')
    return path


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def rename_sheet(source: Path, target: Path, old: str, new: str) -> Path:
    """A copy of `source` whose sheet `old` is called `new` (only xl/workbook.xml changes)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())
            dst.writestr(info.filename, data)
    return target


def small_book(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Avtal")
    sheet.write_row(0, 0, ["Avtals-ID", "Avtalsnamn"])
    sheet.write_row(1, 0, ["A-1", "Städ"])
    workbook.close()
    return path


# --- the hostile corpus ------------------------------------------------------------------------


def test_every_hostile_file_is_listed() -> None:
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_gives_one_clear_finding(name: str) -> None:
    book = read_book(HOSTILE / name)
    assert codes(book) == [EXPECTED[name]]
    assert book.findings[0].book == name
    assert book.findings[0].row is None
    if EXPECTED[name] != "sheet-missing":
        assert book.sheets == {}


def test_hostile_corpus_is_read_under_a_hard_memory_cap_and_without_openpyxl() -> None:
    # A bomb that got past the guards would exhaust the 2 GB address space or the timeout and
    # fail this test. The figures themselves (target: < 5 s and < 500 MB a file) are measured by
    # bench/reader.py.
    script = (
        "import json, resource, sys\n"
        "from pathlib import Path\n"
        "cap = 2 * 1024**3\n"
        "resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
        "from avtalsbok.workbook.reader import read_book\n"
        "lean = 'openpyxl' not in sys.modules\n"
        "codes = {p.name: [f.code for f in read_book(p).findings]\n"
        "         for p in sorted(Path(sys.argv[1]).iterdir())}\n"
        "print(json.dumps({'lean': lean, 'codes': codes}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(HOSTILE)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(out.stdout)
    assert report["lean"]
    assert report["codes"] == {name: [code] for name, code in EXPECTED.items()}


def test_poc_shared_strings_as_avtal_is_too_large(tmp_path: Path) -> None:
    # 4 000 rows × 3 cells that all show the same 1 MB string: 12 GB once copied into cells.
    path = rename_sheet(
        HOSTILE / "poc-shared-strings.xlsx", tmp_path / "p.xlsx", "Tabelle1", "Avtal"
    )
    book = read_book(path)
    assert codes(book) == ["file-too-large"]
    assert "Avtal" in book.findings[0].message


def test_the_text_a_sheet_may_copy_grows_with_the_sheet_up_to_a_cap() -> None:
    mb = 1024**2
    # A small sheet (and so a bomb: 12 GB from a few kB) may copy 100 MB, as before.
    assert text_limit(SheetScan(plain=True, size=10_000)) == 100 * mb
    # A 100 000-contract Avtal: 79 MB of XML copying 131 MB of shared strings.
    assert text_limit(SheetScan(plain=True, size=79 * mb)) >= 131 * mb
    assert text_limit(SheetScan(plain=True, size=40 * mb)) == 160 * mb
    assert text_limit(SheetScan(plain=True, size=4000 * mb)) == 256 * mb


def test_date_1904_book_reads_dates_as_excel_shows_them(tmp_path: Path) -> None:
    path = rename_sheet(HOSTILE / "date_1904.xlsx", tmp_path / "d.xlsx", "Sheet1", "Avtal")
    book = read_book(path)
    assert book.date1904 is True
    sheet = book.sheets["Avtal"]
    # No known headers: the first row is taken as the header row.
    assert (sheet.header_row, sheet.headers) == (1, {"A": "2021-01-01", "B": "15"})
    ours = [list(values.values()) for _, values in sheet.rows]
    reference = load_workbook(path, read_only=True)
    theirs = list(reference.active.iter_rows(min_row=2, values_only=True))
    reference.close()
    assert ours == [
        [date(2021, 1, 2), 16.0],
        [theirs[1][0], 17.0],  # a duration over 24 h ([hh]:mm:ss): timedelta in both readers
    ]
    assert theirs[0][0] == datetime(2021, 1, 2)


def test_x000d_escape_and_merged_cells_read_as_text(tmp_path: Path) -> None:
    path = rename_sheet(HOSTILE / "has_x000D_.xlsx", tmp_path / "x.xlsx", "Sheet1", "Avtal")
    assert read_book(path).sheets["Avtal"].headers == {"A": "ABC\r\nDEF"}
    path = rename_sheet(HOSTILE / "merge_cells.xlsx", tmp_path / "m.xlsx", "Sheet1", "Avtal")
    sheet = read_book(path).sheets["Avtal"]
    assert sheet.rows == [(2, {"Row Merge": "Column Merge", "Not Merged": None})]


def test_excel_saved_macro_books_read_without_complaint_but_their_sheets() -> None:
    for path in sorted((CORPUS / "excel-saved").iterdir()):
        assert codes(read_book(path)) == ["sheet-missing"]


# --- files that are something else ----------------------------------------------------------


def test_csv_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "avtal.xlsx"
    path.write_text("Avtals-ID;Avtalsnamn;Leverantör\nA-1;Städ;Städbolaget AB\n", "cp1252")
    assert codes(read_book(path)) == ["file-csv"]


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><html><body><table><tr><td>A-1</td></tr></table></body></html>",
        '\ufeff<html xmlns:o="urn:schemas-microsoft-com:office:office"><head></head></html>',
        "<table><tr><td>Avtals-ID</td></tr></table>",
    ],
)
def test_html_renamed_xlsx(tmp_path: Path, text: str) -> None:
    path = tmp_path / "avtal.xlsx"
    path.write_text(text, "utf-8")
    assert codes(read_book(path)) == ["file-html"]


def test_empty_missing_and_directory(tmp_path: Path) -> None:
    empty = tmp_path / "tom.xlsx"
    empty.write_bytes(b"")
    assert codes(read_book(empty)) == ["file-empty"]
    assert codes(read_book(tmp_path / "finns-inte.xlsx")) == ["file-not-found"]
    assert codes(read_book(tmp_path)) == ["file-unreadable"]


def test_truncated_and_garbled_zips_are_corrupt(tmp_path: Path) -> None:
    whole = small_book(tmp_path / "whole.xlsx").read_bytes()
    half = tmp_path / "half.xlsx"
    half.write_bytes(whole[: len(whole) // 2])
    garbled = tmp_path / "garbled.xlsx"
    garbled.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    assert codes(read_book(half)) == ["file-corrupt"]
    assert codes(read_book(garbled)) == ["file-corrupt"]


def test_crc_error_in_a_part_is_corrupt(tmp_path: Path) -> None:
    path = package(tmp_path / "crc.xlsx", {"Avtal": inline("A1", "Avtals-ID")})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    crc_at = info.header_offset + 14  # the CRC-32 in the local header and the central directory
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml"))
    for offset in (crc_at, central + 16):
        data[offset : offset + 4] = struct.pack("<I", info.CRC ^ 1)
    path.write_bytes(bytes(data))
    assert codes(read_book(path)) == ["file-corrupt"]


def test_zip_of_other_things(tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("data.bin", bytes(range(256)))
    word = tmp_path / "word.xlsx"
    with zipfile.ZipFile(word, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    assert codes(read_book(other)) == ["file-not-workbook"]
    assert codes(read_book(word)) == ["file-not-workbook"]
    assert "Word" in read_book(word).findings[0].message


def test_ods_and_xlsb(tmp_path: Path) -> None:
    ods = tmp_path / "avtal.xlsx"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    xlsb = tmp_path / "avtal2.xlsx"
    with zipfile.ZipFile(xlsb, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", f'<Relationships xmlns="{PKG_REL_NS}"/>')
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert codes(read_book(ods)) == ["file-ods"]
    assert codes(read_book(xlsb)) == ["file-xlsb"]


# --- bombs -----------------------------------------------------------------------------------


def patch_sizes(path: Path, name: str, size: int) -> None:
    """Declare `size` as the uncompressed size of entry `name`, in both of the zip's headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        local = z.getinfo(name).header_offset
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name.encode()))
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))


def test_zip_bomb_declared_size_is_refused_without_unpacking(tmp_path: Path) -> None:
    path = package(tmp_path / "bomb.xlsx", {"Avtal": inline("A1", "Avtals-ID")})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/zeros.bin", bytes(1024 * 1024))
    patch_sizes(path, "xl/media/zeros.bin", 1024**3)
    assert path.stat().st_size < 10_000
    book = read_book(path)
    assert codes(book) == ["file-too-large"]
    assert "1024 MB" in book.findings[0].message


def test_zip_file_far_larger_than_the_cap_is_not_even_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as f:
        f.write(b"PK\x03\x04")
        f.seek(20 * 1024 * 1024)  # sparse: nothing is written to disk
        f.write(b"\0")
    book = read_book(path, max_uncompressed=1024 * 1024)
    assert codes(book) == ["file-too-large"]
    assert "filen är 20 MB" in book.findings[0].message


def test_zip_bomb_by_compression_ratio(tmp_path: Path) -> None:
    path = package(tmp_path / "ratio.xlsx", {"Avtal": inline("A1", "Avtals-ID")})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/zeros.bin", bytes(20 * 1024 * 1024))
    assert codes(read_book(path)) == ["file-too-large"]


def test_part_longer_than_declared_is_cut_and_fails_its_checksum(tmp_path: Path) -> None:
    path = package(tmp_path / "liar.xlsx", {"Avtal": inline("A1", "Avtals-ID") * 200})
    patch_sizes(path, "xl/worksheets/sheet1.xml", 100)
    assert codes(read_book(path)) == ["file-corrupt"]


def test_uncompressed_cap_counts_every_part(tmp_path: Path) -> None:
    path = small_book(tmp_path / "small.xlsx")
    assert codes(read_book(path, max_uncompressed=1000)) == ["file-too-large"]


def test_too_many_zip_entries(tmp_path: Path) -> None:
    path = small_book(tmp_path / "many.xlsx")
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)
    path.write_bytes(bytes(data))
    assert codes(read_book(path)) == ["file-too-large"]


def test_entity_declaration_in_a_utf16_sheet_is_refused(tmp_path: Path) -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        f'<worksheet xmlns="{MAIN_NS}"><sheetData/></worksheet>'
    )
    path = package(tmp_path / "u16.xlsx", {"Avtal": xml.encode("utf-16")})
    book = read_book(path)
    assert codes(book) == ["file-unsafe-xml"]
    assert "xl/worksheets/sheet1.xml" in book.findings[0].message


def test_one_far_away_cell_does_not_make_a_grid_of_a_billion_cells(tmp_path: Path) -> None:
    # calamine would allocate 1 048 576 × 16 384 cells and abort the whole process.
    far = package(
        tmp_path / "far.xlsx",
        {
            "Avtal": f'<row r="1">{inline("A1", "Avtals-ID")}</row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        },
    )
    book = read_book(far)
    assert codes(book) == ["too-many-rows"]
    assert book.findings[0].sheet == "Avtal"
    # Far out but within the row limit: read by streaming, and the last column is reported.
    wide = package(
        tmp_path / "wide.xlsx",
        {
            "Avtal": f'<row r="1">{inline("A1", "Avtals-ID")}{inline("B1", "Avtalsnamn")}</row>'
            f'<row r="2">{inline("A2", "A-1")}</row><row r="900"><c r="XFD900"><v>1</v></c></row>'
        },
    )
    sheet = read_book(wide).sheets["Avtal"]
    assert sheet.rows == [(2, {"Avtals-ID": "A-1", "Avtalsnamn": None})]
    assert (sheet.max_column, sheet.max_row) == (16384, 900)


def test_too_many_rows(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}">{inline(f"A{r}", f"A-{r}")}</row>' for r in range(2, 13))
    path = package(
        tmp_path / "rows.xlsx", {"Avtal": f'<row r="1">{inline("A1", "Avtals-ID")}</row>' + rows}
    )
    assert codes(read_book(path, max_rows=12)) == []
    book = read_book(path, max_rows=11)
    assert codes(book) == ["too-many-rows"]
    assert "11 rader" in book.findings[0].message


# --- good books --------------------------------------------------------------------------------


def test_officers_book_is_read_by_header_wherever_things_stand(tmp_path: Path) -> None:
    path = tmp_path / "avtalsbok.xlsx"
    workbook = xlsxwriter.Workbook(path)
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    avtal = workbook.add_worksheet("AVTAL")
    avtal.write("B1", "Avtalsregister för Lilla kommun")  # a title above the table
    avtal.write_row("B3", ["Leverantör", "  avtalsnummer* ", "Min anteckning", "Startdatum"])
    avtal.write_row("F3", ["Årsvärde (kr)", "Verksamhetskritisk"])
    avtal.write_row("B4", ["Städbolaget Åberg AB", "A-1", "ring i maj"])
    avtal.write_datetime("E4", datetime(2024, 5, 7), day)
    avtal.write_number("F4", 1_200_000)
    avtal.write_boolean("G4", True)
    avtal.write_row("B6", ["Skolmat i Ö-vik", 17, None, "7 maj 2024", "1 200 000 kr", "Ja"])
    avtal.write("I9", "anteckning bredvid tabellen")
    workbook.add_worksheet("Fel")
    log = workbook.add_worksheet(" uppföljningar ")
    log.write_row("A1", ["Avtals-ID", "Datum"])
    log.write_row("A2", ["A-1", "   "])
    log.write_row("A3", ["A-1", "2024-06-01"])
    workbook.close()

    book = read_book(path)
    assert book.findings == []
    assert book.name == "avtalsbok.xlsx"
    assert book.date1904 is False
    assert book.sheet_names == {"Avtal": "AVTAL", "Fel": "Fel", "Uppföljningar": " uppföljningar "}
    assert list(book.sheets) == ["Avtal", "Uppföljningar"]

    sheet = book.sheets["Avtal"]
    assert sheet.name == "AVTAL"
    assert sheet.header_row == 3
    assert sheet.headers == {
        "B": "Leverantör",
        "C": "  avtalsnummer* ",
        "D": "Min anteckning",
        "E": "Startdatum",
        "F": "Årsvärde (kr)",
        "G": "Verksamhetskritisk",
    }
    assert sheet.rows == [
        (
            4,
            {
                "Leverantör": "Städbolaget Åberg AB",
                "  avtalsnummer* ": "A-1",
                "Min anteckning": "ring i maj",
                "Startdatum": date(2024, 5, 7),
                "Årsvärde (kr)": 1_200_000.0,
                "Verksamhetskritisk": True,
            },
        ),
        (
            6,
            {
                "Leverantör": "Skolmat i Ö-vik",
                "  avtalsnummer* ": 17.0,
                "Min anteckning": None,
                "Startdatum": "7 maj 2024",
                "Årsvärde (kr)": "1 200 000 kr",
                "Verksamhetskritisk": "Ja",
            },
        ),
    ]
    assert (sheet.max_column, sheet.max_row) == (9, 9)

    log_sheet = book.sheets["Uppföljningar"]
    assert log_sheet.rows == [
        (2, {"Avtals-ID": "A-1", "Datum": "   "}),
        (3, {"Avtals-ID": "A-1", "Datum": "2024-06-01"}),
    ]


def test_data_starting_at_c3_keeps_excel_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c3.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Avtal")
    sheet.write_row("C3", ["Avtals-ID", "Avtalsnamn"])
    sheet.write_row("C5", ["A-1", "Städ"])
    sheet.write_row("C7", ["A-2", ""])
    workbook.close()
    read = read_book(path).sheets["Avtal"]
    assert (read.header_row, read.headers) == (3, {"C": "Avtals-ID", "D": "Avtalsnamn"})
    assert read.rows == [
        (5, {"Avtals-ID": "A-1", "Avtalsnamn": "Städ"}),
        (7, {"Avtals-ID": "A-2", "Avtalsnamn": None}),
    ]
    assert (read.max_column, read.max_row) == (4, 7)


def test_formula_errors_are_read_as_excel_shows_them(tmp_path: Path) -> None:
    path = tmp_path / "fel.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Avtal")
    sheet.write_row("A1", ["Avtals-ID", "Årsvärde (kr)", "Slutdatum"])
    sheet.write_row("A2", ["A-1"])
    sheet.write_formula("B2", "=1/0", None, "#DIV/0!")
    sheet.write_formula("C2", "=NA()", None, "#N/A")
    sheet.write_row("A3", ["A-2", 5])
    workbook.close()
    assert read_book(path).sheets["Avtal"].rows == [
        (2, {"Avtals-ID": "A-1", "Årsvärde (kr)": "#DIV/0!", "Slutdatum": "#N/A"}),
        (3, {"Avtals-ID": "A-2", "Årsvärde (kr)": 5.0, "Slutdatum": None}),
    ]


def test_missing_required_sheet_keeps_the_optional_ones(tmp_path: Path) -> None:
    path = package(
        tmp_path / "nope.xlsx",
        {"Avvikelser": f'<row r="1">{inline("A1", "Avvikelse-ID")}{inline("B1", "Status")}</row>'},
    )
    book = read_book(path)
    assert [(f.code, f.sheet) for f in book.findings] == [("sheet-missing", schema.AVTAL)]
    assert list(book.sheets) == ["Avvikelser"]


def test_empty_sheet(tmp_path: Path) -> None:
    book = read_book(package(tmp_path / "empty.xlsx", {"Avtal": ""}))
    assert book.findings == []
    assert book.sheets["Avtal"].rows == []


def test_shared_strings_and_1904_flag_from_a_hand_made_package(tmp_path: Path) -> None:
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>3.5</v></c></row>'
    )
    path = package(
        tmp_path / "sst.xlsx",
        {"Avtal": sheet},
        shared=["Avtals-ID", "Årsvärde (kr)", "Ö-1"],
        workbook_pr='<workbookPr date1904="1"/>',
    )
    book = read_book(path)
    assert book.date1904 is True
    assert book.sheets["Avtal"].rows == [(2, {"Avtals-ID": "Ö-1", "Årsvärde (kr)": 3.5})]


def test_cells_without_references_are_placed_as_excel_would(tmp_path: Path) -> None:
    # Some export tools leave out the `r` attribute: cells follow one another.
    sheet = (
        '<row><c t="inlineStr"><is><t>Avtals-ID</t></is></c>'
        '<c t="inlineStr"><is><t>Avtalsnamn</t></is></c></row>'
        '<row><c t="inlineStr"><is><t>A-1</t></is></c><c><v>2</v></c></row>'
    )
    book = read_book(package(tmp_path / "norefs.xlsx", {"Avtal": sheet}))
    assert book.sheets["Avtal"].rows == [(2, {"Avtals-ID": "A-1", "Avtalsnamn": 2})]


def test_openpyxl_reads_what_calamine_cannot(tmp_path: Path) -> None:
    # The workbook part is not at xl/workbook.xml: valid, found through the relationships.
    sheet = f'<row r="1">{inline("A1", "Avtals-ID")}</row><row r="2">{inline("A2", "A-1")}</row>'
    path = package(tmp_path / "moved.xlsx", {"Avtal": sheet}, workbook_part="data/book.xml")
    book = read_book(path)
    assert book.findings == []
    assert book.sheets["Avtal"].rows == [(2, {"Avtals-ID": "A-1"})]


def test_ten_thousand_contracts_read_in_well_under_a_second(tmp_path: Path) -> None:
    headers = [c.header for c in schema.AVTAL_SHEET.columns]
    strings = [*headers, *(f"Leverantör {i} AB" for i in range(10_000))]
    width = len(headers)
    letters = [schema.column_letter(i) for i in range(1, width + 1)]
    rows = [
        '<row r="1">'
        + "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate(letters))
        + "</row>"
    ]
    for r in range(2, 10_002):
        cells = [
            f'<c r="A{r}" t="s"><v>{width + r - 2}</v></c>',
            f'<c r="B{r}"><v>{45000 + r % 900}</v></c>',
        ]
        cells += [f'<c r="{c}{r}"><v>{r * 3.5}</v></c>' for c in letters[2:]]
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = (
        f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:{letters[-1]}10001"/>'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    path = package(tmp_path / "big.xlsx", {"Avtal": sheet}, shared=strings)
    book = read_book(path)
    sheet_input = book.sheets["Avtal"]
    assert len(sheet_input.rows) == 10_000
    assert sheet_input.rows[-1][1]["Avtals-ID"] == "Leverantör 9999 AB"
    assert sheet_input.max_column == width
