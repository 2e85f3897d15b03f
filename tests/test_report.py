"""The consolidated report workbook: every list complete, values never formulas, charts,
deterministic bytes, refuses an open report, and LibreOffice opens it."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from libreoffice import libreoffice_csv, needs_libreoffice

from avtalsbok.cli import main
from avtalsbok.core.findings import make
from avtalsbok.core.schema import DECISION_SUBJECTS
from avtalsbok.demo import generate
from avtalsbok.report import suppliers
from avtalsbok.report.actions import ENDING, OWNERS
from avtalsbok.report.decisions import EVALUATIONS_DUE, PROCUREMENTS
from avtalsbok.report.goals import SHEET as GOALS
from avtalsbok.report.location import file_uri, full_path
from avtalsbok.report.records import BookRecord, BookStatus, book_record
from avtalsbok.report.totals import Totals
from avtalsbok.report.workbook import (
    BOOKS,
    EVALUATION,
    FINDINGS,
    LATE_DEVIATIONS,
    OVERDUE,
    OVERSIKT,
    SUPPLIERS,
    read_key_figures,
    report_bytes,
    write_report,
)
from avtalsbok.workbook.atomic import WriteError
from avtalsbok.workbook.template import build_workbook

TODAY = date(2026, 11, 2)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two units' books: a clean one of 30 contracts and one of 100 with typical mistakes."""
    root = tmp_path_factory.mktemp("enheter")
    (root / "Skola").mkdir()
    (root / "Vård").mkdir()
    build_workbook(root / "Skola" / "avtal.xlsx", generate(30, seed=1, mistakes=False))
    build_workbook(root / "Vård" / "avtal.xlsx", generate(100, seed=2))
    return root


@pytest.fixture(scope="module")
def records(books: Path) -> list[BookRecord]:
    return [
        book_record(str(books / unit / "avtal.xlsx"), unit, today=TODAY, write=False)
        for unit in ("Skola", "Vård")
    ]


def _rows(wb: openpyxl.Workbook, sheet: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in wb[sheet].iter_rows(min_row=2, values_only=True)]


