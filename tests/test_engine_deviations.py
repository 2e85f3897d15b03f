"""Deviations on the escalation ladder: overdue plans, proposed steps, checks, passivity, log."""

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pytest
from helpers import (
    TODAY,
    Record,
    book,
    contract,
    contract_values,
    deviation,
    deviation_values,
    flatten,
    log_records,
    run,
    setting,
)

from avtalsbok.core import schema
from avtalsbok.core.engine import Result, evaluate

STATE = ("days_open", "overdue", "proposed_step", "next_check", "passivity")
#: A long first step, so that `Nästa kontroll` shows the action plan's deadline.
LONG_DIALOG = setting("Eskaleringssteg 0", "Dialog; 365")


def logged(event: str, before: str | None, after: str, when: date, dev: str = "D1") -> Record:
    """A row of `Händelselogg` as an earlier run wrote it."""
    return {
        "Tidpunkt": datetime(when.year, when.month, when.day, 8, 0),
        "Avvikelse-ID": dev,
        "Avtals-ID": "A1",
        "Händelse": event,
        "Från": before,
        "Till": after,
        "Källa": "avtalsbok.xlsx",
    }


def registered(when: date, status: str = "Öppen") -> Record:
    return logged("Avvikelse registrerad", None, status, when)


def step_logged(before: str | None, after: str, when: date) -> Record:
    return logged("Eskaleringssteg ändrat", before, after, when)


def evaluate_one(*rows: Record, log: Sequence[Record] = (), **kw: Any) -> Result:
    """A book of contract A1 and the given deviations."""
    return run([contract()], deviations=rows, log=log, **kw)


def log_lines(r: Result) -> list[tuple[str, str, str, str]]:
    return [(row.deviation_id, row.event, row.from_value, row.to_value) for row in r.log_rows]


# --- Days open, overdue and the proposed step --------------------------------------------------


def test_an_open_deviation_counts_days_since_detection() -> None:
    r = evaluate_one(deviation(detected=date(2025, 2, 12)))
    assert deviation_values(r, 2, "days_open") == (30,)


def test_a_remedied_deviation_counts_days_to_the_remedy_and_needs_nothing_more() -> None:
    r = evaluate_one(
        deviation(detected=date(2025, 2, 12), remedied=date(2025, 3, 10), status="Åtgärdad")
    )
    assert r.findings == []
    assert deviation_values(r, 2, *STATE) == (26, "", "", None, "")


@pytest.mark.parametrize(
    ("severity", "detected", "deadline"),
    [
        ("Låg", date(2025, 3, 3), date(2025, 5, 2)),  # 60 days
        ("Medel", date(2025, 3, 3), date(2025, 4, 2)),  # 30 days
        ("Hög", date(2025, 3, 3), date(2025, 3, 17)),  # 14 days
        ("Allvarlig", date(2025, 3, 3), date(2025, 3, 10)),  # 7 days
        ("Hög", date(2025, 3, 1), date(2025, 3, 17)),  # 2025-03-15 is a Saturday
    ],
)
def test_without_a_plan_date_the_deadline_follows_the_severity(
    severity: str, detected: date, deadline: date
) -> None:
    r = evaluate_one(
        deviation(severity=severity, detected=detected),
        settings=[LONG_DIALOG],
        today=date(2025, 3, 3),
    )
    assert deviation_values(r, 2, "next_check", "overdue") == (deadline, "Nej")


def test_the_days_per_severity_are_settings() -> None:
    r = evaluate_one(
        deviation(severity="Hög"),
        settings=[LONG_DIALOG, setting("Åtgärdsplan dagar – Hög", 10)],
        today=date(2025, 3, 3),
    )
    assert deviation_values(r, 2, "next_check") == (date(2025, 3, 13),)


def test_an_action_plan_past_its_deadline_is_overdue_and_the_next_step_proposed() -> None:
    r = evaluate_one(deviation(plan_deadline=date(2025, 3, 13)))
    assert deviation_values(r, 2, "overdue", "proposed_step") == ("Ja", "1 Åtgärdsplan")
    on_the_day = evaluate_one(deviation(plan_deadline=TODAY))
    assert deviation_values(on_the_day, 2, "overdue", "proposed_step") == ("Nej", "")


