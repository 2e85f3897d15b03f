"""Printing: the sheets an officer prints, as LibreOffice prints them, before and after a run."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from libreoffice import libreoffice_pdf, needs_libreoffice
from pypdf import PdfReader

from avtalsbok.core import overview, schema
from avtalsbok.demo import DEMO_TODAY, generate
from avtalsbok.workbook.printing import page_breaks
from avtalsbok.workbook.runner import process
from avtalsbok.workbook.template import build_template, build_workbook

pytestmark = [pytest.mark.libreoffice, needs_libreoffice]

#: A4 in PDF points, (short side, long side).
A4 = (595.3, 841.9)
_FOOTER = re.compile(r"(\S+) Sida \d+ av \d+")


@pytest.fixture(scope="module")
def printed_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    folder = tmp_path_factory.mktemp("mall")
    build_template(folder / "avtalsbok.xlsx")
    return pages_by_sheet(libreoffice_pdf(folder / "avtalsbok.xlsx", folder / "pdf"))


@pytest.fixture(scope="module")
def printed_after_a_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "avtalsbok.xlsx"
    build_workbook(path, generate(150), today=DEMO_TODAY)
    assert process(path, today=DEMO_TODAY).written
    return pages_by_sheet(libreoffice_pdf(Path(shutil.copy(path, folder / "körd.xlsx")), folder))


class Page:
    """One printed page: its size in points and its text, whitespace made single spaces."""

    def __init__(self, width: float, height: float, text: str) -> None:
        self.width, self.height = width, height
        self.text = " ".join(text.split())

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def a4(self) -> bool:
        size = sorted((self.width, self.height))
        return all(abs(got - want) < 1 for got, want in zip(size, A4, strict=True))


def pages_by_sheet(pdf: Path) -> dict[str, list[Page]]:
    """The pages of each sheet, known by the footer that names the sheet."""
    pages: dict[str, list[Page]] = defaultdict(list)
    for page in PdfReader(pdf).pages:
        text = page.extract_text()
        found = _FOOTER.search(text)
        assert found, text[:200]
        box = page.mediabox
        pages[found.group(1)].append(Page(float(box.width), float(box.height), text))
    return dict(pages)


def test_every_sheet_prints_on_a4_portrait_only_the_instructions(
    printed_template: dict[str, list[Page]],
) -> None:
    assert list(printed_template) == list(schema.ALL_SHEETS)  # the hidden lists do not print
    for sheet, pages in printed_template.items():
        assert all(p.a4 for p in pages), sheet
        # Index's three columns fit a portrait page; every other table is wider.
        portrait = sheet in (schema.INSTRUKTIONER, schema.INDEX)
        assert all(p.landscape != portrait for p in pages), sheet


def test_a_table_sheet_is_one_page_wide(printed_template: dict[str, list[Page]]) -> None:
    # Without fitting, Avtal's columns alone would run over several pages across.
    for sheet in (*schema.DATA_SHEETS, schema.UPPFOLJNINGSPLAN, schema.UTVARDERING, schema.FEL):
        if sheet != schema.INSTALLNINGAR:
            assert len(printed_template[sheet]) == 1, sheet
        last_header = _TABLE_HEADERS[sheet][-1]
        assert last_header in printed_template[sheet][0].text, sheet


_TABLE_HEADERS = {
    **{name: [c.header for c in sheet.columns] for name, sheet in schema.DATA_SHEETS.items()},
    schema.UPPFOLJNINGSPLAN: list(schema.PLAN_HEADERS),
    schema.UTVARDERING: list(schema.EVALUATION_HEADERS),
    schema.FEL: list(schema.FEL_HEADERS),
}


def _chart_pages(pages: list[Page]) -> dict[str, int]:
    """Each chart's page: the one where its title stands twice, over the block and the chart."""
    found = {}
    for spec in overview.charts():
        (found[spec.title],) = [i for i, p in enumerate(pages) if p.text.count(spec.title) >= 2]
    return found


def test_each_chart_prints_whole_beside_its_block(
    printed_template: dict[str, list[Page]], printed_after_a_run: dict[str, list[Page]]
) -> None:
    for printed in (printed_template, printed_after_a_run):
        pages = printed[schema.OVERSIKT]
        assert all(p.landscape for p in pages)
        # Two charts a page, the blocks between page breaks chosen to keep them whole.
        assert list(_chart_pages(pages).values()) == [0, 1, 1, 2]
        # The charts fit across the page: nothing of a chart spills onto a page of its own.
        # After a run the owner list at the end may run on, onto pages with no chart.
        assert len(pages) == 3 if printed is printed_template else len(pages) >= 3
        assert not any(spec.title in p.text for p in pages[3:] for spec in overview.charts())


def test_long_sheets_repeat_their_header_row_after_a_run(
    printed_after_a_run: dict[str, list[Page]],
) -> None:
    plan = printed_after_a_run[schema.UPPFOLJNINGSPLAN]
    assert len(plan) > 1
    for page in plan:
        assert " ".join(schema.PLAN_HEADERS[:3]) in page.text
    avtal = printed_after_a_run[schema.AVTAL]
    assert all(p.landscape and "Avtals-ID Avtalsnamn" in p.text for p in avtal)


@pytest.mark.parametrize(
    ("units", "rows", "tall", "breaks"),
    [
        ([(0, 20), (22, 36), (38, 52)], 40, {}, [38]),
        ([(0, 9), (11, 19), (21, 29)], 15, {}, [11, 21]),
        ([(0, 3), (4, 20), (22, 30)], 20, {}, [4, 22]),  # a page may part touching units
        ([(0, 5), (3, 30), (32, 40)], 30, {}, [32]),  # overlapping units stay together
        ([(0, 50), (52, 60)], 30, {}, [52]),  # a unit taller than a page runs over it
        ([(0, 4)], 30, {}, []),
        # A tall row counts as the rows it is high: 5 + 11, then 5 + 11 more do not fit.
        ([(0, 5), (6, 11)], 30, {5: 11, 11: 11}, [6]),
        ([(0, 5), (6, 11)], 32, {5: 11, 11: 11}, []),
        # Rows of Översikt: the title with Nyckeltal, then charted blocks on tall blank rows.
        (
            [(0, 21), (22, 27), (28, 42), (43, 49), (50, 57), (58, 68)],
            42,
            {27: 11, 42: 2, 49: 10, 57: 9},
            [28, 50],
        ),
    ],
)
def test_page_breaks_keep_each_unit_on_one_page(
    units: list[tuple[int, int]], rows: int, tall: dict[int, int], breaks: list[int]
) -> None:
    assert page_breaks(units, rows, tall) == breaks
