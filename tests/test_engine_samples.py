"""Sample audits (`Stickprov`): candidates, the supplier's recent audit, order, one per supplier."""

from datetime import date

from helpers import TODAY, contract, documented, flatten, follow_up, run, setting

from avtalsbok.core import schema
from avtalsbok.core.book import BookInput
from avtalsbok.core.engine import evaluate

#: A candidate: started, not ended, with sustainability conditions and risk 4 × 4 = 16.
HIGH = {"sustainability": "Ja", "probability": 4, "consequence": 4}


def listed(result: object) -> list[tuple[object, ...]]:
    """`Stickprov` as (Nr, Status, Avtals-ID) rows under the header."""
    sheet = result.sheets()[schema.STICKPROV]  # type: ignore[attr-defined]
    assert sheet[0] == list(schema.SAMPLE_HEADERS)
    return [(row[0], row[1], row[2]) for row in sheet[1:]]


def test_the_issue_s_example_reason_and_the_columns_of_a_proposal() -> None:
    r = run(
        [
            contract(
                contract_id="A1",
                org_number="556677-8899",
                annual_value=2_400_000,
                owner="Eva",
                **HIGH,
            )
        ],
        [follow_up(date=date(2021, 5, 4), type="Revision")],  # older than 36 months
    )
    assert r.sheets()[schema.STICKPROV][1] == [
        1,
        "Föreslagen",
        "A1",
        "Städtjänster",
        "Städbolaget AB",
        "556677-8899",
        16,
        2_400_000.0,
        date(2021, 5, 4),
        "Riskvärde 16 och årsvärde 2 400 000 kr; ingen revision av leverantören på 36 månader",
        "Eva",
    ]
    assert r.figures.samples_proposed == 1
    documented("Riskvärde 16 och årsvärde 2 400 000 kr; ingen revision av leverantören på 36")


def test_who_is_a_candidate() -> None:
    r = run(
        [
            contract(contract_id="A1", **HIGH),
            contract(contract_id="A2", **{**HIGH, "sustainability": "Nej"}),
            contract(contract_id="A3", **{**HIGH, "start": date(2025, 6, 1)}),  # not started
            contract(contract_id="A4", **{**HIGH, "end": date(2025, 1, 31)}),  # ended
            contract(contract_id="A5", supplier="Annan AB"),  # no risk value
        ]
    )
    assert listed(r) == [(1, "Föreslagen", "A1")]


def test_risk_exactly_at_the_lowest_value_is_a_candidate_and_one_below_is_not() -> None:
    rows = [
        contract(contract_id="A9", sustainability="Ja", probability=3, consequence=3),
        contract(
            contract_id="A8",
            supplier="Åtta AB",
            sustainability="Ja",
            probability=2,
            consequence=4,
        ),
    ]
    assert listed(run(rows)) == [(1, "Föreslagen", "A9")]
    lowered = run(rows, settings=[setting("Stickprov från riskvärde", 8)])
    assert listed(lowered) == [(1, "Föreslagen", "A9"), (2, "Föreslagen", "A8")]


def test_an_audit_exactly_36_months_old_no_longer_counts_and_one_a_day_younger_does() -> None:
    """Idag 2025-03-14: an audit on 2022-03-14 is 36 months old; one on 2022-03-15 is not."""
    rows = [contract(**HIGH)]
    old = run(rows, [follow_up(date=date(2022, 3, 14), type="Revision")])
    assert listed(old) == [(1, "Föreslagen", "A1")]
    young = run(rows, [follow_up(date=date(2022, 3, 15), method="Revision")])
    assert listed(young) == [(None, "Revision gäller", "A1")]
    assert young.sheets()[schema.STICKPROV][1][8:10] == [
        date(2022, 3, 15),
        "Revision av leverantören 2022-03-15 (avtal A1) gäller t.o.m. 2025-03-14",
    ]
    assert young.figures.samples_proposed == 0
    documented("revision 2022-03-15 gäller t.o.m. 2025-03-14")


def test_a_future_audit_counts_for_nothing_yet() -> None:
    r = run([contract(**HIGH)], [follow_up(date=date(2025, 4, 1), type="Revision")])
    assert listed(r) == [(1, "Föreslagen", "A1")]


def test_the_audit_of_another_contract_covers_the_supplier_by_number_and_by_name() -> None:
    by_number = run(
        [
            contract(contract_id="A1", org_number="556036-0793", **HIGH),
            contract(contract_id="B1", supplier="Helt annat namn", org_number="556036-0793"),
        ],
        [follow_up(contract_id="B1", date=date(2024, 2, 1), type="Revision")],
    )
    assert listed(by_number) == [(None, "Revision gäller", "A1")]
    by_name = run(
        [
            contract(contract_id="A1", supplier="Städbolaget  AB", **HIGH),
            contract(contract_id="B1", supplier="STÄDBOLAGET AB "),
        ],
        [follow_up(contract_id="B1", date=date(2024, 2, 1), type="Revision")],
    )
    assert listed(by_name) == [(None, "Revision gäller", "A1")]
    other_number = run(
        [
            contract(contract_id="A1", org_number="556036-0793", **HIGH),
            contract(contract_id="B1", org_number="556016-0680"),  # same name, other company
        ],
        [follow_up(contract_id="B1", date=date(2024, 2, 1), type="Revision")],
    )
    assert listed(other_number) == [(1, "Föreslagen", "A1")]


