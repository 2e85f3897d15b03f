"""Boundaries of the supplier and the sample audits (docs/regler.md, section 17): who a supplier
is, what its history counts up to Idag, and when its audit still covers it."""

from datetime import date, timedelta

from helpers import TODAY, contract, follow_up, run, setting

from avtalsbok.core import schema
from avtalsbok.core.engine import Result
from avtalsbok.core.suppliers import Identities, SupplierHistory

NUMBER = "556677-8899"
#: A candidate for the sample audits: started, not ended, sustainability conditions, risk 16.
HIGH = {"sustainability": "Ja", "probability": 4, "consequence": 4}


def only_supplier(result: Result) -> SupplierHistory:
    (history,) = result.suppliers.values()
    return history


def test_a_supplier_keeps_its_first_name_and_the_number_any_of_its_contracts_carries() -> None:
    """Leverantören: samma organisationsnummer, annars samma namn; ett avtal utan nummer hör till
    namnets enda nummer, vilken rad numret än står på."""
    without_first = run(
        [
            contract(contract_id="A1", org_number=None),
            contract(contract_id="A2", supplier="STÄDBOLAGET  AB", org_number=NUMBER),
        ]
    )
    with_first = run(
        [
            contract(contract_id="A1", org_number=NUMBER),
            contract(contract_id="A2", supplier="STÄDBOLAGET  AB", org_number=None),
        ]
    )
    for result in (without_first, with_first):
        h = only_supplier(result)
        assert (h.key, h.name, h.org_number, h.contracts) == (
            f"nr:{NUMBER}",
            "Städbolaget AB",
            NUMBER,
            2,
        )


def test_a_supplier_without_a_name_is_named_by_its_number() -> None:
    h = only_supplier(run([contract(supplier=None, org_number=NUMBER)]))
    assert (h.key, h.name, h.org_number) == (f"nr:{NUMBER}", NUMBER, NUMBER)


def test_two_spellings_of_one_name_with_two_numbers_stay_apart() -> None:
    """Har namnet två olika nummer hålls de isär och avtalet utan nummer räknas på namnet – också
    när namnet är skrivet på två sätt."""
    ids = Identities([("Två AB", "556036-0793"), ("TVÅ  ab", "556016-0680")])
    assert ids.key("två ab", None) == "namn:två ab"
    assert ids.key("Två AB", "556016-0680") == "nr:556016-0680"


def test_the_annual_value_of_active_contracts_counts_a_blank_value_as_nothing() -> None:
    h = only_supplier(
        run(
            [
                contract(contract_id="A1", annual_value=100_000),
                contract(contract_id="A2", annual_value=None),
            ]
        )
    )
    assert (h.active, h.annual_value) == (2, 100_000.0)


def test_a_follow_up_on_idag_counts_and_one_the_day_after_does_not_whatever_their_order() -> None:
    """Uppföljningar genomförda (daterade senast Idag); the one ahead stands first on the sheet."""
    h = only_supplier(
        run(
            [contract()],
            [
                follow_up(date=TODAY + timedelta(days=1), type="Revision"),
                follow_up(date=TODAY, type="Revision"),
            ],
        )
    )
    assert (h.follow_ups, h.audits, h.latest_audit) == (1, 1, TODAY)


def test_every_audit_and_joint_follow_up_is_counted() -> None:
    h = only_supplier(
        run(
            [contract()],
            [
                follow_up(date=date(2024, 1, 10), type="Revision"),
                follow_up(date=date(2024, 2, 10), method="Revision"),
                follow_up(date=date(2024, 3, 10), joint="Ja"),
                follow_up(date=date(2024, 4, 10), joint="Ja", type="Revision"),
                follow_up(date=date(2024, 5, 10)),
            ],
        )
    )
    assert (h.follow_ups, h.audits, h.joint) == (5, 3, 2)


