"""Boundaries of a value typed into a computed column (docs/regler.md, section 1): the words
the warning uses for each kind of value, a formula wherever it stands, every row of a column."""

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from helpers import TODAY, contract, run

from avtalsbok.core import schema
from avtalsbok.core.book import BookInput
from avtalsbok.core.engine import Result, evaluate

CODE = "typed-in-computed"
REPLACED = "ersätts vid nästa uppdatering: kolumnen räknas fram av avtalsboken."


def warnings(result: Result) -> list[tuple[int | None, str | None, str]]:
    return [(f.row, f.header, f.message) for f in result.findings if f.code == CODE]


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (True, "Värdet SANT"),
        (False, "Värdet FALSKT"),
        (date(2025, 1, 1), "Datumet 2025-01-01"),
        (12.0, "Värdet 12"),
        (12.5, "Värdet 12,5"),
    ],
)
def test_the_warning_names_a_typed_value_as_excel_shows_it(value: Any, what: str) -> None:
    """`Uppföljningsform` is text the engine writes, and has no input to fill in instead."""
    result = run([{**contract(), "Uppföljningsform": value}])
    assert warnings(result) == [(2, "Uppföljningsform", f"{what} {REPLACED}")]


def test_every_row_of_a_column_is_looked_at_after_one_that_fits() -> None:
    result = run(
        [
            {**contract(contract_id="A1"), "Avtalsstatus": "Aktivt"},
            {**contract(contract_id="A2"), "Avtalsstatus": "Pausad"},
            {**contract(contract_id="A3"), "Nästa uppföljning": date(2025, 6, 1)},
            {**contract(contract_id="A4"), "Nästa uppföljning": "snart"},
        ]
    )
    assert [(row, header) for row, header, _ in warnings(result)] == [
        (3, "Avtalsstatus"),
        (5, "Nästa uppföljning"),
    ]


def with_formulas(records: list[dict[str, Any]], *cells: tuple[int, str]) -> Result:
    """`Avtal` of `records`, its `cells` (Excel row, header) holding formulas that showed the
    values in the records, as the file reader reports them."""
    book = BookInput.from_records({schema.AVTAL: records})
    sheet = book.sheets[schema.AVTAL]
    letter = {header: col for col, header in sheet.headers.items()}
    formulas = frozenset((row, schema.column_index(letter[header])) for row, header in cells)
    sheets = {**book.sheets, schema.AVTAL: replace(sheet, formulas=formulas)}
    return evaluate(replace(book, sheets=sheets), today=TODAY)


def test_a_formula_is_reported_where_it_shows_a_value_of_the_column_s_own_type() -> None:
    """A formula in a date column showing a date, and one showing nothing."""
    records = [
        {**contract(contract_id="A1"), "Nästa uppföljning": date(2025, 6, 1)},
        {**contract(contract_id="A2"), "Nästa uppföljning": None},
    ]
    result = with_formulas(records, (2, "Nästa uppföljning"), (3, "Nästa uppföljning"))
    assert [(row, message.split(" ersätts")[0]) for row, _, message in warnings(result)] == [
        (2, "En formel (som visar ”2025-06-01”)"),
        (3, "En formel"),
    ]