@pytest.mark.parametrize(
    ("step", "severity", "proposed"),
    [
        (None, "Medel", "1 Åtgärdsplan"),
        (0, "Medel", "1 Åtgärdsplan"),
        (1, "Medel", "2 Skriftlig varning"),
        (2, "Hög", "3 Sanktion"),
        (3, "Hög", "4 Uppsägning/hävning"),
        (4, "Hög", ""),
        (1, "Allvarlig", "2 Skriftlig varning (hävning kan övervägas)"),
        (3, "Allvarlig", "4 Uppsägning/hävning"),
    ],
)
def test_the_proposed_step_is_one_up_the_ladder(
    step: int | None, severity: str, proposed: str
) -> None:
    late = deviation(step=step, severity=severity, plan_deadline=date(2025, 3, 13))
    assert deviation_values(evaluate_one(late), 2, "proposed_step") == (proposed,)


def test_a_proposed_step_is_never_applied() -> None:
    late = deviation(step=1, plan_deadline=date(2025, 3, 13))
    first = evaluate_one(late)
    second = evaluate_one(late, log=log_records(first))
    assert second.log_rows == []
    assert deviation_values(second, 2, "proposed_step") == ("2 Skriftlig varning",)
    assert contract_values(second, 2, "highest_step") == (1,)
    assert not hasattr(second.computed[schema.AVVIKELSER][2], "step")


def test_step_names_come_from_the_ladder_setting() -> None:
    r = evaluate_one(
        deviation(plan_deadline=date(2025, 3, 13)),
        settings=[setting("Eskaleringssteg 1", "Skriftlig erinran; 21")],
    )
    assert deviation_values(r, 2, "proposed_step") == ("1 Skriftlig erinran",)


# --- Next check and passivity ------------------------------------------------------------------


def test_the_next_check_follows_the_ladder_or_an_earlier_plan_deadline() -> None:
    r = evaluate_one(
        deviation(deviation_id="D1", detected=date(2025, 3, 10)),
        deviation(deviation_id="D2", detected=date(2025, 3, 10), plan_deadline=date(2025, 3, 20)),
        deviation(deviation_id="D3", detected=date(2025, 3, 10), step=4, severity="Allvarlig"),
    )
    assert [deviation_values(r, row, "next_check")[0] for row in (2, 3, 4)] == [
        date(2025, 3, 24),  # Dialog: 14 days
        date(2025, 3, 20),  # the plan is due first
        date(2025, 3, 17),  # no check after the last step; the plan is due in 7 days
    ]


def test_a_deviation_open_too_long_without_a_new_step_is_flagged() -> None:
    r = evaluate_one(
        deviation(deviation_id="D1", detected=date(2025, 1, 13)),  # 60 days
        deviation(deviation_id="D2", detected=date(2025, 1, 12)),  # 61 days
        deviation(
            deviation_id="D3",
            detected=date(2024, 1, 12),
            remedied=date(2024, 2, 1),
            status="Stängd",
        ),
    )
    assert [deviation_values(r, row, "passivity")[0] for row in (2, 3, 4)] == [
        "",
        "Ja – inget nytt steg på 61 dagar",
        "",
    ]
    assert r.figures.passive_deviations == 1


def test_passivity_days_are_a_setting() -> None:
    r = evaluate_one(
        deviation(detected=date(2025, 1, 12)), settings=[setting("Passivitet (dagar)", 90)]
    )
    assert deviation_values(r, 2, "passivity") == ("",)


def test_a_logged_step_change_restarts_the_clock() -> None:
    log = [
        registered(date(2024, 12, 2)),
        step_logged("0 Dialog", "1 Åtgärdsplan", date(2025, 2, 3)),
    ]
    r = evaluate_one(deviation(detected=date(2024, 12, 2), step=1), log=log)
    assert r.log_rows == []
    assert deviation_values(r, 2, "passivity", "next_check") == ("", date(2025, 3, 5))


def test_registering_a_deviation_in_the_log_does_not_restart_the_clock() -> None:
    rows = (
        deviation(deviation_id="D1", detected=date(2024, 12, 2)),
        deviation(deviation_id="D2", detected=date(2024, 12, 2), step=2, severity="Hög"),
    )
    first = evaluate_one(*rows, now=datetime(2025, 3, 14, 9, 30))
    second = evaluate_one(*rows, log=log_records(first))
    assert second.log_rows == []
    assert second.computed == first.computed
    assert deviation_values(second, 2, "passivity", "next_check") == (
        "Ja – inget nytt steg på 102 dagar",
        date(2024, 12, 16),
    )


# --- Per contract ---------------------------------------------------------------------------


