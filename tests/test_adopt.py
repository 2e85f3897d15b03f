"""An officer's own register made an avtalsbok: `avtalsbok init` on the file, `Gör till avtalsbok`
on the ribbon of the add-in (the fake Excel, the active workbook as caller), then `Uppdatera`."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings
from fakevalues import parse_cell
from fakexw import FakeApp, FakeBook
from openpyxl.styles import Font

from avtalsbok import cli
from avtalsbok.core import overview, schema
from avtalsbok.excel import handlers
from avtalsbok.excel.handlers import STATUS_CELL, run_button
from avtalsbok.workbook.addin import ADDIN_NAME, CONF_SHEET
from avtalsbok.workbook.adopt import ADOPTED_SHEETS
from avtalsbok.workbook.runner import process

TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, 9, 30)
SOURCE = "test (officer)"
#: The register as an officer keeps it: their headers (aliases among them), their order, their
#: own columns (a note, a formula), a sheet of their own.
HEADERS = [
    "Leverantör",
    "Benämning",
    "Vår notering",
    "Avtalsnummer",
    "Avtalsstart",
    "Avtalsslut",
    "Årsvärde",
    "Ansvarig",
    "Dubbla värdet",
]
ROWS = [
    ["Kontorsvaror AB", "Kontorsmaterial", "ring Eva", "A-1", date(2024, 1, 1), date(2027, 12, 31)],
    ["Städ & Co", "Lokalvård", None, "A-2", date(2025, 3, 1), date(2026, 12, 31)],
]
COMPUTED = [c.header for c in schema.AVTAL_SHEET.computed_columns]


def register(path: Path, headers: list[str] = HEADERS, sheet: str = "Avtal") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(headers)
    for r, row in enumerate(ROWS, start=2):
        ws.append([*row, 250000 * r, "Eva", f"=G{r}*2"][: len(headers)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.column_dimensions["B"].width = 30
    ws.freeze_panes = "A2"
    book.create_sheet("Mina anteckningar")["A1"] = "privat"
    book.save(path)
    return path


def register_with_own_plan(path: Path, *more_sheets: str) -> Path:
    """A register with its own `Prioritet` (J2: A) and its own sheet `Uppföljningsplan` (not the
    plan's headers), and `more_sheets`, each with a header of its name."""
    register(path, [*HEADERS, "Prioritet"])
    book = openpyxl.load_workbook(path)
    book["Avtal"]["J2"] = "A"
    book.create_sheet("Uppföljningsplan").append(["Vecka", "Vad", "Vem"])
    for name in more_sheets:
        book.create_sheet(name).append([name])
    book.save(path)
    return path


def move_workbook_part(path: Path) -> None:
    """The workbook part under another name, found through the package's relationships: valid,
    but calamine looks for xl/workbook.xml and gives up ("Cannot detect file format")."""
    moved = {"xl/workbook.xml": "xl/bok.xml", "xl/_rels/workbook.xml.rels": "xl/_rels/bok.xml.rels"}
    parts = entries(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            if name in ("[Content_Types].xml", "_rels/.rels"):
                data = data.replace(b"xl/workbook.xml", b"xl/bok.xml")
            z.writestr(moved.get(name, name), data)


def init(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(["init", str(path), "--today", TODAY.isoformat()], out=out), out.getvalue()


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def header_row(path: Path, sheet: str = "Avtal") -> list[Any]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [c.value for c in ws[1]]


# --- avtalsbok init ------------------------------------------------------------------------


def test_init_adds_what_is_missing_and_leaves_every_byte_the_officer_owns(tmp_path: Path) -> None:
    path = register(tmp_path / "register.xlsx")
    before = entries(path)
    code, said = init(path)
    after = entries(path)

    assert code == 0 and "är nu en avtalsbok" in said
    assert header_row(path) == HEADERS + COMPUTED  # theirs first, as they were; ours after
    assert openpyxl.load_workbook(path).sheetnames == [
        "Avtal",
        "Mina anteckningar",
        *(s for s in ADOPTED_SHEETS if s != schema.AVTAL),
    ]
    # Only the parts that say which sheets there are, the dates' style and Avtal are rewritten;
    # their own sheet and everything else is copied byte for byte.
    rewritten = {
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
    }
    assert {n for n in before if before[n] != after[n]} == rewritten
    # In Avtal, every cell they had stands exactly as it stood, and so does all around it.
    old, new = (e["xl/worksheets/sheet1.xml"].decode() for e in (before, after))
    cells = re.findall(r"<c [^>]*?(?:/>|>.*?</c>)", old)
    assert len(cells) == len(HEADERS) * 3 - 1 and all(c in new for c in cells)  # 1 blank
    last = schema.column_letter(len(HEADERS) + len(COMPUTED))  # their columns, then ours
    assert (
        old.split("<sheetData>")[0].replace("A1:I3", f"A1:{last}3") == new.split("<sheetData>")[0]
    )
    mine = openpyxl.load_workbook(path)["Avtal"]
    assert [c.font.bold for c in mine[1]][: len(HEADERS)] == [True] * len(HEADERS)
    assert mine["I2"].value == "=G2*2" and mine.column_dimensions["B"].width == 30


def test_the_new_overview_colours_uppnatt_as_the_templates_does(tmp_path: Path) -> None:
    path = register(tmp_path / "register.xlsx")
    init(path)
    ws = openpyxl.load_workbook(path)[schema.OVERSIKT]
    first_row = overview.verdict_column()[0]
    assert [
        (str(cf.sqref), list(rule.formula), rule.dxf.fill.bgColor.rgb)
        for cf in ws.conditional_formatting
        for rule in cf.rules
    ] == [
        (f"D{first_row}:D1048576", ['"Ja"'], "FFC6EFCE"),
        (f"D{first_row}:D1048576", ['"Nej"'], "FFFFC7CE"),
    ]


def test_the_new_sheets_hold_what_the_template_holds(tmp_path: Path) -> None:
    path = register(tmp_path / "register.xlsx")
    init(path)
    book = openpyxl.load_workbook(path)
    for name in (schema.UPPFOLJNINGAR, schema.AVVIKELSER, schema.HANDELSELOGG):
        assert [c.value for c in book[name][1]] == [
            c.header for c in schema.DATA_SHEETS[name].columns
        ]
    settings = {row[0]: row[1] for row in book[schema.INSTALLNINGAR].iter_rows(values_only=True)}
    assert settings["Inställning"] == "Värde" and len(settings) > 10
    assert book[schema.INSTRUKTIONER]["A1"].value == "Avtalsbok – instruktioner"
    assert "Avvikelser: Allvarlighetsgrad" in [c.value for c in book["Listor"][1]]


def test_a_second_init_writes_nothing(tmp_path: Path) -> None:
    path = register(tmp_path / "register.xlsx")
    init(path)
    bytes_before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    code, said = init(path)
    assert (code, said.strip()) == (0, f"{path} är redan en avtalsbok: inget ändrades.")
    assert path.read_bytes() == bytes_before and path.stat().st_mtime_ns == stamp


def test_a_book_calamine_cannot_open_is_adopted_from_what_openpyxl_read(tmp_path: Path) -> None:
    path = register(tmp_path / "register.xlsx")
    move_workbook_part(path)
    code, said = init(path)
    assert code == 0 and said.startswith(f"{path} är nu en avtalsbok.")
    assert "Mina anteckningar" in openpyxl.load_workbook(path).sheetnames
    assert init(path)[1].strip() == f"{path} är redan en avtalsbok: inget ändrades."


def test_a_registers_own_follow_up_plan_sheet_read_by_openpyxl_does_not_make_it_an_avtalsbok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As below, in a book calamine cannot open: its sheets are read by openpyxl, and the plan
    # sheet's header row still decides.
    path = register_with_own_plan(tmp_path / "register.xlsx")
    move_workbook_part(path)
    before = path.read_bytes()
    assert init(path)[0] == 2
    assert "Kolumn J på bladet Avtal, ”Prioritet”, har egna värden på 1 rad" in (
        capsys.readouterr().err
    )
    assert path.read_bytes() == before


def settings_of(path: Path) -> dict[Any, Any]:
    ws = openpyxl.load_workbook(path)[schema.INSTALLNINGAR]
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True)}


def test_init_proposes_today_as_the_day_follow_ups_are_counted_from(tmp_path: Path) -> None:
    path = register(tmp_path / "register.xlsx")
    code, said = init(path)
    assert code == 0
    assert "Inställningen Uppföljningar räknas från: 2026-11-02. Avtal utan registrerad" in said
    assert settings_of(path)["Uppföljningar räknas från"] == datetime(2026, 11, 2)
    # A-1 started in January 2024 and was never followed up: planned from the day the book
    # began, not from 2024 (whatever its tier, that would be overdue on day one).
    result = process(path, today=TODAY, now=NOW, source=SOURCE).result
    assert result is not None
    (a1,) = [s for s in result.states if s.contract.contract_id == "A-1"]
    assert not (a1.schedule.follow_up_status or "").startswith("Försenad")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["Uppföljningar räknas från", date(2024, 5, 2)]], datetime(2024, 5, 2)),  # theirs
        ([["Uppföljningar räknas från", None], ["Idag", None]], datetime(2026, 11, 2)),  # blank
        ([["Idag", None]], datetime(2026, 11, 2)),  # missing: a row of its own below
    ],
)
def test_init_fills_the_setting_only_where_the_officer_left_it_blank(
    rows: list[list[Any]], expected: datetime, tmp_path: Path
) -> None:
    path = register(tmp_path / "register.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book.create_sheet(schema.INSTALLNINGAR)
    ws.append(["Inställning", "Värde"])
    for row in rows:
        ws.append(row)
    book.save(path)
    code, said = init(path)
    assert code == 0 and settings_of(path)["Uppföljningar räknas från"] == expected
    assert ("Uppföljningar räknas från: 2026-11-02" in said) == (expected.year == 2026)
    assert settings_of(path).get("Idag", "kvar") in (None, "kvar")


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_a_book_made_from_the_template_already_is_an_avtalsbok(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"ny{suffix}"
    assert cli.main(["new", str(path)], out=io.StringIO()) == 0
    before = path.read_bytes()
    assert init(path) == (0, f"{path} är redan en avtalsbok: inget ändrades.\n")
    assert path.read_bytes() == before


def test_columns_are_found_by_name_and_alias_and_never_moved(tmp_path: Path) -> None:
    # `kontroll ` (their spelling) is the computed Kontroll column, in the middle, kept there
    # (empty: values of their own there would stop the adoption).
    headers = [*HEADERS[:2], " kontroll ", *HEADERS[2:]]
    path = register(tmp_path / "register.xlsx", headers)
    book = openpyxl.load_workbook(path)
    book["Avtal"]["C2"] = book["Avtal"]["C3"] = None
    book.save(path)
    assert init(path)[0] == 0
    assert header_row(path) == headers + [h for h in COMPUTED if h != "Kontroll"]


def test_a_register_with_its_own_values_in_a_computed_column_is_not_adopted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Their own "Prioritet" (A/B/C) would be replaced by the engine's 1–3 on the first run.
    path = register(tmp_path / "register.xlsx", [*HEADERS, "prioritet"])
    book = openpyxl.load_workbook(path)
    book["Avtal"]["J2"], book["Avtal"]["J3"] = "A", "B"
    book.save(path)
    before = path.read_bytes()
    assert init(path)[0] == 2
    said = capsys.readouterr().err
    assert "Kolumn J på bladet Avtal, ”prioritet”, har egna värden på 2 rader" in said
    assert "Byt namn på kolumnen (till exempel ”prioritet (egen)”)" in said
    assert path.read_bytes() == before
    book = openpyxl.load_workbook(path)
    book["Avtal"]["J1"] = "Prioritet (egen)"
    book.save(path)
    assert init(path)[0] == 0
    assert header_row(path)[9] == "Prioritet (egen)"
    assert process(path, today=TODAY).written
    assert [c.value for c in openpyxl.load_workbook(path)["Avtal"]["J"][1:3]] == ["A", "B"]


def test_an_avtalsbok_that_has_been_run_keeps_its_computed_values_through_init(
    tmp_path: Path,
) -> None:
    path = register(tmp_path / "register.xlsx")
    assert init(path)[0] == 0
    assert process(path, today=TODAY).written  # its computed columns now hold values
    assert init(path)[0] == 0
    book = openpyxl.load_workbook(path)
    del book["Fel"]  # the officer did not want to see it
    book.save(path)
    assert init(path)[0] == 0 and "Fel" in openpyxl.load_workbook(path).sheetnames


def test_a_registers_own_follow_up_plan_sheet_does_not_make_it_an_avtalsbok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = register_with_own_plan(tmp_path / "register.xlsx", "Fel")
    assert init(path)[0] == 2
    assert "Kolumn J på bladet Avtal, ”Prioritet”, har egna värden på 1 rad" in (
        capsys.readouterr().err
    )


def test_a_blank_sheet_named_avtal_gets_the_templates_header_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active.title = "avtal"
    path = tmp_path / "ny.xlsx"
    book.save(path)
    init(path)
    assert header_row(path, "avtal") == [c.header for c in schema.AVTAL_SHEET.columns]
    assert process(path, today=TODAY, now=NOW, source=SOURCE).findings == []


def test_a_book_without_avtal_is_not_touched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = register(tmp_path / "register.xlsx", sheet="Blad1")
    before = path.read_bytes()
    code, _said = init(path)
    assert code == 2 and "Bladet Avtal saknas i arbetsboken." in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_chart_sheet_named_fel_is_said_by_init_and_run_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl.chart import BarChart, Reference

    path = register(tmp_path / "register.xlsx")
    book = openpyxl.load_workbook(path)
    chart = BarChart()
    chart.add_data(Reference(book["Avtal"], min_col=7, min_row=1, max_row=3))
    book.create_chartsheet("fel").add_chart(chart)
    book.save(path)
    before = path.read_bytes()
    assert init(path)[0] == 2
    assert cli.main(["run", str(path)], out=io.StringIO()) == 2
    said = capsys.readouterr().err
    assert "Bladet fel kan inte användas: det är ett diagramblad" in said
    assert path.read_bytes() == before


def test_a_sheet_used_to_its_last_columns_is_said_and_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = register(tmp_path / "register.xlsx")
    book = openpyxl.load_workbook(path)
    book["Avtal"].cell(1, 16_380).value = "längst ut"
    book.save(path)
    before = path.read_bytes()
    assert init(path)[0] == 2
    said = f"Bladet Avtal används ända till kolumn XEZ, så {len(COMPUTED)} kolumner som saknas"
    assert said in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_book_open_in_excel_is_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = register(tmp_path / "register.xlsx")
    (tmp_path / "~$register.xlsx").write_bytes(b"\x0aEva Svensson".ljust(165, b" "))
    before = path.read_bytes()
    code, _said = init(path)
    assert code == 2 and "ändrades inte" in capsys.readouterr().err
    assert path.read_bytes() == before


# --- the ribbon of the add-in, in the fake Excel ---------------------------------------------


@pytest.fixture
def excel(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeApp, FakeBook]:
    """Excel with the add-in loaded; a click hands Python the active workbook."""
    app = FakeApp()
    addin = FakeBook.blank(CONF_SHEET, fullname=ADDIN_NAME, app=app, addin=True)
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(app.addin_caller))
    return app, addin


def click(name: str) -> None:
    """A click on the ribbon: `handlers.<name>()` as RunPython runs it, the day held fixed."""
    run_button(name, today=TODAY, now=NOW, source=SOURCE)


def test_the_ribbon_makes_a_register_an_avtalsbok_that_uppdatera_fills_as_run_does(
    tmp_path: Path, excel: tuple[FakeApp, FakeBook]
) -> None:
    app, addin = excel
    path = register(tmp_path / "register.xlsx")
    officer = FakeBook.open(path, app)
    theirs = {k: v for k, v in officer.values()["Avtal"].items()}
    click("gor_till_avtalsbok")
    click("uppdatera")

    by_file = Path(shutil.copy(path, tmp_path / "by-file.xlsx"))
    assert init(by_file)[0] == 0
    assert process(by_file, today=TODAY, now=NOW, source=SOURCE).written
    file_values = FakeBook.open(by_file).values()

    ribbon_values = officer.values()
    assert ribbon_values[schema.OVERSIKT].pop(parse_cell(STATUS_CELL)).startswith("Uppdaterad ")
    assert list(ribbon_values) == list(file_values)
    for sheet in ribbon_values:
        assert ribbon_values[sheet] == file_values[sheet], sheet
    assert all(ribbon_values["Avtal"][k] == v for k, v in theirs.items())
    assert ribbon_values["Avtal"][(2, len(HEADERS) + 1)] in (1.0, 2.0, 3.0)  # Prioritet filled
    assert addin.writes == [] and addin.reads == []
    (_title, prompt, mode), *_ = app.alerts
    assert prompt.startswith("”register.xlsx” är nu en avtalsbok. Tillagt:") and mode == "info"


def test_the_ribbon_on_a_book_without_avtal_says_so_and_touches_nothing(
    excel: tuple[FakeApp, FakeBook],
) -> None:
    app, addin = excel
    book = FakeBook.blank("Blad1", fullname="Bok1", app=app)
    for name in ("uppdatera", "gor_till_avtalsbok"):
        click(name)
    assert [(title, mode) for title, _prompt, mode in app.alerts] == [
        ("Avtalsbok – Uppdatera", "critical"),
        ("Avtalsbok – Gör till avtalsbok", "critical"),
    ]
    assert all("”Bok1” är ingen avtalsbok: bladet Avtal saknas" in p for _t, p, _m in app.alerts)
    assert book.reads == book.writes == addin.reads == addin.writes == []


def test_the_ribbon_works_on_whichever_book_is_active(
    tmp_path: Path, excel: tuple[FakeApp, FakeBook]
) -> None:
    app, _addin = excel
    first = FakeBook.open(register(tmp_path / "a.xlsx"), app)
    second = FakeBook.open(register(tmp_path / "b.xlsx"), app)
    click("gor_till_avtalsbok")
    assert first.writes == [] and second.writes
    first.activate()
    click("gor_till_avtalsbok")
    assert first.writes and [s.name for s in first.sheets] == [s.name for s in second.sheets]
    writes = len(first.writes)
    click("gor_till_avtalsbok")
    assert len(first.writes) == writes
    assert app.alerts[-1][1] == "”a.xlsx” är redan en avtalsbok: inget behövde läggas till."
    handlers.visa_fel()
    assert first.sheets.active.name == schema.FEL


def test_the_ribbon_saves_the_report_beside_the_active_book_not_the_addin(
    tmp_path: Path, excel: tuple[FakeApp, FakeBook]
) -> None:
    app, addin = excel
    path = register(tmp_path / "register.xlsx")
    assert init(path)[0] == 0
    FakeBook.open(path, app)
    click("skapa_rapport")
    report = tmp_path / "register – rapport 2026-11-02.xlsx"
    assert report.is_file() and openpyxl.load_workbook(report).sheetnames
    assert app.alerts[-1][1].startswith(f"Rapporten är sparad här:\n{report}")
    assert addin.reads == addin.writes == []


def test_a_register_checked_with_kontrollera_can_then_be_made_an_avtalsbok(
    tmp_path: Path, excel: tuple[FakeApp, FakeBook]
) -> None:
    # Kontrollera wrote each row's Kontroll (OK) and the sheets Fel and Översikt: those values
    # are the engine's, not the officer's, and do not stop Gör till avtalsbok.
    app, _addin = excel
    officer = FakeBook.open(register(tmp_path / "register.xlsx"), app)
    click("kontrollera")
    assert officer.values()["Avtal"][(2, len(HEADERS) + 1)] == "OK"
    click("gor_till_avtalsbok")
    _title, prompt, mode = app.alerts[-1]
    assert prompt.startswith("”register.xlsx” är nu en avtalsbok. Tillagt:"), prompt
    assert mode == "info"


def test_a_second_column_under_a_computed_header_is_not_the_one_a_run_fills(
    tmp_path: Path,
) -> None:
    # A run fills the first `Prioritet` (J, empty); the officer's values in the second (K) stay.
    path = register(tmp_path / "register.xlsx", [*HEADERS, "Prioritet", "prioritet "])
    book = openpyxl.load_workbook(path)
    book["Avtal"]["K2"], book["Avtal"]["K3"] = "A", "B"
    book.save(path)
    assert init(path)[0] == 0
    assert process(path, today=TODAY).written
    assert [c.value for c in openpyxl.load_workbook(path)["Avtal"]["K"][1:3]] == ["A", "B"]


def test_the_ribbon_does_not_take_a_registers_own_follow_up_plan_sheet_for_an_avtalsbok(
    tmp_path: Path, excel: tuple[FakeApp, FakeBook]
) -> None:
    # As init: their own Uppföljningsplan (not the plan's headers) does not let the ribbon
    # replace their own Prioritet on the first Uppdatera.
    app, _addin = excel
    path = register_with_own_plan(tmp_path / "register.xlsx")
    officer = FakeBook.open(path, app)
    click("gor_till_avtalsbok")
    _title, prompt, mode = app.alerts[-1]
    assert mode == "critical", prompt
    assert "Kolumn J på bladet Avtal, ”Prioritet”, har egna värden på 1 rad" in prompt
    assert officer.writes == []
