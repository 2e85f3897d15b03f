"""Key figures of `Översikt`, the 12-month `Uppföljningsplan`, `Kontroll` and determinism."""

from datetime import date, datetime

from helpers import (
    TODAY,
    contract,
    contract_values,
    deviation,
    flatten,
    follow_up,
    run,
)

from avtalsbok.core import schema
from avtalsbok.core.computed import check_text
from avtalsbok.core.engine import Result
from avtalsbok.core.findings import make
from avtalsbok.core.overview import KeyFigures
from avtalsbok.core.owners import OwnerLoad


def small_book() -> Result:
    """Five contracts, four follow-ups and three deviations, seen on 2025-03-14."""
    contracts = [
        # Business-critical, audited in January: next follow-up in four months.
        contract(
            contract_id="A1",
            supplier="Alfa AB",
            critical="Ja",
            sustainability="Ja",
            annual_value=50_000,
            owner="Eva",
            email="eva@kommun.se",
        ),
        # Ends in 78 days, no extension: a new procurement is due; followed up last May.
        contract(contract_id="A2", supplier="Beta AB", end=date(2025, 5, 31), annual_value=300_000),
        # Awarded on 10 March, starts in April: the start-up meeting is due.
        contract(
            contract_id="A3",
            supplier="Gamma AB",
            award_date=date(2025, 3, 10),
            start=date(2025, 4, 1),
            annual_value=200_000,
        ),
        # Ended last year, audited while it ran.
        contract(
            contract_id="A4",
            supplier="Alfa AB",
            end=date(2024, 12, 31),
            sustainability="Ja",
        ),
        # Decide on extension by 2025-06-02; never followed up.
        contract(
            contract_id="A5",
            supplier="Delta AB",
            end=date(2025, 9, 30),
            notice_months=3,
            extension_option="1+1",
            annual_value=100_000,
        ),
    ]
    follow_ups = [
        follow_up(contract_id="A1", date=date(2025, 1, 10), type="Revision", cost=20_000),
        follow_up(contract_id="A2", date=date(2024, 5, 2), type="Statistikuppföljning", cost=500),
        follow_up(contract_id="A4", date=date(2024, 6, 3), method="Revision", cost="10 000 kr"),
        follow_up(contract_id="A3", date=date(2025, 4, 15), type="Uppföljningsmöte"),
    ]
    deviations = [
        deviation(
            deviation_id="D1",
            contract_id="A1",
            detected=date(2025, 1, 10),
            severity="Hög",
            step=1,
            plan_deadline=date(2025, 2, 10),
        ),
        deviation(
            deviation_id="D2",
            contract_id="A2",
            detected=date(2025, 3, 10),
            severity="Låg",
            responsible="Olle",
        ),
        deviation(
            deviation_id="D3",
            contract_id="A1",
            detected=date(2025, 1, 15),
            severity="Allvarlig",
            remedied=date(2025, 2, 1),
            status="Stängd",
        ),
    ]
    return run(contracts, follow_ups, deviations)


def test_the_small_books_findings() -> None:
    assert flatten(small_book().findings) == [
        # One business-critical of four: tier 1's target is 0, a quota too small to overfill.
        ("Uppföljningar", 4, "F", "amount-as-text"),
        ("Uppföljningar", 5, "B", "follow-up-in-future"),
    ]


def test_every_key_figure_of_a_small_book() -> None:
    r = small_book()
    months = [date(2025, m, 1) for m in range(3, 13)] + [date(2026, 1, 1), date(2026, 2, 1)]
    assert r.figures == KeyFigures(
        today=TODAY,
        computed_at=datetime(2025, 3, 14),
        contracts=5,
        active=4,
        not_started=1,
        ended=1,
        expiring=0,
        extension_decisions=1,
        procurements=1,  # A2
        evaluations_due=2,  # A2's end on 2025-05-31, A5's decision on 2025-06-02
        price_adjustments_90=0,
        follow_ups_overdue=1,  # A5, due 2025-01-02
        follow_ups_due_30=1,  # A3's start-up meeting on 2025-03-21
        follow_ups_due_90=3,  # and A2 on 2025-05-02, A1 on 2025-05-12
        coverage_pct=66.7,  # two of the three running contracts are on plan
        running=3,
        follow_ups_on_plan=2,
        open_deviations=2,
        overdue_action_plans=1,
        passive_deviations=1,
        errors=0,
        warnings=2,
        tiers=((1, 25.0, 10.0), (2, 50.0, 30.0), (1, 25.0, 60.0)),
        months=tuple(zip(months, (2, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0), strict=True)),
        open_by_severity=(1, 0, 1, 0),
        open_by_step=(1, 1, 0, 0, 0),
        step_names=("Dialog", "Åtgärdsplan", "Skriftlig varning", "Sanktion", "Uppsägning/hävning"),
        sustainability_contracts=2,
        sustainability_followed_up=2,
        audits=2,
        audits_this_year=1,  # A1's in January; A4's was last year
        audited_contracts=2,
        audited_suppliers=1,
        audit_cost=30_000.0,
        audits_per_supplier=(("Alfa AB", 2, 30_000.0),),
        # Eva has D1 past its deadline; A2, A3 and A5 have no owner: A5's follow-up is late
        # and its extension decision due on 2 June, A3's start-up meeting is due. One late
        # thing each: more decisions first.
        owners=(OwnerLoad("(ingen avtalsansvarig)", 1, 1, 1, 0), OwnerLoad("Eva", 0, 0, 0, 1)),
    )
    assert r.figures.sustainability_followed_up_pct == 100.0
    assert r.figures.audits_per_sustainability_contract == 1.0