def test_open_deviations_and_the_highest_step_per_contract() -> None:
    r = run(
        [contract(contract_id="A1"), contract(contract_id="A2")],
        deviations=[
            deviation(deviation_id="D1", step=1),
            deviation(deviation_id="D2", step=2, severity="Hög"),
            deviation(
                deviation_id="D3",
                step=3,
                severity="Hög",
                remedied=date(2025, 3, 10),
                status="Stängd",
            ),
            deviation(deviation_id="D4"),
        ],
    )
    assert contract_values(r, 2, "open_deviations", "highest_step") == (3, 2)
    assert contract_values(r, 3, "open_deviations", "highest_step") == (0, None)


# --- The event log -----------------------------------------------------------------------------


def test_first_sight_registers_the_deviation_and_its_step() -> None:
    r = run(
        [contract()],
        deviations=[
            deviation(deviation_id="D1"),
            deviation(deviation_id="D2", step=2, severity="Hög"),
            deviation(deviation_id="D3", remedied=date(2025, 3, 10)),
        ],
        now=datetime(2025, 3, 14, 9, 30),
    )
    assert log_lines(r) == [
        ("D1", "Avvikelse registrerad", "", "Öppen"),
        ("D2", "Avvikelse registrerad", "", "Öppen"),
        ("D2", "Eskaleringssteg ändrat", "", "2 Skriftlig varning"),
        ("D3", "Avvikelse registrerad", "", "Åtgärdad"),
    ]
    assert {(row.timestamp, row.contract_id, row.source) for row in r.log_rows} == {
        (datetime(2025, 3, 14, 9, 30), "A1", "avtalsbok")
    }


def test_log_rows_are_stamped_with_the_reference_date_by_default() -> None:
    r = evaluate_one(deviation())
    assert [row.timestamp for row in r.log_rows] == [datetime(2025, 3, 14)]


def test_a_run_for_another_day_logs_on_that_day_not_at_the_clock_time() -> None:
    """A locked Idag (or --today) in the past: the clock's time would date the step after the
    reference date, and the next run on that day would count from it (regler.md §9)."""
    locked = [setting("Idag", date(2025, 3, 14))]
    rows = [deviation(deviation_id="D1", step=2, severity="Hög")]
    clock = datetime(2026, 12, 7, 3, 35)
    first = run([contract()], deviations=rows, settings=locked, today=None, now=clock)
    assert {row.timestamp for row in first.log_rows} == {datetime(2025, 3, 14)}
    same_day = run([contract()], deviations=rows, settings=locked, today=None, now=clock)
    assert same_day.computed == first.computed
    again = run(
        [contract()],
        deviations=rows,
        settings=locked,
        log=log_records(first),
        today=None,
        now=clock,
    )
    assert again.log_rows == []
    assert again.computed[schema.AVVIKELSER] == first.computed[schema.AVVIKELSER]
    # On the reference day itself the clock's time stands.
    on_the_day = run([contract()], deviations=rows, today=date(2026, 12, 7), now=clock)
    assert {row.timestamp for row in on_the_day.log_rows} == {clock}


def test_a_status_change_is_logged() -> None:
    r = evaluate_one(deviation(status="Åtgärdsplan begärd"), log=[registered(date(2025, 3, 3))])
    assert log_lines(r) == [("D1", "Status ändrad", "Öppen", "Åtgärdsplan begärd")]


def test_a_step_change_is_logged_and_restarts_the_ladder_clock() -> None:
    r = evaluate_one(deviation(step=1, severity="Låg"), log=[registered(date(2025, 3, 3))])
    assert log_lines(r) == [("D1", "Eskaleringssteg ändrat", "0 Dialog", "1 Åtgärdsplan")]
    assert r.findings == []
    # Åtgärdsplan: 30 days from today, 2025-04-13 being a Sunday (the plan is due 2025-05-02).
    assert deviation_values(r, 2, "next_check") == (date(2025, 4, 14),)


def test_the_latest_logged_state_is_compared_whatever_the_row_order() -> None:
    log = [
        logged("Status ändrad", "Åtgärdsplan begärd", "Åtgärdsplan godkänd", date(2025, 3, 10)),
        registered(date(2025, 3, 3)),
        logged("Status ändrad", "Öppen", "Åtgärdsplan begärd", date(2025, 3, 5)),
    ]
    r = evaluate_one(deviation(status="Åtgärdsplan godkänd"), log=log)
    assert r.log_rows == []


