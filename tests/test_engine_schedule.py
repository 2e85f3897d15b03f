"""Dates per contract: start-up meeting, next follow-up, extension deadline, contract status."""

from datetime import date, timedelta
from typing import Any

import pytest
from helpers import TODAY, Record, contract, contract_values, follow_up, run, setting
from hypothesis import given, settings
from hypothesis import strategies as st

from avtalsbok.core.calendar import is_business_day

NEXT = ("next_follow_up", "next_follow_up_kind", "follow_up_status")
OPTION = {"extension_option": "1+1"}


def tiered(tier: int, **overrides: Any) -> Record:
    """A contract given `tier` by hand, so the schedule does not depend on the ranking."""
    return contract(manual_priority=tier, motivation="Vald i test", **overrides)


def next_after(tier: int, last: date, **overrides: Any) -> tuple[Any, ...]:
    """Next follow-up of a `tier` contract last followed up on `last`."""
    r = run([tiered(tier, **overrides)], [follow_up(date=last)])
    return contract_values(r, 2, "last_follow_up", *NEXT)


# --- Next follow-up by tier cadence ----------------------------------------------------------


def test_tier_1_is_followed_up_every_four_months_moved_off_the_weekend() -> None:
    # 2025-05-10 is a Saturday.
    assert next_after(1, date(2025, 1, 10)) == (
        date(2025, 1, 10),
        date(2025, 5, 12),
        "Statistikuppföljning + utvecklingsmöte",
        "Planerad",
    )


def test_tier_2_is_followed_up_once_a_year() -> None:
    assert next_after(2, date(2024, 4, 1))[1:] == (
        date(2025, 4, 1),
        "Statistikuppföljning + uppföljningsmöte",
        "Inom 30 dagar",
    )


def test_tier_3_every_other_year_but_not_after_the_end() -> None:
    assert next_after(3, date(2023, 6, 1))[1:] == (
        date(2025, 6, 2),  # 2025-06-01 is a Sunday
        "Statistikuppföljning + uppföljning",
        "Planerad",
    )
    assert next_after(3, date(2024, 6, 3), end=date(2025, 12, 31))[1:] == (
        None,
        None,
        "Ingen – avtalet upphör",
    )


@pytest.mark.parametrize(
    ("tier", "last", "expected"),
    [
        (1, date(2024, 10, 31), date(2025, 2, 28)),  # no 31 February: the month's last day
        (2, date(2024, 2, 29), date(2025, 2, 28)),  # leap day to a common year
    ],
)
def test_months_are_added_as_lag_1930_173_says(tier: int, last: date, expected: date) -> None:
    assert next_after(tier, last)[1::2] == (expected, "Försenad (14 dagar)")


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (date(2024, 6, 20), date(2025, 6, 23)),  # midsommarafton, midsommardagen, Sunday
        (date(2024, 12, 24), date(2025, 12, 29)),  # julafton, juldagen, annandag jul, weekend
        (date(2024, 12, 31), date(2026, 1, 2)),  # nyårsafton, nyårsdagen
        (date(2024, 5, 1), date(2025, 5, 2)),  # första maj
    ],
)
def test_follow_ups_move_off_holidays_and_the_three_eves(last: date, expected: date) -> None:
    assert next_after(2, last)[1] == expected


def test_the_latest_follow_up_done_is_the_anchor() -> None:
    r = run(
        [tiered(2)],
        [
            follow_up(date=date(2024, 9, 2)),
            follow_up(date=date(2024, 4, 1)),
            follow_up(date=date(2025, 4, 1)),  # planned, not done: in the future
        ],
    )
    assert contract_values(r, 2, "last_follow_up", "next_follow_up") == (
        date(2024, 9, 2),
        date(2025, 9, 2),
    )


@pytest.mark.parametrize(
    ("days", "status"),
    [
        (-2, "Försenad (2 dagar)"),
        (0, "Inom 30 dagar"),
        (30, "Inom 30 dagar"),
        (31, "Planerad"),
    ],
)
def test_follow_up_status_by_days_left(days: int, status: str) -> None:
    # Tier 2 from 2024-03-14 is due on 2025-03-14 (a Friday); the reference date moves.
    today = date(2025, 3, 14) - timedelta(days=days)
    r = run([tiered(2)], [follow_up(date=date(2024, 3, 14))], today=today)
    assert contract_values(r, 2, "next_follow_up", "follow_up_status") == (
        date(2025, 3, 14),
        status,
    )


