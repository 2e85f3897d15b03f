"""The examples the template's input messages show: each is a value the engine takes as typed,
and a step picked from its dropdown by label is the step's number."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from helpers import contract_values, deviation, flatten, run

from avtalsbok.core import schema
from avtalsbok.core.schema import ValueType

EXAMPLE_SHEETS = (schema.AVTAL_SHEET, schema.UPPFOLJNINGAR_SHEET, schema.AVVIKELSER_SHEET)


def as_excel_stores(col: schema.Column) -> Any:
    """The example as Excel stores it when typed: a date as a date, a number as a number."""
    text = col.example
    if col.type in (ValueType.DATE, ValueType.DATETIME):
        return datetime.combine(date.fromisoformat(text), datetime.min.time())
    if col.type in (ValueType.AMOUNT, ValueType.INTEGER, ValueType.NUMBER) and text.isdigit():
        return float(text)
    return text


def example_row(sheet: schema.SheetDef) -> dict[str, Any]:
    return {c.header: as_excel_stores(c) for c in sheet.input_columns}


@pytest.mark.parametrize("sheet", EXAMPLE_SHEETS, ids=lambda s: s.name)
def test_every_input_column_has_an_example(sheet: schema.SheetDef) -> None:
    assert [c.header for c in sheet.input_columns if not c.example] == []
    assert [c.header for c in sheet.computed_columns if c.example] == []


def test_a_row_of_examples_is_read_without_a_finding() -> None:
    contracts, follow_ups, deviations = ([example_row(sheet)] for sheet in EXAMPLE_SHEETS)
    r = run(contracts, follow_ups, deviations)
    # Only the book's empty Index sheet is missed: the KPI example has no index values to use.
    assert [(f.sheet, f.header, f.code) for f in r.findings] == [
        ("Avtal", "Basmånad", "index-missing")
    ]


@pytest.mark.parametrize(
    ("typed", "step"),
    [("2 Skriftlig varning", 2), ("0 dialog", 0), ("4  Uppsägning/hävning", 4), ("3", 3), (1.0, 1)],
)
def test_a_step_label_from_the_dropdown_is_its_number(typed: Any, step: int) -> None:
    r = run(
        [{"Avtals-ID": "A1", "Avtalsnamn": "Städ", "Leverantör": "AB"}],
        [],
        [deviation(step=typed, severity="Allvarlig")],
    )
    assert [f.code for f in r.findings if f.sheet == schema.AVVIKELSER] == []
    assert contract_values(r, 2, "highest_step") == (step,)


def test_a_label_of_another_step_number_is_refused() -> None:
    r = run([], [], [deviation(step="5 Skriftlig varning")])
    assert ("Avvikelser", 2, "J", "invalid-integer") in flatten(r.findings)