def test_the_summary_of_a_small_book() -> None:
    assert small_book().summary() == {
        "today": "2025-03-14",
        "contracts": 5,
        "active": 4,
        "errors": 0,
        "warnings": 2,
        "follow_ups_overdue": 1,
        "follow_ups_due_30": 1,
        "expiring": 0,
        "extension_decisions": 1,
        "procurements": 1,
        "evaluations_due": 2,
        "price_adjustments_90": 0,
        "samples_proposed": 0,
        "open_deviations": 2,
        "overdue_action_plans": 1,
        "tiers": [1, 2, 1],
        "new_log_rows": 4,
    }


def test_the_twelve_month_plan_of_a_small_book() -> None:
    """Each task has its own status and days late; the contract's status stands beside it."""
    plan = [
        (p.date, p.contract_id, p.tier, p.activity, p.status, p.days_late, p.contract_status)
        for p in small_book().plan
    ]
    follow_up, check, decision = (
        "Statistikuppföljning + uppföljning",
        "Kontroll av avvikelse",
        "Beslut om förlängning senast",
    )
    development = "Statistikuppföljning + utvecklingsmöte"
    evaluation, soon = "Utvärdering inför", ("Inom 30 dagar", None)
    new = "Ny upphandling krävs"
    assert plan == [
        (date(2025, 1, 2), "A5", 3, follow_up, "Försenad", 71, "Förlängningsbeslut krävs"),
        (date(2025, 2, 10), "A1", 1, f"{check} D1 (steg 1)", "Försenad", 32, "Aktivt"),
        (date(2025, 3, 21), "A3", 2, "Uppstartsmöte", "Inom 30 dagar", None, "Ej startat"),
        (date(2025, 3, 24), "A2", 2, f"{check} D2 (steg 0)", "Inom 30 dagar", None, new),
        (date(2025, 4, 1), "A2", 2, f"{evaluation} avtalsslut", *soon, new),
        (
            date(2025, 4, 3),
            "A5",
            3,
            f"{evaluation} förlängningsbeslut",
            *soon,
            "Förlängningsbeslut krävs",
        ),
        (date(2025, 5, 2), "A2", 2, f"{follow_up}smöte", "Planerad", None, new),
        (date(2025, 5, 12), "A1", 1, development, "Planerad", None, "Aktivt"),
        (date(2025, 6, 2), "A5", 3, decision, "Planerad", None, "Förlängningsbeslut krävs"),
        (date(2025, 9, 12), "A1", 1, development, "Planerad", None, "Aktivt"),
        (date(2026, 1, 12), "A1", 1, development, "Planerad", None, "Aktivt"),
    ]


def test_plan_rows_name_the_owner_or_the_deviations_responsible() -> None:
    r = small_book()
    sheet = r.sheets()[schema.UPPFOLJNINGSPLAN]
    assert sheet[0] == list(schema.PLAN_HEADERS)
    assert sheet[2] == [
        date(2025, 2, 10),
        7,
        "A1",
        "Städtjänster",
        "Alfa AB",
        1,
        "Kontroll av avvikelse D1 (steg 1)",
        "Eva",
        "eva@kommun.se",
        "Försenad",
        32,
        "Aktivt",
    ]
    assert sheet[4][7] == "Olle"


def test_after_an_overdue_follow_up_the_plan_counts_from_today() -> None:
    r = run([contract(critical="Ja")], [follow_up(date=date(2024, 9, 2))])
    assert [(p.date, p.status, p.days_late) for p in r.plan] == [
        (date(2025, 1, 2), "Försenad", 71),
        (date(2025, 7, 14), "Planerad", None),  # 2025-03-14 + 4 months, a Monday
        (date(2025, 11, 14), "Planerad", None),
    ]


