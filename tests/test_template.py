"""The template an officer starts from, checked with independent readers (openpyxl, LibreOffice)."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from libreoffice import libreoffice_csv, needs_libreoffice

from avtalsbok.core import overview, schema
from avtalsbok.core.settings import DEFINITIONS
from avtalsbok.workbook.template import (
    LISTS_SHEET,
    NOT_YET_RUN,
    PREPARED_ROWS,
    TEMPLATE_DAY,
    build_template,
    build_workbook,
    template_sheet,
)

COMMITTED = Path(__file__).resolve().parents[1] / "templates" / "avtalsbok.xlsx"
#: The data sheets as the template lays them out (`Kontroll` early on `Avtal`).
TEMPLATE = {name: template_sheet(name) for name in schema.DATA_SHEETS}
TABLE_SHEETS = {
    **{name: (sheet.table, [c.header for c in sheet.columns]) for name, sheet in TEMPLATE.items()},
    schema.UPPFOLJNINGSPLAN: ("Uppfoljningsplan", list(schema.PLAN_HEADERS)),
    schema.FEL: ("Fel", list(schema.FEL_HEADERS)),
}
FORMULA_LOOKING = '=HYPERLINK("x")'


def letter(sheet: schema.SheetDef, key: str) -> str:
    return schema.column_letter([c.key for c in sheet.columns].index(key) + 1)


def contracts() -> list[dict[str, Any]]:
    return [
        {
            "Avtals-ID": "A-001",
            "Avtalsnamn": FORMULA_LOOKING,
            "Leverantör": "Städbolaget AB",
            "Kategori": "Städ och hygien",
            "Startdatum": date(2024, 1, 15),
            "Slutdatum": date(2026, 1, 14),
            "Årsvärde (kr)": 1_200_000.0,
            "Sannolikhet (1-4)": 3,
            "Prioritet": 1,
            "Uppföljningsstatus": "Försenad (12 dagar)",
            "Kontroll": "OK",
        },
        {
            "Avtals-ID": "A-002",
            "Avtalsnamn": "-Livsmedel",
            "Leverantör": "@Grossisten",
            "Startdatum": "7 maj 2024",
            "Slutdatum": date(2027, 5, 6),
            "Årsvärde (kr)": "1 200 000 kr",
        },
        {
            "Avtals-ID": "A-003",
            "Avtalsnamn": "+IT-drift",
            "Leverantör": "Drift AB",
            "Startdatum": date(2023, 3, 1),
            "Slutdatum": date(2025, 2, 28),
        },
    ]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "avtalsbok.xlsx"
    build_template(path)
    return path


@pytest.fixture(scope="module")
def book(template: Path) -> Any:
    return openpyxl.load_workbook(template)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("filled") / "avtalsbok.xlsx"
    log = [
        {
            "Tidpunkt": datetime(2025, 1, 2, 8, 30),
            "Avvikelse-ID": "D-1",
            "Händelse": "Steg ändrat",
            "Från": "0 Dialog",
            "Till": "1 Åtgärdsplan",
        }
    ]
    build_workbook(path, {schema.AVTAL: contracts(), schema.HANDELSELOGG: log})
    return path


# --- reproducible -------------------------------------------------------------------------


def test_committed_template_is_a_fresh_build(template: Path) -> None:
    assert COMMITTED.read_bytes() == template.read_bytes()


def test_two_builds_are_identical(tmp_path: Path) -> None:
    data = {schema.AVTAL: contracts()}
    build_workbook(tmp_path / "a.xlsx", data)
    build_workbook(tmp_path / "b.xlsx", data)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


# --- the empty template ----------------------------------------------------------------------


def test_sheets_in_contract_order_and_lists_hidden(book: Any) -> None:
    assert book.sheetnames == [*schema.ALL_SHEETS, LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert all(book[name].sheet_state == "visible" for name in schema.ALL_SHEETS)
    assert book.properties.title == "Avtalsbok"


@pytest.mark.parametrize("name", TABLE_SHEETS)
def test_each_table_sheet_is_one_table_with_the_schema_headers(book: Any, name: str) -> None:
    ws = book[name]
    table_name, headers = TABLE_SHEETS[name]
    assert list(ws.tables) == [table_name]
    table = ws.tables[table_name]
    assert [c.name for c in table.tableColumns] == headers
    assert [cell.value for cell in ws[1]][: len(headers)] == headers
    # An empty table keeps one blank row for the officer to type in.
    rows = len(DEFINITIONS) if name == schema.INSTALLNINGAR else 1
    assert table.ref == f"A1:{schema.column_letter(len(headers))}{rows + 1}"
    assert ws.freeze_panes == ("C2" if name == schema.AVTAL else "A2")


def test_kontroll_stands_after_the_contracts_name_in_the_template(book: Any) -> None:
    """Only the template moves it: the schema (and so an officer's own book) keeps its order."""
    ws = book[schema.AVTAL]
    assert [ws[f"{c}1"].value for c in "ABCD"] == [
        "Avtals-ID",
        "Avtalsnamn",
        "Kontroll",
        "Leverantör",
    ]
    assert schema.AVTAL_SHEET.columns[-1].header == "Kontroll"


def test_every_input_header_shows_its_example_and_computed_ones_none(book: Any) -> None:
    """Excel shows a data validation's input message when the cell is selected: on the header
    and on every prepared row of an input column, with the schema's example."""
    for name in (schema.AVTAL, schema.UPPFOLJNINGAR, schema.AVVIKELSER):
        prompts: dict[str, str] = {}
        for dv in book[name].data_validations.dataValidation:
            for ref in str(dv.sqref).split():
                prompts[ref] = dv.prompt
        for i, col in enumerate(TEMPLATE[name].columns, start=1):
            c = schema.column_letter(i)
            if col.kind is schema.Kind.COMPUTED:
                assert f"{c}1" not in prompts and f"{c}2:{c}{PREPARED_ROWS}" not in prompts
                continue
            wanted = f"Exempel: {col.example}"
            assert wanted in prompts[f"{c}1"], (name, col.header)
            assert prompts[f"{c}2:{c}{PREPARED_ROWS}"] == prompts[f"{c}1"], (name, col.header)
    assert book[schema.AVVIKELSER]["A1"].value == "Avvikelse-ID"
    step = [dv for dv in book[schema.AVVIKELSER].data_validations.dataValidation if dv.type]
    assert "Välj i listan. Exempel: 2 Skriftlig varning" in [dv.prompt for dv in step]


def test_every_choice_column_has_its_dropdown(book: Any) -> None:
    lists = book[LISTS_SHEET]
    checked = 0
    for name, sheet in TEMPLATE.items():
        validations = book[name].data_validations.dataValidation
        for col in sheet.columns:
            if not col.choices:
                continue
            col_letter = letter(sheet, col.key)
            wanted = f"{col_letter}2:{col_letter}{PREPARED_ROWS}"
            [dv] = [dv for dv in validations if wanted in str(dv.sqref)]
            assert dv.type == "list"
            target = book.defined_names[dv.formula1].attr_text
            list_sheet, cells = target.split("!")
            assert list_sheet == LISTS_SHEET
            values = [str(row[0].value) for row in lists[cells.replace("$", "")]]
            assert values == list(col.choices)
            suggestion = col.choices in (schema.CATEGORIES, schema.STEPS)
            assert dv.errorStyle == ("warning" if suggestion else None)  # None = stop
            checked += 1
    assert checked == sum(1 for s in TEMPLATE.values() for c in s.columns if c.choices)


def test_header_comments_mark_computed_and_required_columns(book: Any) -> None:
    for name, sheet in TEMPLATE.items():
        ws = book[name]
        for i, col in enumerate(sheet.columns, start=1):
            comment = ws.cell(row=1, column=i).comment
            if col.kind is schema.Kind.COMPUTED:
                assert comment.text.startswith(schema.COMPUTED_NOTE), (name, col.header)
            elif col.required:
                assert comment.text.startswith("Obligatorisk"), (name, col.header)
    assert "fylls bara på" in book[schema.HANDELSELOGG]["A1"].comment.text


def rules(ws: Any) -> dict[str, list[str]]:
    return {
        str(cf.sqref): [f for r in cf.rules for f in r.formula] for cf in ws.conditional_formatting
    }


def test_colour_rules_read_the_computed_columns(book: Any) -> None:
    avtal = TEMPLATE[schema.AVTAL]
    last = schema.column_letter(len(avtal.columns))
    check, status, contract = (
        letter(avtal, k) for k in ("check", "follow_up_status", "contract_status")
    )
    found = rules(book[schema.AVTAL])
    assert found[f"A2:{last}{PREPARED_ROWS}"] == [f'AND(${check}2<>"",${check}2<>"OK")']
    assert found[f"{status}2:{status}{PREPARED_ROWS}"] == [
        f'LEFT(${status}2,8)="Försenad"',
        f'LEFT(${status}2,4)="Inom"',
    ]
    assert f'${contract}2="Upphört"' in found[f"{contract}2:{contract}{PREPARED_ROWS}"]

    dev = TEMPLATE[schema.AVVIKELSER]
    overdue = letter(dev, "overdue")
    dev_last = schema.column_letter(len(dev.columns))
    assert rules(book[schema.AVVIKELSER])[f"A2:{dev_last}{PREPARED_ROWS}"] == [f'${overdue}2="Ja"']
    level = schema.column_letter(schema.FEL_HEADERS.index("Nivå") + 1)
    fel_last = schema.column_letter(len(schema.FEL_HEADERS))
    assert rules(book[schema.FEL])[f"A2:{fel_last}{PREPARED_ROWS}"] == [
        f'${level}2="Fel"',
        f'${level}2="Varning"',
    ]
    assert rules(book[schema.UPPFOLJNINGAR])


def test_overview_shows_the_empty_grid_with_no_date_until_the_first_run(book: Any) -> None:
    ws = book[schema.OVERSIKT]
    grid = overview.empty_grid(TEMPLATE_DAY)
    width = max(len(r) for r in grid)
    got = [list(r) for r in ws.iter_rows(max_row=len(grid), max_col=width, values_only=True)]
    assert got[1][:2] == ["Referensdatum (Idag)", NOT_YET_RUN]
    assert got[2][:2] == ["Beräknad", NOT_YET_RUN]
    first, last = overview.block_positions()["Planerade uppföljningar per månad"]
    assert [got[r - 1][:2] for r in range(first, last + 1)] == [[None, 0]] * 12
    dated = [v for row in got for v in row if isinstance(v, date)]
    assert dated == []
    # Everything else is the engine's empty grid.
    for r in (0, *range(3, first - 1), *range(last, len(grid))):
        assert got[r] == list(grid[r]) + [None] * (width - len(grid[r])), r


def test_overview_has_one_native_chart_per_spec(template: Path) -> None:
    specs = overview.charts()
    with zipfile.ZipFile(template) as z:
        names = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(names) == len(specs)
        for i, spec in enumerate(specs, start=1):
            xml = z.read(f"xl/charts/chart{i}.xml").decode()
            assert f"<c:f>{spec.categories.removeprefix('=')}</c:f>" in xml
            assert f"<c:f>{spec.values.removeprefix('=')}</c:f>" in xml
            assert xml.count("<c:ser>") == 1
            assert "<c:legend>" not in xml
            assert f'<c:barDir val="{"col" if spec.kind == "column" else "bar"}"/>' in xml


def test_settings_sheet_lists_every_default(book: Any) -> None:
    rows = list(book[schema.INSTALLNINGAR].iter_rows(min_row=2, values_only=True))
    expected = [
        (d.key, None if d.default_text in (None, "") else d.default_text, d.description)
        for d in DEFINITIONS
    ]
    assert rows == expected


def test_instructions_cover_sheets_and_buttons_and_say_the_buttons_do_not_save(
    book: Any,
) -> None:
    lines = [str(c.value) for c in book[schema.INSTRUKTIONER]["A"] if c.value]
    text = "\n".join(lines)
    for word in (
        *schema.ALL_SHEETS,
        "Kontrollera",
        "Skapa rapport",
        "Skicka rapport",
        "Visa fel",
        schema.COMPUTED_NOTE,
        "Eskaleringstrappan",
        "Knapparna sparar inte boken. Spara själv med Ctrl+S",
    ):
        assert word in text, word
    buttons = [line for line in lines if line.startswith("• ") and ":" in line][:5]
    assert [line[2:].split(":")[0].split(" (")[0] for line in buttons] == [
        "Uppdatera",
        "Kontrollera",
        "Skapa rapport",
        "Skicka rapport",
        "Visa fel",
    ]
    assert "räknar inte om" in buttons[1]


def test_instructions_point_to_nothing_an_officer_does_not_have(book: Any) -> None:
    text = "\n".join(str(c.value) for c in book[schema.INSTRUKTIONER]["A"] if c.value)
    assert not re.search(r"docs/|\.md\b|avtalsbok (run|check|batch)|kommandorad", text)
    assert "sammanfattning per körning" not in text  # Händelselogg logs no such thing


def test_the_help_line_links_to_the_help_page_setting(book: Any, tmp_path: Path) -> None:
    (cell,) = [c for c in book[schema.INSTRUKTIONER]["A"] if str(c.value).startswith("=")]
    assert "MATCH(\"Hjälpsida\",'Inställningar'!$A$1:$A$500,0)" in cell.value
    assert "HYPERLINK(" in cell.value

    link = "https://intranat.kommun.se/avtal"
    rows = [{"Inställning": "Hjälpsida", "Värde": link}]
    build_workbook(tmp_path / "x.xlsx", {schema.INSTALLNINGAR: rows})
    shown = openpyxl.load_workbook(tmp_path / "x.xlsx", data_only=True)[schema.INSTRUKTIONER]
    assert f"Organisationens hjälpsida: {link}" in [c.value for c in shown["A"]]


# --- a filled book ----------------------------------------------------------------------------


def test_rows_are_written_under_the_header_as_values(filled: Path) -> None:
    wb = openpyxl.load_workbook(filled)
    ws = wb[schema.AVTAL]
    avtal = TEMPLATE[schema.AVTAL]
    last = schema.column_letter(len(avtal.columns))
    assert ws.tables["Avtal"].ref == f"A1:{last}4"
    name = ws[f"{letter(avtal, 'name')}2"]
    assert (name.value, name.data_type) == (FORMULA_LOOKING, "s")
    for row, text in ((3, "-Livsmedel"), (4, "+IT-drift")):
        assert ws[f"{letter(avtal, 'name')}{row}"].data_type == "s"
        assert ws[f"{letter(avtal, 'name')}{row}"].value == text
    assert ws[f"{letter(avtal, 'supplier')}3"].value == "@Grossisten"

    start = ws[f"{letter(avtal, 'start')}2"]
    assert (start.value, start.number_format) == (datetime(2024, 1, 15), "yyyy-mm-dd")
    assert ws[f"{letter(avtal, 'start')}3"].value == "7 maj 2024"  # text stays text
    value = ws[f"{letter(avtal, 'annual_value')}2"]
    assert (value.value, value.number_format) == (1_200_000, "#,##0")
    assert ws[f"{letter(avtal, 'probability')}2"].value == 3
    computed = ws[f"{letter(avtal, 'follow_up_status')}2"]
    assert computed.fill.fgColor.rgb == "FFEDEDED" and computed.font.italic
    assert ws[f"{letter(avtal, 'contract_id')}5"].value is None

    log = wb[schema.HANDELSELOGG]["A2"]
    assert (log.value, log.number_format) == (datetime(2025, 1, 2, 8, 30), "yyyy-mm-dd hh:mm")
    # Sheets not given keep their template content.
    assert wb[schema.INSTALLNINGAR]["A2"].value == DEFINITIONS[0].key


def test_today_feeds_the_overview(tmp_path: Path) -> None:
    build_workbook(tmp_path / "x.xlsx", today=date(2024, 5, 7))
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")[schema.OVERSIKT]
    grid = overview.empty_grid(date(2024, 5, 7))
    assert ws["B2"].value == datetime(2024, 5, 7)
    first_month = overview.block_positions()["Planerade uppföljningar per månad"][0]
    assert ws.cell(row=first_month, column=1).value == grid[first_month - 1][0] == "maj 2024"


def test_unknown_sheet_or_header_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Avtalen"):
        build_workbook(tmp_path / "x.xlsx", {"Avtalen": []})
    with pytest.raises(ValueError, match="Avtalsnummer"):
        build_workbook(tmp_path / "x.xlsx", {schema.AVTAL: [{"Avtalsnummer": "A-1"}]})


# --- LibreOffice --------------------------------------------------------------------------------


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_reads_settings_and_contracts(filled: Path, tmp_path: Path) -> None:
    sheets = libreoffice_csv(filled, tmp_path)

    settings = sheets[schema.INSTALLNINGAR]
    assert settings[0] == ["Inställning", "Värde", "Beskrivning"]
    expected = []
    for d in DEFINITIONS:
        default = d.default_text
        shown = (
            ""
            if default is None
            else f"{default:g}"
            if isinstance(default, float)
            else str(default)
        )
        expected.append([d.key, shown, d.description])
    assert settings[1:] == expected

    avtal = sheets[schema.AVTAL]
    headers = [c.header for c in TEMPLATE[schema.AVTAL].columns]
    assert avtal[0] == headers
    first = dict(zip(headers, avtal[1], strict=True))
    assert first["Avtalsnamn"] == FORMULA_LOOKING
    assert first["Startdatum"] == "2024-01-15"
    assert first["Årsvärde (kr)"] == "1200000"
    assert first["Uppföljningsstatus"] == "Försenad (12 dagar)"
    assert [row[1] for row in avtal[1:4]] == [FORMULA_LOOKING, "-Livsmedel", "+IT-drift"]


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_follows_the_help_page_set_after_the_build(
    template: Path, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(template)
    keys = [c.value for c in wb[schema.INSTALLNINGAR]["A"]]
    wb[schema.INSTALLNINGAR].cell(
        keys.index("Hjälpsida") + 1, 2, "https://intranat.kommun.se/avtal"
    )
    wb.save(tmp_path / "med-länk.xlsx")
    lines = [
        r[0] for r in libreoffice_csv(tmp_path / "med-länk.xlsx", tmp_path)["Instruktioner"] if r
    ]
    assert "Organisationens hjälpsida: https://intranat.kommun.se/avtal" in lines