def test_every_list_of_the_report_is_complete(records: list[BookRecord]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(records, TODAY)))
    assert wb.sheetnames == [
        OVERSIKT,
        BOOKS,
        OVERDUE,
        LATE_DEVIATIONS,
        PROCUREMENTS,
        EVALUATIONS_DUE,
        OWNERS,
        ENDING,
        EVALUATION,
        SUPPLIERS,
        GOALS,
        suppliers.SUPPLIERS,
        suppliers.SAMPLES,
        FINDINGS,
    ]
    assert [r[:7] for r in _rows(wb, BOOKS)] == [
        ("Skola", "avtal.xlsx", "OK", 30, records[0].active, 0, records[0].warnings),
        (
            "Vård",
            "avtal.xlsx",
            "Fel i arbetsboken",
            100,
            records[1].active,
            records[1].errors,
            records[1].warnings,
        ),
    ]
    overdue = _rows(wb, OVERDUE)
    assert len(overdue) == sum(r.summary["follow_ups_overdue"] for r in records) > 0
    assert all(row[3] > 0 for row in overdue)  # days late
    late = _rows(wb, LATE_DEVIATIONS)
    assert len(late) == sum(r.summary["overdue_action_plans"] for r in records) > 0
    assert all(isinstance(row[2], str) and row[2].startswith("AVV-") for row in late)
    assert all(row[8] is not None and row[9] > 0 for row in late)  # deadline and days past it
    procurements = _rows(wb, PROCUREMENTS)
    assert len(procurements) == sum(r.summary["procurements"] for r in records) > 0
    assert all(row[6] == (row[5].date() - TODAY).days for row in procurements)  # days left
    assert all(row[7] is not None for row in procurements)  # the latest possible end
    due = _rows(wb, EVALUATIONS_DUE)
    assert len(due) == sum(r.summary["evaluations_due"] for r in records) > 0
    assert {row[5] for row in due} == set(DECISION_SUBJECTS)
    assert all(row[7] < row[6] for row in due)  # evaluated before the decision
    owners = _rows(wb, OWNERS)  # owner, late, within 30 days, decisions, deviations, units
    assert sum(row[1] for row in owners) == sum(r.summary["follow_ups_overdue"] for r in records)
    assert sum(row[4] for row in owners) == len(late)
    assert sum(row[3] for row in owners) > 0
    lates = [row[1] + row[4] for row in owners]
    assert lates == sorted(lates, reverse=True)  # the most urgent owner first
    ending = _rows(wb, ENDING)
    assert (
        len(ending)
        == sum(r.summary["expiring"] + r.summary["extension_decisions"] for r in records)
        > 0
    )
    for row in ending:  # Beslut senast for a decision, days counted to it, else to the end
        assert (row[6] is not None) == (row[5] == "Förlängningsbeslut krävs")
        assert row[8] == ((row[6] or row[7]).date() - TODAY).days >= 0
    found = _rows(wb, FINDINGS)
    assert len(found) == sum(len(r.findings) for r in records) > 0
    assert {row[7] for row in found} == {"Fel", "Varning"}
    evaluation = _rows(wb, EVALUATION)
    assert evaluation[-1][0] == "Totalt"
    assert evaluation[-1][2] == sum(r.evaluation.sustainability_contracts for r in records)
    assert evaluation[-1][5] == sum(r.evaluation.audits for r in records)
    audited = _rows(wb, SUPPLIERS)
    assert sum(row[1] for row in audited) == sum(r.evaluation.audits for r in records)
    every_supplier = _rows(wb, suppliers.SUPPLIERS)  # ..., books, contracts, active, ...
    assert sum(row[4] for row in every_supplier) == sum(r.contracts for r in records)
    assert sum(row[5] for row in every_supplier) == sum(r.active for r in records)
    samples = _rows(wb, suppliers.SAMPLES)
    assert len(samples) == sum(len(r.samples) for r in records) > 0


def test_overview_has_the_key_figures_and_three_native_charts(records: list[BookRecord]) -> None:
    data = report_bytes(records, TODAY)
    totals = Totals.of(records, TODAY)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[OVERSIKT]
    assert ws["B2"].value.date() == TODAY
    figures = [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=6, max_row=17)]
    assert figures == totals.key_figures()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = [z.read(n).decode() for n in charts]
    assert len(charts) == 3
    assert '<c:barDir val="col"/><c:grouping val="stacked"/>' in xml[0]
    assert all("Översikt" in x for x in xml)
    titles = [row[0] for row in ws.iter_rows(values_only=True)]
    assert "Planerade uppföljningar per månad" in titles
    assert totals.months[0][0] == date(2026, 11, 1) and len(totals.months) == 12
    assert sum(n for _, n in totals.months) == sum(n for r in records for _, n in r.months)
    units = [u for u, *_ in totals.tiers_by_unit]
    assert units == ["Skola", "Vård"]


def test_audits_per_supplier_add_up_a_supplier_whose_name_each_book_writes_its_own_way(
    records: list[BookRecord],
) -> None:
    skola, vard = records
    spelt = [
        (skola, (("Städbolaget AB", 2, 300.0), ("Bygg AB", 1, 50.0))),
        (vard, (("STÄDBOLAGET  AB", 1, 100.0),)),
    ]
    books = [
        replace(r, evaluation=replace(r.evaluation, audits_per_supplier=audits))
        for r, audits in spelt
    ]
    assert Totals.of(books, TODAY).audits_per_supplier == (
        ("Städbolaget AB", 3, 400.0, 2),
        ("Bygg AB", 1, 50.0, 1),
    )