def test_of_two_audits_on_one_day_the_first_registered_is_named() -> None:
    """Two audits of one supplier on the same day, on two of its contracts: the history and
    `Stickprov` name the one above on `Uppföljningar`."""
    contracts = [contract(contract_id="A1"), contract(contract_id="A2")]
    day = date(2024, 6, 3)
    for first, second in (("A1", "A2"), ("A2", "A1")):
        audits = [
            follow_up(contract_id=first, date=day, type="Revision"),
            follow_up(contract_id=second, date=day, type="Revision"),
        ]
        check = only_supplier(run(contracts, audits)).latest_check
        assert check is not None
        assert (check.day, check.kind, check.contract_id) == (day, "revision", first)


def stickprov(result: Result) -> list[list[object]]:
    """`Stickprov` under its header."""
    return result.sheets()[schema.STICKPROV][1:]


def test_a_candidate_without_supplier_or_number_is_a_supplier_of_its_own() -> None:
    """Two candidates with nothing in Leverantör and Organisationsnummer are both proposed; a
    blank Avtals-ID ranks first among equals and blank text stays blank."""
    r = run(
        [
            contract(contract_id="B1", supplier=None, **HIGH),
            contract(contract_id=None, name=None, supplier=None, **HIGH),
        ]
    )
    assert [row[:6] + row[10:] for row in stickprov(r)] == [
        [1, "Föreslagen", "", "", "", None, ""],
        [2, "Föreslagen", "B1", "Städtjänster", "", None, ""],
    ]


def test_a_blank_annual_value_ranks_after_zero_kronor_and_zero_after_any_amount() -> None:
    r = run(
        [
            contract(contract_id=ident, supplier=f"Leverantör {ident}", annual_value=value, **HIGH)
            for ident, value in (("A1", None), ("A2", 0), ("A3", 0.5))
        ]
    )
    assert [row[2] for row in stickprov(r)] == ["A3", "A2", "A1"]


def test_the_reserve_and_the_supplier_s_further_contracts_show_its_latest_audit() -> None:
    """Stickprov per år 1: the first is proposed, the next supplier is the reserve, and its
    second contract is left out as the same supplier as the reserve; each row shows the
    supplier's latest audit, however old, and carries the supplier's identity."""
    r = run(
        [
            contract(contract_id="A1", **HIGH),
            contract(contract_id="B1", supplier="Bolaget B", org_number=NUMBER, **HIGH),
            contract(contract_id="B2", supplier="Bolaget B", org_number=NUMBER, **HIGH),
            contract(contract_id="C1", supplier="Bolaget C", **HIGH),
        ],
        [
            follow_up(contract_id="B2", date=date(2020, 5, 4), type="Revision"),
            follow_up(contract_id="C1", date=date(2024, 5, 4), type="Revision"),
        ],
        settings=[setting("Stickprov per år", 1)],
    )
    assert [(row[0], row[1], row[2], row[8], row[9]) for row in stickprov(r)] == [
        (
            1,
            "Föreslagen",
            "A1",
            None,
            "Riskvärde 16, årsvärde saknas; ingen revision av leverantören på 36 månader",
        ),
        (
            None,
            "Reserv",
            "B1",
            date(2020, 5, 4),
            "Riskvärde 16, årsvärde saknas; årets 1 stickprov är redan föreslagna",
        ),
        (
            None,
            "Samma leverantör",
            "B2",
            date(2020, 5, 4),
            "Leverantören finns redan på listan med B1 (reserv)",
        ),
        (
            None,
            "Revision gäller",
            "C1",
            date(2024, 5, 4),
            "Revision av leverantören 2024-05-04 (avtal C1) gäller t.o.m. 2027-05-03",
        ),
    ]
    assert [s.supplier_key for s in r.samples] == [
        "namn:städbolaget ab",
        f"nr:{NUMBER}",
        f"nr:{NUMBER}",
        "namn:bolaget c",
    ]
