"""Rows read against each other: ids, dates in order, and rules that span columns or sheets."""

from datetime import date

import pytest
from helpers import TODAY, contract, contract_values, deviation, flatten, follow_up, run

# --- Avtal -------------------------------------------------------------------------------------


def test_a_duplicate_contract_id_is_an_error_on_every_copy() -> None:
    r = run([contract(), contract(contract_id="A2"), contract(), contract()])
    assert flatten(r.findings) == [
        ("Avtal", 2, "A", "duplicate-contract-id"),
        ("Avtal", 4, "A", "duplicate-contract-id"),
        ("Avtal", 5, "A", "duplicate-contract-id"),
    ]
    assert {f.message for f in r.findings} == {"Avtals-ID ”A1” finns på flera rader (2, 4, 5)."}


def test_end_before_start() -> None:
    r = run([contract(start=date(2024, 1, 1), end=date(2023, 12, 31))])
    assert flatten(r.findings) == [("Avtal", 2, "J", "end-before-start")]
    assert r.findings[0].message == "Slutdatum 2023-12-31 ligger före Startdatum 2024-01-01."


def test_end_on_the_start_day_is_allowed() -> None:
    assert run([contract(start=date(2024, 1, 1), end=date(2024, 1, 1))]).findings == []


def test_award_decision_after_start_is_a_warning() -> None:
    r = run([contract(award_date=date(2023, 1, 2))])
    assert flatten(r.findings) == [("Avtal", 2, "H", "award-after-start")]


def test_manual_priority_requires_a_motivation() -> None:
    r = run([contract(manual_priority=3)])
    assert flatten(r.findings) == [("Avtal", 2, "AB", "manual-priority-without-motivation")]
    assert contract_values(r, 2, "priority_reason") == ("Manuell prioritet 3: motivering saknas",)


def test_a_motivation_without_manual_priority_is_a_warning() -> None:
    r = run([contract(motivation="Viktigt för skolorna")])
    assert flatten(r.findings) == [("Avtal", 2, "AB", "motivation-without-priority")]


@pytest.mark.parametrize(("form", "shown"), [("Ramavtal", "Ramavtal"), (None, "tom")])
def test_central_follow_up_only_for_call_offs(form: str | None, shown: str) -> None:
    r = run([contract(form=form, central_follows_up="Ja")])
    assert flatten(r.findings) == [("Avtal", 2, "G", "central-follow-up-not-call-off")]
    assert r.findings[0].message.endswith(f"(här: {shown}).")


def test_central_follow_up_on_a_call_off_is_fine() -> None:
    r = run([contract(form="Avrop nationellt ramavtal", central_follows_up="Ja")])
    assert r.findings == []


@pytest.mark.parametrize(("probability", "consequence", "column"), [(3, None, "Q"), (None, 2, "P")])
def test_risk_needs_both_probability_and_consequence(
    probability: int | None, consequence: int | None, column: str
) -> None:
    r = run([contract(probability=probability, consequence=consequence)])
    assert flatten(r.findings) == [("Avtal", 2, column, "risk-half-filled")]


def test_notice_longer_than_the_whole_term_is_a_warning() -> None:
    short = {"start": date(2025, 1, 1), "end": date(2025, 6, 30)}  # six whole months
    r = run(
        [contract(notice_months=7, **short), contract(contract_id="A2", notice_months=6, **short)]
    )
    assert flatten(r.findings) == [("Avtal", 2, "M", "notice-exceeds-term")]
    assert r.findings[0].message == "Uppsägningstiden (7 mån) är längre än hela avtalstiden."


# --- Uppföljningar -------------------------------------------------------------------------------


def test_a_follow_up_must_name_a_known_contract() -> None:
    r = run([contract()], [follow_up(contract_id="A9")])
    assert flatten(r.findings) == [("Uppföljningar", 2, "A", "unknown-contract")]


def test_a_follow_up_in_the_future_is_not_counted_as_done() -> None:
    r = run([contract()], [follow_up(date=date(2025, 3, 17))])
    assert flatten(r.findings) == [("Uppföljningar", 2, "B", "follow-up-in-future")]
    assert contract_values(r, 2, "last_follow_up") == (None,)


