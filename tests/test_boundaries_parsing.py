"""Boundaries of the cell rules (docs/regler.md, section 2): each limit value and its neighbours.

Every test names the rule it pins; the values sit exactly on a limit, or one step either side.
"""

import math
from datetime import date, datetime, time
from typing import Any

import pytest

from avtalsbok.core.cells import (
    CellError,
    luhn_digit,
    parse_amount,
    parse_email,
    parse_int,
    parse_org_number,
    parse_text,
)
from avtalsbok.core.datecells import parse_date, parse_datetime, parse_month
from avtalsbok.core.optioncells import parse_extension_option


def code_of(parse: Any, value: Any) -> str:
    """The finding code a parser raises for `value`."""
    with pytest.raises(CellError) as raised:
        parse(value)
    return raised.value.code


# --- Organisationsnummer: NNNNNN-NNNN, 10 siffror eller 12 med sekelsiffror 16, 18, 19, 20 ------


def test_org_number_luhn_counts_a_9_in_an_undoubled_position_as_9() -> None:
    """Fel kontrollsiffra (Luhn) – `org-number-checksum`. In 559900-123?, the second digit 9
    is not doubled and adds 9 (a doubled 9 adds 18 − 9 = 9): the check digit is 6."""
    assert parse_org_number("559900-1236") == ("559900-1236", None)
    assert code_of(parse_org_number, "559900-1235") == "org-number-checksum"
    assert code_of(parse_org_number, "559900-1237") == "org-number-checksum"


@pytest.mark.parametrize("century", ["16", "18", "19", "20"])
def test_org_number_twelve_digits_with_the_allowed_century_digits(century: str) -> None:
    """12 siffror med sekelsiffror (16, 18, 19, 20)."""
    assert parse_org_number(f"{century}5560360793") == ("556036-0793", None)


@pytest.mark.parametrize("century", ["15", "17", "21", "00"])
def test_org_number_century_digits_outside_the_list_are_no_org_number(century: str) -> None:
    """Fel form – `invalid-org-number`: `21` (the century after 20) is no century of a number."""
    assert code_of(parse_org_number, f"{century}5560360793") == "invalid-org-number"


@pytest.mark.parametrize(
    ("value", "warning"),
    [
        ("552900-1231", None),  # third digit 2: an organisation
        ("551900-1233", ("org-number-personal", {})),  # third digit 1: a personal number
        ("550900-1235", ("org-number-personal", {})),  # third digit 0
    ],
)
def test_org_number_third_digit_below_2_is_a_personal_number(
    value: str, warning: tuple[str, dict[str, Any]] | None
) -> None:
    """Tredje siffran under 2: ett personnummer (enskild firma) – `org-number-personal`."""
    assert parse_org_number(value) == (value, warning)


def test_org_number_as_a_nine_digit_number_gets_its_leading_zero_back() -> None:
    """Excel drops the leading zero of a personal number born 2000–2009: 100000009 is
    010000-0009; exactly 10⁸ is read the same way (its check digit is wrong), eight digits
    are no number at all."""
    assert parse_org_number(100000009) == ("010000-0009", ("org-number-personal", {}))
    assert code_of(parse_org_number, 100000000) == "org-number-checksum"
    assert code_of(parse_org_number, 99999999) == "invalid-org-number"
    assert parse_org_number(5560360793) == ("556036-0793", None)
    assert code_of(parse_org_number, 10**12) == "invalid-org-number"
    assert code_of(parse_org_number, -5560360793) == "invalid-org-number"


def test_org_number_text_at_exactly_the_length_limit() -> None:
    """Text longer than 100 characters is not read as a number (the regular expressions must
    not work on arbitrarily long text); exactly 100 characters still is."""
    at_limit = "556036" + " " * 89 + "-0793"
    assert len(at_limit) == 100
    assert parse_org_number(at_limit) == ("556036-0793", None)
    assert code_of(parse_org_number, "556036" + " " * 90 + "-0793") == "invalid-org-number"


