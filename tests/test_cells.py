"""Tolerant parsing of one cell value: what officers type, and what the engine makes of it."""

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avtalsbok.core import cells, datecells, findings, optioncells, schema
from avtalsbok.core.cells import (
    CellError,
    luhn_digit,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_email,
    parse_int,
    parse_org_number,
    parse_text,
)
from avtalsbok.core.datecells import parse_date, parse_datetime, parse_month
from avtalsbok.core.optioncells import ExtensionOption, parse_extension_option, parse_months


def error(parse: Callable[..., Any], value: Any, *args: Any) -> tuple[str, dict[str, Any]]:
    with pytest.raises(CellError) as exc:
        parse(value, *args)
    return exc.value.code, exc.value.params


def org(nine: str) -> str:
    """A valid organisation number from its first nine digits."""
    return f"{nine[:6]}-{nine[6:]}{luhn_digit(nine)}"


def text_date(iso: str) -> tuple[str, dict[str, str]]:
    return ("date-as-text", {"parsed": iso})


def text_amount(parsed: str) -> tuple[str, dict[str, str]]:
    return ("amount-as-text", {"parsed": parsed})


ALL_PARSERS: list[Callable[[Any], tuple[Any, Any]]] = [
    parse_text,
    parse_date,
    lambda v: parse_date(v, True),
    parse_datetime,
    lambda v: parse_datetime(v, True),
    parse_amount,
    parse_bool,
    parse_int,
    lambda v: parse_int(v, 1, 4),
    parse_org_number,
    parse_email,
    parse_extension_option,
    parse_month,
    lambda v: parse_choice(v, schema.CONTRACT_FORMS),
]
any_cell = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


# --- blanks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("parse", ALL_PARSERS)
@pytest.mark.parametrize("blank", [None, "", "   ", "\u00a0", "\t\n"])
def test_blank_is_none(parse: Callable[[Any], tuple[Any, Any]], blank: Any) -> None:
    assert parse(blank) == (None, None)


# --- text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1001.0, "1001"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (1001, "1001"),
        (-0.0, "0"),
        ("  A-12 ", "A-12"),
        ("Städ\u00a0och hygien", "Städ och hygien"),
        (date(2024, 5, 7), "2024-05-07"),
        (datetime(2024, 5, 7), "2024-05-07"),
        (datetime(2024, 5, 7, 13, 45), "2024-05-07 13:45"),
        (datetime(2024, 5, 7, 13, 45, 10), "2024-05-07 13:45:10"),
        (time(13, 45), "13:45"),
    ],
)
def test_parse_text(value: Any, expected: str) -> None:
    assert parse_text(value) == (expected, None)


@pytest.mark.parametrize(
    "value",
    [
        True,
        "#N/A",
        " #REF! ",
        timedelta(days=1),
        math.nan,
        pytest.param(10**5000, id="5000-digits"),
    ],
)
def test_parse_text_rejects_values_that_are_not_text(value: Any) -> None:
    assert error(parse_text, value) == ("invalid-text", {})


# --- dates ----------------------------------------------------------------------------------

D = date(2024, 5, 7)


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-07",
        "2024-05-07 00:00",
        "2024-05-07 13:45",
        "2024-05-07T13:45:00",
        "2024-05-07T13:45:00.123",
        "2024-5-7",
        "20240507",
        "2024/05/07",
        "2024.05.07",
        "07.05.2024",
        "7/5/2024",
        "7-5-2024",
        "7 maj 2024",
        "7 Maj 2024",
        "7 MAJ 2024",
        "7:e maj 2024",
        "den 7 maj 2024",
        "tisdag 7 maj 2024",
        "7 May 2024",
        " 7\u00a0maj 2024 ",
    ],
)
def test_text_dates_are_read_with_a_warning(value: str) -> None:
    assert parse_date(value) == (D, text_date("2024-05-07"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7 jan. 2024", date(2024, 1, 7)),
        ("1:a sept 2024", date(2024, 9, 1)),
        ("2 okt 2024", date(2024, 10, 2)),
        ("31 dec. 1999", date(1999, 12, 31)),
        ("29 februari 2024", date(2024, 2, 29)),
    ],
)
def test_swedish_month_abbreviations(value: str, expected: date) -> None:
    assert parse_date(value) == (expected, text_date(expected.isoformat()))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D, D),
        (datetime(2024, 5, 7, 23, 59), D),
        (45419, D),
        (45419.75, D),
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_real_dates_and_serial_numbers_have_no_warning(value: Any, expected: date) -> None:
    assert parse_date(value) == (expected, None)


