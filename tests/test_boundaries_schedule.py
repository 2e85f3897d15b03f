"""Boundaries of the date rules per contract (docs/regler.md, sections 6, 7 and 10): each rule on
its limit day, the day before and the day after. Dates are chosen so every date computed is a
business day, and the reference date is given with each case."""

from datetime import date
from typing import Any

import pytest
from helpers import contract, contract_values, follow_up, run, setting

from avtalsbok.core.engine import Result

STATUS = ("next_follow_up", "next_follow_up_kind", "follow_up_status")


def tier(level: int, **overrides: Any) -> dict[str, Any]:
    """A contract given tier `level` by hand, so its dates do not depend on the ranking."""
    return contract(manual_priority=level, motivation="Vald i test", **overrides)


# --- 7. Avtalsstatus ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "deadline", "status"),
    [
        # Slutdatum − 6 mån − 30 dagar: 2025-10-13 → 2025-04-13 → Friday 14 March 2025, today.
        (date(2025, 10, 13), date(2025, 3, 14), "Förlängningsbeslut krävs"),
        (date(2026, 1, 12), date(2025, 6, 12), "Förlängningsbeslut krävs"),  # exactly 90 days
        (date(2026, 1, 13), date(2025, 6, 13), "Aktivt"),  # 91 days
        (date(2025, 10, 12), date(2025, 3, 13), "Aktivt"),  # passed yesterday, end far off
    ],
)
def test_extension_decision_required_from_90_days_before_to_the_deadline_day(
    end: date, deadline: date, status: str
) -> None:
    """`Förlängningsbeslut krävs`: beslutsdagen för förlängning är idag eller inom 90 dagar."""
    r = run([contract(end=end, extension_option="1+1", notice_months=6)], today=date(2025, 3, 14))
    assert contract_values(r, 2, "extension_deadline", "contract_status") == (deadline, status)


@pytest.mark.parametrize(
    ("end", "status"),
    [
        (date(2025, 3, 13), "Upphört"),  # yesterday
        (date(2025, 3, 14), "Löper ut"),  # on the end day the contract is still in force
        (date(2025, 6, 12), "Löper ut"),  # exactly 90 days
        (date(2025, 6, 13), "Aktivt"),  # 91 days
    ],
)
def test_expiring_within_90_days_and_ended_only_after_the_end_day(end: date, status: str) -> None:
    """`Upphört`: Idag är efter Slutdatum (på slutdagen är avtalet fortfarande i kraft);
    `Löper ut`: Slutdatum är inom 90 dagar. An extension is left, its decision day passed (with
    none left the contract would need a new procurement)."""
    row = contract(end=end, extension_option="1+1", notice_months=6)
    r = run([row], today=date(2025, 3, 14))
    assert contract_values(r, 2, "contract_status") == (status,)


@pytest.mark.parametrize(
    ("start", "status"),
    [
        (date(2025, 3, 13), "Aktivt"),
        (date(2025, 3, 14), "Aktivt"),
        (date(2025, 3, 15), "Ej startat"),
    ],
)
def test_not_started_only_before_the_start_day(start: date, status: str) -> None:
    """`Ej startat`: Idag är före Startdatum."""
    r = run([contract(start=start)], today=date(2025, 3, 14))
    assert contract_values(r, 2, "contract_status") == (status,)


def test_a_passed_decision_deadline_with_the_end_near_is_expiring() -> None:
    """När beslutsdagen har passerat utan att avtalet förlängts visas `Löper ut` när slutdatum
    är inom 90 dagar: the deadline, 31 October 2024, has passed; the end is 78 days off."""
    r = run([contract(end=date(2025, 5, 31), extension_option="1+1", notice_months=6)])
    assert contract_values(r, 2, "extension_deadline", "contract_status") == (
        date(2024, 10, 31),
        "Löper ut",
    )


