"""The evaluation before an extension decision or the end: `Utvärdering` and the plan's item."""

from datetime import date, datetime, timedelta

from helpers import (
    TODAY,
    contract,
    deviation,
    documented,
    follow_up,
    log_records,
    run,
    setting,
)

from avtalsbok.core import schema
from avtalsbok.core.engine import Result


def test_the_decision_ahead_and_the_day_to_evaluate_by() -> None:
    """regler.md 14: the example."""
    r = run(
        [
            contract(end=date(2025, 9, 30), notice_months=3, extension_option="1+1"),
            contract(contract_id="A2", end=date(2025, 8, 15)),
            contract(contract_id="A3"),  # ends 2026-12-31: further off than six months
        ]
    )
    sheet = r.sheets()[schema.UTVARDERING]
    assert sheet[0] == list(schema.EVALUATION_HEADERS)
    assert [row[0] for row in sheet[1:]] == ["A1", "A2"]
    assert [(row[5], row[6], row[7]) for row in sheet[1:]] == [
        ("Förlängningsbeslut", date(2025, 6, 2), date(2025, 4, 3)),
        ("Avtalet upphör", date(2025, 8, 15), date(2025, 6, 16)),
    ]
    planned = [(p.date, p.contract_id, p.activity) for p in r.plan if "Utvärdering" in p.activity]
    assert planned == [
        (date(2025, 4, 3), "A1", "Utvärdering inför förlängningsbeslut"),
        (date(2025, 6, 16), "A2", "Utvärdering inför avtalsslut"),
    ]  # A3's, on 2026-11-02, is beyond the plan's twelve months
    assert r.figures.evaluations_due == 2
    documented(
        "Slutdatum 2025-09-30, uppsägningstid 3 månader, option `1+1` → beslut senast "
        "2025-06-02, utvärdera senast torsdag 2025-04-03 (`Utvärdering inför förlängningsbeslut`).",
        "utan option som slutar fredag 2025-08-15 → `Avtalet upphör`, utvärdera senast måndag "
        "2025-06-16.",
    )


def test_a_row_answers_the_evaluation_questions() -> None:
    r = run(
        [
            contract(
                end=date(2025, 6, 30),
                extension_option="1+1",
                extensions_used=1,
                sustainability="Ja",
                owner="Eva",
                email="eva@kommun.se",
            )
        ],
        [
            follow_up(date=date(2024, 5, 2), type="Revision", cost=12_000),
            follow_up(date=date(2025, 1, 15), method="Revision", cost="3 000"),
            follow_up(date=date(2024, 1, 10), type="Uppföljningsmöte"),
            follow_up(date=date(2025, 4, 1)),  # planned, not performed
        ],
        [
            deviation(deviation_id="D1", step=2, status="Stängd", remedied=date(2025, 3, 1)),
            deviation(deviation_id="D2", detected=date(2025, 3, 10), step=0),
        ],
    )
    assert r.sheets()[schema.UTVARDERING][1] == [
        "A1",
        "Städtjänster",
        "Städbolaget AB",
        "Eva",
        "eva@kommun.se",
        "Avtalet upphör",
        date(2025, 6, 30),
        date(2025, 5, 2),  # 2025-05-01 is a holiday
        "Ja",
        3,
        date(2025, 1, 15),
        2,
        15_000.0,
        2,
        1,
        2,
        0,
    ]


def test_the_highest_step_ever_counts_the_logged_steps() -> None:
    first = run([contract(end=date(2025, 6, 30))], deviations=[deviation(step=3, severity="Hög")])
    lowered = run(
        [contract(end=date(2025, 6, 30))],
        deviations=[deviation(step=1, severity="Hög")],
        log=log_records(first),
    )
    assert lowered.sheets()[schema.UTVARDERING][1][15] == 3


def test_an_ended_contract_is_not_evaluated_and_the_window_is_a_setting() -> None:
    rows = [
        contract(end=date(2025, 3, 13)),
        contract(contract_id="A2", end=date(2025, 12, 31)),
    ]
    assert len(run(rows).sheets()[schema.UTVARDERING]) == 1  # the header only
    wide = run(rows, settings=[setting("Utvärdering inom (mån)", 10)])
    assert [row[0] for row in wide.sheets()[schema.UTVARDERING][1:]] == ["A2"]


