"""Goals in a real book: the template's `Mål` sheet with its dropdowns, and `Uppnått` coloured on
`Översikt` wherever a run puts the goal table, as openpyxl and LibreOffice read it back."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fakexw import FakeBook
from helpers import contract, follow_up, goal
from libreoffice import libreoffice_csv, libreoffice_resave, needs_libreoffice
from ooxmlbooks import part, rewrite_parts

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.core.overview import GOALS_TITLE, verdict_column
from avtalsbok.excel.handlers import run_button
from avtalsbok.workbook.template import build_workbook

TODAY = "2025-03-14"
SUPPLIERS = 40
#: The rules' range: column D from where the goal table stands in an empty book.
FIRST_ROW = verdict_column()[0]
RANGE = f"D{FIRST_ROW}:D1048576"
#: A book made from the template before `Översikt` had a goal table (or its colours).
EARLIER_TEMPLATE = Path(__file__).parent / "corpus" / "templates" / "avtalsbok-a5c8468.xlsx"
#: The officer's own colour on `Översikt` of that book: figures above 10 in bold.
OWN_RULE = (
    '<conditionalFormatting sqref="B3:B20"><cfRule type="cellIs" dxfId="0" priority="1" '
    'operator="greaterThan"><formula>10</formula></cfRule></conditionalFormatting>'
)


def goals_book(path: Path) -> None:
    """40 contracts, each with its own supplier audited in January (so `Revisioner per
    leverantör` pushes the goal table 40 rows further down than in an empty book), and two
    goals: one met, one not."""
    contracts = [contract(contract_id=f"A{i}", supplier=f"Lev {i:02} AB") for i in range(SUPPLIERS)]
    audits = [
        follow_up(contract_id=f"A{i}", date=date(2025, 1, 10), type="Revision")
        for i in range(SUPPLIERS)
    ]
    build_workbook(
        path,
        {
            schema.AVTAL: contracts,
            schema.UPPFOLJNINGAR: audits,
            schema.MAL: [
                goal("Stickprov genomförda", 30, "Minst", "2025"),
                goal("Öppna avvikelser", 0, "Högst", "2025"),
                goal("Revisioner totalt", 50, "Minst", "2025"),
            ],
        },
    )


def verdicts(ws: Any) -> dict[str, str]:
    """Cell of each `Uppnått` → its text, from the goal table's rows."""
    title = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == GOALS_TITLE)
    out = {}
    for r in range(title + 2, ws.max_row + 1):
        if ws.cell(r, 1).value is None:
            break
        out[f"D{r}"] = ws.cell(r, 4).value
    return out


def colours(ws: Any) -> list[tuple[str, list[str], str]]:
    """The sheet's conditional formats: (range, formulas, fill colour)."""
    return [
        (str(cf.sqref), list(rule.formula), rule.dxf.fill.bgColor.rgb[-6:])
        for cf in ws.conditional_formatting
        for rule in cf.rules
    ]


@pytest.fixture(scope="module")
def run_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mal") / "avtal.xlsx"
    goals_book(path)
    assert main(["run", str(path), "--today", TODAY], out=io.StringIO()) == 0
    return path


def test_the_template_has_a_goal_sheet_with_dropdowns(tmp_path: Path) -> None:
    path = tmp_path / "mall.xlsx"
    build_workbook(path)
    ws = openpyxl.load_workbook(path)[schema.MAL]
    assert [c.value for c in ws[1]] == ["Mått", "Mål", "Riktning", "Period", "Kommentar"]
    lists = {
        str(dv.sqref).split(":")[0]: dv.formula1
        for dv in ws.data_validations.dataValidation
        if dv.type == "list"
    }
    assert lists == {"A2": "Lista_Mal_Matt", "C2": "Lista_Mal_Riktning"}


def test_uppnatt_is_green_or_red_wherever_the_run_put_the_table(run_book: Path) -> None:
    ws = openpyxl.load_workbook(run_book)[schema.OVERSIKT]
    found = verdicts(ws)
    # The table stands below the 40 suppliers; 40 audits this year, no deviation, 40 of 50.
    assert list(found.values()) == ["Ja", "Ja", "Nej"]
    assert min(int(cell[1:]) for cell in found) > FIRST_ROW + SUPPLIERS
    assert colours(ws) == [
        (RANGE, ['"Ja"'], "C6EFCE"),
        (RANGE, ['"Nej"'], "FFC7CE"),
    ]


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_keeps_the_colours_and_reads_the_table(run_book: Path, tmp_path: Path) -> None:
    rows = libreoffice_csv(run_book, tmp_path / "csv")[schema.OVERSIKT]
    at = rows.index([GOALS_TITLE] + [""] * (len(rows[0]) - 1))
    assert [r[:5] for r in rows[at + 1 : at + 5]] == [
        ["Mått", "Mål", "Utfall", "Uppnått", "Period"],
        ["Stickprov genomförda", "30", "40", "Ja", "2025"],
        ["Öppna avvikelser", "0", "0", "Ja", "2025"],
        ["Revisioner totalt", "50", "40", "Nej", "2025"],
    ]
    # LibreOffice understood the rules: saved again its own way, they are still there.
    saved = libreoffice_resave(run_book, tmp_path / "lo")
    again = openpyxl.load_workbook(saved)[schema.OVERSIKT]
    assert sorted((s, f) for s, f, _fill in colours(again)) == [
        (RANGE, ['"Ja"']),
        (RANGE, ['"Nej"']),
    ]


