"""Reading the officer's rows: headers by name, every cell type, required columns and values."""

import dataclasses
from datetime import date, datetime
from typing import Any

import pytest
from helpers import (
    TODAY,
    book,
    codes,
    contract,
    contract_values,
    deviation,
    fillers,
    flatten,
    follow_up,
    run,
)

from avtalsbok.core import schema
from avtalsbok.core.book import BookInput, SheetInput
from avtalsbok.core.engine import evaluate, fel_row
from avtalsbok.core.findings import CATALOGUE, Level, make
from avtalsbok.core.schema import column_letter
from avtalsbok.core.validate import map_columns


def test_a_valid_contract_has_no_findings_and_check_says_ok() -> None:
    r = run([contract()])
    assert r.findings == []
    assert contract_values(r, 2, "check") == ("OK",)


def test_headers_match_ignoring_case_spaces_and_trailing_star() -> None:
    row = {
        " avtals-id* ": "A1",
        "AVTALSNAMN": "Städtjänster",
        "Leverantör  *": "Städbolaget AB",
        "startdatum": date(2023, 1, 1),
        "Slutdatum*": date(2026, 12, 31),
        "Årsvärde   (KR)": 100_000,
    }
    r = run([row])
    assert r.findings == []
    assert r.columns[schema.AVTAL].columns == {
        "contract_id": (" avtals-id* ", "A"),
        "name": ("AVTALSNAMN", "B"),
        "supplier": ("Leverantör  *", "C"),
        "start": ("startdatum", "D"),
        "end": ("Slutdatum*", "E"),
        "annual_value": ("Årsvärde   (KR)", "F"),
    }
    assert contract_values(r, 2, "priority_reason") == ("Mindre prioriterat: årsvärde 100 000 kr",)


def test_documented_aliases_are_accepted() -> None:
    row = {
        "Avtalsnummer": "A1",
        "Benämning": "Städtjänster",
        "Leverantör": "Städbolaget AB",
        "Org.nr": "556036-0793",
        "Avtalsstart": date(2023, 1, 1),
        "Avtalsslut": date(2026, 12, 31),
    }
    r = run([row, {**row, "Org.nr": "556036-0794"}])
    assert flatten(r.findings) == [
        ("Avtal", 2, "A", "duplicate-contract-id"),
        ("Avtal", 3, "A", "duplicate-contract-id"),
        ("Avtal", 3, "D", "org-number-checksum"),
    ]
    assert r.findings[0].header == "Avtalsnummer"


def test_unknown_columns_are_the_officers_own_and_ignored() -> None:
    row = {**contract(), "Min kommentar": "#N/A", "Prioritet": "inte en siffra", "Övrigt": 42}
    r = run([row])
    # Only the computed Prioritet is the engine's: text typed there is replaced, with a warning.
    assert [(f.header, f.code) for f in r.findings] == [("Prioritet", "typed-in-computed")]
    assert "Min kommentar" not in {h for h, _letter in r.columns[schema.AVTAL].columns.values()}


def test_a_missing_required_column_is_one_finding_and_rows_are_still_evaluated() -> None:
    rows = [
        {k: v for k, v in contract(contract_id=f"A{i}").items() if k != "Leverantör"}
        for i in range(3)
    ]
    r = run(rows)
    assert flatten(r.findings) == [("Avtal", None, None, "missing-column")]
    assert r.findings[0].message == "Kolumnen Leverantör saknas på bladet Avtal."
    # Three active contracts: none in tier 1 (10 %), one in tier 2 (30 %), ranked by id.
    assert [contract_values(r, row, "priority", "next_follow_up") for row in (2, 3, 4)] == [
        (2, date(2024, 1, 2)),
        (3, date(2025, 1, 2)),
        (3, date(2025, 1, 2)),
    ]


def test_missing_column_on_the_follow_up_sheet() -> None:
    rows = [{k: v for k, v in follow_up().items() if k != "Datum"}]
    r = run([contract()], rows)
    assert flatten(r.findings) == [("Uppföljningar", None, None, "missing-column")]


@pytest.mark.parametrize("blank", [None, "", "   ", "\u00a0"])
def test_a_blank_required_value_is_missing(blank: Any) -> None:
    r = run([contract(supplier=blank)])
    assert flatten(r.findings) == [("Avtal", 2, "C", "missing-value")]
    assert r.findings[0].message == "Leverantör måste fyllas i."


