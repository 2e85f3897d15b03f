"""Boundaries of the escalation ladder (docs/regler.md, section 8): the action plan on its
deadline day and the day after, each severity's days, the note at each step, the next check on
the deadline day, passivity at exactly its limit, steps raised by one and by two. Today is
Friday 14 March 2025."""

from datetime import date, datetime
from typing import Any

import pytest
from helpers import contract, contract_values, deviation, deviation_values, log_records, run

from avtalsbok.core.engine import Result

STATE = ("overdue", "proposed_step", "next_check")


def one(**overrides: Any) -> Result:
    """A book of contract A1 and one deviation D1."""
    return run([contract()], deviations=[deviation(**overrides)])


@pytest.mark.parametrize(
    ("plan_deadline", "overdue", "proposed"),
    [
        (date(2025, 3, 13), "Ja", "1 Åtgärdsplan"),  # passed yesterday
        (date(2025, 3, 14), "Nej", ""),  # due today: not yet late
        (date(2025, 3, 17), "Nej", ""),
    ],
)
def test_overdue_only_after_the_action_plan_deadline_day(
    plan_deadline: date, overdue: str, proposed: str
) -> None:
    """Försenad: `Ja` när tidsgränsen har passerat (är före Idag) och avvikelsen är öppen."""
    r = one(plan_deadline=plan_deadline)
    assert deviation_values(r, 2, "overdue", "proposed_step") == (overdue, proposed)
    assert r.figures.overdue_action_plans == (overdue == "Ja")


@pytest.mark.parametrize(
    ("severity", "today_due", "yesterday_due"),
    [
        ("Låg", date(2025, 1, 13), date(2025, 1, 12)),  # 60 days
        ("Medel", date(2025, 2, 12), date(2025, 2, 11)),  # 30 days
        ("Hög", date(2025, 2, 28), date(2025, 2, 27)),  # 14 days
        ("Allvarlig", date(2025, 3, 7), date(2025, 3, 6)),  # 7 days
        ("Okänd", date(2025, 2, 12), date(2025, 2, 11)),  # an unknown severity counts as Medel
    ],
)
def test_the_plan_deadline_by_severity_counts_exactly_its_days(
    severity: str, today_due: date, yesterday_due: date
) -> None:
    """Åtgärdsplanens tidsgräns: Upptäckt + dagar efter allvarlighetsgrad: Låg 60, Medel 30,
    Hög 14, Allvarlig 7 dagar. Found exactly that many days ago, the plan is due today."""
    due_today = one(detected=today_due, severity=severity)
    due_yesterday = one(detected=yesterday_due, severity=severity)
    assert deviation_values(due_today, 2, "overdue") == ("Nej",)
    assert deviation_values(due_yesterday, 2, "overdue") == ("Ja",)


@pytest.mark.parametrize(
    ("severity", "step", "proposed"),
    [
        ("Allvarlig", 0, "1 Åtgärdsplan (hävning kan övervägas)"),
        ("Allvarlig", 2, "3 Sanktion (hävning kan övervägas)"),
        # At step 3 the proposal is termination itself: no note to consider it.
        ("Allvarlig", 3, "4 Uppsägning/hävning"),
        ("Allvarlig", 4, ""),
        ("Hög", 2, "3 Sanktion"),
        ("Hög", 3, "4 Uppsägning/hävning"),
        ("Hög", 4, ""),
    ],
)
def test_the_proposed_step_and_the_termination_note_at_each_step(
    severity: str, step: int, proposed: str
) -> None:
    """Föreslaget steg: nästa steg i trappan; på steg 4 föreslås inget mer. För en avvikelse med
    allvarlighetsgrad Allvarlig läggs `(hävning kan övervägas)` till."""
    r = one(severity=severity, step=step, plan_deadline=date(2025, 3, 13))
    assert deviation_values(r, 2, "proposed_step") == (proposed,)