@pytest.mark.parametrize("day", [date(2022, 12, 31), date(2027, 1, 1)])
def test_a_follow_up_outside_the_term(day: date) -> None:
    r = run([contract(end=date(2026, 12, 31))], [follow_up(date=day)], today=date(2027, 3, 1))
    assert flatten(r.findings) == [("Uppföljningar", 2, "B", "follow-up-outside-term")]
    assert r.findings[0].message == (
        f"Uppföljningen ({day}) ligger utanför avtalets löptid (2023-01-01 – 2026-12-31)."
    )


def test_a_start_up_meeting_between_award_and_start_is_within_the_term() -> None:
    r = run(
        [contract(award_date=date(2022, 11, 15))],
        [follow_up(date=date(2022, 12, 1), type="Uppstartsmöte")],
    )
    assert r.findings == []


# --- Avvikelser ---------------------------------------------------------------------------------


def test_a_duplicate_deviation_id_is_an_error_on_every_copy_and_neither_is_logged() -> None:
    r = run([contract()], deviations=[deviation(), deviation(), deviation(deviation_id="D2")])
    assert flatten(r.findings) == [
        ("Avvikelser", 2, "A", "duplicate-deviation-id"),
        ("Avvikelser", 3, "A", "duplicate-deviation-id"),
    ]
    assert [row.deviation_id for row in r.log_rows] == ["D2"]


def test_a_deviation_must_name_a_known_contract() -> None:
    r = run([contract()], deviations=[deviation(contract_id="A9")])
    assert flatten(r.findings) == [("Avvikelser", 2, "B", "unknown-contract")]


def test_a_deviation_detected_in_the_future_is_an_error() -> None:
    r = run([contract()], deviations=[deviation(detected=date(2025, 3, 15))])
    assert flatten(r.findings) == [("Avvikelser", 2, "C", "deviation-in-future")]


def test_a_deviation_before_the_contract_start_is_a_warning() -> None:
    r = run([contract()], deviations=[deviation(detected=date(2022, 12, 30))])
    assert flatten(r.findings) == [("Avvikelser", 2, "C", "deviation-before-start")]


def test_remedied_and_plan_dates_must_not_precede_detection() -> None:
    r = run(
        [contract()],
        deviations=[
            deviation(
                remedied=date(2025, 3, 1),
                status="Åtgärdad",
                plan_deadline=date(2025, 3, 2),
            )
        ],
    )
    assert flatten(r.findings) == [
        ("Avvikelser", 2, "G", "plan-before-detected"),
        ("Avvikelser", 2, "H", "remedied-before-detected"),
    ]


@pytest.mark.parametrize("status", ["Åtgärdad", "Stängd"])
def test_closed_without_a_remedy_date_is_a_warning(status: str) -> None:
    r = run([contract()], deviations=[deviation(status=status)])
    assert flatten(r.findings) == [("Avvikelser", 2, "H", "closed-without-date")]


@pytest.mark.parametrize("status", ["Öppen", "Åtgärdsplan begärd", "Åtgärdsplan godkänd"])
def test_a_remedy_date_on_an_open_deviation_is_a_warning(status: str) -> None:
    r = run([contract()], deviations=[deviation(status=status, remedied=date(2025, 3, 10))])
    assert flatten(r.findings) == [("Avvikelser", 2, "I", "remedied-but-open")]


@pytest.mark.parametrize(
    ("severity", "warned"), [("Låg", True), ("Medel", True), ("Hög", False), ("Allvarlig", False)]
)
def test_termination_on_a_minor_deviation_is_a_warning(severity: str, warned: bool) -> None:
    r = run([contract()], deviations=[deviation(severity=severity, step=4)])
    expected = [("Avvikelser", 2, "J", "termination-on-minor")] if warned else []
    assert flatten(r.findings) == expected


def test_checks_use_the_reference_date() -> None:
    future = follow_up(date=TODAY)
    assert run([contract()], [future], today=TODAY).findings == []
    late = run([contract()], [future], today=date(2025, 3, 13))
    assert flatten(late.findings) == [("Uppföljningar", 2, "B", "follow-up-in-future")]
