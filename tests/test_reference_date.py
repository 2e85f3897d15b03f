"""One reference date per book: with `Idag` locked, every output counts from it and prints it."""

from __future__ import annotations

import io
import json
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest
from helpers import contract, deviation, setting

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.workbook.template import build_workbook

#: The locked date, long before the real one.
LOCKED = date(2025, 3, 14)


@pytest.fixture
def locked_book(tmp_path: Path) -> Path:
    """A book locked to 14 March 2025: a critical contract (followed up every 4 months) last
    followed up in November 2023, and
    a deviation found on 3 February whose action plan was due on 3 March."""
    path = tmp_path / "Vård" / "avtal.xlsx"
    path.parent.mkdir()
    data = {
        schema.AVTAL: [contract(critical=True, owner="Anna Berg", email="anna.berg@kommun.se")],
        schema.UPPFOLJNINGAR: [
            {"Avtals-ID": "A1", "Datum": date(2023, 11, 1), "Typ": "Uppföljningsmöte"}
        ],
        schema.AVVIKELSER: [
            deviation(detected=date(2025, 2, 3), plan_deadline=date(2025, 3, 3), step=1)
        ],
        schema.INSTALLNINGAR: [setting("Idag", LOCKED)],
    }
    build_workbook(path, data)
    return path


def _rows(path: Path, sheet: str) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def test_run_warns_that_idag_is_locked_on_every_run(locked_book: Path) -> None:
    for command in ("check", "run", "run"):
        out = io.StringIO()
        main([command, str(locked_book), "--json"], out)
        found = json.loads(out.getvalue())
        assert found["summary"]["today"] == "2025-03-14"
        assert ("Inställningar", "today-locked") in [
            (f["sheet"], f["code"]) for f in found["findings"]
        ]
    book = openpyxl.load_workbook(locked_book)
    assert book[schema.OVERSIKT]["B2"].value.date() == LOCKED
    fel = _rows(locked_book, schema.FEL)
    assert [r["Kod"] for r in fel if r["Kod"] == "today-locked"] == ["today-locked"]


def test_the_report_counts_and_dates_everything_from_the_books_idag(
    locked_book: Path, tmp_path: Path
) -> None:
    report = tmp_path / "rapport.xlsx"
    assert main(["report", str(locked_book.parent), "--output", str(report)], io.StringIO()) == 0
    overview = openpyxl.load_workbook(report)["Översikt"]
    assert overview["B2"].value.date() == LOCKED
    labels = [row[0] for row in overview.iter_rows(values_only=True) if row]
    first_month = labels.index("Planerade uppföljningar per månad") + 2
    assert labels[first_month : first_month + 2] == ["mar 2025", "apr 2025"]
    (late,) = _rows(report, "Försenade avvikelser")
    # 11 days past the 3 March deadline and 39 days open, both counted on 14 March.
    assert (late["Dagar efter tidsgränsen"], late["Dagar öppen"]) == (11, 39)
    (overdue,) = _rows(report, "Försenade uppföljningar")
    assert overdue["Dagar försenad"] == (LOCKED - overdue["Datum"].date()).days
    (book,) = _rows(report, "Böcker")
    assert book["Referensdatum"].date() == LOCKED


def test_the_reminder_is_headed_with_and_counts_from_the_books_idag(
    locked_book: Path, tmp_path: Path
) -> None:
    outbox = tmp_path / "utkorg"
    args = ["remind", str(locked_book.parent), "--days", "30", "--outbox", str(outbox)]
    assert main(args, io.StringIO()) == 0
    (eml,) = outbox.glob("paminnelse-*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("Påminnelse 2025-03-14: ")
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "per 2025-03-14" in body
    assert "2025-03-03 (försenad 11 dagar)" in body
    assert "Räknat per" not in body  # the book's date is the reminder's


def test_the_calendar_is_stamped_with_the_books_idag(locked_book: Path, tmp_path: Path) -> None:
    target = tmp_path / "avtal.ics"
    assert main(["kalender", str(locked_book.parent), "--output", str(target)], io.StringIO()) == 0
    text = target.read_text()
    assert "DTSTAMP:20250314T000000Z" in text