def test_the_days_before_the_decision_are_a_setting_and_a_late_one_stays_planned() -> None:
    rows = [contract(end=date(2025, 4, 30))]
    plan = run(rows).plan
    items = [(p.date, p.status, p.days_late) for p in plan if "Utvärdering" in p.activity]
    assert items == [(date(2025, 3, 3), "Försenad", 11)]  # 2025-03-01 is a Saturday
    later = run(rows, settings=[setting("Utvärdering före beslut (dagar)", 14)])
    assert [(p.date, p.status, p.days_late) for p in later.plan if "Utvärdering" in p.activity] == [
        (date(2025, 4, 16), "Planerad", None)
    ]


def listed(r: Result) -> list[str]:
    return [row[0] for row in r.sheets()[schema.UTVARDERING][1:]]


def test_a_decision_on_the_windows_last_day_is_listed_the_day_after_is_not() -> None:
    """regler.md 14: the window is six months from the run (2025-03-14 → 2025-09-14)."""
    rows = [contract(end=date(2025, 9, 14)), contract(contract_id="A2", end=date(2025, 9, 15))]
    assert listed(run(rows)) == ["A1"]


def test_decisions_on_the_same_day_are_listed_by_avtals_id() -> None:
    rows = [
        contract(contract_id=ident, end=date(2025, 6, 30), owner=ident)
        for ident in ("B1", "A1", None)
    ]
    r = run(rows)
    assert listed(r) == [None, "A1", "B1"]
    assert [row[3] for row in r.sheets()[schema.UTVARDERING][1:]] == [None, "A1", "B1"]


def test_a_blank_hallbarhetskrav_stays_blank_on_utvardering() -> None:
    r = run([contract(end=date(2025, 6, 30), sustainability=None)])
    assert r.sheets()[schema.UTVARDERING][1][8] is None


def test_history_counts_a_follow_up_made_today_not_one_planned_tomorrow() -> None:
    follow_ups = [follow_up(date=TODAY), follow_up(date=TODAY + timedelta(days=1))]
    r = run([contract(end=date(2025, 6, 30))], follow_ups)
    assert r.sheets()[schema.UTVARDERING][1][9:11] == [1, TODAY]


def test_an_audit_without_a_cost_counts_as_an_audit_costing_nothing() -> None:
    audits = [
        follow_up(date=date(2024, 5, 2), type="Revision", cost=12_000),
        follow_up(date=date(2025, 1, 15), type="Revision", cost=None),
    ]
    r = run([contract(end=date(2025, 6, 30))], audits)
    assert r.sheets()[schema.UTVARDERING][1][11:13] == [2, 12_000.0]


def test_the_highest_step_ever_of_deviations_never_escalated_is_0() -> None:
    for step in (0, None):
        r = run([contract(end=date(2025, 6, 30))], deviations=[deviation(step=step)])
        assert r.sheets()[schema.UTVARDERING][1][15] == 0


def test_the_highest_step_ever_is_the_highest_whatever_the_order() -> None:
    deviations = [
        deviation(deviation_id="D1", step=2, severity="Hög"),
        deviation(deviation_id="D2", step=1, severity="Hög"),
    ]
    r = run([contract(end=date(2025, 6, 30))], deviations=deviations)
    assert r.sheets()[schema.UTVARDERING][1][15] == 2


def evaluations_planned(r: Result) -> list[date]:
    return [p.date for p in r.plan if "Utvärdering" in p.activity]


def test_a_decision_today_still_has_its_late_evaluation_planned() -> None:
    r = run([contract(end=TODAY)])
    assert evaluations_planned(r) == [date(2025, 1, 13)]  # 60 days before, a Monday


def test_an_evaluation_due_on_the_plans_last_day_is_beyond_it() -> None:
    """The plan runs twelve months from the run (2025-03-12 → 2026-03-12, a Thursday): an
    evaluation on that day is not in it, one on the day before is."""
    wednesday = date(2025, 3, 12)
    on = run([contract(end=date(2026, 5, 11))], today=wednesday)  # 60 days after 2026-03-12
    before = run([contract(end=date(2026, 5, 10))], today=wednesday)
    assert (evaluations_planned(on), evaluations_planned(before)) == ([], [date(2026, 3, 11)])


def test_a_logged_step_change_without_a_step_number_counts_no_step() -> None:
    """An officer who rewrote `Till` of a step change as text: that row gives no step."""
    rewritten = {
        "Tidpunkt": datetime(2025, 3, 5, 8, 0),
        "Avvikelse-ID": "D1",
        "Avtals-ID": "A1",
        "Händelse": "Eskaleringssteg ändrat",
        "Från": "0 Dialog",
        "Till": "Skriftlig varning",
    }
    r = run([contract(end=date(2025, 6, 30))], deviations=[deviation(step=1)], log=[rewritten])
    assert r.sheets()[schema.UTVARDERING][1][15] == 1