def test_the_soon_limit_and_the_cadence_are_settings() -> None:
    r = run(
        [tiered(1)],
        [follow_up(date=date(2024, 10, 1))],
        settings=[
            setting("Intervall prioritet 1 (mån)", 6),
            setting("Snart-gräns uppföljning (dagar)", 30),
        ],
    )
    assert contract_values(r, 2, *NEXT)[::2] == (date(2025, 4, 1), "Inom 30 dagar")
    r = run(
        [tiered(1)],
        [follow_up(date=date(2024, 10, 1))],
        settings=[
            setting("Intervall prioritet 1 (mån)", 6),
            setting("Snart-gräns uppföljning (dagar)", 14),
        ],
    )
    assert contract_values(r, 2, "follow_up_status") == ("Planerad",)


# --- Start-up meeting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("award", "meeting"),
    [
        (date(2025, 3, 10), date(2025, 3, 21)),  # 10 days of standstill, the meeting on day 11
        (date(2025, 3, 12), date(2025, 3, 24)),  # day 11 is a Sunday
        (date(2025, 6, 9), date(2025, 6, 23)),  # day 11 is midsommarafton
    ],
)
def test_the_start_up_meeting_follows_the_standstill_on_a_business_day(
    award: date, meeting: date
) -> None:
    r = run([tiered(2, award_date=award, start=date(2025, 7, 1))])
    assert contract_values(r, 2, "next_follow_up", "next_follow_up_kind") == (
        meeting,
        "Uppstartsmöte",
    )
    assert is_business_day(meeting)


def test_the_standstill_is_a_setting_15_days_when_not_sent_electronically() -> None:
    r = run(
        [tiered(2, award_date=date(2025, 3, 10), start=date(2025, 7, 1))],
        settings=[setting("Avtalsspärr (dagar)", 15)],
    )
    assert contract_values(r, 2, *NEXT) == (date(2025, 3, 26), "Uppstartsmöte", "Inom 30 dagar")


def test_without_an_award_date_the_start_up_meeting_is_at_the_start() -> None:
    # 2025-06-06 is Sweden's national day, a Friday.
    r = run([tiered(2, start=date(2025, 6, 6))])
    assert contract_values(r, 2, *NEXT, "contract_status") == (
        date(2025, 6, 9),
        "Uppstartsmöte",
        "Planerad",
        "Ej startat",
    )


def test_a_late_start_up_meeting_is_overdue() -> None:
    r = run([tiered(2, start=date(2025, 2, 3))])
    assert contract_values(r, 2, *NEXT) == (
        date(2025, 2, 3),
        "Uppstartsmöte",
        "Försenad (39 dagar)",
    )


def test_no_start_up_meeting_for_an_older_contract_or_one_already_followed_up() -> None:
    older = run([tiered(3, start=date(2023, 1, 1))])
    assert contract_values(older, 2, *NEXT) == (
        date(2025, 1, 2),  # 2025-01-01 is nyårsdagen
        "Statistikuppföljning + uppföljning",
        "Försenad (71 dagar)",
    )
    met = run([tiered(2, start=date(2025, 1, 7))], [follow_up(date=date(2025, 1, 7))])
    assert contract_values(met, 2, "next_follow_up_kind") == (
        "Statistikuppföljning + uppföljningsmöte",
    )


def test_the_start_up_window_is_a_setting() -> None:
    rows = [tiered(2, start=date(2024, 9, 2))]
    assert contract_values(run(rows), 2, "next_follow_up_kind") == ("Uppstartsmöte",)
    narrow = run(rows, settings=[setting("Uppstartsmöte för avtal yngre än (mån)", 6)])
    assert contract_values(narrow, 2, "next_follow_up", "next_follow_up_kind") == (
        date(2025, 9, 2),
        "Statistikuppföljning + uppföljningsmöte",
    )


# --- Extension decision -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "notice", "lead", "deadline"),
    [
        (date(2026, 6, 30), 3, None, date(2026, 3, 2)),  # 2026-03-30 − 30 days: a Saturday
        (date(2028, 5, 31), 3, 0, date(2028, 2, 29)),  # no 31 February: the month's last day
        (date(2027, 5, 31), 3, 0, date(2027, 3, 1)),  # 2027-02-28 is a Sunday
        (date(2026, 3, 24), 3, 0, date(2025, 12, 29)),  # julafton and the days after
        (date(2026, 6, 30), None, 0, date(2026, 6, 30)),  # no notice period
        (date(2026, 6, 30), 6, 60, date(2025, 10, 31)),  # 2025-12-30 − 60 days
    ],
)
def test_extension_decision_is_end_minus_notice_minus_lead_time_on_a_business_day(
    end: date, notice: int | None, lead: int | None, deadline: date
) -> None:
    rows = [contract(end=end, notice_months=notice, **OPTION)]
    extra = [] if lead is None else [setting("Framförhållning förlängningsbeslut (dagar)", lead)]
    r = run(rows, settings=extra)
    assert contract_values(r, 2, "extension_deadline") == (deadline,)


