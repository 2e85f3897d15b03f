"""Boundaries of the priority rules (docs/regler.md, section 5): group sizes at .5, forced
contracts counted against the shares (more than one of each kind), a group exactly full and one
contract over, the high-risk limit and its neighbours."""

from typing import Any

import pytest
from helpers import Record, contract, contract_values, run, setting

from avtalsbok.core.engine import Result


def ranked(count: int, **overrides: Any) -> list[Record]:
    """`count` contracts V01, V02, … worth 1 000 kr less each, the first `count` × 1 000 kr."""
    return [
        contract(contract_id=f"V{i:02}", annual_value=(count + 1 - i) * 1_000, **overrides)
        for i in range(1, count + 1)
    ]


def counts(r: Result) -> list[int]:
    """Active contracts per tier, as `Översikt` shows them."""
    return [n for n, _share, _target in r.figures.tiers]


def priorities(r: Result, count: int) -> list[int | None]:
    return [contract_values(r, row, "priority")[0] for row in range(2, 2 + count)]


@pytest.mark.parametrize(
    ("active", "per_tier"),
    [
        (4, [0, 2, 2]),  # 10 % of 4 = 0,4 → 0; 40 % = 1,6 → 2
        (5, [1, 1, 3]),  # 10 % of 5 = 0,5 → 1 (half up); 40 % = 2
        (6, [1, 1, 4]),  # 0,6 → 1; 40 % = 2,4 → 2
        (15, [2, 4, 9]),  # 1,5 → 2; 40 % = 6
        (25, [3, 7, 15]),  # the rule's own example: 2,5 → 3; 10 → 7 in tier 2
        (35, [4, 10, 21]),  # 3,5 → 4; 14 → 10
    ],
)
def test_group_sizes_round_half_up(active: int, per_tier: list[int]) -> None:
    """Målet för prioritet 1 är andelen gånger antalet aktiva avtal, avrundat till heltal
    (0,5 avrundas uppåt). Prioritet 1 och 2 avrundas tillsammans."""
    r = run(ranked(active))
    assert counts(r) == per_tier
    assert r.findings == []


def test_group_sizes_round_half_up_for_tier_1_and_2_together() -> None:
    """With shares 15 % and 30 %, 10 contracts give 1,5 → 2 in tier 1 and 4,5 → 5 in tiers 1
    and 2 together, so 3 in tier 2 (rounding each share on its own would give 2)."""
    shares = [setting("Andel prioritet 1 (%)", 15), setting("Andel prioritet 2 (%)", 30)]
    assert counts(run(ranked(10), settings=shares)) == [2, 3, 5]


def test_two_business_critical_and_two_manual_2_contracts_count_against_the_shares() -> None:
    """Regel 2 (verksamhetskritiskt → 1) and regel 1 (manuell prioritet) fill their groups
    first: of 20 contracts the targets are 2 / 6 / 12, two critical contracts fill tier 1 and two
    manual 2s leave four places in tier 2 for the value ranking."""
    rows = [
        contract(contract_id="K1", critical="Ja"),
        contract(contract_id="K2", critical="Ja"),
        contract(contract_id="M1", manual_priority=2, motivation="Nytt system"),
        contract(contract_id="M2", manual_priority=2, motivation="Nytt system"),
        *ranked(16),
    ]
    r = run(rows)
    assert r.findings == []
    assert priorities(r, 20) == [1, 1, 2, 2, 2, 2, 2, 2, *[3] * 12]
    assert counts(r) == [2, 6, 12]


def test_two_manual_3_and_two_call_offs_leave_tier_1_and_2_to_the_ranking() -> None:
    """Tier 3 forced by hand or by the central purchasing body takes no place in tier 1 or 2:
    of 10 contracts the six ranked ones still fill 1 / 3."""
    call_off = {"form": "Avrop nationellt ramavtal", "central_follows_up": "Ja"}
    rows = [
        contract(contract_id="M1", manual_priority=3, motivation="Avvecklas"),
        contract(contract_id="M2", manual_priority=3, motivation="Avvecklas"),
        contract(contract_id="C1", **call_off),
        contract(contract_id="C2", **call_off),
        *ranked(6),
    ]
    r = run(rows)
    assert priorities(r, 10) == [3, 3, 3, 3, 1, 2, 2, 2, 3, 3]
    assert r.findings == []