# --- Belopp ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kronor"),
    [
        ("250.000", 250_000.0),  # a dot before exactly three digits groups thousands
        ("1.200", 1_200.0),
        ("1.250.000", 1_250_000.0),
        ("250.00", 250.0),  # two digits after the dot: decimals
        ("250.0000", 250.0),  # four digits: decimals
        ("1000.000", 1_000.0),  # four digits before the dot: no thousands group
        ("0.500", 0.5),  # a leading zero is no thousands group
        ("1 250.000", 1_250.0),  # spaces group thousands, so the dot is a decimal sign
        ("250.000 mkr", 250_000_000.0),  # a unit scales the number: the dot is a decimal sign
        ("250.000,50", 250_000.5),  # both: the last one is the decimal sign
        ("250,000", 250.0),  # a comma is the Swedish decimal sign
    ],
)
def test_amount_a_single_dot_groups_thousands_only_before_exactly_three_digits(
    text: str, kronor: float
) -> None:
    """Belopp skrivet som text – `amount-as-text`: `250.000` is 250 000 kr."""
    assert parse_amount(text)[0] == kronor


def test_amount_text_at_exactly_the_length_limit() -> None:
    at_limit = "ca" + " " * 94 + "1000"
    assert len(at_limit) == 100
    assert parse_amount(at_limit) == (1000.0, ("amount-as-text", {"parsed": "1 000"}))
    assert code_of(parse_amount, "ca" + " " * 95 + "1000") == "invalid-amount"


@pytest.mark.parametrize(("value", "kronor"), [(0, 0.0), (0.0, 0.0), ("0 kr", 0.0), ("-0", 0.0)])
def test_amount_zero_is_not_negative(value: Any, kronor: float) -> None:
    """Negativt belopp – `negative-amount`; zero is the smallest amount allowed."""
    assert parse_amount(value)[0] == kronor


@pytest.mark.parametrize("value", [-0.01, -1, "-1 kr", "−0,01"])
def test_amount_just_below_zero_is_negative(value: Any) -> None:
    assert code_of(parse_amount, value) == "negative-amount"


# --- Text --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["#SPILL!", "#N/A", "#REF!", "#CALC!", "#GETTING_DATA", " #SPILL! "]
)
def test_excel_error_values_are_no_text(value: str) -> None:
    """Excels felvärden som `#N/A` eller `#REF!` – `invalid-text`; `#SPILL!` (a dynamic array
    that has no room) too."""
    assert code_of(parse_text, value) == "invalid-text"


@pytest.mark.parametrize("value", ["#SPILL", "SPILL!", "#1 leverantör", "#spill!x"])
def test_text_resembling_an_error_value_is_text(value: str) -> None:
    assert parse_text(value) == (value, None)


# --- Datum -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (2958465, date(9999, 12, 31)),
        (2958465.99, date(9999, 12, 31)),
        (1.0, date(1900, 1, 1)),
    ],
)
def test_date_serial_numbers_at_their_limits(serial: float, expected: date) -> None:
    """Excels serienummer: 1 is 1900-01-01, 2958465 is 9999-12-31."""
    assert parse_date(serial) == (expected, None)


@pytest.mark.parametrize("serial", [0, 60, 2958466, 0.99, 2958466.0, -1])
def test_date_serial_numbers_just_outside_are_no_dates(serial: float) -> None:
    """Serial 60 is 29 February 1900, a day that never was."""
    assert code_of(parse_date, serial) == "invalid-date"


def test_date_text_at_exactly_the_length_limit() -> None:
    at_limit = "7 maj" + " " * 91 + "2024"
    assert len(at_limit) == 100
    assert parse_date(at_limit) == (date(2024, 5, 7), ("date-as-text", {"parsed": "2024-05-07"}))
    assert code_of(parse_date, "7 maj" + " " * 92 + "2024") == "invalid-date"


# --- Heltal och månad --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lo", "hi", "inside", "outside"),
    [
        (0, 120, (0, 120), (-1, 121)),  # Uppsägningstid (mån)
        (1, 4, (1, 4), (0, 5)),  # Sannolikhet, Konsekvens
        (1, 3, (1, 3), (0, 4)),  # Manuell prioritet
        (0, 4, (0, 4), (-1, 5)),  # Eskaleringssteg
    ],
)
def test_integer_ranges_include_both_limits(
    lo: int, hi: int, inside: tuple[int, int], outside: tuple[int, int]
) -> None:
    """Tillåtna heltal ... utanför tillåtna värden – `out-of-range`."""
    for n in inside:
        assert parse_int(n, lo, hi) == (n, None)
        assert parse_int(str(n), lo, hi) == (n, None)
    for n in outside:
        with pytest.raises(CellError) as raised:
            parse_int(n, lo, hi)
        assert (raised.value.code, raised.value.params) == (
            "out-of-range",
            {"allowed": f"{lo}–{hi}"},
        )