@pytest.mark.parametrize("option", [None, "Ingen", "-"])
def test_no_extension_option_no_decision(option: str | None) -> None:
    r = run([contract(end=date(2025, 9, 30), notice_months=3, extension_option=option)])
    assert contract_values(r, 2, "extension_deadline", "contract_status") == (
        None,
        "Ny upphandling krävs",
    )


# --- Contract status --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"start": date(2025, 3, 15)}, "Ej startat"),
        ({"start": date(2025, 3, 14)}, "Aktivt"),
        ({}, "Aktivt"),
        # No extension left: a new procurement by the end − 12 months, moved to a weekday.
        ({"end": date(2026, 6, 15)}, "Aktivt"),  # by Monday 2025-06-16: 94 days left
        ({"end": date(2026, 6, 12)}, "Ny upphandling krävs"),  # by 2025-06-12: 90 days left
        ({"end": date(2025, 6, 12)}, "Ny upphandling krävs"),  # its day has passed
        # An extension left but its decision day passed (2025-02-10): only the end is near.
        ({"end": date(2025, 6, 13), "notice_months": 3, **OPTION}, "Aktivt"),  # 91 days
        ({"end": date(2025, 6, 12), "notice_months": 3, **OPTION}, "Löper ut"),  # 90 days
        ({"end": date(2025, 3, 14), **OPTION}, "Löper ut"),  # the last day
        ({"end": date(2025, 3, 13)}, "Upphört"),
        # Decide by 2025-06-02 (2025-06-30 − 30 days is a Saturday): 80 days left.
        ({"end": date(2025, 9, 30), "notice_months": 3, **OPTION}, "Förlängningsbeslut krävs"),
        # Decide by 2025-07-30: 138 days left, more than the 90-day warning.
        ({"end": date(2025, 12, 31), "notice_months": 4, **OPTION}, "Aktivt"),
    ],
)
def test_contract_status(overrides: dict[str, Any], status: str) -> None:
    r = run([contract(**overrides)])
    assert contract_values(r, 2, "contract_status") == (status,)


def test_an_ended_contract_has_no_next_follow_up() -> None:
    r = run([contract(end=date(2025, 3, 13))], [follow_up(date=date(2024, 3, 1))])
    assert contract_values(r, 2, "last_follow_up", *NEXT) == (
        date(2024, 3, 1),
        None,
        None,
        "Ingen – avtalet upphör",
    )


def test_the_expiry_warning_is_a_setting() -> None:
    rows = [contract(end=date(2025, 5, 1), notice_months=3, **OPTION)]
    assert contract_values(run(rows), 2, "contract_status") == ("Löper ut",)
    short = run(rows, settings=[setting("Varning före avtalsslut (dagar)", 30)])
    assert contract_values(short, 2, "contract_status") == ("Aktivt",)


def test_open_ended_contracts_far_in_the_future_are_scheduled() -> None:
    r = run(
        [
            contract(contract_id="A1", end=date(9999, 12, 31), notice_months=6, **OPTION),
            contract(contract_id="A2", start=date(9999, 12, 31), end=date(9999, 12, 31)),
        ]
    )
    assert contract_values(r, 2, "extension_deadline", "contract_status") == (
        date(9999, 5, 31),  # 9999-06-30 − 30 days, a Monday
        "Aktivt",
    )
    # The day after the start lies past the calendar: no meeting can be dated.
    assert contract_values(r, 3, *NEXT, "contract_status") == (
        None,
        None,
        "Ingen – avtalet upphör",
        "Ej startat",
    )


# --- Properties -------------------------------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@settings(max_examples=300, deadline=None)
@given(
    tier=st.integers(min_value=1, max_value=3),
    start=days,
    last=st.one_of(st.none(), days),
    award=st.one_of(st.none(), days),
    today=days,
)
def test_a_next_follow_up_is_a_business_day_never_before_its_anchor(
    tier: int, start: date, last: date | None, award: date | None, today: date
) -> None:
    rows = [tiered(tier, start=start, end=date(2199, 12, 31), award_date=award)]
    done = [follow_up(date=last)] if last else []
    r = run(rows, done, today=today)
    last_done, next_date, kind = contract_values(r, 2, "last_follow_up", *NEXT[:2])
    if next_date is None:
        return
    assert is_business_day(next_date)
    if kind == "Uppstartsmöte":
        assert last_done is None
        assert next_date > award if award else next_date >= start
    else:
        assert next_date > (last_done or start)
    assert all(is_business_day(row.date) for row in r.plan)


def test_one_day_late_is_written_in_the_singular() -> None:
    from avtalsbok.core.schedule import due_status
    from avtalsbok.core.settings import Settings

    assert due_status(date(2026, 11, 20), date(2026, 11, 21), Settings()) == "Försenad (1 dag)"
    assert due_status(date(2026, 11, 19), date(2026, 11, 21), Settings()) == "Försenad (2 dagar)"