@pytest.mark.parametrize(
    ("critical", "warned"),
    [
        (1, []),
        (
            2,
            [
                "Prioritet 1 har 2 avtal men målet är 1 (10 %): "
                "verksamhetskritiska och manuellt prioriterade avtal tvingas dit. "
                "Kontrollera de avtalens uppgifter, "
                "eller ändra andelen för prioriteten på Inställningar."
            ],
        ),
    ],
)
def test_a_group_exactly_full_is_fine_one_more_is_overfilled(
    critical: int, warned: list[str]
) -> None:
    """Om regel 1–4 tvingar in fler avtal i en grupp än målet ... visas en varning
    (`tier-overfilled`); exactly as many as the target is no warning."""
    rows = ranked(10)
    for i in range(critical):
        rows[9 - i] = {**rows[9 - i], "Verksamhetskritisk": "Ja"}
    r = run(rows)
    assert [f.message for f in r.findings] == warned
    assert counts(r)[0] == critical


@pytest.mark.parametrize(
    ("probability", "consequence", "priority"),
    [(3, 3, 2), (2, 4, 3), (4, 2, 3), (1, 4, 3), (4, 4, 2), (3, 4, 2)],
)
def test_high_risk_from_risk_value_9(probability: int, consequence: int, priority: int) -> None:
    """Hög risk (riskvärde = Sannolikhet × Konsekvens, minst 9) → minst prioritet 2: 9 is high
    risk, 8 is not. The contract is worth least of ten, so only the risk can lift it."""
    rows = ranked(10)
    rows.append(
        contract(contract_id="R", annual_value=1, probability=probability, consequence=consequence)
    )
    r = run(rows)
    assert contract_values(r, 12, "priority") == (priority,)


def test_a_high_risk_contract_takes_a_tier_2_place_first() -> None:
    """Prioritet 2 fylls där avtal med hög risk tar platser först: of ten contracts, one with
    risk 9 and the least value takes one of tier 2's three places."""
    rows = ranked(9)
    rows.append(contract(contract_id="R", annual_value=1, probability=3, consequence=3))
    r = run(rows)
    assert priorities(r, 10) == [1, 2, 2, 3, 3, 3, 3, 3, 3, 2]
    assert contract_values(r, 11, "priority_reason") == (
        "Hög risk: riskvärde 9 (gräns 9); årsvärde 1 kr",
    )


def test_a_high_risk_contract_with_a_big_volume_gets_tier_1() -> None:
    """Ett avtal med hög risk och stor volym kan få prioritet 1 enligt regel 5."""
    rows = ranked(10)
    rows[0] = {**rows[0], "Sannolikhet (1-4)": 4, "Konsekvens (1-4)": 4}
    r = run(rows)
    assert priorities(r, 10) == [1, 2, 2, 2, 3, 3, 3, 3, 3, 3]


def test_a_contract_without_annual_value_counts_as_0_kr() -> None:
    """Ett avtal utan årsvärde räknas som 0 kr: below one worth 50 öre, although its Avtals-ID
    comes first."""
    r = run([contract(contract_id="A"), contract(contract_id="B", annual_value=0.5)])
    assert [contract_values(r, row, "priority")[0] for row in (2, 3)] == [3, 2]


def test_a_contract_without_avtals_id_ranks_first_among_equal_values() -> None:
    """Lika årsvärde avgörs ... av Avtals-ID i bokstavsordning: a blank id comes before any."""
    r = run([contract(contract_id="A", annual_value=5), contract(contract_id=None, annual_value=5)])
    assert [contract_values(r, row, "priority")[0] for row in (2, 3)] == [3, 2]


def test_with_the_lowest_high_risk_limit_a_contract_without_risk_is_no_high_risk() -> None:
    """Hög risk från riskvärde 1 (the lowest allowed): risk 1 × 1 is high risk and takes a place
    in tier 2, contracts with no risk filled in are ranked by value for the other place."""
    r = run(
        [
            *(contract(contract_id=f"V{v}", annual_value=v) for v in (4, 3, 2)),
            contract(contract_id="R", annual_value=1, probability=1, consequence=1),
        ],
        settings=[setting("Hög risk från riskvärde", 1)],
    )
    assert [contract_values(r, row, "priority")[0] for row in range(2, 6)] == [2, 3, 3, 2]