def test_serial_numbers_in_the_1904_date_system() -> None:
    assert parse_date(45419 - 1462, date1904=True) == (D, None)
    assert parse_date(1, date1904=True) == (date(1904, 1, 2), None)
    assert parse_date(2957003, date1904=True) == (date(9999, 12, 31), None)
    assert error(parse_date, 2957004, True) == ("invalid-date", {})


@pytest.mark.parametrize(
    "value",
    [
        60,  # 1900-02-29, which Excel invents
        0,
        -1,
        2958466,
        0.5,
        math.nan,
        math.inf,
        True,
        False,
        time(12, 0),
        timedelta(days=3),
        "2024-02-30",
        "2023-02-29",
        "31 april 2024",
        "2024-13-01",
        "2024-05-07 25:00",
        "7 foo 2024",
        "7 maj",
        "maj 2024",
        "idag",
        "45419",
        "2024-05-07+02:00",
        "2024-05/07",
        "1" * 200,
    ],
)
def test_invalid_dates(value: Any) -> None:
    assert error(parse_date, value) == ("invalid-date", {})


@given(st.dates())
def test_any_date_round_trips_as_date_iso_text_and_swedish_text(d: date) -> None:
    if d >= date(1900, 1, 1):
        assert parse_date(d) == (d, None)
    else:  # what a reader makes of serial 0 or of NaN in a date cell: Excel has no such date
        assert error(parse_date, d) == ("invalid-date", {})
    assert parse_date(d.isoformat()) == (d, text_date(d.isoformat()))
    if d.year >= 1000:
        swedish = f"{d.day} {schema.MONTHS_SV[d.month - 1]} {d.year}"
        assert parse_date(swedish) == (d, text_date(d.isoformat()))


@given(st.dates(min_value=date(1900, 3, 1)))
def test_any_date_round_trips_as_serial_number(d: date) -> None:
    serial = (d - date(1899, 12, 30)).days
    assert parse_date(serial) == (d, None)
    assert parse_date(float(serial) + 0.999) == (d, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 5, 7, 13, 45), (datetime(2024, 5, 7, 13, 45), None)),
        (D, (datetime(2024, 5, 7), None)),
        (45419.75, (datetime(2024, 5, 7, 18, 0), None)),
        (45419.5 + 1 / 86400, (datetime(2024, 5, 7, 12, 0, 1), None)),
        (45419, (datetime(2024, 5, 7), None)),
        ("2024-05-07T13:45:00", (datetime(2024, 5, 7, 13, 45), text_date("2024-05-07 13:45"))),
        (
            "2024-05-07 13:45:07",
            (datetime(2024, 5, 7, 13, 45, 7), text_date("2024-05-07 13:45:07")),
        ),
        ("7 maj 2024", (datetime(2024, 5, 7), text_date("2024-05-07 00:00"))),
    ],
)
def test_parse_datetime(value: Any, expected: tuple[datetime, Any]) -> None:
    assert parse_datetime(value) == expected


@pytest.mark.parametrize("value", [2958465.999999997, 60.5, True, time(13, 45), "13:45"])
def test_invalid_datetimes(value: Any) -> None:
    assert error(parse_datetime, value) == ("invalid-date", {})


