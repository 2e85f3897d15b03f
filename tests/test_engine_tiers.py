"""Prioritisation in SKR's three groups: forced rules in order, then ranking by annual value."""

from datetime import date
from typing import Any

from helpers import Record, contract, contract_values, fillers, flatten, run, setting
from hypothesis import given, settings
from hypothesis import strategies as st

from avtalsbok.core import schema

CALL_OFF = {"form": "Avrop nationellt ramavtal", "central_follows_up": "Ja"}
TIER_2 = "Andel prioritet 2 (%)"


def ranked(count: int = 10, **overrides: Any) -> list[Record]:
    """`count` contracts A01, A02, … worth 100 000 kr less each, from count × 100 000 kr."""
    return [
        contract(contract_id=f"A{i:02}", annual_value=(count + 1 - i) * 100_000, **overrides)
        for i in range(1, count + 1)
    ]


def tiers(r: Any, rows: range) -> list[int | None]:
    return [contract_values(r, row, "priority")[0] for row in rows]


def reasons(r: Any, rows: range) -> list[str]:
    return [contract_values(r, row, "priority_reason")[0] for row in rows]


def test_value_ranking_fills_ten_then_thirty_percent_of_active_contracts() -> None:
    r = run(ranked(10))
    assert r.findings == []
    assert tiers(r, range(2, 12)) == [1, 2, 2, 2, 3, 3, 3, 3, 3, 3]
    assert reasons(r, range(2, 12))[:6] == [
        "Stor volym: årsvärde 1 000 000 kr (10 %-gruppen)",
        "Mellanprioriterat: årsvärde 900 000 kr (30 %-gruppen)",
        "Mellanprioriterat: årsvärde 800 000 kr (30 %-gruppen)",
        "Mellanprioriterat: årsvärde 700 000 kr (30 %-gruppen)",
        "Mindre prioriterat: årsvärde 600 000 kr",
        "Mindre prioriterat: årsvärde 500 000 kr",
    ]
    assert [t[0] for t in r.figures.tiers] == [1, 3, 6]


def test_a_missing_value_ranks_last_and_says_so() -> None:
    r = run([contract(contract_id="A1"), contract(contract_id="A2", annual_value=5)])
    assert reasons(r, range(2, 4)) == [
        "Mindre prioriterat: årsvärde saknas",
        "Mellanprioriterat: årsvärde 5 kr (30 %-gruppen)",
    ]


def test_equal_values_are_ranked_by_risk_then_by_contract_id() -> None:
    same = {"annual_value": 100_000}
    rows = [
        contract(contract_id="C", probability=1, consequence=1, **same),
        contract(contract_id="B", **same),
        contract(contract_id="A", **same),
        contract(contract_id="D", probability=2, consequence=4, **same),
    ]
    # D has risk 8, C risk 1, then A and B without risk in id order: D C A B. Of ten contracts
    # one is in tier 1; tier 2 takes one (10 %), two (20 %) or three (30 %) of the next.
    by_share = {
        share: tiers(run([*rows, *fillers(6)], settings=[setting(TIER_2, share)]), range(2, 6))
        for share in (10, 20, 30)
    }
    # Rows C, B, A, D.
    assert by_share == {10: [2, 3, 3, 1], 20: [2, 3, 2, 1], 30: [2, 2, 2, 1]}


def test_manual_priority_comes_first_with_its_motivation() -> None:
    r = run(
        [
            contract(
                contract_id="A1",
                manual_priority=3,
                motivation="Avvecklas under året",
                critical="Ja",
                annual_value=9_000_000,
            ),
            contract(contract_id="A2", manual_priority=1, motivation="Politiskt prioriterat"),
            *fillers(8),
        ]
    )
    assert r.findings == []
    assert [contract_values(r, row, "priority", "priority_reason") for row in (2, 3)] == [
        (3, "Manuell prioritet 3: Avvecklas under året"),
        (1, "Manuell prioritet 1: Politiskt prioriterat"),
    ]


def test_business_critical_is_tier_1_even_as_a_call_off() -> None:
    r = run([contract(critical="Ja", **CALL_OFF), *fillers(9)])
    assert contract_values(r, 2, "priority", "priority_reason") == (
        1,
        "Verksamhetskritiskt avtal",
    )