def test_integer_with_one_limit_names_that_limit() -> None:
    assert parse_int(5, lo=5) == (5, None)
    assert parse_int(5, hi=5) == (5, None)
    with pytest.raises(CellError) as low:
        parse_int(4, lo=5)
    with pytest.raises(CellError) as high:
        parse_int(6, hi=5)
    assert (low.value.params, high.value.params) == ({"allowed": "minst 5"}, {"allowed": "högst 5"})


@pytest.mark.parametrize(("value", "month"), [(1, 1), (12, 12), ("12", 12), ("dec.", 12)])
def test_month_1_to_12(value: Any, month: int) -> None:
    """`Justeringsmånad` 1–12 eller månadens namn."""
    assert parse_month(value) == (month, None)


@pytest.mark.parametrize("value", [0, 13, "13", "0", True])
def test_month_just_outside_1_to_12(value: Any) -> None:
    assert code_of(parse_month, value) == "out-of-range"


# --- E-post ------------------------------------------------------------------------------------


def test_email_local_part_at_most_64_characters() -> None:
    """E-post: en adress `namn@domän.se` och inget annat (RFC 5321: 64 characters before @)."""
    assert parse_email("a" * 64 + "@kommun.se")[0] == "a" * 64 + "@kommun.se"
    assert code_of(parse_email, "a" * 65 + "@kommun.se") == "invalid-email"


def test_email_address_at_most_254_characters() -> None:
    domain = ".".join(["d" * 63, "e" * 63, "f" * 63]) + ".se"  # 194 characters
    at_limit = "a" * 59 + "@" + domain
    assert len(at_limit) == 254
    assert parse_email(at_limit) == (at_limit, None)
    assert code_of(parse_email, "a" * 60 + "@" + domain) == "invalid-email"


def test_email_domain_labels_at_most_63_characters() -> None:
    assert parse_email("a@" + "d" * 63 + ".se")[0] == "a@" + "d" * 63 + ".se"
    assert code_of(parse_email, "a@" + "d" * 64 + ".se") == "invalid-email"


# --- Förlängningsoption ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "base_years", "months"),
    [
        ("24+12+12 mån", 2, (12, 12)),  # the unit of the last part applies to all
        ("18+12 mån", None, (12,)),  # a base term of 18 months is no whole number of years
        ("2+1+1", 2, (12, 12)),
        ("1+1+1+1+1+1+1+1+1+1+1", 1, (12,) * 10),  # ten extensions: the most an option may have
        ("10x12 mån", None, (12,) * 10),
        ("120 mån", None, (120,)),  # the longest single extension: ten years
        ("10 år", None, (120,)),
    ],
)
def test_extension_option_limits(
    text: str, base_years: int | None, months: tuple[int, ...]
) -> None:
    """Förlängningsoption: `1+1`, `2+1+1`, `12 mån`, `2x12 mån`, `1 år`."""
    option, warning = parse_extension_option(text)
    assert option is not None and warning is None
    assert (option.base_years, option.extensions_months) == (base_years, months)


@pytest.mark.parametrize(
    "text", ["1+1+1+1+1+1+1+1+1+1+1+1", "11x12 mån", "121 mån", "11 år", "1+121 mån"]
)
def test_extension_option_just_beyond_the_limits(text: str) -> None:
    assert code_of(parse_extension_option, text) == "invalid-option"


def test_extension_option_text_at_exactly_the_length_limit() -> None:
    at_limit = " + ".join(["12,00 månader"] * 6 + ["1 år"])
    assert len(at_limit) == 100
    option, _ = parse_extension_option(at_limit)
    assert option is not None and option.extensions_months == (12,) * 6
    assert code_of(parse_extension_option, at_limit[:-4] + "1 mån") == "invalid-option"


