"""Extensions used and left, the latest possible end, the new procurement and its status."""

from datetime import date
from pathlib import Path

import pytest
from helpers import contract, contract_values, documented, flatten, run, setting

TERM = ("extensions_left", "latest_end", "procurement_deadline")


def test_an_extension_used_leaves_the_rest_and_the_procurement_moves_to_a_weekday() -> None:
    """regler.md 7, Förlängningar kvar: the first example."""
    r = run([contract(end=date(2025, 12, 31), extension_option="2+1+1", extensions_used=1)])
    assert contract_values(r, 2, *TERM) == (1, date(2026, 12, 31), date(2026, 1, 2))
    assert r.findings == []
    documented(
        "Slutdatum 2025-12-31, option `2+1+1`, en förlängning utnyttjad → Förlängningar kvar 1, "
        "Senaste möjliga slutdatum 2026-12-31, Ny upphandling senast nyårsafton 2025-12-31 → "
        "fredag 2026-01-02."
    )


def test_the_latest_end_counts_months_as_the_law_and_is_not_moved() -> None:
    """regler.md 7: February 2025 has no 29th; the end date itself is no deadline."""
    r = run([contract(start=date(2022, 3, 1), end=date(2024, 2, 29), extension_option="1+1")])
    assert contract_values(r, 2, "latest_end") == (date(2025, 2, 28),)
    documented("Slutdatum 2024-02-29 med option `1+1` → Senaste möjliga slutdatum 2025-02-28")
    saturday = run([contract(end=date(2025, 5, 31), extension_option="1 år")])
    assert contract_values(saturday, 2, "latest_end") == (date(2026, 5, 31),)  # a Sunday


def test_each_period_left_is_added_in_turn() -> None:
    # 31 Jan + 1 month = 28 Feb, + 1 month = 28 Mar (not 31 Mar, as two months at once).
    r = run([contract(end=date(2026, 1, 31), extension_option="2x1 mån")])
    assert contract_values(r, 2, "extensions_left", "latest_end") == (2, date(2026, 3, 28))


def test_without_an_option_nothing_is_left_and_the_end_is_the_latest() -> None:
    r = run([contract(end=date(2027, 6, 30))])
    assert contract_values(r, 2, *TERM) == (None, date(2027, 6, 30), date(2026, 6, 30))


def test_more_used_than_the_option_has_is_an_error_and_none_are_left() -> None:
    r = run(
        [
            contract(extension_option="1+1", extensions_used=2),
            contract(contract_id="A2", extensions_used=1),
        ]
    )
    assert flatten(r.findings) == [
        ("Avtal", 2, "L", "extensions-exceeded"),
        ("Avtal", 3, "L", "extensions-exceeded"),
    ]
    assert r.findings[0].message == (
        "2 utnyttjade förlängningar, men förlängningsoptionen ”1+1” har 1 förlängning."
    )
    assert r.findings[1].message.endswith("förlängningsoptionen (tom) har ingen förlängning.")
    assert contract_values(r, 2, "extensions_left", "extension_deadline") == (0, None)
    documented("Option `1+1` och två utnyttjade förlängningar → felet `extensions-exceeded`.")


def test_no_decision_deadline_once_every_extension_is_used() -> None:
    left = run([contract(end=date(2025, 9, 30), notice_months=3, extension_option="1+1")])
    used = run(
        [
            contract(
                end=date(2025, 9, 30), notice_months=3, extension_option="1+1", extensions_used=1
            )
        ]
    )
    assert contract_values(left, 2, "extension_deadline") == (date(2025, 6, 2),)
    assert contract_values(used, 2, "extension_deadline") == (None,)


@pytest.mark.parametrize(
    ("used", "status", "deadline", "latest"),
    [
        (1, "Ny upphandling krävs", None, date(2026, 3, 31)),
        (0, "Aktivt", date(2026, 3, 2), date(2027, 3, 31)),
    ],
)
def test_a_new_procurement_is_required_when_nothing_is_left(
    used: int, status: str, deadline: date | None, latest: date
) -> None:
    """regler.md 7, Avtalsstatus: the example."""
    r = run([contract(end=date(2026, 3, 31), extension_option="1+1", extensions_used=used)])
    assert contract_values(r, 2, "contract_status", "extension_deadline", "latest_end") == (
        status,
        deadline,
        latest,
    )
    documented(
        "Slutdatum 2026-03-31, option `1+1` och en utnyttjad förlängning → ingen kvar, Ny "
        "upphandling senast måndag 2025-03-31 (17 dagar kvar) → `Ny upphandling krävs`.",
        "utan utnyttjad förlängning → beslut senast 2026-03-02, Senaste möjliga slutdatum "
        "2027-03-31 → `Aktivt`.",
    )