# --- Adopting a register: Uppföljningar räknas från, Senaste uppföljning före avtalsboken -----

#: The book began on Monday 3 February 2025; the run is on 14 March 2025.
BEGAN = setting("Uppföljningar räknas från", date(2025, 2, 3))


def adopted(*rows: Record, began: bool = True, follow_ups: tuple[Record, ...] = ()) -> Any:
    r = run(list(rows), list(follow_ups), settings=[BEGAN] if began else [])
    return [contract_values(r, row, "last_follow_up", *NEXT) for row in range(2, len(rows) + 2)]


def test_a_contract_never_followed_up_is_planned_from_the_day_the_book_began() -> None:
    # Started 2023-01-01: without the setting its yearly follow-up was due on 2024-01-02
    # (1 January is a holiday) and is 437 days late on the first run.
    assert adopted(tiered(2), began=False) == [
        (None, date(2024, 1, 2), "Statistikuppföljning + uppföljningsmöte", "Försenad (437 dagar)")
    ]
    assert adopted(tiered(2), tiered(1, contract_id="A2")) == [
        (None, date(2026, 2, 3), "Statistikuppföljning + uppföljningsmöte", "Planerad"),
        (None, date(2025, 6, 3), "Statistikuppföljning + utvecklingsmöte", "Planerad"),
    ]


def test_a_start_up_meeting_is_not_planned_before_the_day_the_book_began() -> None:
    before = tiered(2, start=date(2024, 12, 2))  # in the start-up window, before the book
    after = tiered(2, contract_id="A2", start=date(2025, 2, 10))  # after: as always
    assert adopted(before, after) == [
        (None, date(2025, 2, 3), "Uppstartsmöte", "Försenad (39 dagar)"),
        (None, date(2025, 2, 10), "Uppstartsmöte", "Försenad (32 dagar)"),
    ]


def test_a_contract_starting_on_the_day_the_book_began_is_planned_as_always() -> None:
    """Only a contract that started before `Uppföljningar räknas från` waits for that day: one
    starting on it has its start-up meeting after the standstill, even before the book."""
    on = tiered(2, start=date(2025, 2, 3), award_date=date(2024, 12, 2))
    assert adopted(on) == [(None, date(2024, 12, 13), "Uppstartsmöte", "Försenad (91 dagar)")]


def test_a_contract_starting_after_the_book_began_counts_from_its_own_start() -> None:
    """A book begun on 2 January 2024; a contract started 1 February 2024, out of the start-up
    window, never followed up: its yearly follow-up is a year after its own start."""
    began = setting("Uppföljningar räknas från", date(2024, 1, 2))
    r = run([tiered(2, start=date(2024, 2, 1))], settings=[began])
    assert contract_values(r, 2, "next_follow_up") == (date(2025, 2, 3),)  # 1 Feb: a Saturday
    undated = run([tiered(2, start=None)], settings=[began])
    assert contract_values(undated, 2, *NEXT) == contract_values(
        run([tiered(2, start=None)]), 2, *NEXT
    )


def test_a_follow_up_before_the_book_made_today_counts() -> None:
    assert adopted(tiered(1, earlier_follow_up=TODAY))[0][:2] == (TODAY, date(2025, 7, 14))


def test_a_follow_up_before_the_book_counts_unless_a_later_one_is_registered() -> None:
    earlier = tiered(1, earlier_follow_up=date(2024, 9, 2))
    assert adopted(earlier) == [
        (
            date(2024, 9, 2),
            date(2025, 1, 2),
            "Statistikuppföljning + utvecklingsmöte",
            "Försenad (71 dagar)",
        )
    ]
    later = (follow_up(date=date(2025, 1, 15)),)
    assert adopted(earlier, follow_ups=later)[0][:2] == (date(2025, 1, 15), date(2025, 5, 15))


def test_a_follow_up_before_the_book_dated_in_the_future_is_a_warning_and_not_counted() -> None:
    r = run([tiered(2, earlier_follow_up=date(2025, 4, 1))], settings=[BEGAN])
    assert contract_values(r, 2, "last_follow_up", "next_follow_up") == (None, date(2026, 2, 3))
    assert [(f.row, f.header, f.code) for f in r.findings if f.row] == [
        (2, "Senaste uppföljning före avtalsboken", "earlier-follow-up-in-future")
    ]
    assert [(f.value, f.message) for f in r.findings] == [
        (
            date(2025, 4, 1),
            "Senaste uppföljning före avtalsboken (2025-04-01) ligger i framtiden; "
            "den räknas inte.",
        )
    ]
    assert run([tiered(2, earlier_follow_up=TODAY)], settings=[BEGAN]).findings == []