def test_a_joint_follow_up_covers_the_supplier_and_its_reason_says_so() -> None:
    r = run(
        [contract(**HIGH)],
        [follow_up(date=date(2024, 9, 30), type="Uppföljningsmöte", joint="Ja")],
    )
    assert listed(r) == [(None, "Revision gäller", "A1")]
    assert r.sheets()[schema.STICKPROV][1][9] == (
        "Gemensam uppföljning av leverantören 2024-09-30 (avtal A1) gäller t.o.m. 2027-09-29"
    )
    plain = run([contract(**HIGH)], [follow_up(date=date(2024, 9, 30), joint="Nej")])
    assert listed(plain) == [(1, "Föreslagen", "A1")]


def test_order_risk_then_value_blank_last_then_id_one_per_supplier_up_to_the_yearly_number() -> (
    None
):
    def c(ident: str, supplier: str, p: int, value: float | None) -> dict[str, object]:
        return contract(
            contract_id=ident,
            supplier=supplier,
            sustainability="Ja",
            probability=p,
            consequence=4,
            annual_value=value,
        )

    r = run(
        [
            c("A5", "Fem AB", 3, 900_000),
            c("A4", "Fyra AB", 3, None),  # blank value after every value
            c("A3", "Tre AB", 3, 900_000),  # ties with A5 on risk and value: by Avtals-ID
            c("A2", "Två AB", 4, 100_000),
            c("A1", "Två AB", 4, 500_000),  # the supplier's first in order
            c("A6", "Sex AB", 3, 50_000),
        ],
        settings=[setting("Stickprov per år", 3)],
    )
    assert listed(r) == [
        (1, "Föreslagen", "A1"),
        (2, "Föreslagen", "A3"),
        (3, "Föreslagen", "A5"),
        (None, "Samma leverantör", "A2"),
        (None, "Reserv", "A6"),
        (None, "Reserv", "A4"),
    ]
    reasons = [row[9] for row in r.sheets()[schema.STICKPROV][4:]]
    assert reasons == [
        "Leverantören finns redan på listan med A1 (nr 1)",
        "Riskvärde 12 och årsvärde 50 000 kr; årets 3 stickprov är redan föreslagna",
        "Riskvärde 12, årsvärde saknas; årets 3 stickprov är redan föreslagna",
    ]


def test_the_same_book_and_day_give_the_same_list() -> None:
    rows = [
        contract(contract_id=f"A{i}", supplier=f"Lev {i % 4}", annual_value=1000 * (i % 3), **HIGH)
        for i in range(12)
    ]
    first, again = run(rows), run(list(reversed(rows)))
    assert first.sheets()[schema.STICKPROV] == again.sheets()[schema.STICKPROV]


def test_bad_settings_and_a_bad_joint_flag_are_located_findings() -> None:
    r = run(
        [contract(**HIGH)],
        [follow_up(date=date(2024, 9, 30), joint="kanske")],
        settings=[
            setting("Stickprov per år", "fem"),
            setting("Stickprov från riskvärde", 17),
            setting("Revision gäller (mån)", 0),
        ],
    )
    found = [f for f in flatten(r.findings) if f[3] != "today-locked"]
    assert (schema.UPPFOLJNINGAR, 2, "I", "invalid-bool") in found
    assert [f for f in found if f[0] == schema.INSTALLNINGAR] == [
        (schema.INSTALLNINGAR, 2, "B", "invalid-setting"),
        (schema.INSTALLNINGAR, 3, "B", "invalid-setting"),
        (schema.INSTALLNINGAR, 4, "B", "invalid-setting"),
    ]
    assert listed(r) == [(1, "Föreslagen", "A1")]  # the defaults, and a follow-up not joint


def test_a_book_without_the_joint_column_or_the_settings_reads_them_as_nej_and_defaults() -> None:
    old_follow_up = {"Avtals-ID": "A1", "Datum": date(2024, 2, 1), "Typ": "Uppföljningsmöte"}
    book = BookInput.from_records(
        {schema.AVTAL: [contract(**HIGH)], schema.UPPFOLJNINGAR: [old_follow_up]}
    )
    r = evaluate(book, today=TODAY)
    assert flatten(r.findings) == []
    assert listed(r) == [(1, "Föreslagen", "A1")]
    old_follow_up["Typ"] = "Revision"
    covered = evaluate(
        BookInput.from_records(
            {schema.AVTAL: [contract(**HIGH)], schema.UPPFOLJNINGAR: [old_follow_up]}
        ),
        today=TODAY,
    )
    assert listed(covered) == [(None, "Revision gäller", "A1")]