# --- amounts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "parsed"),
    [
        ("1 200 000 kr", 1_200_000.0, "1 200 000"),
        ("1 200 000,50", 1_200_000.5, "1 200 000,50"),
        ("1,2 mkr", 1_200_000.0, "1 200 000"),
        ("1,2 Mkr", 1_200_000.0, "1 200 000"),
        ("1.5 mkr", 1_500_000.0, "1 500 000"),
        ("1.500 mkr", 1_500_000.0, "1 500 000"),
        ("500 tkr", 500_000.0, "500 000"),
        ("12 MSEK", 12_000_000.0, "12 000 000"),
        ("1.200.000", 1_200_000.0, "1 200 000"),
        ("1.200.000,50", 1_200_000.5, "1 200 000,50"),
        ("1,200,000.50", 1_200_000.5, "1 200 000,50"),
        ("1.200", 1200.0, "1 200"),
        ("1200.50", 1200.5, "1 200,50"),
        ("0.500", 0.5, "0,50"),
        ("1 200 000:-", 1_200_000.0, "1 200 000"),
        ("1 200,-", 1200.0, "1 200"),
        ("SEK 1200000", 1_200_000.0, "1 200 000"),
        ("kr 1200", 1200.0, "1 200"),
        ("1\u00a0200\u00a0000", 1_200_000.0, "1 200 000"),
        ("1\u202f200\u202f000 kr", 1_200_000.0, "1 200 000"),
        ("1 200 000 kronor", 1_200_000.0, "1 200 000"),
        ("1 200 000 kr/år", 1_200_000.0, "1 200 000"),
        ("ca 3 miljoner kr", 3_000_000.0, "3 000 000"),
        ("2 mdkr", 2_000_000_000.0, "2 000 000 000"),
        ("1,1 mkr", 1_100_000.0, "1 100 000"),
        ("0", 0.0, "0"),
        ("-0", 0.0, "0"),
        ("0,125", 0.125, "0,125"),
    ],
)
def test_text_amounts_are_read_with_a_warning(value: str, expected: float, parsed: str) -> None:
    assert parse_amount(value) == (expected, text_amount(parsed))


def test_parse_amount_example() -> None:
    assert parse_amount("1,2 mkr") == (1_200_000.0, ("amount-as-text", {"parsed": "1 200 000"}))


@pytest.mark.parametrize(("value", "expected"), [(1200000, 1200000.0), (12.5, 12.5), (0, 0.0)])
def test_numeric_amounts_have_no_warning(value: Any, expected: float) -> None:
    result = parse_amount(value)
    assert result == (expected, None) and type(result[0]) is float


@pytest.mark.parametrize("value", [-1, -0.01, "-5", "−5 kr", "- 1 200 kr"])
def test_negative_amounts(value: Any) -> None:
    assert error(parse_amount, value) == ("negative-amount", {})


@pytest.mark.parametrize(
    "value",
    [
        True,
        math.nan,
        math.inf,
        -math.inf,
        10**400,
        D,
        timedelta(days=1),
        "abc",
        "1 2",
        "12 34",
        "1,2,3",
        "1.2.3",
        "1.200 000",
        "1e6",
        "1-2 mkr",
        "1 200 000 kr inkl moms",
        "SEK 5 mkr",
        "9" * 400,
        "1 " * 60,
    ],
)
def test_invalid_amounts(value: Any) -> None:
    assert error(parse_amount, value) == ("invalid-amount", {})


@given(st.integers(min_value=0, max_value=10**15))
def test_any_whole_krona_amount_round_trips_as_swedish_text(n: int) -> None:
    swedish = f"{n:,}".replace(",", " ")
    assert parse_amount(f"{swedish} kr") == (float(n), text_amount(swedish))


# --- yes/no ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(v, True) for v in ("Ja", "ja", "JA", "J", "Yes", "y", "X", "x", "1", "TRUE", "Sant")],
        *[(v, False) for v in ("Nej", "nej", "N", "No", "0", "FALSE", "falskt", " Nej ")],
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (1.0, True),
        (0.0, False),
    ],
)
def test_parse_bool(value: Any, expected: bool) -> None:
    assert parse_bool(value) == (expected, None)


