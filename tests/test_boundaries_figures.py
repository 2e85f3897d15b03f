"""Boundaries of the key figures on `Översikt` (docs/regler.md, section 9): a follow-up due today
is not overdue, one in exactly 30 or 90 days is within them, a status no contract has is 0."""

from datetime import date, timedelta
from typing import Any

from helpers import contract, deviation, follow_up, run, setting

from avtalsbok.core.engine import Result


def due_on(today: date, *next_dates: date, **overrides: Any) -> Result:
    """Tier-2 contracts whose next follow-up is each of `next_dates` (followed up a year before)."""
    contracts, follow_ups = [], []
    for i, day in enumerate(next_dates, start=1):
        ident = f"A{i}"
        contracts.append(
            contract(contract_id=ident, manual_priority=2, motivation="Vald i test", **overrides)
        )
        follow_ups.append(follow_up(contract_id=ident, date=day.replace(year=day.year - 1)))
    return run(contracts, follow_ups, today=today)


def test_a_follow_up_due_today_is_due_not_overdue() -> None:
    """Försenade uppföljningar: nästa uppföljning ligger före Idag; Uppföljningar inom 30 / 90
    dagar: idag eller inom 30 respektive 90 dagar. Today Monday 10 March 2025."""
    f = due_on(date(2025, 3, 10), date(2025, 3, 7), date(2025, 3, 10)).figures
    assert (f.follow_ups_overdue, f.follow_ups_due_30, f.follow_ups_due_90) == (1, 1, 1)
    assert f.coverage_pct == 50.0


def test_a_follow_up_in_exactly_30_days_is_within_30() -> None:
    """Wednesday 9 April is 30 days from Monday 10 March 2025, Thursday 10 April 31."""
    f = due_on(date(2025, 3, 10), date(2025, 4, 9), date(2025, 4, 10)).figures
    assert (f.follow_ups_overdue, f.follow_ups_due_30, f.follow_ups_due_90) == (0, 1, 2)


def test_a_follow_up_in_exactly_90_days_is_within_90() -> None:
    """Tuesday 10 June is 90 days from Wednesday 12 March 2025, Wednesday 11 June 91."""
    f = due_on(date(2025, 3, 12), date(2025, 6, 10), date(2025, 6, 11)).figures
    assert (f.follow_ups_overdue, f.follow_ups_due_30, f.follow_ups_due_90) == (0, 0, 1)
    assert f.coverage_pct == 100.0


def test_a_status_no_contract_has_counts_0() -> None:
    """Ej startade / Upphörda avtal / Avtal som löper ut / Förlängningsbeslut krävs: antal avtal
    med respektive avtalsstatus — 0 when none has it, and the shares of no active contract 0 %."""
    f = run([contract(end=date(2024, 12, 31))]).figures
    assert (f.contracts, f.active, f.ended) == (1, 0, 1)
    assert (f.not_started, f.expiring, f.extension_decisions) == (0, 0, 0)
    assert f.tiers == ((0, 0.0, 10.0), (0, 0.0, 30.0), (0, 0.0, 60.0))
    assert f.coverage_pct == 0.0
    assert (f.follow_ups_overdue, f.follow_ups_due_30, f.follow_ups_due_90) == (0, 0, 0)


def test_each_status_is_counted_once() -> None:
    """One contract of each status, seen on Friday 14 March 2025."""
    f = run(
        [
            contract(contract_id="A1", start=date(2025, 3, 15)),  # Ej startat
            contract(contract_id="A2", end=date(2025, 3, 13)),  # Upphört
            contract(
                contract_id="A3", end=date(2025, 6, 12), extension_option="1+1", notice_months=6
            ),  # Löper ut: the decision day has passed
            contract(
                contract_id="A4", end=date(2025, 10, 13), extension_option="1+1", notice_months=6
            ),  # Förlängningsbeslut krävs
            contract(contract_id="A5"),  # Aktivt
            contract(contract_id="A6", end=date(2025, 6, 12)),  # Ny upphandling krävs
        ]
    ).figures
    assert (f.contracts, f.active, f.not_started, f.ended) == (6, 5, 1, 1)
    assert (f.expiring, f.extension_decisions, f.procurements) == (1, 1, 1)


