"""Issue #15, point 6: a value an officer typed into a computed column is a warning at its cell
before the run overwrites it; what the engine wrote itself never is."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fakexw import FakeBook
from helpers import TODAY, contract, deviation, follow_up, run

from avtalsbok.core import schema
from avtalsbok.core.engine import Result
from avtalsbok.excel.handlers import run_button
from avtalsbok.workbook.runner import process
from avtalsbok.workbook.template import build_workbook, template_sheet

CODE = "typed-in-computed"


def typed_in(result: Result) -> list[tuple[str | None, int | None, str | None]]:
    return [(f.sheet, f.row, f.header) for f in result.findings if f.code == CODE]


def message(result: Result) -> str:
    (found,) = [f.message for f in result.findings if f.code == CODE]
    return found


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Nästa uppföljning", "snart"),  # text in a date column
        ("Förlängningar kvar", "två"),  # text in a number column
        ("Prioritet", 7),  # a number no tier has
        ("Högsta steg", 5),
        ("Prioritetsgrund", 12),  # a number in a text column
        ("Uppföljningsform", date(2025, 1, 1)),  # a date in a text column
        ("Nästa uppföljningstyp", True),
        ("Avtalsstatus", "Pausad"),  # not one of the statuses
        ("Uppföljningsstatus", "Försenad"),  # the engine says how late
        ("Kontroll", "Ring Eva om fakturan"),
    ],
)
def test_what_the_engine_never_writes_is_a_warning_at_its_cell(header: str, value: Any) -> None:
    result = run([{**contract(), header: value}])
    assert typed_in(result) == [("Avtal", 2, header)]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Nästa uppföljning", date(2025, 6, 1)),  # a date over a date: indistinguishable
        ("Nästa uppföljning", datetime(2025, 6, 1)),
        ("Nästa uppföljning", 45809),  # a date cell that lost its date format
        ("Öppna avvikelser", date(1900, 1, 3)),  # a number column formatted as dates
        ("Prioritet", 3),
        ("Prioritet", 2.0),
        ("Högsta steg", 0),
        ("Avtalsstatus", "Löper ut"),
        ("Uppföljningsstatus", "Försenad (1 dag)"),
        ("Uppföljningsstatus", "Inom 45 dagar"),
        ("Uppföljningsstatus", "Ingen – avtalet upphör"),
        ("Kontroll", "OK"),
        ("Kontroll", "Varning – Nästa uppföljning: …"),
        ("Prioritetsgrund", "Vad som helst i text"),
        ("Kontroll", None),
        ("Kontroll", ""),
        ("Nästa uppföljning", "   "),
    ],
)
def test_what_the_engine_may_have_written_and_blank_cells_are_not(header: str, value: Any) -> None:
    assert typed_in(run([{**contract(), header: value}])) == []


@pytest.mark.parametrize(
    ("header", "value", "flagged"),
    [
        ("Dagar öppen", "många", True),
        ("Försenad", "Kanske", True),
        ("Försenad", "Ja", False),
        ("Sanktionsrisk", "Ja – inget nytt steg på 70 dagar", False),
        ("Sanktionsrisk", "Ja", True),
        ("Nästa kontroll", "imorgon", True),
        ("Föreslaget steg", 2, True),
    ],
)
def test_avvikelser_computed_columns(header: str, value: Any, flagged: bool) -> None:
    result = run([contract()], deviations=[{**deviation(), header: value}])
    assert typed_in(result) == ([("Avvikelser", 2, header)] if flagged else [])


def test_a_number_in_kontroll_of_uppfoljningar() -> None:
    result = run([contract()], follow_ups=[{**follow_up(), "Kontroll": 12}])
    assert typed_in(result) == [("Uppföljningar", 2, "Kontroll")]
    assert message(result) == (
        "Värdet 12 ersätts vid nästa uppdatering: kolumnen räknas fram av avtalsboken. "
        "Egna anteckningar hör hemma i en egen kolumn, som avtalsboken lämnar orörd."
    )


def test_the_message_says_what_was_there_and_where_to_fill_it_in_instead() -> None:
    result = run([{**contract(), "Nästa uppföljning": "snart"}])
    assert message(result) == (
        "Texten ”snart” ersätts vid nästa uppdatering: kolumnen räknas fram av avtalsboken. "
        "Registrera genomförda uppföljningar på bladet Uppföljningar (en uppföljning från tiden "
        "före avtalsboken i Senaste uppföljning före avtalsboken), så räknas nästa fram."
    )
    (found,) = [f for f in result.findings if f.code == CODE]
    assert (found.level.swedish, found.value) == ("Varning", "snart")
    # The row's Kontroll says it too, led by the column.
    assert result.computed["Avtal"][2].check.startswith("Varning – Nästa uppföljning: Texten")


# --- through the file: a formula, and a second run -------------------------------------------


def letter(header: str) -> str:
    headers = [c.header for c in template_sheet(schema.AVTAL).columns]
    return schema.column_letter(headers.index(header) + 1)


def replace_cell(path: Path, ref: str, xml: str) -> None:
    """The cell `ref` of `Avtal` (sheet3 of the template) replaced by `xml`."""
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename == "xl/worksheets/sheet3.xml":
                start = data.index(f'<c r="{ref}"'.encode())
                end = data.index(b"</c>", start) + 4
                data = data[:start] + xml.encode() + data[end:]
            z.writestr(info, data)


def test_a_formula_is_reported_and_replaced_even_where_it_shows_the_new_value(
    tmp_path: Path,
) -> None:
    path = tmp_path / "avtal.xlsx"
    build_workbook(path, {"Avtal": [contract()]})
    assert [f for f in process(path, today=TODAY).findings if f.code == CODE] == []
    check, status, tier = letter("Kontroll"), letter("Avtalsstatus"), letter("Prioritet")
    # Avtalsstatus shows `Aktivt` and Prioritet 3, as the run would write them: from formulas.
    replace_cell(
        path, f"{status}2", f'<c r="{status}2" t="str"><f>"Akt"&amp;"ivt"</f><v>Aktivt</v></c>'
    )
    replace_cell(path, f"{tier}2", f'<c r="{tier}2"><f>1+2</f><v>3</v></c>')
    found = [(f.row, f.column, f.message) for f in process(path, today=TODAY).findings]
    assert [(r, c) for r, c, m in found if "formel" in m] == [(2, tier), (2, status)]
    assert (
        2,
        status,
        "En formel (som visar ”Aktivt”) ersätts vid nästa uppdatering: kolumnen "
        "räknas fram av avtalsboken. Den räknas från Startdatum, Slutdatum och "
        "förlängningarna.",
    ) in found
    sheet = openpyxl.load_workbook(path)["Avtal"]
    assert (sheet[f"{status}2"].value, sheet[f"{tier}2"].value) == ("Aktivt", 3)
    # Written as values, the next run has nothing to say: Kontroll is OK again.
    assert [f for f in process(path, today=TODAY).findings if f.code == CODE] == []
    assert openpyxl.load_workbook(path)["Avtal"][f"{check}2"].value == "OK"


def test_a_run_never_warns_of_what_it_wrote_itself(tmp_path: Path) -> None:
    path = tmp_path / "avtal.xlsx"
    rows = [
        contract(extension_option="1+1", notice_months=3, annual_value=2_000_000),
        contract(contract_id="A2", end=date(2025, 4, 1), manual_priority=1, motivation="Viktigt"),
    ]
    build_workbook(path, {"Avtal": rows, "Avvikelser": [deviation(step=1)]})
    first = process(path, today=TODAY)
    assert first.written
    for day in (TODAY, date(2025, 9, 1)):  # and when today has moved on
        again = process(path, today=day)
        assert [f for f in again.findings if f.code == CODE] == []


def test_the_button_lists_it_on_fel_and_the_next_click_does_not(tmp_path: Path) -> None:
    path = tmp_path / "avtal.xlsx"
    build_workbook(path, {"Avtal": [{**contract(), "Nästa uppföljning": "snart"}]})
    fake = FakeBook.open(Path(shutil.copy(path, tmp_path / "knapp.xlsx")))
    run_button("uppdatera", fake, today=TODAY)
    fel = fake.values()[schema.FEL]
    code_col = schema.FEL_HEADERS.index("Kod") + 1
    codes = [fel[r, code_col] for r, c in fel if c == code_col and r > 1]
    assert codes.count(CODE) == 1
    run_button("uppdatera", fake, today=TODAY)
    fel = fake.values()[schema.FEL]
    assert CODE not in [fel[r, code_col] for r, c in fel if c == code_col]


def test_the_button_reads_the_formulas_of_the_computed_columns(tmp_path: Path) -> None:
    path = tmp_path / "avtal.xlsx"
    build_workbook(path, {"Avtal": [contract()]})
    process(path, today=TODAY)  # Prioritet 3 written
    tier = letter("Prioritet")
    replace_cell(path, f"{tier}2", f'<c r="{tier}2"><f>1+2</f><v>3</v></c>')
    fake = FakeBook.open(path)
    # Text typed with Excel's apostrophe shows itself: no formula (any text fits Prioritetsgrund).
    fake.sheets[schema.AVTAL].range(f"{letter('Prioritetsgrund')}2").value = "'=hej"
    run_button("uppdatera", fake, today=TODAY)
    fel = fake.values()[schema.FEL]
    where = [schema.FEL_HEADERS.index(h) + 1 for h in ("Rad", "Kolumn", "Kod")]
    found = {r: [fel.get((r, c)) for c in where] for r, _ in fel if r > 1}
    assert [(int(row), col) for row, col, code in found.values() if code == CODE] == [(2, tier)]
    # One read of the formulas per run of adjacent computed columns: Kontroll, and the rest.
    assert [sheet for sheet, _ in fake.formula_reads].count(schema.AVTAL) == 2
    # The button wrote the value over the formula; the next click has nothing to say.
    assert fake.sheets[schema.AVTAL].range(f"{tier}2").formula == "3"
    run_button("uppdatera", fake, today=TODAY)
    assert CODE not in fake.values()[schema.FEL].values()
