"""Översikt's charts after a run: each shows exactly the figures the run wrote for it, in books
built from the current template and in books built from an earlier one (whose charts, in the
book's own drawing, point at the rows that template had)."""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from helpers import contract

from avtalsbok.cli import main
from avtalsbok.core import overview, schema
from avtalsbok.workbook.template import build_workbook
from avtalsbok.workbook.writeback import write_cells

#: The template as it was before the charts moved beside their blocks (main at a5c8468).
EARLIER_TEMPLATE = Path(__file__).parent / "corpus" / "templates" / "avtalsbok-a5c8468.xlsx"
TODAY = "2026-11-02"
CONTRACTS = [
    contract(contract_id="A1", annual_value=2_000_000, critical="Ja"),
    contract(contract_id="A2", annual_value=300_000),
    contract(contract_id="A3", start=date(2025, 6, 1), end=date(2028, 5, 31)),
]
_RANGE = re.compile(r"^'?Översikt'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$")
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

Range = tuple[str, int, str, int]


def overview_charts(path: Path) -> dict[str, tuple[Range, Range]]:
    """Each chart on Översikt, by its title → (categories, values) ranges, as the book's own
    sheet → drawing → chart parts say."""
    import xml.etree.ElementTree as ET

    def rels(z: zipfile.ZipFile, part: str) -> list[str]:
        folder, name = posixpath.split(part)
        rel_part = posixpath.join(folder, "_rels", name + ".rels")
        if rel_part not in z.namelist():
            return []
        root = ET.fromstring(z.read(rel_part))
        return [posixpath.normpath(posixpath.join(folder, r.get("Target", ""))) for r in root]

    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        names = [s.get("name") for s in book.iter() if s.tag.endswith("}sheet")]
        # The sheet parts in sheet order, found through the relationships' ids.
        rel_root = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        by_id = {r.get("Id"): posixpath.join("xl", r.get("Target", "")) for r in rel_root}
        rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        ids = [s.get(rid) for s in book.iter() if s.tag.endswith("}sheet")]
        sheet = [by_id[i] for i in ids][names.index(schema.OVERSIKT)]
        found = {}
        for drawing in (p for p in rels(z, sheet) if "/drawings/" in p):
            for chart in (p for p in rels(z, drawing) if "/charts/" in p):
                root = ET.fromstring(z.read(chart))
                title = "".join(t.text or "" for t in root.iter(f"{_A}t"))
                refs = [
                    _range(f.text or "")
                    for tag in ("cat", "val")
                    for f in root.iter(f"{_C}{tag}")
                    for f in f.iter(f"{_C}f")
                ]
                assert len(refs) == 2, (title, refs)
                found[title] = (refs[0], refs[1])
    return found


def _range(text: str) -> Range:
    match = _RANGE.match(text)
    assert match, text
    first, top, last, bottom = match.groups()
    return first, int(top), last, int(bottom)


def written_block(ws: Any, title: str) -> tuple[Range, Range, list[Any]]:
    """Where the run wrote a block's labels and figures: the rows under its title and headers
    down to the first blank row, in columns A and B; and the figures."""
    (title_row,) = [c.row for c in ws["A"] if c.value == title]
    first = last = title_row + 2
    while ws.cell(last + 1, 1).value is not None:
        last += 1
    labels = [ws.cell(r, 1).value for r in range(first, last + 1)]
    figures = [ws.cell(r, 2).value for r in range(first, last + 1)]
    assert all(isinstance(v, str) and v for v in labels), labels
    assert all(isinstance(v, int | float) for v in figures), figures
    return ("A", first, "A", last), ("B", first, "B", last), figures


def run(path: Path) -> None:
    out = io.StringIO()
    assert main(["run", str(path), "--today", TODAY], out=out) == 0, out.getvalue()


def assert_charts_show_what_the_run_wrote(path: Path) -> None:
    charts = overview_charts(path)
    assert sorted(charts) == sorted(spec.title for spec in overview.charts())
    ws = openpyxl.load_workbook(path)[schema.OVERSIKT]
    for title, (categories, values) in charts.items():
        labels, figures, numbers = written_block(ws, title)
        assert (categories, values) == (labels, figures), title
        if title == "Avtal per prioritet":
            assert sum(numbers) == len(CONTRACTS)  # the chart counts the book's contracts


def test_a_book_from_the_earlier_template_keeps_its_charts_on_their_figures(
    tmp_path: Path,
) -> None:
    path = Path(shutil.copy(EARLIER_TEMPLATE, tmp_path / "avtalsbok.xlsx"))
    headers = [c.value for c in openpyxl.load_workbook(path)[schema.AVTAL][1]]
    cells = {
        f"{schema.column_letter(headers.index(header) + 1)}{row}": value
        for row, record in enumerate(CONTRACTS, start=2)
        for header, value in record.items()
        if value is not None
    }
    write_cells(path, {schema.AVTAL: cells})
    before = overview_charts(path)
    run(path)
    run(path)  # a second run writes the same rows
    assert overview_charts(path) == before  # the run leaves the book's charts as they were
    assert_charts_show_what_the_run_wrote(path)


def test_a_book_from_the_current_template_shows_each_chart_beside_its_figures(
    tmp_path: Path,
) -> None:
    path = tmp_path / "avtalsbok.xlsx"
    build_workbook(path, {schema.AVTAL: CONTRACTS})
    run(path)
    assert_charts_show_what_the_run_wrote(path)
    # The tall blank rows that keep each chart beside its block on a printed page stay.
    dims = openpyxl.load_workbook(path)[schema.OVERSIKT].row_dimensions
    assert {row: dims[row].height for row in overview.tall_rows()} == {
        row: 15.0 * rows for row, rows in overview.tall_rows().items()
    }
