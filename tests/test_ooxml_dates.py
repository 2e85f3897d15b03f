"""Cell references and date serials, held equal to openpyxl's as an independent implementation,
and dates written into a book read back as the same day by our reader and by openpyxl, in both
date systems (including the 1904 book whose flag is written with spaces)."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from ooxmlbooks import rewrite_parts
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, to_excel

from avtalsbok.core.datecells import parse_date
from avtalsbok.ooxml.refs import MAX_COL, column_letter, column_number, parse_cell_ref
from avtalsbok.ooxml.serials import is_true, to_serial
from avtalsbok.workbook.reader import read_book
from avtalsbok.workbook.writeback import write_cells

OOXML = Path(__file__).parents[1] / "avtalsbok" / "ooxml"


@given(st.integers(1, MAX_COL))
def test_column_letters_are_openpyxls(col: int) -> None:
    letters = column_letter(col)
    assert letters == get_column_letter(col)
    assert column_number(letters) == column_index_from_string(letters) == col


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("A1", (1, 1)), ("c5", (5, 3)), ("$AB$12", (12, 28)), ("XFD1048576", (1_048_576, MAX_COL))],
)
def test_references_any_caller_may_write(ref: str, expected: tuple[int, int]) -> None:
    assert parse_cell_ref(ref) == expected


@pytest.mark.parametrize("ref", ["A0", "XFE1", "A1048577", "1A", "A 1", "", "ÅÄ1"])
def test_references_outside_the_sheet_are_refused(ref: str) -> None:
    with pytest.raises(ValueError):
        parse_cell_ref(ref)


@given(st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 31)))
def test_serials_of_the_1900_system_are_openpyxls(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert float(to_serial(moment, False)) == pytest.approx(
        to_excel(moment, CALENDAR_WINDOWS_1900), abs=1e-9
    )


@given(st.datetimes(datetime(1904, 1, 1), datetime(9999, 12, 31)))
def test_serials_of_the_1904_system_are_openpyxls(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert float(to_serial(moment, True)) == pytest.approx(
        to_excel(moment, CALENDAR_MAC_1904), abs=1e-9
    )


@pytest.mark.parametrize(
    ("written", "flag"),
    [
        (None, False),
        ("1", True),
        ("true", True),
        (" true", True),  # xsd:boolean collapses white space around the value
        ("\t1\n", True),
        ("0", False),
        ("false ", False),
        ("TRUE", False),  # not in the type's lexical space: as if absent
        ("yes", False),
    ],
)
def test_the_date_system_flag_is_an_xsd_boolean(written: str | None, flag: bool) -> None:
    assert is_true(written) is flag


def test_the_package_layer_imports_no_other_avtalsbok_package() -> None:
    outside = [
        f"{path.name}: {line.strip()}"
        for path in sorted(OOXML.glob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*(from|import)\s+(avtalsbok|\.\.)", line)
    ]
    assert outside == []


# --- dates written into a book and read back -------------------------------------------------


def avtal_book(path: Path, flag: str | None) -> Path:
    """A book with an Avtal sheet whose column B is for dates, in the 1904 date system when
    `flag` is given (as the `date1904` attribute is to be written)."""
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": flag is not None})
    sheet = workbook.add_worksheet("Avtal")
    sheet.write_row(0, 0, ["Avtals-ID", "Startdatum"])
    workbook.close()
    if flag not in (None, "1"):
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("xl/workbook.xml").decode("utf-8")
        rewrite_parts(path, {"xl/workbook.xml": xml.replace('date1904="1"', f'date1904="{flag}"')})
    return path


def read_back(path: Path) -> tuple[list[date | None], list[Any]]:
    """The dates of column B as our reader reads them, and as openpyxl does."""
    book = read_book(path)
    assert [f.code for f in book.findings if f.level.value == "error"] == []
    ours = [
        parse_date(values["Startdatum"], book.date1904)[0]
        for _, values in book.sheets["Avtal"].rows
    ]
    sheet = openpyxl.load_workbook(path, read_only=True)["Avtal"]
    theirs = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    return ours, theirs


def test_the_first_day_of_a_1904_book_is_written_and_read_as_that_day(tmp_path: Path) -> None:
    # 1904-01-01 is serial 0 in the 1904 system (ECMA-376 Part 1, 18.17.4.1).
    book = avtal_book(tmp_path / "bok.xlsx", "1")
    write_cells(
        book, {"Avtal": {"A2": "A-1", "B2": date(1904, 1, 1), "A3": "A-2", "B3": date(1904, 1, 2)}}
    )
    with zipfile.ZipFile(book) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert re.findall(r'<c r="B[2-9]"[^>]*><v>([^<]*)</v>', sheet) == ["0", "1"]
    assert to_excel(datetime(1904, 1, 1), CALENDAR_MAC_1904) == 0  # openpyxl: the same serial
    ours, theirs = read_back(book)
    assert ours == [date(1904, 1, 1), date(1904, 1, 2)]
    # openpyxl gives a serial below 1 as a time of day, the day that follows as a date-time.
    assert theirs == [time(0, 0), datetime(1904, 1, 2)]


def test_a_1904_flag_written_with_a_space_is_a_1904_book_for_reader_and_writer(
    tmp_path: Path,
) -> None:
    book = avtal_book(tmp_path / "bok.xlsx", " true")
    write_cells(book, {"Avtal": {"A2": "A-1", "B2": date(2025, 1, 1)}})
    ours, theirs = read_back(book)
    assert ours == [date(2025, 1, 1)]
    assert theirs == [datetime(2025, 1, 1)]  # not 2029-01-02, as a 1900 serial would show


@given(
    days=st.lists(st.dates(date(1904, 1, 2), date(9999, 12, 31)), min_size=1, max_size=8),
    flag=st.sampled_from([None, "1", "true", " true"]),
)
@settings(max_examples=25)
def test_dates_written_read_back_as_the_same_day_by_us_and_by_openpyxl(
    tmp_path_factory: pytest.TempPathFactory, days: list[date], flag: str | None
) -> None:
    book = avtal_book(tmp_path_factory.mktemp("dates") / "bok.xlsx", flag)
    cells: dict[str, Any] = {}
    for row, day in enumerate(days, start=2):
        cells |= {f"A{row}": f"A-{row}", f"B{row}": day}
    write_cells(book, {"Avtal": cells})
    ours, theirs = read_back(book)
    assert ours == days
    assert [value.date() for value in theirs] == days
