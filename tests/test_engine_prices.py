"""Price adjustments: the `Index` sheet, the next adjustment and the index change (SCB)."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from helpers import contract, contract_values, documented, flatten, index_value, run, setting

from avtalsbok.core.prices import change_fraction, change_percent

PRICED = ("next_price_adjustment", "index_change")
#: SCB's example values, as KPI for January 2023 and January 2025.
KPI = [index_value("KPI", "2023-01", 170), index_value("KPI", "2025-01", 173)]


def priced(**overrides: Any) -> dict[str, Any]:
    """A contract adjusted by KPI every April, last in 2024, 90 % of its price tied to it."""
    values = {
        "start": date(2023, 4, 1),
        "price_index": "KPI",
        "price_month": "april",
        "last_price_adjustment": date(2024, 4, 1),
        "base_month": "2023-01",
        "index_share": 90,
        **overrides,
    }
    return contract(**values)


def test_scbs_example() -> None:
    """regler.md 15 and SCB, "Att räkna med index": 170 → 173, k = 0,9, 10 500 kr."""
    assert change_percent(170, 173, 90) == 1.59
    # The price moves by the unrounded change: 10 500 × 3/170 × 0,9 = 166,7647… kr.
    assert round(10_500 * change_fraction(170, 173, 90), 2) == Decimal("166.76")
    r = run([priced()], index=KPI)
    assert r.findings == []
    assert contract_values(r, 2, *PRICED) == (date(2025, 4, 1), 1.59)
    documented(
        "Indexförändring 1,59 %; ett pris på 10 500 kr blir 10 666,76 kr (+166,76 kr).",
        "SCB:s exempel: index 170 → 173, k = 0,9, pris 10 500 kr → höjning 166,76 kr.",
    )


def test_below_the_threshold_the_change_is_shown_but_not_applied() -> None:
    r = run([priced(price_threshold=2)], index=KPI)
    assert contract_values(r, 2, *PRICED) == (date(2025, 4, 1), 1.59)
    assert flatten(r.findings) == [("Avtal", 2, None, "below-threshold")]
    assert r.findings[0].value == 1.59
    assert contract_values(r, 2, "check")[0] == (
        "Varning – Indexförändring (%): Under tröskeln: indexförändringen 1,59 % är mindre "
        "än tröskeln 2 % och tillämpas inte."
    )
    assert [(p.activity, p.status) for p in r.plan if p.activity.startswith("Pris")] == [
        ("Prisjustering (KPI)", "Under tröskeln")
    ]
    documented("Med Tröskel 2 % → `Under tröskeln`.")


def test_the_thresholds_default_is_a_setting() -> None:
    r = run([priced()], settings=[setting("Tröskel prisjustering (%)", "1,6 %")], index=KPI)
    assert [f.code for f in r.findings] == ["below-threshold"]
    assert [f.code for f in run([priced(price_threshold=1)], index=KPI).findings] == []


def test_a_missing_index_month_leaves_the_change_blank_and_names_the_month() -> None:
    """regler.md 15: January as the adjustment month, no adjustment recorded yet."""
    r = run([priced(price_month="januari", last_price_adjustment=None)], index=KPI)
    assert contract_values(r, 2, *PRICED) == (date(2025, 1, 1), None)
    assert flatten(r.findings) == [("Avtal", 2, "U", "index-missing")]
    assert "Indexvärde saknas för KPI 2024-01" in r.findings[0].message
    documented(
        "Justeringsmånad januari utan Senaste prisjustering → Nästa prisjustering 2025-01-01 "
        "och jämförelsemånad 2024-01; saknas KPI 2024-01 på bladet Index → varningen "
        "`index-missing` ”Indexvärde saknas för KPI 2024-01”."
    )


def test_a_month_not_yet_published_leaves_the_change_blank_without_a_warning() -> None:
    """regler.md 15: on 2025-03-14 the values are due up to January 2025."""
    r = run([priced(price_month="juni", base_month="2023-02")], index=KPI)
    assert contract_values(r, 2, *PRICED) == (date(2025, 6, 1), None)  # 2023-02 and 2025-02
    assert flatten(r.findings) == [("Avtal", 2, "U", "index-missing")]
    assert r.findings[0].message.startswith("Indexvärde saknas för KPI 2023-02 på")
    published = [*KPI, index_value("KPI", "2023-02", 171)]
    later = run([priced(price_month="juni", base_month="2023-02")], index=published)
    assert later.findings == [] and contract_values(later, 2, "index_change") == (None,)
    documented("ett värde för en senare månad saknas utan varning")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"price_index": "Fast pris"}, None),
        ({"price_index": "Ingen"}, None),
        ({"price_index": None}, None),
        ({"end": date(2025, 3, 31)}, None),  # after Slutdatum
        ({"last_price_adjustment": None}, date(2024, 4, 1)),  # a year after the start
        ({"last_price_adjustment": date(2024, 4, 2)}, date(2026, 4, 1)),  # not a full year
        ({"price_month": 3}, date(2026, 3, 1)),
    ],
)
def test_the_next_adjustment(overrides: dict[str, Any], expected: date | None) -> None:
    r = run([priced(**overrides)], index=KPI)
    assert contract_values(r, 2, "next_price_adjustment") == (expected,)


def test_series_match_without_case_and_the_comparison_month_has_the_base_months_number() -> None:
    index = [
        index_value("aki ", date(2024, 5, 17), 100),
        index_value("AKI", "maj 2025", 103.5),
        index_value("AKI", "2025M06", 200),
    ]
    row = priced(price_index="AKI", base_month="2024-05", index_share=None, price_month="juli")
    r = run([row], index=index)
    assert contract_values(r, 2, *PRICED) == (date(2025, 7, 1), 3.5)


def test_bad_index_rows_are_located_findings() -> None:
    index = [
        index_value("KPI", "2023-01", 170),
        index_value("KPI", "januari 2023", 171),  # the same month, another value
        index_value("KPI", "2023-01-01", 170),  # the same value again: fine
        index_value("KPI", "snart", 170),
        index_value("KPI", "2023-02", 0),
        index_value("KPI", "2023-03", "mycket"),
        index_value("KPI", "2023-04", "172,5"),
        index_value(None, "2023-05", 173),
        index_value("KPI", "2023-06", 10**400),  # no Excel cell holds it
        index_value("KPI", "2023-07", float("nan")),
    ]
    r = run([contract()], index=index)
    assert flatten(r.findings) == [
        ("Index", 3, "C", "index-conflict"),
        ("Index", 5, "B", "invalid-month"),
        ("Index", 6, "C", "invalid-index-value"),
        ("Index", 7, "C", "invalid-index-value"),
        ("Index", 8, "C", "number-as-text"),
        ("Index", 9, "A", "missing-value"),
        ("Index", 10, "C", "invalid-index-value"),
        ("Index", 11, "C", "invalid-index-value"),
    ]
    assert r.findings[0].message == (
        "Serien KPI har redan värdet 170 för 2023-01 (rad 2); här står 171.0."
    )


def test_a_share_that_looks_like_a_fraction_is_a_warning() -> None:
    r = run([priced(index_share=0.9)], index=KPI)
    assert flatten(r.findings) == [("Avtal", 2, "V", "index-share-fraction")]
    assert contract_values(r, 2, "index_change") == (0.02,)


def test_the_overview_counts_adjustments_in_the_next_90_days() -> None:
    r = run(
        [
            priced(),  # 2025-04-01
            priced(contract_id="A2", price_month="juni"),  # 2025-06-01: 79 days
            priced(contract_id="A3", price_month="juli"),  # 2025-07-01: 109 days
            priced(contract_id="A4", price_month="mars"),  # 2026-03-01: a year after April
        ],
        index=KPI,
    )
    assert r.figures.price_adjustments_90 == 2
    assert r.summary()["price_adjustments_90"] == 2
    assert [p.contract_id for p in r.plan if p.activity == "Prisjustering (KPI)"] == [
        "A1",
        "A2",
        "A3",
        "A4",  # on 2026-03-01, within the plan's twelve months
    ]


def test_a_passed_adjustment_stays_on_the_row_but_not_in_the_plan() -> None:
    r = run([priced(last_price_adjustment=date(2023, 4, 1), price_month="mars")], index=KPI)
    assert contract_values(r, 2, "next_price_adjustment") == (date(2025, 3, 1),)
    assert not [p for p in r.plan if p.activity.startswith("Prisjustering")]


def test_a_value_for_the_month_before_last_is_due_on_index() -> None:
    """regler.md 15: on 2025-03-14 the values are due up to January 2025; April's adjustment
    compares with January 2025, so its missing value is a warning."""
    r = run([priced()], index=KPI[:1])
    assert contract_values(r, 2, *PRICED) == (date(2025, 4, 1), None)
    assert [f.message[:35] for f in r.findings] == ["Indexvärde saknas för KPI 2025-01 p"]


def test_a_series_not_on_the_index_sheet_is_missing_there() -> None:
    r = run([priced(price_index="AKI")], index=KPI)
    assert contract_values(r, 2, *PRICED) == (date(2025, 4, 1), None)
    assert r.findings[0].message.startswith("Indexvärde saknas för AKI 2023-01 och 2025-01")


def test_series_match_whatever_their_spaces() -> None:
    index = [
        index_value("KPI 1980=100", "2023-01", 170),
        index_value("KPI 1980=100", "2025-01", 173),
    ]
    r = run([priced(price_index="KPI1980 = 100")], index=index)
    assert contract_values(r, 2, *PRICED) == (date(2025, 4, 1), 1.59)


def test_the_change_is_rounded_half_up() -> None:
    """200 → 200,01 is a change of exactly 0,005 %: rounded half up to 0,01, not to 0,00."""
    assert change_percent(200, 200.01, 100) == 0.01
    assert change_percent(200, 199.99, 100) == -0.01


def test_an_adjustment_on_the_end_day_is_still_made() -> None:
    assert contract_values(run([priced(end=date(2025, 4, 1))]), 2, "next_price_adjustment") == (
        date(2025, 4, 1),
    )


@pytest.mark.parametrize(("share", "warned"), [(0, False), (1, True), (1.01, False)])
def test_a_share_of_at_most_1_percent_looks_like_a_fraction(share: float, warned: bool) -> None:
    r = run([priced(index_share=share)], index=KPI)
    assert [(f.code, f.value) for f in r.findings] == (
        [("index-share-fraction", share)] if warned else []
    )


def test_without_a_base_month_only_the_date_is_followed() -> None:
    r = run([priced(base_month=None)], index=KPI)
    assert contract_values(r, 2, *PRICED) == (date(2025, 4, 1), None)
    assert [(p.date, p.activity, p.status) for p in r.plan if p.activity.startswith("Pris")] == [
        (date(2025, 4, 1), "Prisjustering (KPI)", "Inom 30 dagar")
    ]


def test_a_missing_index_value_is_no_change_below_the_threshold() -> None:
    r = run([priced(price_threshold=2)], index=KPI[:1])
    assert [(p.activity, p.status) for p in r.plan if p.activity.startswith("Pris")] == [
        ("Prisjustering (KPI)", "Inom 30 dagar")
    ]


def test_every_contracts_missing_index_value_is_reported() -> None:
    r = run([priced(), priced(contract_id="A2")], index=KPI[:1])
    assert flatten(r.findings) == [
        ("Avtal", 2, "U", "index-missing"),
        ("Avtal", 3, "U", "index-missing"),
    ]


def test_index_rows_without_a_series_or_a_value_are_read_past() -> None:
    index = [
        index_value(None, "2023-01", 160),
        index_value("KPI", "2023-01", None),
        *KPI,
    ]
    r = run([priced()], index=index)
    assert contract_values(r, 2, *PRICED) == (date(2025, 4, 1), 1.59)
    assert flatten(r.findings) == [
        ("Index", 2, "A", "missing-value"),
        ("Index", 3, "C", "missing-value"),
    ]


@pytest.mark.parametrize(
    ("today", "planned"),
    [
        (date(2025, 4, 1), [date(2025, 4, 1)]),  # the adjustment's day itself
        (date(2025, 4, 2), []),  # passed: on the row, not in the plan
    ],
)
def test_an_adjustment_today_is_still_planned(today: date, planned: list[date]) -> None:
    r = run([priced()], index=KPI, today=today)
    assert [p.date for p in r.plan if p.activity.startswith("Pris")] == planned


@pytest.mark.parametrize(
    ("today", "planned"),
    [
        (date(2025, 3, 1), []),  # the plan runs up to 2026-03-01, that day not included
        (date(2025, 3, 2), [date(2026, 3, 1)]),
    ],
)
def test_an_adjustment_on_the_plans_last_day_is_beyond_it(today: date, planned: list[date]) -> None:
    r = run([priced(price_month="mars")], index=KPI, today=today)
    assert [p.date for p in r.plan if p.activity.startswith("Pris")] == planned


@pytest.mark.parametrize(
    ("today", "counted"),
    [
        (date(2024, 12, 31), 0),  # 91 days before the adjustment on 2025-04-01
        (date(2025, 1, 1), 1),  # 90 days before
        (date(2025, 4, 1), 1),  # the day itself
    ],
)
def test_the_overview_counts_an_adjustment_from_90_days_before_to_its_day(
    today: date, counted: int
) -> None:
    assert run([priced()], index=KPI, today=today).figures.price_adjustments_90 == counted