@pytest.mark.parametrize("value", ["kanske", "Jaa", "2", 2, -1, 0.5, math.nan, D])
def test_invalid_bools(value: Any) -> None:
    assert error(parse_bool, value) == ("invalid-bool", {})


# --- whole numbers and months ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (3.0, 3), ("3", 3), (" 3 ", 3), ("3,0", 3), ("+3", 3), ("-2", -2), ("03", 3)],
)
def test_parse_int(value: Any, expected: int) -> None:
    assert parse_int(value) == (expected, None)


@pytest.mark.parametrize("value", [3.5, "3.5", "tre", "3 st", True, math.nan, math.inf, D])
def test_invalid_integers(value: Any) -> None:
    assert error(parse_int, value) == ("invalid-integer", {})


def test_parse_int_range() -> None:
    assert parse_int(4, 1, 4) == (4, None)
    assert error(parse_int, 5, 1, 4) == ("out-of-range", {"allowed": "1–4"})
    assert error(parse_int, "0", 1, 4) == ("out-of-range", {"allowed": "1–4"})
    assert error(parse_int, -1, 0) == ("out-of-range", {"allowed": "minst 0"})
    assert error(parse_int, 13, None, 12) == ("out-of-range", {"allowed": "högst 12"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mars", 3),
        ("Mars", 3),
        ("Mar", 3),
        ("march", 3),
        ("3", 3),
        (3, 3),
        (3.0, 3),
        ("okt.", 10),
        ("Sept", 9),
        ("maj", 5),
        ("december", 12),
        ("1", 1),
    ],
)
def test_parse_month(value: Any, expected: int) -> None:
    assert parse_month(value) == (expected, None)


@pytest.mark.parametrize("value", ["13", 0, 3.5, "marsch", True, D])
def test_invalid_months(value: Any) -> None:
    assert error(parse_month, value) == ("out-of-range", {"allowed": "januari–december (1–12)"})


def test_every_swedish_month_name_of_the_dropdown() -> None:
    assert [parse_month(m)[0] for m in schema.MONTHS_SV] == list(range(1, 13))


# --- organisation numbers -------------------------------------------------------------------


def test_luhn_digit() -> None:
    assert luhn_digit("811218987") == 6  # Skatteverket's example 811218-9876
    assert luhn_digit("212000014") == 2  # a municipality: 212000-0142
    with pytest.raises(ValueError):
        luhn_digit("12345678")


@pytest.mark.parametrize(
    "value",
    [
        "212000-0142",
        "2120000142",
        "212000 0142",
        " 212000 - 0142 ",
        "212000–0142",
        "16212000-0142",
        "162120000142",
        2120000142,
        2120000142.0,
    ],
)
def test_parse_org_number(value: Any) -> None:
    assert parse_org_number(value) == ("212000-0142", None)


def test_org_number_from_a_float() -> None:
    number = org("556000000")
    assert parse_org_number(float(number.replace("-", ""))) == (number, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("811218-9876", "811218-9876"),
        ("19811218-9876", "811218-9876"),
        ("811218+9876", "811218-9876"),
        (org("050101123"), org("050101123")),
        (int(org("050101123").replace("-", "")), org("050101123")),  # Excel dropped the 0
    ],
)
def test_personal_identity_numbers_are_kept_with_a_warning(value: Any, expected: str) -> None:
    assert parse_org_number(value) == (expected, ("org-number-personal", {}))


@pytest.mark.parametrize("value", ["212000-0143", "2120000141", "811218-9875", 5560000000.0])
def test_org_number_checksum(value: Any) -> None:
    assert error(parse_org_number, value) == ("org-number-checksum", {})


@pytest.mark.parametrize(
    "value",
    [
        "12345",
        "212000-014",
        "21200001422",
        "17212000-0142",
        "2120-000142",
        "abc",
        "SE2120000142",
        True,
        -2120000142,
        2120000142.5,
        D,
        10**13,
    ],
)
def test_invalid_org_numbers(value: Any) -> None:
    assert error(parse_org_number, value) == ("invalid-org-number", {})


