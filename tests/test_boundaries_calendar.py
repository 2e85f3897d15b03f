"""Boundaries of the calendar rules (docs/regler.md, section 6 "Vardagar" and "Månader"):
the first and last possible day of each movable eve, the day before and after each closed day,
the month ends of leap years and the first and last month the calendar holds."""

from datetime import date

import pytest

from avtalsbok.core.calendar import (
    add_days_business,
    add_months,
    add_months_business,
    holidays_for,
    is_business_day,
    next_business_day,
)


@pytest.mark.parametrize("year", [2026, 2037])
def test_midsummer_eve_on_19_june_its_earliest_day_is_no_business_day(year: int) -> None:
    """Midsommarafton är inte vardag (Lag (1930:173) 2 §): in 2026 and 2037 it falls on
    Friday 19 June, the earliest day it can; Thursday 18 June is an ordinary business day and
    the deadline moves to Monday 22 June (midsummer day is Saturday 20 June)."""
    assert holidays_for(year)[date(year, 6, 19)] == "Midsommarafton"
    assert not is_business_day(date(year, 6, 19))
    assert is_business_day(date(year, 6, 18))
    assert next_business_day(date(year, 6, 19)) == date(year, 6, 22)


def test_midsummer_eve_on_25_june_its_latest_day_is_no_business_day() -> None:
    """In 2021 midsummer eve is Friday 25 June, the latest day it can: Friday 18 June is a
    business day."""
    assert holidays_for(2021)[date(2021, 6, 25)] == "Midsommarafton"
    assert not is_business_day(date(2021, 6, 25))
    assert is_business_day(date(2021, 6, 18))
    assert is_business_day(date(2021, 6, 24))


@pytest.mark.parametrize(
    ("before", "eve", "after"),
    [
        (date(2025, 12, 23), date(2025, 12, 24), date(2025, 12, 29)),  # julafton, a Wednesday
        (date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 2)),  # nyårsafton, a Wednesday
    ],
)
def test_christmas_and_new_years_eve_are_no_business_days(
    before: date, eve: date, after: date
) -> None:
    """Julafton och nyårsafton flyttas till närmast följande vardag; the day before is a
    business day."""
    assert is_business_day(before)
    assert not is_business_day(eve)
    assert next_business_day(eve) == after


def test_friday_is_a_business_day_and_saturday_is_not() -> None:
    """Inte vardagar är lördagar och söndagar: Friday 7 March 2025 is the last business day of
    the week, Monday 10 March the first."""
    assert [is_business_day(date(2025, 3, d)) for d in (7, 8, 9, 10)] == [True, False, False, True]


def test_a_business_day_stays_where_it_is() -> None:
    """Ett datum flyttas bara om det inte är vardag: zero days from a business day is that day."""
    assert next_business_day(date(2025, 3, 14)) == date(2025, 3, 14)
    assert add_days_business(date(2025, 3, 14), 0) == date(2025, 3, 14)
    assert add_days_business(date(2025, 3, 14), 1) == date(2025, 3, 17)
    assert add_months_business(date(2025, 1, 14), 2) == date(2025, 3, 14)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # divisible by 4: a leap year
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2100, 1, 31), 1, date(2100, 2, 28)),  # divisible by 100: no leap year
        (date(2000, 1, 31), 1, date(2000, 2, 29)),  # divisible by 400: a leap year
        (date(2025, 1, 31), 3, date(2025, 4, 30)),  # a month of 30 days
        (date(2025, 1, 30), 1, date(2025, 2, 28)),
        (date(2025, 1, 28), 1, date(2025, 2, 28)),  # the day exists: the same day
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),  # into the next year
        (date(2025, 1, 15), -1, date(2024, 12, 15)),  # back into the year before
        (date(2025, 1, 15), 0, date(2025, 1, 15)),
    ],
)
def test_a_month_later_is_the_same_day_or_the_months_last_day(
    start: date, months: int, expected: date
) -> None:
    """Tid i månader räknas till samma dag i slutmånaden. Finns inte dagen i slutmånaden blir
    det månadens sista dag (Lag (1930:173) 1 §)."""
    assert add_months(start, months) == expected


def test_the_first_and_last_month_the_calendar_holds() -> None:
    """Dates reach from year 1 to year 9999: the months at both ends can be reached, one month
    further cannot."""
    assert add_months(date(9999, 11, 30), 1) == date(9999, 12, 30)
    assert add_months(date(1, 2, 28), -1) == date(1, 1, 28)
    with pytest.raises(OverflowError):
        add_months(date(9999, 11, 30), 2)
    with pytest.raises(OverflowError):
        add_months(date(1, 2, 28), -2)