def test_the_procurement_lead_time_is_a_setting() -> None:
    rows = [contract(end=date(2026, 3, 31))]
    assert contract_values(run(rows), 2, "contract_status") == ("Ny upphandling krävs",)
    short = run(rows, settings=[setting("Framförhållning ny upphandling (mån)", 6)])
    assert contract_values(short, 2, "procurement_deadline", "contract_status") == (
        date(2025, 9, 30),
        "Aktivt",
    )
    assert short.figures.procurements == 0 and run(rows).figures.procurements == 1


def test_a_book_without_the_new_column_reads_it_as_blank() -> None:
    row = contract(extension_option="1+1")
    old = {k: v for k, v in row.items() if k != "Utnyttjade förlängningar"}
    r = run([old])
    assert r.findings == []
    assert contract_values(r, 2, "extensions_left") == (1,)


def test_a_deadline_before_excels_first_day_is_left_blank() -> None:
    """regler.md 7: a Slutdatum typed as `5` is 1900-01-05; its new procurement 12 months
    earlier and its notice deadline fall before 1900-01-01, which no workbook can show."""
    r = run([contract(start=date(1900, 1, 1), end=date(1900, 1, 5), notice_months=3)])
    assert contract_values(r, 2, "procurement_deadline", "extension_deadline") == (None, None)
    r = run([contract(start=date(1900, 1, 1), end=date(1901, 1, 5))])
    assert contract_values(r, 2, "procurement_deadline") == (date(1900, 1, 5),)


def test_a_slutdatum_typed_as_a_small_number_runs_without_a_traceback(tmp_path: Path) -> None:
    from avtalsbok.cli import main
    from avtalsbok.workbook.template import build_workbook

    book = tmp_path / "bok.xlsx"
    build_workbook(
        book,
        {
            "Avtal": [
                {
                    "Avtals-ID": "AV-1",
                    "Avtalsnamn": "Städ",
                    "Leverantör": "Städ AB",
                    "Startdatum": 1,
                    "Slutdatum": 5,
                    "Avtalsansvarig": "a@b.se",
                }
            ]
        },
    )
    assert main(["run", str(book), "--today", "2026-12-01"]) in (0, 1)


def test_an_option_with_more_extensions_counts_them_in_the_plural() -> None:
    r = run([contract(extension_option="2+1+1", extensions_used=3)])
    assert r.findings[0].message == (
        "3 utnyttjade förlängningar, men förlängningsoptionen ”2+1+1” har 2 förlängningar."
    )


def test_the_extensions_left_are_known_without_a_slutdatum() -> None:
    """regler.md 7: with no end there is no latest end and no deadline, but the option's
    periods left still count."""
    r = run([contract(end=None, extension_option="2+1+1", extensions_used=1)])
    assert contract_values(r, 2, *TERM) == (1, None, None)
    assert r.states[0].term.text == "12 mån"


def test_extensions_past_the_year_9999_leave_the_dates_blank_but_count() -> None:
    r = run([contract(end=date(9999, 6, 30), extension_option="2x12 mån")])
    assert contract_values(r, 2, *TERM) == (2, None, None)
    assert r.states[0].term.text == "2 × 12 mån"


def test_a_latest_end_whose_new_procurement_falls_before_1900_keeps_the_latest_end() -> None:
    r = run([contract(start=date(1900, 1, 1), end=date(1900, 1, 5), extension_option="1 mån")])
    assert contract_values(r, 2, *TERM) == (1, date(1900, 2, 5), None)
    assert r.states[0].term.text == "1 mån"


def test_the_periods_left_are_those_after_the_used_ones() -> None:
    r = run([contract(end=date(2027, 6, 30), extension_option="3+2+1")])
    assert r.states[0].term.text == "24 + 12 mån"
    r = run([contract(end=date(2027, 6, 30), extension_option="3+2+1", extensions_used=1)])
    assert r.states[0].term.text == "12 mån"
    r = run([contract(end=date(2027, 6, 30), extension_option="3+2+1", extensions_used=2)])
    assert r.states[0].term.text == "Ingen"


def test_a_new_procurement_after_the_year_9999_is_blank_but_the_latest_end_stays() -> None:
    """With no lead time, a latest end on nyårsafton 9999-12-31 would move the new
    procurement to the next business day, in the year 10000."""
    rows = [contract(end=date(9999, 10, 31), extension_option="2 mån")]
    r = run(rows, settings=[setting("Framförhållning ny upphandling (mån)", 0)])
    assert contract_values(r, 2, *TERM) == (1, date(9999, 12, 31), None)
    assert r.states[0].term.text == "2 mån"