def test_a_call_off_followed_up_by_the_central_purchasing_body_is_tier_3() -> None:
    r = run(
        [
            contract(annual_value=50_000_000, probability=4, consequence=4, **CALL_OFF),
            *fillers(9),
        ]
    )
    assert contract_values(r, 2, "priority", "priority_reason", "follow_up_form") == (
        3,
        "Avrop från nationellt ramavtal – inköpscentralen följer upp",
        "Inköpscentralen följer upp; statistik vartannat år och vid behov",
    )


def test_a_call_off_the_organisation_follows_up_itself_is_ranked() -> None:
    r = run([contract(form="Avrop nationellt ramavtal", annual_value=1), *fillers(9)])
    assert contract_values(r, 2, "priority", "priority_reason") == (
        1,
        "Stor volym: årsvärde 1 kr (10 %-gruppen)",
    )


def test_high_risk_gives_at_least_tier_2() -> None:
    rows = ranked(10)
    rows[9] = {**rows[9], "Sannolikhet (1-4)": 3, "Konsekvens (1-4)": 3}  # A10, lowest value
    rows[8] = {**rows[8], "Sannolikhet (1-4)": 2, "Konsekvens (1-4)": 4}  # A09, risk 8: not high
    rows[0] = {**rows[0], "Sannolikhet (1-4)": 4, "Konsekvens (1-4)": 4}  # A01, top value
    r = run(rows)
    assert r.findings == []
    assert tiers(r, range(2, 12)) == [1, 2, 2, 3, 3, 3, 3, 3, 3, 2]
    assert reasons(r, range(11, 12)) == ["Hög risk: riskvärde 9 (gräns 9); årsvärde 100 000 kr"]
    # The high-risk contract takes a tier-2 place: tier 2 still holds its 30 %.
    assert [t[0] for t in r.figures.tiers] == [1, 3, 6]


def test_the_high_risk_threshold_is_a_setting() -> None:
    rows = [contract(probability=3, consequence=3), *fillers(9, annual_value=1000)]
    assert contract_values(run(rows), 2, "priority") == (2,)
    raised = run(rows, settings=[setting("Hög risk från riskvärde", 12)])
    assert contract_values(raised, 2, "priority") == (3,)


def test_shares_count_active_contracts_only() -> None:
    ended = [
        contract(contract_id=f"X{i}", annual_value=10**9, end=date(2024, 12, 31)) for i in range(5)
    ]
    not_started = contract(contract_id="N1", start=date(2025, 6, 1), annual_value=2_000_000)
    r = run([*ended, not_started, *ranked(9)])
    assert [contract_values(r, row, "priority", "priority_reason") for row in range(2, 7)] == [
        (None, "Upphört – ingår inte i prioriteringen")
    ] * 5
    # Ten active contracts (the one not yet started included): one in tier 1, three in tier 2.
    assert contract_values(r, 7, "priority") == (1,)
    assert [t[0] for t in r.figures.tiers] == [1, 3, 6]
    assert contract_values(r, 2, "follow_up_form") == ("",)


def test_shares_are_settings() -> None:
    r = run(
        ranked(10),
        settings=[setting("Andel prioritet 1 (%)", 20), setting("Andel prioritet 2 (%)", "50 %")],
    )
    assert r.findings == []
    assert tiers(r, range(2, 12)) == [1, 1, 2, 2, 2, 2, 2, 3, 3, 3]
    assert r.figures.tiers == ((2, 20.0, 20.0), (5, 50.0, 50.0), (3, 30.0, 30.0))


def test_forced_business_critical_contracts_overfilling_tier_1_are_reported() -> None:
    rows = ranked(10)
    for i in (5, 6, 7):
        rows[i] = {**rows[i], "Verksamhetskritisk": "Ja"}
    r = run(rows)
    assert flatten(r.findings) == [("Avtal", None, None, "tier-overfilled")]
    assert r.findings[0].message == (
        "Prioritet 1 har 3 avtal men målet är 1 (10 %): "
        "verksamhetskritiska och manuellt prioriterade avtal tvingas dit. "
        "Kontrollera de avtalens uppgifter, "
        "eller ändra andelen för prioriteten på Inställningar."
    )
    # No value-ranked contract gets tier 1 any more; tier 2 still gets its three.
    assert tiers(r, range(2, 12)) == [2, 2, 2, 3, 3, 1, 1, 1, 3, 3]