def test_a_second_run_finds_the_goal_table_as_it_left_it(run_book: Path, tmp_path: Path) -> None:
    copy = tmp_path / "avtal.xlsx"
    copy.write_bytes(run_book.read_bytes())
    out = io.StringIO()
    assert main(["run", str(copy), "--today", TODAY, "--json"], out=out) == 0
    assert json.loads(out.getvalue())["summary"]["written"] is False
    assert copy.read_bytes() == run_book.read_bytes()


@pytest.fixture(scope="module")
def earlier_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book from the earlier template, with a colour of the officer's own on `Översikt`,
    run once."""
    path = Path(shutil.copy(EARLIER_TEMPLATE, tmp_path_factory.mktemp("tidig") / "avtal.xlsx"))
    sheet = "xl/worksheets/sheet2.xml"
    rewrite_parts(
        path, {sheet: part(path, sheet).replace("<pageMargins", OWN_RULE + "<pageMargins")}
    )
    assert main(["run", str(path), "--today", TODAY], out=io.StringIO()) == 0
    return path


def test_a_book_from_an_earlier_template_gets_the_colours_beside_its_own(
    earlier_book: Path,
) -> None:
    ws = openpyxl.load_workbook(earlier_book)[schema.OVERSIKT]
    assert colours(ws)[1:] == [(RANGE, ['"Ja"'], "C6EFCE"), (RANGE, ['"Nej"'], "FFC7CE")]
    assert [(s, f) for s, f, _fill in colours(ws)[:1]] == [("B3:B20", ["10"])]
    assert OWN_RULE in part(earlier_book, "xl/worksheets/sheet2.xml")  # byte for byte


def test_the_next_run_adds_no_colour_again_and_writes_nothing(
    earlier_book: Path, tmp_path: Path
) -> None:
    copy = Path(shutil.copy(earlier_book, tmp_path / "avtal.xlsx"))
    out = io.StringIO()
    assert main(["run", str(copy), "--today", TODAY, "--json"], out=out) == 0
    assert json.loads(out.getvalue())["summary"]["written"] is False
    assert copy.read_bytes() == earlier_book.read_bytes()


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_keeps_the_colours_given_to_an_earlier_book(
    earlier_book: Path, tmp_path: Path
) -> None:
    saved = libreoffice_resave(earlier_book, tmp_path / "lo")
    again = openpyxl.load_workbook(saved)[schema.OVERSIKT]
    assert sorted((s, f) for s, f, _fill in colours(again)) == [
        ("B3:B20", ["10"]),
        (RANGE, ['"Ja"']),
        (RANGE, ['"Nej"']),
    ]


def conditions(fake: FakeBook) -> list[tuple[str, int | None, str, int | None, int | None]]:
    """`Översikt`'s conditional formats in the open book: (first cell, operator, formula, font
    colour, fill colour), first priority first."""
    sheet = fake.sheets[schema.OVERSIKT]
    found = sheet.api.Range("A1:XFD1048576").FormatConditions
    out = []
    for i in range(1, found.Count + 1):
        c = found.Item(i)
        r1, c1, _r2, _c2 = c.applies_to[0]
        first = f"{schema.column_letter(c1)}{r1}"
        out.append((first, c.operator, c.Formula1, c.Font.Color, c.Interior.Color))
    return out


def test_the_button_gives_an_earlier_book_the_colours_once(tmp_path: Path) -> None:
    path = Path(shutil.copy(EARLIER_TEMPLATE, tmp_path / "avtal.xlsx"))
    sheet = "xl/worksheets/sheet2.xml"
    rewrite_parts(
        path, {sheet: part(path, sheet).replace("<pageMargins", OWN_RULE + "<pageMargins")}
    )
    fake = FakeBook.open(path)
    run_button("uppdatera", fake, today=date(2025, 3, 14))
    # Excel's colour numbers are blue·65536 + green·256 + red: #006100 on #C6EFCE is Ja's.
    expected = [
        ("B3", 5, "=10", None, None),
        (f"D{FIRST_ROW}", 3, '="Ja"', 0x006100, 0xCEEFC6),
        (f"D{FIRST_ROW}", 3, '="Nej"', 0x06009C, 0xCEC7FF),
    ]
    assert conditions(fake) == expected
    run_button("uppdatera", fake, today=date(2025, 3, 14))
    assert conditions(fake) == expected


def test_the_button_adds_nothing_to_a_book_from_the_template(run_book: Path) -> None:
    fake = FakeBook.open(run_book)
    before = conditions(fake)
    run_button("uppdatera", fake, today=date(2025, 3, 14))
    assert [formula for _cell, _op, formula, *_ in before] == ['="Ja"', '="Nej"']
    assert conditions(fake) == before