def test_a_not_started_contract_is_active_but_not_in_the_coverage() -> None:
    """Uppföljningstäckning: andel av de startade, aktiva avtalen som inte har en försenad
    uppföljning. The start-up meeting of a contract starting tomorrow is due within 30 days."""
    today = date(2025, 3, 14)
    f = run(
        [
            contract(contract_id="A1", start=today + timedelta(days=3)),
            contract(contract_id="A2", manual_priority=2, motivation="Vald i test"),
        ],
        [follow_up(contract_id="A2", date=date(2024, 3, 13))],
    ).figures
    assert (f.active, f.follow_ups_overdue, f.follow_ups_due_30) == (2, 1, 1)
    assert f.coverage_pct == 0.0


def test_an_overdue_follow_up_is_planned_in_this_month() -> None:
    """Planerade uppföljningar per månad: denna och elva till; en försenad uppföljning räknas i
    innevarande månad."""
    f = due_on(date(2025, 3, 10), date(2025, 2, 28), date(2026, 2, 27)).figures
    assert f.months[0] == (date(2025, 3, 1), 1)
    assert f.months[-1] == (date(2026, 2, 1), 1)
    assert sum(n for _, n in f.months) == 2


def test_a_follow_up_held_today_counts_as_followed_up_one_tomorrow_does_not() -> None:
    """– varav uppföljda: avtal med minst en uppföljning daterad senast Idag; Revisioner totalt:
    uppföljningar daterade senast Idag med Typ eller Metod = Revision."""
    today = date(2025, 3, 14)
    r = run(
        [
            contract(contract_id="A1", sustainability="Ja"),
            contract(contract_id="A2", sustainability="Ja"),
        ],
        [
            follow_up(contract_id="A1", date=today, type="Revision", cost=1_000),
            follow_up(contract_id="A2", date=today + timedelta(days=1), type="Revision", cost=500),
        ],
    )
    f = r.figures
    assert (f.sustainability_contracts, f.sustainability_followed_up) == (2, 1)
    assert (f.audits, f.audited_contracts, f.audit_cost) == (1, 1, 1_000.0)


def test_a_deviation_check_is_planned_up_to_the_day_before_the_horizon() -> None:
    """Kontroll av avvikelse på Nästa kontroll för varje öppen avvikelse, inom tolv månader: with a
    first step of 365 days (and an action plan due later), found on Tuesday 11 March 2025 the
    check is Wednesday 11 March 2026, the plan's last day (today Wednesday 12 March 2025); found a
    day later it is not planned."""
    year = [setting("Eskaleringssteg 0", "Dialog; 365")]
    today = date(2025, 3, 12)

    def checks(found: date) -> list[tuple[date, str]]:
        late_plan = deviation(detected=found, plan_deadline=date(2026, 12, 31))
        r = run([contract()], deviations=[late_plan], settings=year, today=today)
        return [(p.date, p.activity) for p in r.plan if p.activity.startswith("Kontroll")]

    assert checks(date(2025, 3, 11)) == [(date(2026, 3, 11), "Kontroll av avvikelse D1 (steg 0)")]
    assert checks(date(2025, 3, 12)) == []


#: A task within 30 days (no days late), on an active contract.
SOON = ("Inom 30 dagar", None)
SOON_IN_ACTIVE = (*SOON, "Aktivt")


def test_a_deviation_on_an_unknown_contract_is_planned_without_contract_details() -> None:
    """Ansvarig är avvikelsens Ansvarig, annars avtalets avtalsansvarig; a deviation on a contract
    the book lacks has neither name, supplier nor priority; with no one named the cell is blank."""
    r = run(
        [contract(owner="Eva", email="eva@kommun.se"), contract(contract_id="A2")],
        deviations=[
            deviation(contract_id="X9", responsible="Olle"),
            deviation(deviation_id="D2"),
            deviation(deviation_id="D3", contract_id="X9"),
            deviation(deviation_id="D4", contract_id="A2"),
        ],
    )
    assert [p.cells()[2:] for p in r.plan if p.activity.startswith("Kontroll")] == [
        [
            "A1",
            "Städtjänster",
            "Städbolaget AB",
            2,
            "Kontroll av avvikelse D2 (steg 0)",
            "Eva",
            "eva@kommun.se",
            *SOON_IN_ACTIVE,
        ],
        [
            "A2",
            "Städtjänster",
            "Städbolaget AB",
            3,
            "Kontroll av avvikelse D4 (steg 0)",
            "",
            "",
            *SOON_IN_ACTIVE,
        ],
        ["X9", "", "", None, "Kontroll av avvikelse D1 (steg 0)", "Olle", "", *SOON, ""],
        ["X9", "", "", None, "Kontroll av avvikelse D3 (steg 0)", "", "", *SOON, ""],
    ]