@given(st.text("0123456789", min_size=9, max_size=9))
def test_any_number_with_its_check_digit_is_accepted(nine: str) -> None:
    number = org(nine)
    warning: cells.Warn = ("org-number-personal", {}) if nine[2] < "2" else None
    assert parse_org_number(number) == (number, warning)
    assert parse_org_number(f"16{number}") == (number, warning)
    wrong = f"{number[:-1]}{(int(number[-1]) + 1) % 10}"
    assert error(parse_org_number, wrong) == ("org-number-checksum", {})


# --- e-mail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "anna.svensson@kommun.se",
        "Anna.Svensson@Region-Skane.se",
        "upphandling+avtal@stad.goteborg.se",
        "kalle@malmö.se",
        "o'brien@example.co.uk",
        " anna@kommun.se ",
    ],
)
def test_parse_email(value: str) -> None:
    assert parse_email(value) == (value.strip(), None)


@pytest.mark.parametrize(
    "value",
    [
        "anna",
        "anna@kommun",
        "anna@@kommun.se",
        "anna@kommun@se.se",
        "anna svensson@kommun.se",
        "anna@kommun.se; bo@kommun.se",
        "anna@kommun.se\r\nBcc: x@y.se",
        "anna\x00@kommun.se",
        "mailto:anna@kommun.se",
        "Anna <anna@kommun.se>",
        ".anna@kommun.se",
        "anna.@kommun.se",
        "an..na@kommun.se",
        "anna@.kommun.se",
        "anna@kommun.se.",
        "anna@-kommun.se",
        "anna@kommun.s",
        "a" * 65 + "@kommun.se",
        "a@" + "b" * 250 + ".se",
        12,
        True,
    ],
)
def test_invalid_emails(value: Any) -> None:
    assert error(parse_email, value) == ("invalid-email", {})


# --- extension options ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "base", "months"),
    [
        ("1+1", 1, (12,)),
        ("2+1+1", 2, (12, 12)),
        ("2 + 1 + 1", 2, (12, 12)),
        ("2+1+1 år", 2, (12, 12)),
        ("2 år + 1 år", 2, (12,)),
        ("24+12 mån", 2, (12,)),
        ("18+6 mån", None, (6,)),
        ("1+0,5", 1, (6,)),
        ("12 mån", None, (12,)),
        ("6 månader", None, (6,)),
        ("12 MÅN.", None, (12,)),
        ("2x12 mån", None, (12, 12)),
        ("2 x 12 månader", None, (12, 12)),
        ("2×6 mån", None, (6, 6)),
        ("3x1 år", None, (12, 12, 12)),
        ("1 år", None, (12,)),
        ("1,5 år", None, (18,)),
    ],
)
def test_parse_extension_option(value: str, base: int | None, months: tuple[int, ...]) -> None:
    assert parse_extension_option(value) == (ExtensionOption(base, months, value.strip()), None)


def test_extension_option_total_and_text() -> None:
    option, _ = parse_extension_option(" 2x12\u00a0 mån ")
    assert option == ExtensionOption(None, (12, 12), "2x12 mån")
    assert option.total_extension_months == 24


@pytest.mark.parametrize("value", ["Ingen", "ingen", "Nej", "-", "–", "0", "3+0", "0 mån"])
def test_no_extension_option(value: str) -> None:
    assert parse_extension_option(value) == (None, None)


@pytest.mark.parametrize(
    "value",
    [
        "12",
        "2x12",
        "1+",
        "+1",
        "1++1",
        "1,1 år",
        "ett år",
        "11x12 mån",
        "121 mån",
        "1" + "+1" * 11,
        "12 dagar",
        12,
        1.0,
        True,
        D,
        "1+1 " + "x" * 200,
    ],
)
def test_invalid_extension_options(value: Any) -> None:
    assert error(parse_extension_option, value) == ("invalid-option", {})


