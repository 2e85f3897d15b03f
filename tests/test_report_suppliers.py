"""The report's `Leverantörer` and `Stickprov`: one supplier over every book, and each book's
proposals beside an audit another book already has."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import openpyxl
from helpers import TODAY, contract, deviation, follow_up, run

from avtalsbok.core.engine import Result
from avtalsbok.report.records import BookRecord, BookStatus
from avtalsbok.report.suppliers import SAMPLES, SUPPLIER_COLUMNS, SUPPLIERS
from avtalsbok.report.workbook import report_bytes

HIGH = {"sustainability": "Ja", "probability": 4, "consequence": 4}


def record(path: str, unit: str, result: Result) -> BookRecord:
    """A book's record as a batch worker makes it, with the supplier parts of its run."""
    return BookRecord(
        path,
        unit,
        BookStatus.OK,
        today=result.today,
        suppliers=tuple(result.suppliers.values()),
        samples=tuple(result.proposed_samples),
        audit_valid_months=result.settings.audit_valid_months,
    )


def sheets(records: list[BookRecord]) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(records, TODAY)))
    return {
        name: [tuple(r) for r in wb[name].iter_rows(values_only=True)]
        for name in (SUPPLIERS, SAMPLES)
    }


def books() -> list[BookRecord]:
    school = run(
        [contract(contract_id="S1", org_number="556677-8899", annual_value=1_000_000, **HIGH)],
        [follow_up(contract_id="S1", date=date(2025, 1, 10), type="Revision")],
    )
    care = run(
        [
            # No number here: the name carries 556677-8899 in the school's book.
            contract(contract_id="V1", supplier="städbolaget ab", annual_value=300_000, **HIGH),
            contract(contract_id="V2", supplier="Annan AB", org_number="556036-0793"),
        ],
        [follow_up(contract_id="V2", date=date(2024, 6, 1), joint="Ja")],
        [deviation(contract_id="V2", step=2)],
    )
    return [record("Skola/skola.xlsx", "Skola", school), record("Vård/vard.xlsx", "Vård", care)]


def test_one_row_per_supplier_over_every_book() -> None:
    rows = sheets(books())[SUPPLIERS]
    assert rows[0] == tuple(header for header, _width, _kind in SUPPLIER_COLUMNS)
    assert [row[:9] for row in rows[1:]] == [
        ("Annan AB", "556036-0793", "Vård", 1, 1, 1, 0, 1, 0),
        ("Städbolaget AB", "556677-8899", "Skola, Vård", 2, 2, 2, 1_300_000, 1, 1),
    ]
    annan, stad = rows[1:]
    assert annan[9:] == (None, 1, datetime(2024, 6, 1), "Vård", 1, 1, 2, "Nej")
    assert stad[9:] == (
        datetime(2025, 1, 10),
        0,
        datetime(2025, 1, 10),
        "Skola",
        0,
        0,
        None,
        "Ja – Vård",
    )


def test_a_proposal_shows_the_audit_another_book_has_while_it_counts() -> None:
    rows = sheets(books())[SAMPLES]
    assert [row[:4] for row in rows[1:]] == [("Vård", "vard.xlsx", 1, "V1")]
    assert rows[1][-1] == "Revision 2025-01-10 i Skola (skola.xlsx), gäller t.o.m. 2028-01-09"
    on_the_day = [replace(r, today=date(2028, 1, 9)) for r in books()]
    assert sheets(on_the_day)[SAMPLES][1][-1] is not None
    later = [replace(r, today=date(2028, 1, 10)) for r in books()]
    assert sheets(later)[SAMPLES][1][-1] is None  # 36 months old on the proposing book's day