def test_plan_rows_of_rows_with_blank_cells_are_blank_there() -> None:
    """Uppföljningsplanen lists avtal, leverantör, prioritet, aktivitet, avtalsansvarig, e-post
    and status; a row with errors (no Avtals-ID, name or supplier; a deviation without id) is
    still planned, with those cells blank rather than missing."""
    r = run(
        [
            contract(owner="Eva", email="eva@kommun.se", manual_priority=2, motivation="Vald"),
            contract(contract_id=None, name=None, supplier=None, manual_priority=2, motivation="V"),
        ],
        [follow_up(date=date(2024, 4, 1))],
        [deviation(deviation_id=None)],
    )
    assert [p.cells()[2:] for p in r.plan] == [
        [
            "",
            "",
            "",
            2,
            "Statistikuppföljning + uppföljningsmöte",
            "",
            "",
            "Försenad",
            437,
            "Aktivt",
        ],
        [
            "A1",
            "Städtjänster",
            "Städbolaget AB",
            2,
            "Kontroll av avvikelse  (steg 0)",
            "Eva",
            "eva@kommun.se",
            *SOON_IN_ACTIVE,
        ],
        [
            "A1",
            "Städtjänster",
            "Städbolaget AB",
            2,
            "Statistikuppföljning + uppföljningsmöte",
            "Eva",
            "eva@kommun.se",
            *SOON_IN_ACTIVE,
        ],
    ]


def test_audits_per_supplier_most_first_then_by_name() -> None:
    """Revisioner per leverantör: antal och kostnad per leverantör, flest först; en revision på
    ett okänt Avtals-ID visas som `(okänd leverantör)` (so does one whose supplier is blank); a
    revision without Kostnad costs 0 kr."""
    f = run(
        [
            contract(contract_id="B", supplier="Beta AB"),
            contract(contract_id="O", supplier="Öst AB"),
            contract(contract_id="A", supplier="Alfa AB"),
            contract(contract_id="N", supplier=None),
        ],
        [
            follow_up(contract_id="B", type="Revision", cost=500),
            follow_up(contract_id="O", type="Revision", cost=100),
            follow_up(contract_id="O", method="Revision"),
            follow_up(contract_id="O", type="Revision", cost=0),
            follow_up(contract_id="A", type="Revision", cost=50),
            follow_up(contract_id="N", type="Revision", cost=20),
            follow_up(contract_id="X9", method="Revision", cost=10),
        ],
    ).figures
    assert f.audits_per_supplier == (
        ("Öst AB", 3, 100.0),
        ("(okänd leverantör)", 2, 30.0),
        ("Alfa AB", 1, 50.0),
        ("Beta AB", 1, 500.0),
    )
    assert (f.audits, f.audited_contracts, f.audited_suppliers, f.audit_cost) == (7, 5, 4, 680.0)


def test_audits_per_supplier_count_a_supplier_once_however_its_name_is_written() -> None:
    """Revisioner per leverantör groups by the supplier as regler §17 knows it (organisation
    number, else the name without case and extra spaces), shown by its first contract's name."""
    f = run(
        [
            contract(contract_id="S1", supplier="Städbolaget AB", org_number="556677-8899"),
            contract(contract_id="S2", supplier="STÄDBOLAGET  AB"),
            contract(contract_id="S3", supplier="Städbolaget i Norr AB", org_number="556677-8899"),
            contract(contract_id="B1", supplier="Bygg AB"),
            contract(contract_id="B2", supplier=" bygg ab"),
            contract(contract_id="N1", supplier=None, org_number="212000-0142"),
        ],
        [
            follow_up(contract_id=c, type="Revision", cost=100)
            for c in ("S1", "S2", "S3", "B1", "B2", "N1")
        ],
    ).figures
    assert f.audits_per_supplier == (
        ("Städbolaget AB", 3, 300.0),
        ("Bygg AB", 2, 200.0),
        ("212000-0142", 1, 100.0),
    )
    assert f.audited_suppliers == 3