@pytest.mark.parametrize(
    ("plan_deadline", "next_check"),
    [
        (date(2025, 3, 13), date(2025, 3, 17)),  # passed: the ladder's 14 days from 3 March
        (date(2025, 3, 14), date(2025, 3, 14)),  # today: the deadline day itself
        (date(2025, 3, 15), date(2025, 3, 17)),  # a Saturday, moved to Monday
        (date(2025, 3, 17), date(2025, 3, 17)),  # the same day as the ladder's
        (date(2025, 3, 18), date(2025, 3, 17)),  # after the ladder's: the ladder's
    ],
)
def test_the_next_check_is_the_plan_deadline_when_it_comes_first_and_has_not_passed(
    plan_deadline: date, next_check: date
) -> None:
    """Nästa kontroll: senaste stegändring + stegets dagar, flyttat till vardag; om
    åtgärdsplanens tidsgräns kommer före och ännu inte har passerat gäller den."""
    r = one(detected=date(2025, 3, 3), plan_deadline=plan_deadline)
    assert deviation_values(r, 2, "next_check") == (next_check,)


@pytest.mark.parametrize(
    ("detected", "passivity"),
    [
        (date(2025, 1, 13), ""),  # exactly 60 days
        (date(2025, 1, 12), "Ja – inget nytt steg på 61 dagar"),
    ],
)
def test_sanction_risk_after_more_than_60_days_without_a_new_step(
    detected: date, passivity: str
) -> None:
    """Sanktionsrisk: när en öppen avvikelse har stått utan ändrat steg i mer än 60 dagar."""
    r = one(detected=detected, plan_deadline=date(2025, 6, 30))
    assert deviation_values(r, 2, "passivity") == (passivity,)
    assert r.figures.passive_deviations == (1 if passivity else 0)


def test_remedied_on_the_day_found_is_closed_after_0_days() -> None:
    """Dagar öppen: Åtgärdad − Upptäckt för en stängd; remedied the day it was found is allowed
    (`remedied-before-detected` only for a date before) and gives 0 days."""
    found = date(2025, 3, 3)
    r = one(detected=found, remedied=found, status="Åtgärdad")
    assert r.findings == []
    assert deviation_values(r, 2, "days_open", *STATE) == (0, "", "", None)
    assert r.figures.open_deviations == 0


def test_found_today_is_open_for_0_days() -> None:
    r = one(detected=date(2025, 3, 14))
    assert r.findings == []
    assert deviation_values(r, 2, "days_open", "overdue") == (0, "Nej")


def step_change(before: int, after: int, severity: str) -> list[str]:
    """Codes of the run that finds the step raised from `before` to `after`."""
    first = run([contract()], deviations=[deviation(step=before, severity=severity)])
    second = run(
        [contract()],
        deviations=[deviation(step=after, severity=severity)],
        log=log_records(first),
        now=datetime(2025, 3, 14, 10),
    )
    assert [r.event for r in second.log_rows] == ["Eskaleringssteg ändrat"]
    return [f.code for f in second.findings if f.code.startswith("escalation")]


@pytest.mark.parametrize(
    ("before", "after", "severity", "codes"),
    [
        (1, 2, "Hög", []),  # one step up
        (1, 3, "Hög", ["escalation-step-skipped"]),  # two steps up
        (3, 4, "Hög", []),
        (2, 4, "Hög", ["escalation-step-skipped"]),
        (2, 4, "Allvarlig", []),  # straight to termination: only for a serious deviation
        (0, 4, "Allvarlig", []),
        (0, 3, "Allvarlig", ["escalation-step-skipped"]),
        (2, 1, "Hög", ["escalation-step-lowered"]),
    ],
)
def test_a_step_raised_by_one_is_fine_by_two_is_skipped(
    before: int, after: int, severity: str, codes: list[str]
) -> None:
    """`escalation-step-skipped`: steget höjdes mer än ett steg sedan förra körningen. Undantag:
    direkt till steg 4 på en avvikelse med allvarlighetsgrad Allvarlig. `escalation-step-lowered`:
    steget sänktes."""
    assert step_change(before, after, severity) == codes


def test_a_lowered_step_names_both_steps() -> None:
    """`escalation-step-lowered`: Eskaleringssteget sänktes från ‹föregående steg› till ‹värdet›."""
    first = run([contract()], deviations=[deviation(step=2, severity="Hög")])
    second = run(
        [contract()],
        deviations=[deviation(step=1, severity="Hög")],
        log=log_records(first),
    )
    assert [(f.code, f.value, f.message) for f in second.findings] == [
        (
            "escalation-step-lowered",
            1,
            "Eskaleringssteget sänktes från 2 till 1.",
        )
    ]


