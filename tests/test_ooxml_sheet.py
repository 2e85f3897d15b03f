"""Splicing a sheet: cells land anywhere in order, the used range follows, and the hot path
writes 10 000 rows."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from ooxmlbooks import (
    MAIN,
    assert_well_ordered,
    calamine,
    cell_values,
    editor_of,
    make_book,
    part,
    plain_book,
    rewrite_parts,
    values,
    with_sheet_data,
    write_cells,
)

from avtalsbok.ooxml import CellValue, WorkbookEditor
from avtalsbok.ooxml.refs import column_letter

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
        editor = editor_of(book)
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
        for r in (2, 6, 10):
            sheet.write(r, 3, "fet", bold)  # a formatted cell in a row without a format
        for r in range(0, 18, 2):
            sheet.write_blank(r, 9, None, money)  # a cell with only a format
        sheet.write_formula(12, 4, "=1+1", None, 2)

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
    grid=st.lists(
        st.lists(st.one_of(cell_values, st.dates(date(1950, 1, 1), date(2100, 1, 1))), max_size=11),
        max_size=12,
    ),
)
@settings(max_examples=60, deadline=None)
def test_rows_rendered_together_are_rendered_as_one_at_a_time(
    varied_rows: Path,
    tmp_path_factory: pytest.TempPathFactory,
    edits: dict[tuple[int, int], Any],
    replace_from: int | None,
    grid: list[list[CellValue]],
) -> None:
    """The quick paths (rows that only gain cells, rows of a replaced stretch written over whole)
    write what the row-by-row path writes."""
    folder = tmp_path_factory.mktemp("together")
    books = [folder / "batch.xlsx", folder / "single.xlsx"]
    rows: dict[int, dict[int, Any]] = {}
    for (r, c), value in edits.items():
        rows.setdefault(r, {})[c] = value
    for book in books:
        shutil.copy(varied_rows, book)
        editor = editor_of(book, rows_together=book.name == "batch.xlsx")
        if replace_from is not None:
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


@pytest.mark.parametrize("rows_together", [True, False])
@pytest.mark.parametrize("replace", [False, True])
def test_a_sheet_indented_between_its_cells_keeps_a_valid_used_range_and_spans(
    tmp_path: Path, rows_together: bool, replace: bool
) -> None:
    # Some tools write the sheet's XML indented, with white space before a row's first cell.
    book = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(
        book,
        '<sheetData>\n  <row r="1" spans="1:2">\n    <c r="A1"><v>1</v></c>\n'
        '    <c r="B1"><v>2</v></c>\n  </row>\n</sheetData>',
    )
    editor = editor_of(book, rows_together=rows_together)
    if replace:
        editor.replace_sheet_rows("Blad1", [[1, 5]])
    else:
        editor.set_cell_rows("Blad1", {1: {2: 5}})
    editor.save()
    xml = part(book, "xl/worksheets/sheet1.xml")
    assert '<dimension ref="A1:' in xml
    assert 'spans="1:2"' in xml
    assert values(book, "Blad1") == {"A1": 1, "B1": 5}
    assert calamine(book, "Blad1") == [[1.0, 5.0]]


@pytest.mark.parametrize(
    "row",
    [
        '<row r="2"><c r="A2" s="1"><v>1</v></c>\n<c r="B2" s="1"/>\n<c r="C2"><v>3</v></c></row>',
        '<row r="2">\n  <c r="A2" s="1"><v>1</v></c><c r="B2" s="1"/><c r="C2"><v>3</v></c></row>',
        '<row r="2"><c r="A2" s="1"><v>1</v></c><c r="B2" s="1"/> </row>',
    ],
)
def test_a_replaced_row_with_white_space_between_its_cells_is_written_as_one_at_a_time(
    tmp_path: Path, row: str
) -> None:
    base = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(base, f'<sheetData><row r="1"><c r="A1"><v>0</v></c></row>{row}</sheetData>')
    quick, one_at_a_time = written_both_ways(
        base, lambda editor: editor.replace_sheet_rows("Blad1", [["ny", None, 7]], 2)
    )
    assert quick == one_at_a_time
    assert values(base.with_name("True.xlsx"), "Blad1") == {"A1": 0, "A2": "ny", "C2": 7}


#: Cells as other writers write them: a value, a format only, inline and shared text, rich text
#: (its `<color` starts like a cell), a formula, `s` after `t`.
CELL_SHAPES = (
    '<c r="{r}"><v>1</v></c>',
    '<c r="{r}" s="1"/>',
    '<c r="{r}" t="inlineStr"><is><t>a</t></is></c>',
    '<c r="{r}" s="1" t="b"><v>1</v></c>',
    '<c r="{r}" t="inlineStr"><is><r><rPr><color rgb="FF0000FF"/></rPr><t>x</t></r></is></c>',
    '<c r="{r}"><f>1+1</f><v>2</v></c>',
    '<c r="{r}" t="s" s="1"><v>0</v></c>',
    '<c s="1"><v>3</v></c>',  # no reference: the column after the cell before
)
hand_written_rows = st.lists(
    st.tuples(
        st.lists(st.tuples(st.integers(1, 8), st.sampled_from(CELL_SHAPES)), max_size=6),
        st.sampled_from(["", "", "\n  "]),  # between cells
        st.sampled_from(["", "", " "]),  # before the first
    ),
    min_size=1,
    max_size=6,
)


@given(
    rows=hand_written_rows,
    edits=st.dictionaries(
        st.integers(1, 7),
        st.dictionaries(
            st.integers(1, 9), st.sampled_from([5, "ny", 7.5, True]), min_size=1, max_size=4
        ),
    ),
)
@settings(max_examples=60, deadline=None)
def test_hand_written_rows_are_edited_by_the_quick_paths_as_one_at_a_time(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[list[tuple[int, str]], str, str]],
    edits: dict[int, dict[int, CellValue]],
) -> None:
    """Rows edited in a few places (`_splice`) or gaining cells: the same bytes as the
    row-by-row path, whatever the shape of the row's cells and the space between them."""
    folder = tmp_path_factory.mktemp("shapes")
    xml = []
    for n, (cells, between, before) in enumerate(rows, start=1):
        shapes = dict(cells)  # one cell a column, in column order
        texts = [shapes[c].format(r=f"{column_letter(c)}{n}") for c in sorted(shapes)]
        xml.append(f'<row r="{n}">{before}{between.join(texts)}</row>')
    base = plain_book(folder / "bok.xlsx")
    with_sheet_data(base, f"<sheetData>{''.join(xml)}</sheetData>")
    quick, one_at_a_time = written_both_ways(
        base, lambda editor: editor.set_cell_rows("Blad1", edits)
    )
    assert quick == one_at_a_time


