"""Boundaries of the cross-row checks (docs/regler.md, section 4): two dates on the same day are
in order, one day apart they are not. Today is Friday 14 March 2025; contract A1 runs from
1 January 2023 to 31 December 2026."""

from datetime import date
from typing import Any

import pytest
from helpers import contract, deviation, flatten, follow_up, run

START, END = date(2023, 1, 1), date(2026, 12, 31)


def follow_up_findings(
    day: date, today: date = date(2025, 3, 14), **contract_overrides: Any
) -> list[Any]:
    r = run([contract(**contract_overrides)], [follow_up(date=day)], today=today)
    return flatten(r.findings)


@pytest.mark.parametrize(
    ("day", "today", "codes"),
    [
        (date(2022, 12, 31), date(2025, 3, 14), ["follow-up-outside-term"]),
        (START, date(2025, 3, 14), []),  # on the start day
        (END, date(2027, 3, 1), []),  # on the end day
        (date(2027, 1, 1), date(2027, 3, 1), ["follow-up-outside-term"]),
        (date(2025, 3, 14), date(2025, 3, 14), []),  # held today
        (date(2025, 3, 15), date(2025, 3, 14), ["follow-up-in-future"]),
    ],
)
def test_a_follow_up_on_the_start_end_or_today_is_within_the_term(
    day: date, today: date, codes: list[str]
) -> None:
    """`follow-up-outside-term`: en uppföljning före avtalets början eller efter Slutdatum;
    `follow-up-in-future`: daterad efter Idag."""
    assert [f[3] for f in follow_up_findings(day, today)] == codes


@pytest.mark.parametrize(
    ("day", "codes"),
    [(date(2022, 11, 30), ["follow-up-outside-term"]), (date(2022, 12, 1), []), (START, [])],
)
def test_with_an_award_date_the_term_begins_on_the_award_day(day: date, codes: list[str]) -> None:
    """Början är Tilldelningsbeslut om det finns (ett uppstartsmöte mellan beslut och start är
    alltså rätt)."""
    findings = follow_up_findings(day, award_date=date(2022, 12, 1))
    assert [f[3] for f in findings] == codes


@pytest.mark.parametrize(
    ("award", "codes"),
    [(date(2022, 12, 31), []), (START, []), (date(2023, 1, 2), ["award-after-start"])],
)
def test_an_award_decision_on_the_start_day_is_in_order(award: date, codes: list[str]) -> None:
    """`award-after-start`: tilldelningsbeslutet är daterat efter Startdatum."""
    assert [f[3] for f in flatten(run([contract(award_date=award)]).findings)] == codes


@pytest.mark.parametrize(
    ("notice", "codes"),
    [(0, []), (48, []), (49, ["notice-exceeds-term"]), (120, ["notice-exceeds-term"])],
)
def test_notice_longer_than_a_four_year_term(notice: int, codes: list[str]) -> None:
    """`notice-exceeds-term`: uppsägningstiden i månader är längre än avtalstiden (hela
    kalendermånader mellan start och slut): 1 January 2023 to 31 December 2026 is 48 months."""
    assert [f[3] for f in flatten(run([contract(notice_months=notice)]).findings)] == codes


@pytest.mark.parametrize(
    ("start", "end", "longest"),
    [
        (date(2024, 6, 15), date(2025, 6, 13), 11),  # the day before twelve whole months
        (date(2024, 6, 15), date(2025, 6, 14), 12),  # the last day of the twelfth month
        (date(2024, 6, 15), date(2025, 6, 15), 12),  # the day after
        (date(2024, 6, 15), date(2025, 7, 14), 13),
        (date(2025, 3, 1), date(2025, 3, 30), 0),  # a day short of March
        (date(2025, 3, 1), date(2025, 3, 31), 1),  # the whole of March
        (date(2025, 3, 1), date(2025, 4, 1), 1),
        (date(2024, 12, 31), date(2025, 1, 1), 0),  # two days across a new year
        (date(2025, 1, 31), date(2025, 2, 26), 0),
        (date(2025, 1, 31), date(2025, 2, 27), 1),  # a month from 31 January ends 28 February
        (date(9995, 1, 1), date(9999, 12, 30), 59),  # 60 months end after the year 9999
    ],
)
def test_notice_counts_whole_calendar_months_between_start_and_end(
    start: date, end: date, longest: int
) -> None:
    """Hela kalendermånader räknas från Startdatum som i Lag (1930:173), båda dagarna
    inräknade: 1–31 mars är en hel månad, 31 december–1 januari ingen."""

    def codes(notice: int) -> list[str]:
        r = run([contract(start=start, end=end, notice_months=notice)], today=start)
        return [f.code for f in r.findings]

    if longest:
        assert "notice-exceeds-term" not in codes(longest)
    assert "notice-exceeds-term" in codes(longest + 1)


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        ({"detected": date(2025, 3, 14)}, []),  # found today
        ({"detected": date(2025, 3, 15)}, ["deviation-in-future"]),
        ({"detected": START}, []),  # found on the start day
        ({"detected": date(2022, 12, 31)}, ["deviation-before-start"]),
        ({"remedied": date(2025, 3, 3), "status": "Åtgärdad"}, []),  # remedied the day found
        ({"remedied": date(2025, 3, 2), "status": "Åtgärdad"}, ["remedied-before-detected"]),
        ({"plan_deadline": date(2025, 3, 3)}, []),  # plan due the day found
        ({"plan_deadline": date(2025, 3, 2)}, ["plan-before-detected"]),
    ],
)
def test_deviation_dates_on_the_same_day_are_in_order(
    overrides: dict[str, Any], codes: list[str]
) -> None:
    """`deviation-in-future`: Upptäckt efter Idag; `deviation-before-start`: Upptäckt före
    Startdatum; `remedied-before-detected`, `plan-before-detected`: före Upptäckt (found on
    3 March 2025)."""
    r = run([contract()], deviations=[deviation(**overrides)])
    assert [f.code for f in r.findings] == codes