def test_a_blank_row_is_skipped_and_its_computed_cells_cleared() -> None:
    empty = {h: None for h in contract()}
    r = run([contract(), empty, contract(contract_id="A2")])
    assert r.findings == []
    assert r.computed[schema.AVTAL][3] is None
    assert r.figures.contracts == 2


def test_a_header_twice_is_a_warning_and_the_first_is_used() -> None:
    row = {**contract(), "Avtalsnummer": "X9"}
    r = run([row])
    assert flatten(r.findings) == [("Avtal", 1, "AE", "duplicate-column")]
    assert r.findings[0].message == "Rubriken Avtalsnummer finns två gånger; kolumn A används."


def test_a_sheet_the_book_lacks_has_no_columns_and_the_schemas_headers() -> None:
    r = run([contract()])
    follow_ups = r.columns[schema.UPPFOLJNINGAR]
    assert (follow_ups.sheet, follow_ups.columns) == (schema.UPPFOLJNINGAR, {})
    assert (follow_ups.header("date"), follow_ups.letter("date")) == ("Datum", None)


def test_headers_are_matched_left_to_right_past_the_officers_own_columns() -> None:
    """Column B stands left of C and AA: the alias Avtalsnummer there is the Avtals-ID, the
    Avtals-ID in C the one twice; the officer's own column in A is read past, and so is the
    header twice: Leverantör in D and Avtalsnamn in AA are found."""
    headers = {
        "AA": "Avtalsnamn",
        "D": "Leverantör",
        "C": "Avtals-ID",
        "A": "Anteckningar",
        "B": "Avtalsnummer",
    }
    columns, found = map_columns(schema.AVTAL, SheetInput(schema.AVTAL, 1, headers, []))
    assert [columns.letter(key) for key in ("contract_id", "supplier", "name")] == ["B", "D", "AA"]
    twice = [(f.row, f.column, f.value) for f in found if f.code == "duplicate-column"]
    assert twice == [(1, "C", "Avtals-ID")]


def test_a_sheet_longer_than_one_pass_keeps_every_row() -> None:
    """Rows are validated 500 at a time; the 501st, good or with a bad cell, joins the rest."""
    assert len(run(fillers(501)).states) == 501
    rows = fillers(501)
    rows[-1]["Årsvärde (kr)"] = "mycket"
    r = run(rows)
    assert (len(r.states), flatten(r.findings)) == (501, [("Avtal", 502, "N", "invalid-amount")])


@pytest.mark.parametrize(
    ("key", "value", "column", "code"),
    [
        ("start", "2024-13-45", "I", "invalid-date"),
        ("start", "snart", "I", "invalid-date"),
        ("start", True, "I", "invalid-date"),
        ("start", "7 maj 2024", "I", "date-as-text"),
        ("start", "2024-05-07", "I", "date-as-text"),
        ("annual_value", "mycket", "N", "invalid-amount"),
        ("annual_value", "1 200 000 kr", "N", "amount-as-text"),
        ("annual_value", "1,2 mkr", "N", "amount-as-text"),
        ("annual_value", -5, "N", "negative-amount"),
        ("critical", "kanske", "O", "invalid-bool"),
        ("notice_months", "tre", "M", "invalid-integer"),
        ("notice_months", 2.5, "M", "invalid-integer"),
        ("notice_months", 121, "M", "out-of-range"),
        ("notice_months", "3 mån", "M", "months-as-text"),
        ("notice_months", "1,5 mån", "M", "invalid-integer"),
        ("notice_months", "11 år", "M", "out-of-range"),
        ("probability", 5, "P", "out-of-range"),
        ("manual_priority", 4, "AA", "out-of-range"),
        ("price_month", "trettonde", "T", "out-of-range"),
        ("org_number", "12345", "D", "invalid-org-number"),
        ("org_number", "556036-0794", "D", "org-number-checksum"),
        ("org_number", "880101-1233", "D", "org-number-personal"),
        ("email", "kalle@", "Z", "invalid-email"),
        ("email", "Kalle Anka <kalle@kommun.se>", "Z", "invalid-email"),
        ("extension_option", "ibland", "K", "invalid-option"),
        ("form", "Direktupphandling", "F", "unknown-choice"),
        ("extensions_used", -1, "L", "out-of-range"),
        ("extensions_used", 1.5, "L", "invalid-integer"),
        ("base_month", "våren 2024", "U", "invalid-month"),
        ("base_month", "2024-13", "U", "invalid-month"),
        ("index_share", "nittio", "V", "invalid-percent"),
        ("index_share", 120, "V", "out-of-range"),
        ("price_threshold", "2,5 %", "W", "number-as-text"),
        ("last_price_adjustment", "nyss", "X", "invalid-date"),
        ("name", "#N/A", "B", "invalid-text"),
    ],
)
def test_each_cell_type_reports_its_error_or_warning_at_the_cell(
    key: str, value: Any, column: str, code: str
) -> None:
    r = run([contract(**{key: value})])
    assert flatten(r.findings) == [("Avtal", 2, column, code)]
    finding = r.findings[0]
    assert finding.level is CATALOGUE[code][0]
    assert finding.value == value
    assert finding.header == schema.AVTAL_SHEET.column(key).header


