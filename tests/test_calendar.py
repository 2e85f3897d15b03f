"""Swedish business days and month arithmetic (Lag 1930:173)."""

import subprocess
import sys
from datetime import date, timedelta

import pytest
from dateutil.easter import easter
from hypothesis import given
from hypothesis import strategies as st

from avtalsbok.core.calendar import (
    add_days_business,
    add_months,
    add_months_business,
    holidays_for,
    is_business_day,
    next_business_day,
)

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
month_counts = st.integers(min_value=-1200, max_value=1200)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 1, 15), -1, date(2023, 12, 15)),
        (date(2024, 5, 15), 12, date(2025, 5, 15)),
        (date(2000, 2, 29), 12, date(2001, 2, 28)),
        (date(1900, 1, 29), 1, date(1900, 2, 28)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 6, 10), 0, date(2024, 6, 10)),
        (date(9999, 12, 31), 0, date(9999, 12, 31)),
        (date(1, 1, 1), 11, date(1, 12, 1)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(("start", "months"), [(date(9999, 12, 1), 1), (date(1, 1, 31), -1)])
def test_add_months_outside_years_1_to_9999_overflows(start: date, months: int) -> None:
    with pytest.raises(OverflowError):
        add_months(start, months)


@given(dates, month_counts)
def test_add_months_keeps_the_day_or_takes_the_last_day(d: date, n: int) -> None:
    result = add_months(d, n)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n
    month_end = (result.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert result.day == min(d.day, month_end.day)


@pytest.mark.parametrize(
    "closed",
    [
        date(2025, 1, 1),  # Nyårsdagen
        date(2025, 1, 6),  # Trettondedag jul
        date(2025, 4, 18),  # Långfredagen
        date(2025, 4, 21),  # Annandag påsk
        date(2025, 5, 1),  # Första maj
        date(2025, 5, 29),  # Kristi himmelsfärdsdag
        date(2025, 6, 6),  # Nationaldagen, a Friday
        date(2025, 6, 20),  # Midsommarafton
        date(2025, 12, 24),  # Julafton
        date(2025, 12, 25),  # Juldagen
        date(2025, 12, 26),  # Annandag jul
        date(2025, 12, 31),  # Nyårsafton
        date(2026, 6, 6),  # Nationaldagen, a Saturday anyway
        date(2025, 6, 21),  # Midsommardagen, a Saturday
        date(2025, 6, 22),  # an ordinary Sunday
        date(2150, 4, 13),  # Annandag påsk, beyond the holiday package's own horizon
    ],
)
def test_closed_days(closed: date) -> None:
    assert not is_business_day(closed)


@pytest.mark.parametrize(
    "open_day",
    [
        date(2025, 6, 19),  # Thursday before midsummer eve
        date(2025, 6, 23),
        date(2025, 12, 23),
        date(2025, 12, 29),
        date(2025, 4, 22),  # Tuesday after Easter
        date(2025, 6, 9),  # Annandag pingst is no longer a holiday
        date(2026, 1, 2),
    ],
)
def test_business_days(open_day: date) -> None:
    assert is_business_day(open_day)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 6, 20), date(2025, 6, 23)),  # midsummer eve → Monday
        (date(2025, 12, 24), date(2025, 12, 29)),  # Christmas: 24, 25, 26, weekend
        (date(2025, 12, 31), date(2026, 1, 2)),  # New Year's eve and day
        (date(2024, 3, 29), date(2024, 4, 2)),  # Good Friday → after Easter Monday
        (date(2025, 5, 17), date(2025, 5, 19)),  # Saturday → Monday
        (date(2025, 5, 19), date(2025, 5, 19)),  # a business day stays
    ],
)
def test_next_business_day(d: date, expected: date) -> None:
    assert next_business_day(d) == expected


def test_holidays_for_names_the_eves_and_leaves_out_ordinary_sundays() -> None:
    days = holidays_for(2025)
    assert days[date(2025, 6, 20)] == "Midsommarafton"
    assert days[date(2025, 12, 24)] == "Julafton"
    assert days[date(2025, 12, 31)] == "Nyårsafton"
    assert days[date(2025, 4, 21)] == "Annandag påsk"
    assert [d for d in days if d.weekday() == 6] == [date(2025, 4, 20), date(2025, 6, 8)]
    assert len(days) == 16


def test_holidays_for_returns_a_copy() -> None:
    holidays_for(2025).clear()
    assert len(holidays_for(2025)) == 16


@given(st.integers(min_value=1953, max_value=2200))
def test_midsummer_eve_is_the_friday_before_midsummer_day(year: int) -> None:
    days = holidays_for(year)
    (eve,) = [d for d, name in days.items() if name == "Midsommarafton"]
    assert eve.weekday() == 4 and date(year, 6, 19) <= eve <= date(year, 6, 25)
    assert days[eve + timedelta(days=1)] == "Midsommardagen"


@given(st.integers(min_value=1953, max_value=9999))
def test_easter_monday_every_year_from_1953(year: int) -> None:
    assert holidays_for(year)[easter(year) + timedelta(days=1)] == "Annandag påsk"


@given(dates, month_counts)
def test_add_months_business_is_the_first_business_day_on_or_after_the_deadline(
    d: date, n: int
) -> None:
    deadline = add_months(d, n)
    result = add_months_business(d, n)
    _assert_first_business_day_from(deadline, result)


@given(dates, st.integers(min_value=-3000, max_value=3000))
def test_add_days_business_is_the_first_business_day_on_or_after_the_target(
    d: date, n: int
) -> None:
    _assert_first_business_day_from(d + timedelta(days=n), add_days_business(d, n))


def _assert_first_business_day_from(target: date, result: date) -> None:
    assert is_business_day(result)
    assert target <= result < target + timedelta(days=7)
    skipped = [target + timedelta(days=i) for i in range((result - target).days)]
    assert not any(map(is_business_day, skipped))


def test_add_days_business_known() -> None:
    assert add_days_business(date(2025, 6, 10), 10) == date(2025, 6, 23)
    assert add_days_business(date(2025, 12, 10), 14) == date(2025, 12, 29)
    assert add_months_business(date(2025, 3, 20), 3) == date(2025, 6, 23)


def test_no_business_day_left_after_the_last_representable_date() -> None:
    assert not is_business_day(date(9999, 12, 31))  # Nyårsafton
    with pytest.raises(OverflowError):
        next_business_day(date(9999, 12, 31))


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_the_calendar_loads_sweden_without_the_other_countries_and_gets_the_same_holidays() -> None:
    years = "range(1953, 2101, 7)"
    ours = _run(
        "import sys\n"
        "from avtalsbok.core import calendar\n"
        "assert 'holidays.countries' not in sys.modules, 'every country was loaded'\n"
        f"print(sorted((d.isoformat(), n) for y in {years} for d, n in "
        "calendar._SwedishHolidays(years=y, include_sundays=False, language='sv').items()))"
    )
    package = _run(
        "from holidays.countries.sweden import Sweden\n"
        f"print(sorted((d.isoformat(), n) for y in {years} for d, n in "
        "Sweden(years=y, include_sundays=False, language='sv').items()))"
    )
    assert ours == package
    assert "Midsommardagen" in ours


def test_the_package_of_countries_still_loads_after_the_calendar() -> None:
    out = _run(
        "from avtalsbok.core import calendar\n"
        "import holidays.countries\n"
        "print(holidays.countries.Sweden is calendar.Sweden,"
        " len(holidays.list_supported_countries()) > 100)"
    )
    assert out.split() == ["True", "True"]