def test_a_log_without_a_registration_row_still_gives_the_logged_state() -> None:
    """Vid varje körning jämförs varje avvikelse med det senast loggade läget: a log holding only
    a status change (no registration, no step) means step 0; only a change from it is logged."""
    log = [
        {
            "Tidpunkt": datetime(2025, 3, 10, 8),
            "Avvikelse-ID": "D1",
            "Avtals-ID": "A1",
            "Händelse": "Status ändrad",
            "Från": "Öppen",
            "Till": "Åtgärdsplan begärd",
            "Källa": "avtalsbok.xlsx",
        }
    ]
    same = run([contract()], deviations=[deviation(status="Åtgärdsplan begärd")], log=log)
    raised = run(
        [contract()],
        deviations=[deviation(status="Åtgärdsplan begärd", step=1)],
        log=log,
    )
    assert same.log_rows == []
    assert [(r.event, r.from_value, r.to_value) for r in raised.log_rows] == [
        ("Eskaleringssteg ändrat", "0 Dialog", "1 Åtgärdsplan")
    ]
    assert raised.findings == []


def test_a_log_with_only_a_step_change_logs_the_status_from_blank() -> None:
    log = [
        {
            "Tidpunkt": datetime(2025, 3, 10, 8),
            "Avvikelse-ID": "D1",
            "Avtals-ID": "A1",
            "Händelse": "Eskaleringssteg ändrat",
            "Från": "0 Dialog",
            "Till": "1 Åtgärdsplan",
            "Källa": "avtalsbok.xlsx",
        }
    ]
    r = run([contract()], deviations=[deviation(step=1)], log=log)
    assert [(row.event, row.from_value, row.to_value) for row in r.log_rows] == [
        ("Status ändrad", "", "Öppen")
    ]


def test_a_deviation_without_a_contract_id_is_logged_without_one() -> None:
    r = run([contract()], deviations=[deviation(contract_id=None)])
    assert [(row.deviation_id, row.contract_id) for row in r.log_rows] == [("D1", "")]


def test_without_a_detection_date_no_days_open() -> None:
    r = run([contract()], deviations=[deviation(detected=None)])
    assert deviation_values(r, 2, "days_open", "overdue", "next_check") == (None, "Nej", None)


def test_the_action_plan_deadline_of_an_overdue_deviation_is_kept_for_the_reports() -> None:
    """The reminders and the report name the deadline an overdue deviation has passed; a closed
    deviation keeps its deadline too."""
    r = run(
        [contract()],
        deviations=[
            deviation(deviation_id="D1", plan_deadline=date(2025, 3, 13)),
            deviation(
                deviation_id="D2",
                plan_deadline=date(2025, 3, 13),
                remedied=date(2025, 3, 12),
                status="Åtgärdad",
            ),
        ],
    )
    states = r.deviation_states
    assert (states[2].deadline, states[2].is_open, states[2].is_overdue) == (
        date(2025, 3, 13),
        True,
        True,
    )
    assert (states[3].deadline, states[3].is_open, states[3].is_overdue) == (
        date(2025, 3, 13),
        False,
        False,
    )


def test_a_blank_step_is_step_0_in_the_highest_step() -> None:
    """Per avtal: `Högsta steg` det högsta steget bland de öppna (tomt steg räknas som 0)."""
    r = run([contract()], deviations=[deviation()])
    assert contract_values(r, 2, "open_deviations", "highest_step") == (1, 0)


def test_a_run_for_a_day_follows_what_was_logged_later_that_day() -> None:
    """Det senast loggade läget är samma dags sista rad: a run with --today stamps its rows at
    midnight, before a change a button logged that afternoon, and logs it only once."""
    today = date(2026, 11, 2)
    entry = {"Avvikelse-ID": "D1", "Avtals-ID": "A1", "Källa": "Excel (ann)"}
    log = [
        {
            **entry,
            "Tidpunkt": datetime(2026, 9, 1, 9),
            "Händelse": "Avvikelse registrerad",
            "Till": "Öppen",
        },
        {
            **entry,
            "Tidpunkt": datetime(2026, 11, 2, 15, 21),
            "Händelse": "Status ändrad",
            "Från": "Öppen",
            "Till": "Åtgärdad",
        },
    ]
    closed = [deviation(status="Stängd")]
    first = run([contract()], deviations=closed, log=log, today=today)
    assert [(r.from_value, r.to_value) for r in first.log_rows] == [("Åtgärdad", "Stängd")]
    assert first.log_rows[0].timestamp == datetime(2026, 11, 2)  # midnight, before 15:21
    again = run([contract()], deviations=closed, log=log + log_records(first), today=today)
    assert again.log_rows == []