@pytest.mark.parametrize(
    ("end", "deadline"),
    [
        (date(2026, 6, 29), date(2026, 6, 1)),  # Saturday 30 May → Monday 1 June
        (date(2026, 6, 30), date(2026, 6, 1)),  # Sunday 31 May → Monday 1 June
        (date(2026, 7, 1), date(2026, 6, 1)),  # Monday 1 June itself
        (date(2026, 7, 2), date(2026, 6, 2)),
    ],
)
def test_the_decision_is_exactly_30_days_before_the_notice_day(end: date, deadline: date) -> None:
    """Slutdatum − uppsägningstid − intern framförhållning (30 dagar), flyttat till vardag om
    dagen är en lördag, söndag eller helgdag (no notice here)."""
    r = run([contract(end=end, extension_option="12 mån")])
    assert contract_values(r, 2, "extension_deadline") == (deadline,)


# --- 6. Uppföljningsstatus ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "next_date", "status"),
    [
        (date(2025, 3, 12), date(2025, 3, 10), "Försenad (2 dagar)"),
        (date(2025, 3, 12), date(2025, 3, 11), "Försenad (1 dag)"),
        (date(2025, 3, 12), date(2025, 3, 12), "Inom 30 dagar"),  # due today is not late
        (date(2025, 3, 10), date(2025, 4, 9), "Inom 30 dagar"),  # exactly 30 days
        (date(2025, 3, 10), date(2025, 4, 10), "Planerad"),  # 31 days
    ],
)
def test_follow_up_status_on_the_due_day_and_at_30_days(
    today: date, next_date: date, status: str
) -> None:
    """`Försenad (N dagar)`: nästa uppföljning ligger N dagar före Idag; `Inom 30 dagar`: idag
    eller inom 30 dagar; `Planerad`: senare än så. A tier-2 contract followed up a year before."""
    last = next_date.replace(year=next_date.year - 1)
    r = run([tier(2)], [follow_up(date=last)], today=today)
    assert contract_values(r, 2, *STATUS) == (
        next_date,
        "Statistikuppföljning + uppföljningsmöte",
        status,
    )


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (date(2026, 1, 16), (date(2026, 1, 15), "Statistikuppföljning + uppföljningsmöte")),
        (date(2026, 1, 15), (date(2026, 1, 15), "Statistikuppföljning + uppföljningsmöte")),
        (date(2026, 1, 14), (None, None)),
    ],
)
def test_a_follow_up_on_the_end_day_is_still_held(
    end: date, expected: tuple[date | None, str | None]
) -> None:
    """`Ingen – avtalet upphör`: nästa uppföljning skulle hamna efter Slutdatum. Tier 2, last
    followed up Wednesday 15 January 2025: the next is Thursday 15 January 2026."""
    r = run([tier(2, end=end)], [follow_up(date=date(2025, 1, 15))])
    assert contract_values(r, 2, *STATUS[:2]) == expected
    if expected[0] is None:
        assert contract_values(r, 2, "follow_up_status") == ("Ingen – avtalet upphör",)


# --- 6. Uppstartsmöte --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Today Friday 14 March 2025: the window opens on 14 March 2024 (a Thursday).
        (date(2024, 3, 14), (date(2024, 3, 14), "Uppstartsmöte")),
        (date(2024, 3, 15), (date(2024, 3, 15), "Uppstartsmöte")),
        # One day older: start + 12 months for tier 2, 13 March 2025 (a Thursday).
        (date(2024, 3, 13), (date(2025, 3, 13), "Statistikuppföljning + uppföljningsmöte")),
    ],
)
def test_the_start_up_windows_first_day(start: date, expected: tuple[date, str]) -> None:
    """Ett avtal utan registrerad uppföljning som har startat under de senaste 12 månaderna får
    ett uppstartsmöte: the window includes the day exactly 12 months back."""
    r = run([tier(2, start=start)])
    assert contract_values(r, 2, *STATUS[:2]) == expected