def test_many_high_risk_contracts_overfill_tier_2() -> None:
    risky = {"annual_value": 1, "probability": 4, "consequence": 3}
    r = run([*ranked(5), *(contract(contract_id=f"R{i}", **risky) for i in range(5))])
    assert [f.message for f in r.findings] == [
        "Prioritet 2 har 5 avtal men målet är 3 (30 %): "
        "avtal med hög risk och manuellt prioriterade avtal tvingas dit. "
        "Kontrollera de avtalens uppgifter, "
        "eller ändra andelen för prioriteten på Inställningar."
    ]


def test_call_offs_overfill_tier_3() -> None:
    rows = [*ranked(3), *(contract(contract_id=f"R{i}", **CALL_OFF) for i in range(7))]
    r = run(rows)
    assert [f.message for f in r.findings] == [
        "Prioritet 3 har 7 avtal men målet är 6 (60 %): "
        "avrop där inköpscentralen följer upp och manuellt prioriterade avtal tvingas dit. "
        "Kontrollera de avtalens uppgifter, "
        "eller ändra andelen för prioriteten på Inställningar."
    ]


def test_a_book_too_small_for_a_quota_gets_no_quota_warning() -> None:
    """Three contracts: 10 % is no contract at all, so two business-critical ones overfill
    nothing worth a warning; the tiers still follow the forced rule."""
    rows = ranked(3)
    for i in (1, 2):
        rows[i] = {**rows[i], "Verksamhetskritisk": "Ja"}
    r = run(rows)
    assert r.findings == []
    assert tiers(r, range(2, 5)) == [2, 1, 1]


def test_follow_up_form_per_tier_follows_the_cadence_settings() -> None:
    r = run(ranked(10))
    forms = {contract_values(r, row, "priority", "follow_up_form") for row in range(2, 12)}
    assert forms == {
        (1, "Statistik + utvecklingsmöte 3 ggr/år"),
        (2, "Statistik + uppföljningsmöte 1 gång/år"),
        (3, "Statistik + uppföljning vartannat år och vid behov"),
    }
    r = run(ranked(10), settings=[setting("Intervall prioritet 1 (mån)", 6)])
    assert contract_values(r, 2, "follow_up_form") == ("Statistik + utvecklingsmöte 2 ggr/år",)


values = st.one_of(st.none(), st.integers(min_value=0, max_value=10**9))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(values, min_size=1, max_size=60),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=100),
)
def test_tier_shares_hold_within_one_contract_when_no_rule_forces_a_tier(
    annual_values: list[int | None], share1: int, share2: int
) -> None:
    share2 = min(share2, 100 - share1)
    rows = [contract(contract_id=f"A{i:03}", annual_value=v) for i, v in enumerate(annual_values)]
    r = run(
        rows,
        settings=[
            setting("Andel prioritet 1 (%)", share1),
            setting("Andel prioritet 2 (%)", share2),
        ],
    )
    n = len(rows)
    counts = [t[0] for t in r.figures.tiers]
    assert sum(counts) == n
    for count, share in zip(counts, (share1, share2, 100 - share1 - share2), strict=True):
        assert abs(count - n * share / 100) <= 1
    assert not [f for f in r.findings if f.code == "tier-overfilled"]
    # Every contract of a higher tier is worth at least as much as any of a lower one.
    by_tier: dict[int, list[int]] = {1: [], 2: [], 3: []}
    for row, v in zip(range(2, n + 2), annual_values, strict=True):
        by_tier[r.computed[schema.AVTAL][row].priority].append(v or 0)
    for high, low in ((1, 2), (2, 3), (1, 3)):
        if by_tier[high] and by_tier[low]:
            assert min(by_tier[high]) >= max(by_tier[low])