def test_the_plan_stops_at_the_end_and_after_twelve_months() -> None:
    r = run(
        [
            contract(contract_id="A1", critical="Ja", end=date(2025, 10, 31)),
            contract(contract_id="A2", critical="Ja", end=date(2030, 12, 31)),
        ],
        [
            follow_up(contract_id="A1", date=date(2025, 3, 3)),
            follow_up(contract_id="A2", date=date(2025, 3, 3)),
        ],
    )
    assert [(p.contract_id, p.date) for p in r.plan] == [
        ("A1", date(2025, 7, 3)),
        ("A2", date(2025, 7, 3)),
        ("A1", date(2025, 9, 1)),  # the evaluation before its end
        ("A2", date(2025, 11, 3)),
        ("A2", date(2026, 3, 3)),
    ]


def test_a_past_extension_deadline_is_not_planned() -> None:
    r = run([contract(end=date(2025, 4, 30), notice_months=2, extension_option="1 år")])
    assert contract_values(r, 2, "extension_deadline") == (date(2025, 1, 29),)
    assert "Beslut om förlängning senast" not in [p.activity for p in r.plan]


# --- Kontroll -----------------------------------------------------------------------------------


def test_kontroll_sums_up_a_rows_findings() -> None:
    r = run(
        [
            contract(contract_id="A1"),
            contract(contract_id="A2", start="2023-01-01"),
            contract(contract_id="A3", start="2023-01-01", annual_value="mycket"),
            contract(contract_id="A4", start="2023-01-01", annual_value="1 kr"),
        ]
    )
    checks = [contract_values(r, row, "check")[0] for row in (2, 3, 4, 5)]
    assert checks == [
        "OK",
        "Varning – Startdatum: Datumet är skrivet som text (”2023-01-01”) och tolkades som "
        "2023-01-01. Cellen är formaterad som text – ändra formatet till Datum och skriv om "
        "datumet.",
        "FEL – Årsvärde (kr): ”mycket” är inget belopp. Skriv ett tal i kronor, t.ex. 1200000. "
        "(+1 varning)",
        "Varning – Startdatum: Datumet är skrivet som text (”2023-01-01”) och tolkades som "
        "2023-01-01. Cellen är formaterad som text – ändra formatet till Datum och skriv om "
        "datumet. | Årsvärde (kr): Beloppet är skrivet som text "
        "(”1 kr”) och tolkades som 1 k…",  # cut to 250 characters
    ]


def test_kontroll_counts_warnings_and_is_cut_to_250_characters() -> None:
    warning = make("date-as-text", header="Startdatum", value="2023-01-01", parsed="2023-01-01")
    error = make("missing-value", header="Leverantör")
    assert check_text([error, warning, warning]) == (
        "FEL – Leverantör måste fyllas i. (+2 varningar)"
    )
    long = check_text([warning] * 5)
    assert len(long) == 250
    assert long.endswith("…")
    # "FEL – " + the header + " måste fyllas i.": 250 characters with a header of 228.
    assert check_text([make("missing-value", header="H" * 228)]).endswith("måste fyllas i.")
    assert check_text([make("missing-value", header="H" * 229)]).endswith("måste fyllas …")
    assert check_text([make("invalid-log-row")]) == (
        "Varning – Raden i Händelseloggen kan inte tolkas och hoppas över."
    )


def test_follow_ups_and_deviations_get_their_kontroll_too() -> None:
    r = run(
        [contract()],
        [follow_up(), follow_up(contract_id="A9")],
        [deviation(), deviation(deviation_id="D2", detected=date(2099, 1, 1))],
    )
    assert [v.check for v in r.computed[schema.UPPFOLJNINGAR].values()] == [
        "OK",
        "FEL – Avtals-ID ”A9” finns inte på bladet Avtal.",
    ]
    assert [v.check for v in r.computed[schema.AVVIKELSER].values()] == [
        "OK",
        "FEL – Upptäckt-datumet 2099-01-01 ligger i framtiden.",
    ]


# --- Determinism -----------------------------------------------------------------------------


def test_the_same_book_on_the_same_day_gives_the_same_result() -> None:
    first, second = small_book(), small_book()
    assert first == second
    assert first.sheets() == second.sheets()
    assert first.log_grid() == second.log_grid()