def test_an_unknown_index_series_is_kept_as_written_and_needs_its_month() -> None:
    r = run([contract(price_index="Guldpris")])
    assert flatten(r.findings) == [
        ("Avtal", 2, "S", "unknown-choice"),
        ("Avtal", 2, "T", "price-month-missing"),
    ]


def test_text_values_are_used_as_interpreted() -> None:
    r = run([contract(start="7 maj 2024", annual_value="1,2 mkr")])
    assert [f.message for f in r.findings] == [
        "Datumet är skrivet som text (”7 maj 2024”) och tolkades som 2024-05-07. "
        "Cellen är formaterad som text – ändra formatet till Datum och skriv om datumet.",
        "Beloppet är skrivet som text (”1,2 mkr”) och tolkades som 1 200 000 kr.",
    ]
    # Started within the last 12 months and never followed up: the start-up meeting is due.
    assert contract_values(r, 2, "next_follow_up", "next_follow_up_kind", "priority_reason") == (
        date(2024, 5, 7),
        "Uppstartsmöte",
        "Mindre prioriterat: årsvärde 1 200 000 kr",
    )


@pytest.mark.parametrize(
    ("written", "months"), [("3 mån", 3), ("3 Månader", 3), ("6 mnd", 6), ("1 år", 12), (3, 3)]
)
def test_a_notice_period_with_its_unit_is_read_as_months(written: Any, months: int) -> None:
    # As an extension option's `12 mån` is; text gets a warning, a number none.
    r = run([contract(end=date(2026, 6, 30), extension_option="1 år", notice_months=written)])
    assert codes(r) == ([] if isinstance(written, int) else ["months-as-text"])
    assert contract_values(r, 2, "extension_deadline") == (
        {3: date(2026, 3, 2), 6: date(2025, 12, 1), 12: date(2025, 6, 2)}[months],
    )


@pytest.mark.parametrize("yes", ["Ja", "ja", "J", "x", "Yes", 1, True, "TRUE"])
def test_yes_is_written_many_ways(yes: Any) -> None:
    r = run([contract(critical=yes), *fillers(9)])
    assert r.findings == []
    assert contract_values(r, 2, "priority", "priority_reason") == (
        1,
        "Verksamhetskritiskt avtal",
    )


@pytest.mark.parametrize("no", ["Nej", "n", "No", 0, False, "FALSE"])
def test_no_is_written_many_ways(no: Any) -> None:
    r = run([contract(critical=no)])
    assert r.findings == []
    assert contract_values(r, 2, "priority") == (3,)


def test_dates_arrive_as_dates_serial_numbers_or_iso_text_with_time() -> None:
    option = {"extension_option": "1+1", "notice_months": 3}
    r = run(
        [
            contract(contract_id="A1", end=46022, **option),
            contract(contract_id="A2", end="2025-12-31 00:00", **option),
            contract(contract_id="A3", end=datetime(2025, 12, 31, 0, 0), **option),
        ]
    )
    assert flatten(r.findings) == [("Avtal", 3, "J", "date-as-text")]
    assert r.findings[0].level is Level.WARNING
    # All three read as 2025-12-31: decide on extension by 2025-09-30 − 30 days, a Sunday.
    assert {contract_values(r, row, "extension_deadline") for row in (2, 3, 4)} == {
        (date(2025, 9, 1),)
    }


def test_a_row_with_an_error_still_gets_every_other_computed_value() -> None:
    r = run([contract(annual_value="mycket", critical="Ja", end="31/13/2026"), *fillers(9)])
    assert flatten(r.findings) == [
        ("Avtal", 2, "J", "invalid-date"),
        ("Avtal", 2, "N", "invalid-amount"),
    ]
    values = r.computed[schema.AVTAL][2]
    assert values.priority == 1
    assert values.priority_reason == "Verksamhetskritiskt avtal"
    assert values.follow_up_form == "Statistik + utvecklingsmöte 3 ggr/år"
    assert values.contract_status == "Aktivt"
    # 2023-01-01 + 4 months, the cadence of tier 1 (the end date cannot cut it short).
    assert values.next_follow_up == date(2023, 5, 2)
    assert values.check.startswith("FEL – Slutdatum: ")