def test_values_from_workbooks_never_become_formulas(records: list[BookRecord]) -> None:
    hostile = [
        '=HYPERLINK("http://evil.example","klicka")',
        "+SUM(1,2)",
        "-2+3",
        "@SUM(A1)",
        "=cmd|' /C calc'!A0",
    ]
    item = records[1].overdue_follow_ups[0]
    evil = replace(
        records[1],
        unit=hostile[0],
        follow_ups=(
            replace(item, contract_name=hostile[1], supplier=hostile[2], owner=hostile[3]),
        ),
        findings=(make("invalid-text", value=hostile[4], header="Avtalsnamn"),),
    )
    data = report_bytes([evil], TODAY)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value in hostile]
    assert {c.value for c in cells} == set(hostile)
    assert {c.data_type for c in cells} == {"s"}
    assert not any(ws._hyperlinks for ws in wb)


def test_the_report_is_deterministic_and_independent_of_book_order(
    records: list[BookRecord],
) -> None:
    first = report_bytes(records, TODAY)
    assert report_bytes(list(reversed(records)), TODAY) == first
    assert report_bytes(records, date(2026, 11, 3)) != first


def test_books_that_were_skipped_or_unreadable_are_named_with_the_reason(
    records: list[BookRecord],
) -> None:
    skipped = replace(records[0], status=BookStatus.SKIPPED, owner="Anna Berg", written=False)
    broken = BookRecord(
        "/enheter/Ekonomi/trasig.xlsx",
        "Ekonomi",
        BookStatus.UNREADABLE,
        errors=1,
        findings=(make("file-corrupt", reason="zip-arkivet är avkortat").with_book("trasig.xlsx"),),
    )
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes([skipped, broken], TODAY)))
    assert [(r[0], r[2], r[10], r[12]) for r in _rows(wb, BOOKS)] == [
        (
            "Ekonomi",
            "Kan inte läsas",
            "Nej",
            "Arbetsboken är skadad och kan inte läsas (zip-arkivet är avkortat).",
        ),
        ("Skola", "Överhoppad – öppen", "Nej", "Öppen hos Anna Berg; inte uppdaterad."),
    ]
    assert _rows(wb, FINDINGS)[0][:3] == ("Ekonomi", "trasig.xlsx", "(arbetsboken)")


def test_an_open_report_is_not_replaced(tmp_path: Path, records: list[BookRecord]) -> None:
    target = tmp_path / "rapport.xlsx"
    write_report(target, records, TODAY)
    before = target.read_bytes()
    (tmp_path / ".~lock.rapport.xlsx#").write_text("Anna Berg,anna,pc,2026-11-02,;")
    with pytest.raises(WriteError, match="öppen hos Anna Berg"):
        write_report(target, records[:1], TODAY)
    assert target.read_bytes() == before
    assert read_key_figures(target) == (TODAY, Totals.of(records, TODAY).key_figures())


def test_report_command_reads_books_without_writing_them(books: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in books.rglob("*.xlsx")}
    target = tmp_path / "rapport.xlsx"
    out = io.StringIO()
    code = main(["report", str(books), "-o", str(target), "--today", "2026-11-02", "--json"], out)
    assert code == 1  # the Vård book has errors
    summary = json.loads(out.getvalue())
    assert (summary["books"], summary["contracts"], summary["report"]) == (2, 130, str(target))
    assert {p: p.read_bytes() for p in books.rglob("*.xlsx")} == before
    assert read_key_figures(target)[0] == TODAY


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_opens_the_report(tmp_path: Path, records: list[BookRecord]) -> None:
    target = tmp_path / "rapport.xlsx"
    write_report(target, records, TODAY)
    sheets = libreoffice_csv(target, tmp_path / "lo")
    assert set(sheets) == {
        OVERSIKT,
        BOOKS,
        OVERDUE,
        LATE_DEVIATIONS,
        PROCUREMENTS,
        EVALUATIONS_DUE,
        OWNERS,
        ENDING,
        EVALUATION,
        SUPPLIERS,
        GOALS,
        suppliers.SUPPLIERS,
        suppliers.SAMPLES,
        FINDINGS,
    }
    assert len(sheets[suppliers.SAMPLES]) - 1 == sum(len(r.samples) for r in records)
    assert sheets[OVERSIKT][0][0] == "Avtalsuppföljning – samlad rapport"
    assert sheets[BOOKS][1][:3] == ["Skola", "avtal.xlsx", "OK"]
    assert len(sheets[OVERDUE]) - 1 == sum(r.summary["follow_ups_overdue"] for r in records)
    assert len(sheets[PROCUREMENTS]) - 1 == sum(r.summary["procurements"] for r in records)
    assert re.fullmatch(r"2026-11-02( 00:00:00)?", sheets[OVERSIKT][1][1])