def test_the_owner_block_comes_last_and_moves_no_block_with_a_place() -> None:
    from avtalsbok.core.overview import OWNERS_TITLE, block_positions
    from avtalsbok.core.owners import HEADERS

    grid = small_book().sheets()[schema.OVERSIKT]
    titles = list(block_positions())
    assert OWNERS_TITLE not in titles
    # Every block down to the suppliers' stands where the charts of the books in use point.
    for title in titles[: titles.index("Revisioner per leverantör") + 1]:
        first, _last = block_positions()[title]
        assert grid[first - 3] == [title]
    # The supplier block (one supplier) grows from its fixed title; the owners' comes last.
    supplier_first, _ = block_positions()["Revisioner per leverantör"]
    assert grid[supplier_first - 1][0] == "Alfa AB"
    at = grid.index([OWNERS_TITLE])
    assert at > supplier_first and all(row != [OWNERS_TITLE] for row in grid[:at])
    assert grid[at:] == [
        [OWNERS_TITLE],
        list(HEADERS),
        ["(ingen avtalsansvarig)", 1, 1, 1, 0],
        ["Eva", 0, 0, 0, 1],
        [],
    ]


def test_the_most_urgent_owner_comes_first() -> None:
    def tier2(ident: str, owner: str, **kw: object) -> dict[str, object]:
        return contract(contract_id=ident, owner=owner, manual_priority=2, motivation="t", **kw)

    rows = [
        tier2("B1", "Bo"),  # due 2025-06-03: in 90 days, not in 30
        tier2("C1", "Cia"),  # due 2025-03-20: within 30 days
        tier2("A1", "anna"),  # due 2024-06-03: late
        # late too, and its extension decision is due 2025-06-02
        tier2("A2", "Anna", end=date(2025, 9, 30), notice_months=3, extension_option="1+1"),
    ]
    done = {"B1": date(2024, 6, 3), "C1": date(2024, 3, 20), "A1": date(2023, 6, 1)}
    follow_ups = [follow_up(contract_id=k, date=v) for k, v in done.items()]
    follow_ups.append(follow_up(contract_id="A2", date=date(2023, 6, 1)))
    r = run(rows, follow_ups)
    assert [load.cells() for load in r.figures.owners] == [
        ("anna", 2, 0, 1, 0),  # two late (one owner, whatever the case)
        ("Cia", 0, 1, 0, 0),  # nothing late or to decide; a follow-up within 30 days
    ]


def test_a_new_procurement_to_start_within_90_days_is_a_decision_for_its_owner() -> None:
    # No extension option, ends 30 April 2026: a new procurement must start a year before,
    # 30 April 2025, 47 days after the run. With an extension left, that decision counts instead.
    rows = [
        contract(owner="Bo", end=date(2026, 4, 30), manual_priority=3, motivation="t"),
        contract(contract_id="A2", owner="Cia", end=date(2027, 4, 30), manual_priority=3,
                 motivation="t"),  # a year later: not yet
    ]  # fmt: skip
    follow_ups = [follow_up(date=date(2025, 1, 15)), follow_up(contract_id="A2")]
    r = run(rows, follow_ups)
    assert [load.cells() for load in r.figures.owners] == [("Bo", 0, 0, 1, 0)]


def test_an_ended_contract_needs_no_action() -> None:
    from avtalsbok.core import owners, schedule

    assert owners.ENDED == schedule.ENDED == "Upphört"
    r = run([contract(owner="Bo", end=date(2024, 12, 31), manual_priority=1, motivation="t")])
    assert r.figures.owners == ()


def test_after_a_start_up_meeting_the_plan_holds_the_tiers_follow_ups() -> None:
    """Tier 1, awarded 10 March, starts 1 April: the start-up meeting after the standstill,
    then a follow-up every four months."""
    r = run([contract(manual_priority=1, motivation="t", award_date=date(2025, 3, 10),
                      start=date(2025, 4, 1))])  # fmt: skip
    assert [(p.date, p.activity) for p in r.plan] == [
        (date(2025, 3, 21), "Uppstartsmöte"),
        (date(2025, 7, 21), "Statistikuppföljning + utvecklingsmöte"),
        (date(2025, 11, 21), "Statistikuppföljning + utvecklingsmöte"),
    ]


def test_a_deviations_check_in_the_plan_is_late_from_its_action_plans_deadline() -> None:
    r = run([contract()], deviations=[deviation(step=1, plan_deadline=date(2025, 3, 10))])
    checks = [(p.date, p.status, p.days_late) for p in r.plan if "avvikelse" in p.activity]
    assert checks == [(date(2025, 4, 2), "Försenad", 4)]
