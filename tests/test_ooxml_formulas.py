"""Formulas a write meets: the calculation chain loses overwritten cells; shared and array
formulas are never half overwritten."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from ooxmlbooks import (
    MAIN,
    cell_xml,
    editor_of,
    has_part,
    libreoffice,
    libreoffice_csv,
    make_book,
    part,
    plain_book,
    rewrite_parts,
    values,
    with_sheet_data,
    write_cells,
)

from avtalsbok.ooxml import OoxmlError

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
    with pytest.raises(OoxmlError, match=r"cell B1 .* B1:B3"):
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
    editor = editor_of(book)
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
    with pytest.raises(OoxmlError, match="C1:C2"):
        write_cells(book, {"Blad1": cells})


def test_a_whole_array_formula_can_be_overwritten(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(book, ARRAY)
    write_cells(book, {"Blad1": {"C1": "x", "C2": "y"}})
    assert values(book, "Blad1") == {"A1": 1, "A2": 2, "C1": "x", "C2": "y"}