@pytest.mark.parametrize(
    ("standstill", "award", "meeting"),
    [
        (10, date(2025, 3, 10), date(2025, 3, 21)),  # Monday: the standstill ends Thursday 20th
        (10, date(2025, 3, 11), date(2025, 3, 24)),  # day 11 is Saturday 22nd
        (15, date(2025, 3, 10), date(2025, 3, 26)),  # day 16 is Wednesday 26th
    ],
)
def test_the_start_up_meeting_is_the_day_after_the_standstill(
    standstill: int, award: date, meeting: date
) -> None:
    """Tilldelningsbeslut + avtalsspärrens dagar + 1 dag, flyttat till vardag."""
    r = run(
        [tier(2, award_date=award, start=date(2025, 4, 1))],
        settings=[setting("Avtalsspärr (dagar)", standstill)],
    )
    assert contract_values(r, 2, *STATUS[:2]) == (meeting, "Uppstartsmöte")


# --- 10. Uppföljningsplanen: från Idag och tolv månader framåt -----------------------------------


def plan_dates(r: Result, activity_prefix: str = "") -> list[date]:
    return [p.date for p in r.plan if p.activity.startswith(activity_prefix)]


@pytest.mark.parametrize(
    ("last", "planned"),
    [
        # Today Wednesday 12 March 2025: the plan runs to Wednesday 11 March 2026 inclusive.
        (date(2024, 3, 11), [date(2026, 3, 11)]),
        (date(2024, 3, 12), []),  # Thursday 12 March 2026 is twelve months out: not planned
    ],
)
def test_the_plans_twelve_months_for_a_24_month_interval(last: date, planned: list[date]) -> None:
    """Uppföljningsplanen listar allt som ska göras från Idag och tolv månader framåt: a tier-3
    follow-up due in exactly twelve months is left for next year's plan."""
    r = run([tier(3)], [follow_up(date=last)], today=date(2025, 3, 12))
    assert plan_dates(r) == planned


def test_a_tier_1_plan_stops_before_the_follow_up_twelve_months_out() -> None:
    """Var 4:e månad from a follow-up due today: today, in 4 months (Saturday 12 July → Monday
    14th) and in 8; the one in 12 months falls on the horizon and is not listed."""
    r = run([tier(1)], [follow_up(date=date(2024, 11, 12))], today=date(2025, 3, 12))
    assert plan_dates(r) == [date(2025, 3, 12), date(2025, 7, 14), date(2025, 11, 12)]


def test_the_plan_keeps_a_follow_up_on_the_end_day() -> None:
    """Var N:e månad enligt prioriteten, så länge avtalet löper: a follow-up on Slutdatum is
    planned, one a day after it is not."""
    on_end = run(
        [tier(1, end=date(2025, 11, 12))],
        [follow_up(date=date(2024, 11, 12))],
        today=date(2025, 3, 12),
    )
    after_end = run(
        [tier(1, end=date(2025, 11, 11))],
        [follow_up(date=date(2024, 11, 12))],
        today=date(2025, 3, 12),
    )
    follow_ups = "Statistikuppföljning"  # not the evaluation before the end
    assert plan_dates(on_end, follow_ups)[-1] == date(2025, 11, 12)
    assert plan_dates(after_end, follow_ups)[-1] == date(2025, 7, 14)


@pytest.mark.parametrize(
    ("end", "planned"),
    [
        # 6 months' notice + 30 days; today Wednesday 12 March 2025, the plan runs to Wednesday
        # 11 March 2026 inclusive.
        (date(2025, 10, 11), [date(2025, 3, 12)]),  # the deadline is today
        (date(2025, 10, 10), []),  # yesterday: past, not planned
        (date(2026, 10, 10), [date(2026, 3, 11)]),  # the plan's last day
        (date(2026, 10, 11), []),  # Thursday 12 March 2026: twelve months out
    ],
)
def test_an_extension_decision_is_planned_from_today_to_the_horizon(
    end: date, planned: list[date]
) -> None:
    """`Beslut om förlängning senast` på beslutsdagen, om den ligger mellan Idag och tolv
    månader framåt."""
    r = run([contract(end=end, extension_option="1+1", notice_months=6)], today=date(2025, 3, 12))
    assert plan_dates(r, "Beslut om förlängning") == planned