# --- where the books are: full paths, links, next steps -----------------------------------------


@pytest.mark.parametrize(
    ("full", "uri"),
    [
        (
            "\\\\fil01\\Upphandling\\Vård och omsorg\\Avtal 2026.xlsx",
            "file://fil01/Upphandling/V%C3%A5rd%20och%20omsorg/Avtal%202026.xlsx",
        ),
        ("C:\\Avtal\\Städ & ö #2.xlsx", "file:///C:/Avtal/St%C3%A4d%20%26%20%C3%B6%20%232.xlsx"),
        ("/srv/avtal/Måltider 100%.xlsx", "file:///srv/avtal/M%C3%A5ltider%20100%25.xlsx"),
    ],
)
def test_the_link_to_a_book_is_a_percent_encoded_file_uri(full: str, uri: str) -> None:
    assert file_uri(full) == uri


def test_a_network_path_is_kept_as_given_and_any_other_made_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unc = "\\\\fil01\\Upphandling\\avtal.xlsx"
    assert full_path(unc) == unc
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Vård").mkdir()
    (tmp_path / "länk").symlink_to(tmp_path / "Vård")
    assert full_path("länk/avtal.xlsx") == str(tmp_path.resolve() / "Vård" / "avtal.xlsx")


def test_a_record_knows_its_books_full_path(records: list[BookRecord], books: Path) -> None:
    assert [r.location for r in records] == [
        str((books / unit / "avtal.xlsx").resolve()) for unit in ("Skola", "Vård")
    ]


def test_the_books_sheet_links_each_windows_path_and_writes_no_formula(
    records: list[BookRecord],
) -> None:
    unc = "\\\\fil01\\Upphandling\\Vård\\Avtal 2026 – ö.xlsx"
    linked = replace(records[1], location=unc)
    odd = replace(records[0], location="\\\\fil01\\Upphandling\\Skola\\Avtal #1.xlsx")
    data = report_bytes([odd, linked], TODAY)
    ws = openpyxl.load_workbook(io.BytesIO(data))[BOOKS]
    column = [c.value for c in ws[1]].index("Sökväg") + 1
    skola, vard = ws.cell(2, column), ws.cell(3, column)
    assert vard.value == unc
    assert (
        vard.hyperlink.target == "file:///\\\\fil01\\Upphandling\\Vård\\Avtal%202026%20–%20ö.xlsx"
    )
    assert (skola.value, skola.hyperlink) == (odd.location, None)  # `#` would cut the link
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if "worksheets/" in n)


def test_overdue_items_carry_their_next_step(records: list[BookRecord]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(records, TODAY)))
    for sheet, column in ((OVERDUE, "Aktivitet"), (LATE_DEVIATIONS, "Föreslaget steg")):
        header = [c.value for c in wb[sheet][1]]
        rows = _rows(wb, sheet)
        assert rows, sheet
        steps = {row[header.index("Nästa steg")] for row in rows}
        assert steps and all(isinstance(s, str) and s for s in steps), sheet
        assert header.index("Nästa steg") == header.index(column) + 1
    overdue_steps = {
        r[[c.value for c in wb[OVERDUE][1]].index("Nästa steg")] for r in _rows(wb, OVERDUE)
    }
    assert overdue_steps <= {
        "Boka uppstartsmöte",
        "Begär statistik och boka utvecklingsmöte",
        "Begär statistik och boka uppföljningsmöte",
        "Begär statistik och boka uppföljning",
    }