def test_a_row_with_a_cell_without_reference_is_edited_by_the_quick_paths_as_one_at_a_time(
    tmp_path: Path,
) -> None:
    # The row-by-row path writes `r` into a cell that lacks it (C1, after B1); edited in B1
    # and past the row's end, the quick path writes the same.
    base = plain_book(tmp_path / "bok.xlsx")
    with_sheet_data(
        base,
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1" s="1"/><c><v>2</v></c>'
        '<c r="D1"><v>3</v></c></row></sheetData>',
    )
    quick, one_at_a_time = written_both_ways(
        base, lambda editor: editor.set_cell_rows("Blad1", {1: {2: "ny", 6: 5}})
    )
    assert quick == one_at_a_time
    assert '<c r="C1"><v>2</v></c>' in quick
    assert values(base.with_name("True.xlsx"), "Blad1") == {
        "A1": 1,
        "B1": "ny",
        "C1": 2,
        "D1": 3,
        "F1": 5,
    }


def written_both_ways(base: Path, edit: Callable[[WorkbookEditor], None]) -> tuple[str, str]:
    """The sheet XML a copy of `base` gets from `edit` by the quick paths, and by rendering
    each row on its own (the copies `True.xlsx` and `False.xlsx` beside `base`)."""
    written = []
    for together in (True, False):
        book = Path(shutil.copy(base, base.with_name(f"{together}.xlsx")))
        editor = editor_of(book, rows_together=together)
        edit(editor)
        editor.save()
        written.append(part(book, "xl/worksheets/sheet1.xml"))
    return written[0], written[1]