@pytest.mark.parametrize(
    ("months", "form"),
    [
        (1, "Statistik + utvecklingsmöte 12 ggr/år"),  # the shortest interval
        (12, "Statistik + utvecklingsmöte 1 gång/år"),
        (24, "Statistik + utvecklingsmöte vartannat år"),
        (30, "Statistik + utvecklingsmöte var 30:e månad"),  # not whole years
        (60, "Statistik + utvecklingsmöte vart femte år"),  # the longest interval for tier 1
    ],
)
def test_the_follow_up_form_names_the_cadence_at_its_limits(months: int, form: str) -> None:
    """Uppföljningsform visar gruppens form och takt; takten följer inställningarna."""
    r = run([tier(1)], settings=[setting("Intervall prioritet 1 (mån)", months)])
    assert contract_values(r, 2, "follow_up_form") == (form,)


def test_the_longest_tier_3_interval_in_years_without_an_ordinal() -> None:
    """Intervall prioritet 3 up to 120 months: six years has no ordinal word, so months."""
    r = run([tier(3)], settings=[setting("Intervall prioritet 3 (mån)", 72)])
    assert contract_values(r, 2, "follow_up_form") == (
        "Statistik + uppföljning var 72:e månad och vid behov",
    )


@pytest.mark.parametrize(
    ("overrides", "follow_ups", "expected"),
    [
        # Ended: no follow-up, but the decision date that was is still shown.
        (
            {"end": date(2024, 12, 31)},
            [],
            ("Upphört", date(2024, 12, 2), None, "Ingen – avtalet upphör"),
        ),
        # The next follow-up (15 January 2026) would fall after the end.
        (
            {"end": date(2026, 1, 14), "manual_priority": 2, "motivation": "Vald i test"},
            [follow_up(date=date(2025, 1, 15))],
            ("Aktivt", date(2025, 12, 15), None, "Ingen – avtalet upphör"),
        ),
        # Starting on New Year's eve 9999: no business day is left for a start-up meeting.
        (
            {"start": date(9999, 12, 31), "end": date(9999, 12, 31)},
            [],
            ("Ej startat", date(9999, 12, 1), None, "Ingen – avtalet upphör"),
        ),
        # No Startdatum (an error): no follow-up date, the rest is still computed.
        ({"start": None}, [], ("Aktivt", date(2026, 12, 1), None, None)),
    ],
)
def test_without_a_next_follow_up_the_status_and_decision_date_are_still_given(
    overrides: dict[str, Any], follow_ups: list[dict[str, Any]], expected: tuple[Any, ...]
) -> None:
    """En rad med fel får ändå alla värden som kan räknas fram utan den felaktiga cellen; a
    contract without a next follow-up still has its status and its extension decision date."""
    r = run([contract(extension_option="1+1", **overrides)], follow_ups)
    keys = ("contract_status", "extension_deadline", "next_follow_up", "follow_up_status")
    assert contract_values(r, 2, *keys) == expected


@pytest.mark.parametrize(
    ("held", "next_date"),
    [
        (date(2025, 3, 13), date(2025, 7, 14)),  # yesterday: 13 July is a Sunday
        (date(2025, 3, 14), date(2025, 7, 14)),  # today counts as held
    ],
)
def test_a_follow_up_held_today_counts(held: date, next_date: date) -> None:
    """The last follow-up performed is the latest dated on or before Idag; tier 1 follows up
    every 4 months from it."""
    r = run([tier(1)], [follow_up(date=held)], today=date(2025, 3, 14))
    assert contract_values(r, 2, "next_follow_up")[0] == next_date
