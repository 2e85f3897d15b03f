"""Excel tables follow the rows written; new sheets are registered as Excel registers them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from ooxmlbooks import (
    NS,
    calamine,
    editor_of,
    has_part,
    libreoffice,
    libreoffice_csv,
    make_book,
    part,
    plain_book,
    split_sheet,
    values,
    write_cells,
)

from avtalsbok.ooxml import OoxmlError

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
    editor = editor_of(book)
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
    editor = editor_of(book)
    editor.replace_sheet_rows("Fel", [], first_row=2)
    editor.save()
    assert table_refs(book)[:2] == ("A1:C2", "A1:C2")
    assert values(book, "Fel") == {"A1": "Blad", "B1": "Rad", "C1": "Kod", "E1": "egen anteckning"}
    assert '<dimension ref="A1:E1"/>' in part(book, "xl/worksheets/sheet1.xml")


def test_rows_emptied_by_a_replace_go(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=50)
    editor = editor_of(book)
    editor.replace_sheet_rows("Fel", [["Avtal", 1, "x"]], first_row=2)
    editor.save()
    assert re.findall(r'<row r="(\d+)"', part(book, "xl/worksheets/sheet1.xml")) == ["1", "2"]
    assert table_refs(book)[0] == "A1:C2"


def test_new_headers_rename_the_table_columns(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2)
    editor = editor_of(book)
    editor.replace_sheet_rows("Fel", [["Blad", "Rad", "Kod & nivå"], ["x", 1, "y"]])
    editor.save()
    assert table_refs(book)[2] == ["Blad", "Rad", "Kod & nivå"]
    table = openpyxl.load_workbook(book)["Fel"].tables["Fel"]
    assert [c.name for c in table.tableColumns] == ["Blad", "Rad", "Kod & nivå"]


def test_a_header_row_that_gained_columns_widens_the_table(tmp_path: Path) -> None:
    """A regenerated sheet with a new column keeps one table over all of it (Excel and
    openpyxl read the widened table; the new column gets a fresh id)."""
    book = table_book(tmp_path / "bok.xlsx", data_rows=2)
    editor = editor_of(book)
    editor.replace_sheet_rows(
        "Fel", [["Blad", "Meddelande", "Kod", "Gå till"], ["Avtal", "Saknas", "x", "Avtal!B3"]]
    )
    editor.save()
    assert table_refs(book) == ("A1:D2", "A1:D2", ["Blad", "Meddelande", "Kod", "Gå till"])
    root = ET.fromstring(part(book, "xl/tables/table1.xml"))
    columns = root.find("m:tableColumns", NS)
    assert columns is not None and columns.get("count") == "4"
    assert [c.get("id") for c in columns] == ["1", "2", "3", "4"]
    table = openpyxl.load_workbook(book)["Fel"].tables["Fel"]
    assert (table.ref, [c.name for c in table.tableColumns][-1]) == ("A1:D2", "Gå till")
    assert libreoffice_csv(book, "Fel", tmp_path) == [
        ["Blad", "Meddelande", "Kod", "Gå till"],
        ["Avtal", "Saknas", "x", "Avtal!B3"],
    ]


@pytest.mark.parametrize("header", [["Blad", "Rad"], ["Blad", "Rad", 3], ["Blad", "rad", "Rad"]])
def test_a_table_header_must_be_distinct_text(tmp_path: Path, header: list[Any]) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2)
    editor = editor_of(book)
    with pytest.raises(OoxmlError, match="table Fel"):
        editor.replace_sheet_rows("Fel", [header, ["x", 1, "y"]])


def test_a_refused_replace_changes_nothing(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2)
    before = values(book, "Fel")
    editor = editor_of(book)
    with pytest.raises(OoxmlError):
        editor.replace_sheet_rows("Fel", [["Blad", "Rad"]])
    editor.set_cells("Fel", {"E2": "anteckning"})
    editor.save()
    assert values(book, "Fel") == before | {"E2": "anteckning"}
    assert table_refs(book)[0] == "A1:C3"


def test_a_table_with_a_totals_row_is_not_resized(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2, last_row=4, total_row=True)
    editor = editor_of(book)
    with pytest.raises(OoxmlError, match="totals row"):
        editor.replace_sheet_rows("Fel", [["x", 1, "y"]], first_row=2)


def test_appended_rows_extend_the_table(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2)
    editor = editor_of(book)
    editor.append_rows("Fel", [["Avtal", 7, "ny"], ["Avtal", 8, "ny"]])
    editor.save()
    assert table_refs(book)[:2] == ("A1:C5", "A1:C5")
    read = values(book, "Fel")
    assert [read[f"B{r}"] for r in range(2, 6)] == [1, 2, 7, 8]


def test_appended_rows_fill_an_empty_table_first(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=0)
    assert table_refs(book)[0] == "A1:C2"
    editor = editor_of(book)
    editor.append_rows("Fel", [["Avtal", 1, "ny"], ["Avtal", 2, "ny"], ["Avtal", 3, "ny"]])
    editor.save()
    assert table_refs(book)[0] == "A1:C4"
    assert [values(book, "Fel")[f"B{r}"] for r in range(2, 5)] == [1, 2, 3]


def test_appended_rows_inside_a_longer_table_leave_it_as_is(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=2, last_row=10)
    editor = editor_of(book)
    editor.append_rows("Fel", [["Avtal", 3, "ny"]])
    editor.append_rows("Fel", [["Avtal", 4, "ny"]], first_col=1)
    editor.save()
    assert table_refs(book)[0] == "A1:C10"
    assert [values(book, "Fel")[f"B{r}"] for r in range(2, 6)] == [1, 2, 3, 4]


def test_appending_to_an_empty_sheet_starts_at_the_top(tmp_path: Path) -> None:
    book = make_book(tmp_path / "bok.xlsx", lambda wb: wb.add_worksheet("Händelselogg"))
    editor = editor_of(book)
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
    editor = editor_of(book)
    editor.replace_sheet_rows("Översikt", [["Prioritet", "Antal"], [1, 6], [2, 8], [3, 10]])
    editor.save()
    after = part(book, "xl/worksheets/sheet1.xml")
    assert split_sheet(after)[2] == split_sheet(before)[2]  # <drawing> and all after it
    assert "<cols>" in split_sheet(after)[0]
    assert has_part(book, "xl/charts/chart1.xml")
    assert calamine(book, "Översikt")[1:] == [[1, 6], [2, 8], [3, 10]]


def test_add_sheet_registers_a_new_worksheet(tmp_path: Path) -> None:
    book = table_book(tmp_path / "bok.xlsx", data_rows=1)
    editor = editor_of(book)
    editor.add_sheet("Uppföljningsplan")
    assert editor.sheet_names == ["Fel", "Uppföljningsplan"]
    editor.set_cells("Uppföljningsplan", {"A1": "Datum", "A2": date(2025, 4, 1)})
    editor.save()
    assert openpyxl.load_workbook(book).sheetnames == ["Fel", "Uppföljningsplan"]
    assert values(book, "Uppföljningsplan") == {"A1": "Datum", "A2": datetime(2025, 4, 1)}
    assert '<Override PartName="/xl/worksheets/sheet2.xml"' in part(book, "[Content_Types].xml")
    assert editor_of(book).sheet_names == ["Fel", "Uppföljningsplan"]


@pytest.mark.parametrize(
    "name", ["", " ", "x" * 32, "a/b", "a[1]", "a:b", "a*", "'citat'", "fel", "rad\nbrytning"]
)
def test_add_sheet_refuses_names_excel_refuses(tmp_path: Path, name: str) -> None:
    editor = editor_of(table_book(tmp_path / "bok.xlsx", data_rows=1))
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
    editor = editor_of(book)
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