def test_a_second_run_with_the_first_runs_log_logs_nothing() -> None:
    rows = (
        deviation(deviation_id="D1", step=1, status="Åtgärdsplan begärd"),
        deviation(deviation_id="D2", step=3, severity="Allvarlig"),
        deviation(deviation_id="D3", remedied=date(2025, 3, 10), status="Åtgärdad"),
    )
    first = evaluate_one(*rows)
    assert len(first.log_rows) == 5
    second = evaluate_one(*rows, log=log_records(first))
    assert second.log_rows == []
    assert second.findings == first.findings
    assert second.computed == first.computed


def test_a_skipped_step_is_logged_with_a_warning() -> None:
    r = evaluate_one(deviation(step=2, severity="Hög"), log=[registered(date(2025, 3, 3))])
    assert flatten(r.findings) == [("Avvikelser", 2, "J", "escalation-step-skipped")]
    assert r.findings[0].message == (
        "Eskaleringssteget gick från 0 till 2; ett steg hoppades över. Varje steg ska dokumenteras."
    )
    assert log_lines(r) == [("D1", "Eskaleringssteg ändrat", "0 Dialog", "2 Skriftlig varning")]


@pytest.mark.parametrize(("severity", "warned"), [("Allvarlig", False), ("Hög", True)])
def test_immediate_termination_may_skip_steps_only_for_a_serious_deviation(
    severity: str, warned: bool
) -> None:
    log = [registered(date(2025, 3, 3)), step_logged("0 Dialog", "1 Åtgärdsplan", date(2025, 3, 5))]
    r = evaluate_one(deviation(step=4, severity=severity), log=log)
    assert [f.code for f in r.findings] == (["escalation-step-skipped"] if warned else [])
    assert log_lines(r) == [
        ("D1", "Eskaleringssteg ändrat", "1 Åtgärdsplan", "4 Uppsägning/hävning")
    ]


def test_a_lowered_step_is_logged_with_a_warning() -> None:
    log = [registered(date(2025, 3, 3)), step_logged("0 Dialog", "1 Åtgärdsplan", date(2025, 3, 5))]
    r = evaluate_one(deviation(step=0), log=log)
    assert flatten(r.findings) == [("Avvikelser", 2, "J", "escalation-step-lowered")]
    assert log_lines(r) == [("D1", "Eskaleringssteg ändrat", "1 Åtgärdsplan", "0 Dialog")]


def test_a_log_row_that_cannot_be_read_is_skipped_with_a_warning() -> None:
    damaged = {**registered(date(2025, 3, 3)), "Tidpunkt": "i förrgår"}
    r = evaluate_one(deviation(), log=[damaged])
    assert flatten(r.findings) == [("Händelselogg", 2, None, "invalid-log-row")]
    assert r.errors == 0
    # Skipped, so the deviation has never been registered.
    assert log_lines(r) == [("D1", "Avvikelse registrerad", "", "Öppen")]


def test_log_rows_of_other_deviations_and_run_summaries_are_ignored() -> None:
    log = [
        logged("Avvikelse registrerad", None, "Öppen", date(2025, 3, 3), dev="D9"),
        {**logged("Körning", None, "3 avvikelser", date(2025, 3, 3)), "Avvikelse-ID": None},
    ]
    r = evaluate_one(deviation(), log=log)
    assert r.findings == []
    assert log_lines(r) == [("D1", "Avvikelse registrerad", "", "Öppen")]


# --- Steg taget: the day a step was actually taken ---------------------------------------------


def test_a_step_change_is_logged_with_the_day_it_was_taken_and_the_clock_runs_from_it() -> None:
    row = deviation(step=1, severity="Låg", step_taken=date(2025, 3, 10))
    first = evaluate_one(row, log=[registered(date(2025, 3, 3))])
    assert [(r.event, r.to_value, r.step_taken) for r in first.log_rows] == [
        ("Eskaleringssteg ändrat", "1 Åtgärdsplan", date(2025, 3, 10))
    ]
    # Åtgärdsplan: 30 days from 10 March, not from the run on 14 March (→ 14 April).
    assert deviation_values(first, 2, "next_check") == (date(2025, 4, 9),)
    # A later run reads the day back from the log, whatever day it runs.
    log = [registered(date(2025, 3, 3)), *log_records(first)]
    later = evaluate_one(row, log=log, today=date(2025, 3, 20))
    assert later.log_rows == [] and deviation_values(later, 2, "next_check") == (date(2025, 4, 9),)


