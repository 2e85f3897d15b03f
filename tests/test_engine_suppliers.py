"""The supplier's history: one identity, and `Leverantörens historik` over its contracts."""

from datetime import date

from helpers import contract, contract_values, deviation, documented, follow_up, run

from avtalsbok.core.suppliers import Identities


def history(result: object, row: int) -> str:
    (text,) = contract_values(result, row, "supplier_history")  # type: ignore[arg-type]
    return str(text)


def test_the_issue_s_example_over_three_contracts() -> None:
    r = run(
        [
            contract(contract_id="A1", org_number="556677-8899"),
            contract(contract_id="A2", supplier="Städbolaget i Norr AB", org_number="556677-8899"),
            contract(contract_id="A3", org_number=None),  # the name carries the number elsewhere
            contract(contract_id="B1", supplier="Annan AB"),
        ],
        [
            *(follow_up(contract_id="A1", date=date(2024, m, 10)) for m in (1, 4, 7, 10)),
            follow_up(contract_id="A2", date=date(2025, 3, 2), type="Revision"),
            follow_up(contract_id="A3", date=date(2023, 11, 5), joint="Ja"),
            follow_up(contract_id="A3", date=date(2025, 1, 20)),
            follow_up(contract_id="A3", date=date(2025, 6, 1), type="Revision"),  # ahead
        ],
        [
            deviation(deviation_id="D2", contract_id="A2", step=3, status="Stängd"),
            deviation(deviation_id="D3", contract_id="A3", step=2),
        ],
    )
    expected = "3 avtal · 7 uppföljningar · revision 2025-03-02 · 2 avvikelser, 1 öppen (steg 2)"
    assert [history(r, row) for row in (2, 3, 4)] == [expected] * 3
    assert history(r, 5) == "1 avtal · 0 uppföljningar · ingen revision · inga avvikelser"
    documented("3 avtal · 7 uppföljningar · revision 2025-03-02 · 2 avvikelser, 1 öppen (steg 2)")


def test_a_joint_follow_up_that_is_the_latest_is_named_so() -> None:
    r = run(
        [contract()],
        [
            follow_up(date=date(2024, 5, 1), type="Revision"),
            follow_up(date=date(2024, 9, 1), joint="Ja"),
        ],
        [deviation(status="Åtgärdad", remedied=date(2025, 3, 10))],
    )
    assert history(r, 2) == (
        "1 avtal · 2 uppföljningar · gemensam uppföljning 2024-09-01 · 1 avvikelse, ingen öppen"
    )
    joint_audit = run([contract()], [follow_up(date=date(2024, 9, 1), joint="Ja", type="Revision")])
    assert "· gemensam revision 2024-09-01 ·" in history(joint_audit, 2)
    documented("gemensam uppföljning 2024-09-01", "gemensam revision")


def test_identity_by_number_else_by_name_without_case_and_extra_spaces() -> None:
    ids = Identities(
        [
            ("Städbolaget AB", "556677-8899"),
            ("Två Nummer AB", "556036-0793"),
            ("Två Nummer AB", "556016-0680"),
        ]
    )
    assert ids.key("Helt annat", "556677-8899") == "nr:556677-8899"
    assert ids.key("  städbolaget   ab", None) == "nr:556677-8899"  # the name's one number
    assert ids.key("Två  nummer AB", None) == "namn:två nummer ab"  # two numbers: by name
    assert ids.key("Okänd\u00a0AB", None) == "namn:okänd ab"
    assert ids.key(None, None) == ""


def test_supplier_history_is_one_record_per_supplier_with_its_figures() -> None:
    r = run(
        [
            contract(contract_id="A1", annual_value=100_000),
            contract(contract_id="A2", annual_value=50_000, end=date(2025, 1, 31)),  # ended
            contract(contract_id="A1", annual_value=7),  # a duplicate id counts once
        ],
        [follow_up(contract_id="A1", type="Revision", date=date(2024, 6, 1))],
        [deviation(step=3)],
    )
    (h,) = r.suppliers.values()
    assert (h.contracts, h.active, h.annual_value) == (3, 2, 100_007.0)
    assert (h.follow_ups, h.audits, h.latest_audit, h.joint) == (1, 1, date(2024, 6, 1), 0)
    assert (h.deviations, h.open_deviations, h.highest_step) == (1, 1, 3)
