"""Boundaries of the price adjustment's cells (docs/regler.md, sections 2 and 15): a month as
`2024-05`, `maj 2024` or a date; a percentage 0–100; an index value above zero."""

from datetime import date, datetime
from typing import Any

import pytest

from avtalsbok.core.cells import CellError
from avtalsbok.core.indexcells import parse_index_value, parse_percent, parse_year_month


def code_of(parse: Any, value: Any) -> tuple[str, dict[str, Any]]:
    """The finding code (and its values) a parser raises for `value`."""
    with pytest.raises(CellError) as raised:
        parse(value)
    return raised.value.code, raised.value.params


# --- Basmånad, the Index sheet's Månad: a month, given as its first day ----------------------


@pytest.mark.parametrize("parse", [parse_year_month, parse_percent, parse_index_value])
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_cell_is_no_value(parse: Any, blank: Any) -> None:
    assert parse(blank) == (None, None)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2024-01", date(2024, 1, 1)),
        ("2024-12", date(2024, 12, 1)),
        ("2024 M05", date(2024, 5, 1)),
        ("Maj  2024", date(2024, 5, 1)),
        ("dec. 2024", date(2024, 12, 1)),
        ("0001-05", date(1, 5, 1)),
    ],
)
def test_a_month_from_january_to_december_of_any_year(text: str, month: date) -> None:
    assert parse_year_month(text) == (month, None)


@pytest.mark.parametrize("text", ["2024-00", "2024-13", "0000-05", "smaj 2024", "snart"])
def test_a_month_outside_1_to_12_or_year_0_is_no_month(text: str) -> None:
    assert code_of(parse_year_month, text) == ("invalid-month", {})


@pytest.mark.parametrize(
    "value",
    ["2024-05-31", date(2024, 5, 31), datetime(2024, 5, 15, 12), 45443, 45443.5],
)
def test_a_date_counts_as_its_month(value: Any) -> None:
    assert parse_year_month(value) == (date(2024, 5, 1), None)


def test_a_serial_number_counts_in_the_books_date_system() -> None:
    """Serial 0 is 1904-01-01 in the 1904 date system (a book saved on an old Mac): the
    serial of 31 May 2024 there is 1 June 2028."""
    assert parse_year_month(45443, date1904=True) == (date(2028, 6, 1), None)
    assert parse_year_month(0, date1904=True) == (date(1904, 1, 1), None)


@pytest.mark.parametrize("value", [True, -1, 1e9, float("nan"), [2024]])
def test_what_is_no_date_is_no_month(value: Any) -> None:
    assert code_of(parse_year_month, value) == ("invalid-month", {})


# --- Andel av index (%), Tröskel (%): 0–100, `90` is 90 % -----------------------------------


@pytest.mark.parametrize(("value", "percent"), [(0, 0.0), (100, 100.0), (99.99, 99.99)])
def test_a_percentage_from_0_to_100(value: Any, percent: float) -> None:
    assert parse_percent(value) == (percent, None)


@pytest.mark.parametrize("value", [-0.01, 100.01, 101])
def test_a_percentage_just_outside_0_to_100(value: Any) -> None:
    assert code_of(parse_percent, value) == ("out-of-range", {"allowed": "0–100"})


def test_minus_zero_percent_is_zero() -> None:
    (x, _) = parse_percent(-0.0)
    assert str(x) == "0.0"


@pytest.mark.parametrize(
    ("text", "percent", "shown"),
    [("87,5 %", 87.5, "87,5"), ("90%", 90.0, "90"), ("1 234,5", 1234.5, "1234,5")],
)
def test_a_number_written_as_text_is_read_with_a_warning(
    text: str, percent: float, shown: str
) -> None:
    assert parse_index_value(text) == (percent, ("number-as-text", {"parsed": shown}))


def test_thousands_may_be_grouped_with_a_non_breaking_space() -> None:
    assert parse_index_value("1\u00a0234,5") == (
        1234.5,
        ("number-as-text", {"parsed": "1234,5"}),
    )


@pytest.mark.parametrize("value", [True, False, date(2024, 5, 1), "nittio", "90 %%"])
def test_what_is_no_number_is_no_percentage(value: Any) -> None:
    assert code_of(parse_percent, value) == ("invalid-percent", {})


# --- Index values: above zero ----------------------------------------------------------------


@pytest.mark.parametrize("value", [0.5, 1, 412.37])
def test_an_index_value_is_any_number_above_zero(value: float) -> None:
    assert parse_index_value(value) == (value, None)


@pytest.mark.parametrize("value", [0, -0.5, True, date(2024, 5, 1), float("inf"), 10**400])
def test_zero_below_or_no_number_is_no_index_value(value: Any) -> None:
    assert code_of(parse_index_value, value) == ("invalid-index-value", {})