def test_a_step_found_at_registration_runs_from_the_day_it_was_taken() -> None:
    row = deviation(
        detected=date(2024, 12, 2), step=2, severity="Hög", step_taken=date(2025, 1, 10)
    )
    r = evaluate_one(row)
    assert [(e.event, e.step_taken) for e in r.log_rows] == [
        ("Avvikelse registrerad", None),
        ("Eskaleringssteg ändrat", date(2025, 1, 10)),
    ]
    # 63 days since the step, not 102 since detection.
    assert deviation_values(r, 2, "passivity") == ("Ja – inget nytt steg på 63 dagar",)


@pytest.mark.parametrize(
    ("taken", "code"),
    [
        (date(2025, 3, 17), "step-taken-in-future"),
        (date(2025, 3, 1), "step-taken-before-detected"),
    ],
)
def test_a_step_taken_date_that_cannot_be_true_is_a_warning_and_not_logged(
    taken: date, code: str
) -> None:
    r = evaluate_one(deviation(step=1, step_taken=taken), log=[registered(date(2025, 3, 3))])
    assert [(f.row, f.header, f.code) for f in r.findings] == [(2, "Steg taget", code)]
    assert [(e.event, e.step_taken) for e in r.log_rows] == [("Eskaleringssteg ändrat", None)]


@pytest.mark.parametrize(
    ("taken", "message"),
    [
        (
            date(2025, 3, 17),
            "Steg taget (2025-03-17) ligger i framtiden; loggen och sanktionsrisken räknar med "
            "dagens datum i stället.",
        ),
        (
            date(2025, 3, 1),
            "Steg taget (2025-03-01) ligger före Upptäckt (2025-03-03); kontrollera datumet.",
        ),
    ],
)
def test_the_warning_names_the_step_taken_date(taken: date, message: str) -> None:
    r = evaluate_one(deviation(step=1, step_taken=taken))
    assert [(f.value, f.message) for f in r.findings] == [(taken, message)]


@pytest.mark.parametrize("taken", [date(2025, 3, 14), date(2025, 3, 3)])
def test_a_step_taken_today_or_on_the_day_found_is_logged_on_that_day(taken: date) -> None:
    """Idag is 2025-03-14; the deviation was found on 2025-03-03."""
    r = evaluate_one(deviation(step=1, step_taken=taken), log=[registered(date(2025, 3, 3))])
    assert r.findings == []
    assert [(e.event, e.step_taken) for e in r.log_rows] == [("Eskaleringssteg ändrat", taken)]


def test_a_log_row_with_only_a_warning_is_read() -> None:
    """A timestamp written as text is read with a warning; the row still counts, so the
    deviation stays registered (only rows with an error are skipped)."""
    as_text = {**registered(date(2025, 3, 3)), "Tidpunkt": "2025-03-03 08:00"}
    r = evaluate_one(deviation(), log=[as_text])
    assert flatten(r.findings) == [("Händelselogg", 2, "A", "date-as-text")]
    assert log_lines(r) == []


def test_log_timestamps_are_read_in_the_books_date_system() -> None:
    """A 1904 book's log: serial 44259.5 is the step change on 5 March 2025 at noon there
    (5 March 2021 in the 1900 system). The next check is the action plan's deadline, 2 April,
    before step 1's 30 days from the change; read as 2021 it would be 6 April 2021."""
    stepped = {**step_logged("0 Dialog", "1 Åtgärdsplan", TODAY), "Tidpunkt": 44259.5}
    rows = book([contract()], deviations=[deviation(step=1)], log=[stepped])
    r = evaluate(dataclasses.replace(rows, date1904=True), today=TODAY)
    assert r.findings == []
    assert deviation_values(r, 2, "next_check") == (date(2025, 4, 2),)


def test_a_damaged_log_row_leaves_the_other_rows_warnings() -> None:
    as_text = {**registered(date(2025, 3, 3)), "Tidpunkt": "2025-03-03 08:00"}
    damaged = {**step_logged("0 Dialog", "1 Åtgärdsplan", TODAY), "Tidpunkt": "i förrgår"}
    r = evaluate_one(deviation(), log=[as_text, damaged])
    assert flatten(r.findings) == [
        ("Händelselogg", 2, "A", "date-as-text"),
        ("Händelselogg", 3, None, "invalid-log-row"),
    ]