def test_a_one_day_contract_has_a_term_of_that_day_and_no_whole_month() -> None:
    """Samma dag är tillåtet (`end-before-start`): a contract starting and ending on Monday
    3 June 2024 has that day as its term, and any notice is longer than it."""
    r = run(
        [contract(start=date(2024, 6, 3), end=date(2024, 6, 3), notice_months=1)],
        [follow_up(date=date(2024, 6, 3)), follow_up(date=date(2024, 6, 4))],
    )
    assert [(f.sheet, f.row, f.code, f.message) for f in r.findings] == [
        (
            "Avtal",
            2,
            "notice-exceeds-term",
            "Uppsägningstiden (1 mån) är längre än hela avtalstiden.",
        ),
        (
            "Uppföljningar",
            3,
            "follow-up-outside-term",
            "Uppföljningen (2024-06-04) ligger utanför avtalets löptid (2024-06-03 – 2024-06-03).",
        ),
    ]


def test_every_deviation_check_names_its_dates_and_values() -> None:
    """Section 13's messages, each with the values of its row (found on 3 March 2025)."""
    r = run(
        [contract(award_date=date(2023, 1, 2))],
        deviations=[
            deviation(detected=date(2022, 12, 31)),
            deviation(
                deviation_id="D2",
                remedied=date(2025, 3, 2),
                status="Åtgärdad",
                plan_deadline=date(2025, 3, 2),
            ),
            deviation(deviation_id="D3", status="Stängd"),
            deviation(deviation_id="D4", remedied=date(2025, 3, 5), status="Öppen"),
            deviation(deviation_id="D5", remedied=date(2025, 3, 5)),  # blank status: closed
            deviation(deviation_id="D6", step=4, severity="Låg"),
            deviation(deviation_id="D7", step=4, severity="Hög"),
            deviation(deviation_id="D8", step=3, severity="Medel"),
            deviation(deviation_id="D9", detected=date(2025, 3, 15)),
            deviation(deviation_id="D9"),
        ],
    )
    assert [(f.row, f.column, f.message) for f in r.findings] == [
        (2, "H", "Tilldelningsbeslutet (2023-01-02) ligger efter Startdatum (2023-01-01)."),
        (2, "C", "Avvikelsen upptäcktes (2022-12-31) före avtalets start (2023-01-01)."),
        (3, "G", "Åtgärdsplan senast (2025-03-02) ligger före Upptäckt (2025-03-03)."),
        (3, "H", "Åtgärdad (2025-03-02) ligger före Upptäckt (2025-03-03)."),
        (4, "H", "Status Stängd men inget datum i Åtgärdad."),
        (5, "I", "Åtgärdad är ifyllt men status är Öppen."),
        (7, "J", "Steg 4 (uppsägning/hävning) på en avvikelse med allvarlighetsgrad Låg."),
        (10, "A", "Avvikelse-ID ”D9” finns på flera rader (10, 11)."),
        (10, "C", "Upptäckt-datumet 2025-03-15 ligger i framtiden."),
        (11, "A", "Avvikelse-ID ”D9” finns på flera rader (10, 11)."),
    ]


def test_exactly_two_copies_of_a_contract_id_are_both_flagged() -> None:
    """`duplicate-contract-id`: samma Avtals-ID på flera rader, på varje kopia."""
    r = run([contract(), contract()])
    assert [(f.row, f.code, f.message) for f in r.findings] == [
        (2, "duplicate-contract-id", "Avtals-ID ”A1” finns på flera rader (2, 3)."),
        (3, "duplicate-contract-id", "Avtals-ID ”A1” finns på flera rader (2, 3)."),
    ]


def test_a_finding_shows_the_value_of_its_cell() -> None:
    """Varje problem blir en anmärkning med blad, rad, kolumn, värde och ett meddelande: the
    motivation written without a priority, the `Ja` of a central follow-up on no call-off."""
    r = run(
        [
            contract(motivation="Viktigt för skolorna"),
            contract(contract_id="A2", form="Ramavtal", central_follows_up="Ja"),
        ]
    )
    assert [(f.row, f.code, f.value) for f in r.findings] == [
        (2, "motivation-without-priority", "Viktigt för skolorna"),
        (3, "central-follow-up-not-call-off", "Ja"),
    ]


def test_follow_up_and_deviation_findings_show_their_values_after_a_row_without_date() -> None:
    """A follow-up without Datum is skipped by the date checks, not the rows after it; each
    finding carries its cell's value (the unknown id, the future date, the step taken)."""
    r = run(
        [contract()],
        [
            follow_up(date=None),
            follow_up(date=date(2025, 3, 15)),
            follow_up(contract_id="X9"),
        ],
        [deviation(contract_id="X9"), deviation(deviation_id="D2", step=4, severity="Låg")],
    )
    assert [(f.sheet, f.row, f.code, f.value) for f in r.findings] == [
        ("Avvikelser", 2, "unknown-contract", "X9"),
        ("Avvikelser", 3, "termination-on-minor", 4),
        ("Uppföljningar", 2, "missing-value", None),
        ("Uppföljningar", 3, "follow-up-in-future", date(2025, 3, 15)),
        ("Uppföljningar", 4, "unknown-contract", "X9"),
    ]