def test_bad_cells_on_follow_ups_and_deviations() -> None:
    r = run(
        [contract()],
        [follow_up(date="igår", cost="dyrt", type="Fika")],
        [deviation(detected="2025-03-03", step=7, status="Glömd")],
    )
    assert flatten(r.findings) == [
        ("Avvikelser", 2, "C", "date-as-text"),
        ("Avvikelser", 2, "I", "unknown-choice"),
        ("Avvikelser", 2, "J", "out-of-range"),
        ("Uppföljningar", 2, "B", "invalid-date"),
        ("Uppföljningar", 2, "C", "unknown-choice"),
        ("Uppföljningar", 2, "F", "invalid-amount"),
    ]


def test_findings_are_listed_on_fel_with_location_level_and_message() -> None:
    r = run([contract(end=date(2022, 12, 31))])
    assert r.sheets()[schema.FEL] == [
        list(schema.FEL_HEADERS),
        [
            "Avtal",
            2,
            "J",
            "Slutdatum",
            "2022-12-31",
            "Fel",
            "Slutdatum 2022-12-31 ligger före Startdatum 2023-01-01.",
            "end-before-start",
            "Avtal!J2",
        ],
    ]


def test_each_fel_row_says_where_to_go_as_plain_text() -> None:
    """`Gå till` is what Excel's Go To takes: a cell, a whole row, a sheet; a sheet name that
    is not only letters is quoted; a book-level finding has nowhere to go."""
    places = [
        make("missing-value", sheet="Avtal", row=12, column="F", header="Leverantör"),
        make("manual-priority-without-motivation", sheet="Avtal"),
        make("invalid-log-row", sheet="Händelselogg", row=7),
        make("missing-value", sheet="Jan's blad", row=3, column="B", header="Datum"),
        make("file-empty"),
    ]
    assert [fel_row(f)[-1] for f in places] == [
        "Avtal!F12",
        "Avtal!A1",
        "Händelselogg!7:7",
        "'Jan''s blad'!B3",
        "",
    ]


def test_a_book_without_rows_evaluates_to_nothing() -> None:
    headers = [c.header for c in schema.AVTAL_SHEET.input_columns]
    sheet = SheetInput(
        schema.AVTAL, 1, {column_letter(i): h for i, h in enumerate(headers, 1)}, rows=[]
    )
    r = evaluate(BookInput(sheets={schema.AVTAL: sheet}), today=TODAY)
    assert (r.findings, r.plan, r.log_rows, r.figures.contracts) == ([], [], [], 0)
    assert r.computed[schema.AVTAL] == {}
    assert r.today == TODAY


@pytest.mark.parametrize(("date1904", "codes"), [(False, []), (True, ["end-before-start"])])
def test_serial_numbers_are_read_in_the_books_date_system(date1904: bool, codes: list[str]) -> None:
    """Serial 44347 is 2021-05-31 in the 1900 date system and 2025-06-01 in the 1904 one: a
    start that late comes after the end, 1 January 2025."""
    rows = book([contract(start=44347, end=date(2025, 1, 1))])
    r = evaluate(dataclasses.replace(rows, date1904=date1904), today=date(2025, 3, 14))
    assert [f.code for f in r.findings] == codes


def test_a_row_with_a_bad_cell_reads_its_other_cells_in_the_books_date_system() -> None:
    """The row is read again without its bad cell: its serial 44347 is still 2025-06-01."""
    rows = book([contract(start=44347, end=date(2025, 1, 1), annual_value="mycket")])
    r = evaluate(dataclasses.replace(rows, date1904=True), today=date(2025, 3, 14))
    assert sorted(f.code for f in r.findings) == ["end-before-start", "invalid-amount"]


@pytest.mark.parametrize(
    ("notice", "codes"), [(-1, ["out-of-range"]), (0, []), (120, []), (121, ["out-of-range"])]
)
def test_notice_months_run_from_0_to_120(notice: int, codes: list[str]) -> None:
    """`Uppsägningstid (mån)`: hela månader 0–120."""
    r = run([contract(notice_months=notice, end=date(2040, 12, 31))])
    assert [f.code for f in r.findings] == codes