# --- choices --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Eget avtal", "Eget avtal"),
        ("eget AVTAL", "Eget avtal"),
        ("  Eget   avtal ", "Eget avtal"),
        ("egetavtal", "Eget avtal"),
        ("avrop nationellt\u00a0ramavtal", "Avrop nationellt ramavtal"),
    ],
)
def test_parse_choice(value: str, expected: str) -> None:
    assert parse_choice(value, schema.CONTRACT_FORMS) == (expected, None)


def test_parse_choice_unknown_keeps_the_text() -> None:
    allowed = "Eget avtal, Ramavtal, Avrop nationellt ramavtal"
    assert parse_choice(" Direktupphandling ", schema.CONTRACT_FORMS) == (
        "Direktupphandling",
        ("unknown-choice", {"allowed": allowed}),
    )


def test_parse_choice_numbers_and_lists() -> None:
    assert parse_choice(2.0, schema.PRIORITIES) == ("2", None)
    assert parse_choice("b", ["A", "B"]) == ("B", None)


# --- every code against the findings catalogue ----------------------------------------------

#: One value per code the parsers can produce, with the parser that produces it.
CODE_EXAMPLES: list[tuple[str, Callable[[Any], tuple[Any, Any]], Any]] = [
    ("invalid-text", parse_text, "#N/A"),
    ("invalid-date", parse_date, "2024-02-30"),
    ("date-as-text", parse_date, "7 maj 2024"),
    ("date-as-text", parse_datetime, "2024-05-07T13:45"),
    ("invalid-amount", parse_amount, "mycket"),
    ("negative-amount", parse_amount, -5),
    ("amount-as-text", parse_amount, "1,2 mkr"),
    ("invalid-bool", parse_bool, "kanske"),
    ("invalid-integer", parse_int, 3.5),
    ("out-of-range", lambda v: parse_int(v, 1, 4), 7),
    ("months-as-text", lambda v: parse_months(v, 0, 120), "3 mån"),
    ("out-of-range", parse_month, "marsch"),
    ("invalid-org-number", parse_org_number, "12345"),
    ("org-number-checksum", parse_org_number, "212000-0143"),
    ("org-number-personal", parse_org_number, "811218-9876"),
    ("invalid-email", parse_email, "Anna <anna@kommun.se>"),
    ("invalid-option", parse_extension_option, "2x12"),
    ("unknown-choice", lambda v: parse_choice(v, schema.SEVERITIES), "Kritisk"),
]


def _finding(code: str, params: dict[str, Any], value: Any) -> findings.Finding:
    return findings.make(code, sheet="Avtal", header="Rubrik", value=value, row=2, **params)


@pytest.mark.parametrize(("code", "parse", "value"), CODE_EXAMPLES)
def test_each_code_formats_its_catalogue_message(
    code: str, parse: Callable[[Any], tuple[Any, Any]], value: Any
) -> None:
    try:
        _, warning = parse(value)
    except CellError as exc:
        got, params = exc.code, exc.params
        assert findings.CATALOGUE[got][0] is findings.Level.ERROR
    else:
        assert warning is not None
        got, params = warning
        assert findings.CATALOGUE[got][0] is findings.Level.WARNING
    assert got == code
    assert _finding(got, params, value).message


def test_the_examples_cover_every_code_the_module_names() -> None:
    source = "".join(
        Path(str(module.__file__)).read_text(encoding="utf-8")
        for module in (cells, datecells, optioncells)
    )
    named = set(re.findall(r'CellError\(\s*"([a-z-]+)"', source))
    named |= set(re.findall(r'\(\s*"([a-z-]+)",\s*\{', source))
    assert named == {code for code, _, _ in CODE_EXAMPLES}
    assert named <= findings.CATALOGUE.keys()


@pytest.mark.parametrize("parse", ALL_PARSERS)
@given(value=any_cell)
def test_any_cell_value_parses_or_raises_a_cell_error_with_a_message(
    parse: Callable[[Any], tuple[Any, Any]], value: Any
) -> None:
    try:
        _, warning = parse(value)
    except CellError as exc:
        assert _finding(exc.code, exc.params, value).is_error
    else:
        if warning is not None:
            assert not _finding(warning[0], warning[1], value).is_error