def test_audits_per_supplier_keep_two_suppliers_of_one_name_apart() -> None:
    """Two organisation numbers under one name are two suppliers (regler §17): two rows, each
    with its number after the name, and two audited suppliers."""
    f = run(
        [
            contract(contract_id="S1", supplier="Städ AB", org_number="556677-8899"),
            contract(contract_id="S2", supplier="Städ AB", org_number="212000-0142"),
        ],
        [
            follow_up(contract_id=c, type="Revision", cost=cost)
            for c, cost in (("S1", 100), ("S2", 200), ("S2", 50))
        ],
    ).figures
    assert f.audits_per_supplier == (
        ("Städ AB (212000-0142)", 2, 250.0),
        ("Städ AB (556677-8899)", 1, 100.0),
    )
    assert f.audited_suppliers == 2


def test_an_audit_without_avtals_id_is_of_an_unknown_supplier_even_beside_a_contract_without() -> (
    None
):
    f = run(
        [contract(contract_id=None, supplier="Utan id AB"), contract(contract_id="A")],
        [follow_up(contract_id=None, type="Revision", cost=10)],
    ).figures
    assert f.audits_per_supplier == (("(okänd leverantör)", 1, 10.0),)


def test_the_figures_name_the_books_own_ladder_and_count_its_errors() -> None:
    """Fel / Varningar i arbetsboken: antal anmärkningar per nivå; the steps are named as the
    book's Inställningar name them."""
    f = run(
        [contract(), contract(contract_id="A2", supplier=None)],
        settings=[setting("Eskaleringssteg 0", "Samtal; 14")],
    ).figures
    assert (f.errors, f.warnings, f.ended) == (1, 0, 0)
    assert f.step_names[:2] == ("Samtal", "Åtgärdsplan")


def test_tier_shares_are_rounded_to_one_decimal() -> None:
    """Avtal per prioritet: antal aktiva avtal per prioritet, andel av de aktiva och målandel;
    of three contracts, none in tier 1, one in tier 2 (33,3 %) and two in tier 3 (66,7 %)."""
    f = run([contract(contract_id=f"A{i}", annual_value=i) for i in (1, 2, 3)]).figures
    assert f.tiers == ((0, 0.0, 10.0), (1, 33.3, 30.0), (2, 66.7, 60.0))


def test_a_contract_without_a_next_follow_up_does_not_stop_the_count() -> None:
    """Försenade uppföljningar and Uppföljningar inom 30 / 90 dagar count every active contract
    with a next follow-up, whichever comes first in the book: A1 has no Startdatum (so no next
    follow-up), A2's is due today."""
    r = run(
        [
            contract(contract_id="A1", start=None),
            contract(contract_id="A2", manual_priority=2, motivation="Vald i test"),
        ],
        [follow_up(contract_id="A2", date=date(2024, 3, 14))],
    )
    f = r.figures
    assert (f.active, f.follow_ups_overdue, f.follow_ups_due_30, f.follow_ups_due_90) == (
        2,
        0,
        1,
        1,
    )


def test_a_deviation_without_avtals_id_or_on_a_contract_without_name_is_planned_blank() -> None:
    """Kontroll av avvikelse för varje öppen avvikelse, also one on a row with errors: no
    Avtals-ID on the deviation, no name or supplier on its contract."""
    r = run(
        [contract(owner="Eva"), contract(contract_id="A2", name=None, supplier=None)],
        deviations=[
            deviation(deviation_id="D5", contract_id="A2"),
            deviation(deviation_id="D6", contract_id=None),
        ],
    )
    assert [p.cells()[2:] for p in r.plan if p.activity.startswith("Kontroll")] == [
        ["", "", "", None, "Kontroll av avvikelse D6 (steg 0)", "", "", *SOON, ""],
        ["A2", "", "", 3, "Kontroll av avvikelse D5 (steg 0)", "", "", *SOON_IN_ACTIVE],
    ]
