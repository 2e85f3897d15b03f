"""What a written cell becomes: text, numbers, booleans, dates in both date systems, and the
formats they keep or gain."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from ooxmlbooks import (
    assert_well_ordered,
    calamine,
    cell_xml,
    editor_of,
    make_book,
    part,
    plain_book,
    style_of,
    values,
    write_cells,
)

from avtalsbok.ooxml import OoxmlError
from avtalsbok.ooxml.xmltext import MAX_TEXT

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


def test_characters_past_latin_1_are_written_as_references_and_read_back(tmp_path: Path) -> None:
    # The sheet's XML then stays one byte per character when the writer reads it again.
    text = "Livsmedel – ägg · 20 € 🙂"
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B2": text}})
    xml = part(book, "xl/worksheets/sheet1.xml")
    assert "Livsmedel &#8211; ägg · 20 &#8364; &#128578;" in xml
    assert max(xml) <= "\xff"
    assert values(book, "Blad1")["B2"] == text
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


@pytest.mark.parametrize("text", ["🙂" * 20_000, "x" * (MAX_TEXT - 1) + "🙂", "– 🙂" * 12_000])
def test_long_text_is_cut_where_excel_counts_its_limit(tmp_path: Path, text: str) -> None:
    # Excel counts a cell's 32 767 characters in UTF-16 units: a character past U+FFFF (an
    # emoji) takes two, and a longer text makes Excel offer to repair the book.
    book = plain_book(tmp_path / "bok.xlsx")
    write_cells(book, {"Blad1": {"B2": text}})
    read = calamine(book, "Blad1")[1][1]
    assert len(read.encode("utf-16-le")) // 2 <= MAX_TEXT
    assert text.startswith(read) and len(read.encode("utf-16-le")) // 2 >= MAX_TEXT - 1


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
    editor = editor_of(plain_book(tmp_path / "bok.xlsx"))
    with pytest.raises(ValueError):
        editor.set_cells("Blad1", {"B2": bad})


def test_values_of_other_types_are_refused(tmp_path: Path) -> None:
    editor = editor_of(plain_book(tmp_path / "bok.xlsx"))
    with pytest.raises(TypeError):
        editor.set_cells("Blad1", {"B2": object()})  # type: ignore[dict-item]


@pytest.mark.parametrize("ref", ["A0", "XFE1", "A1048577", "1A", "", "A1:B2", "AAAA1"])
def test_bad_references_are_refused(tmp_path: Path, ref: str) -> None:
    editor = editor_of(plain_book(tmp_path / "bok.xlsx"))
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
    editor = editor_of(plain_book(tmp_path / "bok.xlsx"))
    with pytest.raises(ValueError):
        editor.set_cells("Blad1", {"B2": value})


def test_cells_beyond_the_last_column_or_row_are_a_file_format_error(tmp_path: Path) -> None:
    """Data can push a write off the sheet (a value near XFD, a log at row 1 048 576): that is an
    `OoxmlError` the officer is told in Swedish, never a `ValueError` traceback."""
    editor = editor_of(plain_book(tmp_path / "bok.xlsx"))
    attempts = [
        lambda: editor.set_cell_rows("Blad1", {2: {16_384: "x", 16_385: "y"}}),
        lambda: editor.replace_sheet_rows("Blad1", [["a"], ["b"]], first_row=1_048_576),
        lambda: editor.append_rows("Blad1", [["a"]], first_col=16_384 + 1),
    ]
    for attempt in attempts:
        with pytest.raises(OoxmlError) as caught:
            attempt()
        assert caught.value.code == "cells-outside"