# --- Further limits of the same parsers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-07 13:45:30,5", datetime(2024, 5, 7, 13, 45, 30, 500_000)),
        ("07.05.2024 13:45:30", datetime(2024, 5, 7, 13, 45, 30)),
        ("7 maj 2024 13:45:30.25", datetime(2024, 5, 7, 13, 45, 30, 250_000)),
    ],
)
def test_a_timestamp_as_text_keeps_hours_minutes_seconds_and_fractions(
    text: str, expected: datetime
) -> None:
    """Datum med tid, skrivet som text (the log's Tidpunkt)."""
    assert parse_datetime(text)[0] == expected


def test_serial_numbers_with_a_fraction_in_the_1904_date_system() -> None:
    """Excels serienummer in a book saved with the 1904 date system: 1 is 2 January 1904."""
    assert parse_date(1.0, date1904=True) == (date(1904, 1, 2), None)
    assert parse_datetime(1.5, date1904=True) == (datetime(1904, 1, 2, 12), None)


@pytest.mark.parametrize(("serial", "day"), [(0, date(1904, 1, 1)), (1, date(1904, 1, 2))])
def test_serial_zero_is_the_first_day_of_the_1904_date_system(serial: int, day: date) -> None:
    """Whole serial numbers from 0: in the 1904 system 0 is 1 January 1904 (in the 1900
    system 0 is no date)."""
    assert parse_date(serial, date1904=True) == (day, None)


def test_minus_zero_kronor_is_zero() -> None:
    """Belopp ≥ 0: a cell holding −0 is 0 kr, written without a sign."""
    kronor = parse_amount(-0.0)[0]
    assert kronor is not None
    assert (kronor, math.copysign(1.0, kronor)) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("text", "kronor"),
    [
        ("500 t.kr", 500_000.0),  # dots inside the unit
        ("1,2 milj. kr", 1_200_000.0),
        ("1 200 kr.", 1_200.0),
        ("sek 1 200 kr", 1_200.0),  # a currency before and a unit of kronor after
        ("SEK 1200 kronor", 1_200.0),
        ("kr 1200 sek", 1_200.0),
    ],
)
def test_amount_units_written_with_dots_or_a_currency_on_both_sides(
    text: str, kronor: float
) -> None:
    assert parse_amount(text)[0] == kronor


def test_a_currency_before_a_scaling_unit_is_no_amount() -> None:
    """`SEK 1 tkr` says kronor and thousands at once: not an amount."""
    assert code_of(parse_amount, "SEK 1 tkr") == "invalid-amount"


def test_an_integer_subclass_is_read_as_its_value() -> None:
    class Count(int):
        pass

    assert parse_int(Count(3), 1, 4) == (3, None)


def test_luhn_needs_nine_ascii_digits() -> None:
    with pytest.raises(ValueError, match="nine digits expected"):
        luhn_digit("١٢٣٤٥٦٧٨٩")  # Arabic-Indic digits
    with pytest.raises(ValueError, match="nine digits expected"):
        luhn_digit("12345678")


@pytest.mark.parametrize(
    ("text", "months"), [("1 mån", (1,)), ("1+0+1", (12,)), ("0 mån", None), ("0+0", None)]
)
def test_an_extension_of_one_month_counts_one_of_zero_does_not(
    text: str, months: tuple[int, ...] | None
) -> None:
    """`Ingen`, `Nej` and `-` mean no option; so does an option of zero months."""
    option, _ = parse_extension_option(text)
    assert (option.extensions_months if option else None) == months


@pytest.mark.parametrize(
    ("value", "text"), [(time(13, 45), "13:45"), (time(13, 45, 30), "13:45:30")]
)
def test_a_time_as_text_shows_seconds_only_when_there_are_some(value: time, text: str) -> None:
    """Text: all text, numbers and times as the officer sees them."""
    assert parse_text(value) == (text, None)


def test_text_of_a_string_subclass_is_read_as_its_text() -> None:
    class Label(str):
        pass

    assert parse_text(Label("  Städtjänster ")) == ("Städtjänster", None)


@pytest.mark.parametrize("value", [object(), [1, 2], b"bytes"])
def test_values_no_reader_delivers_are_no_text(value: Any) -> None:
    assert code_of(parse_text, value) == "invalid-text"
