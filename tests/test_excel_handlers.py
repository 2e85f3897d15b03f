"""The Excel buttons on a fake of xlwings fed from real workbooks, against the headless run."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
import xlwings
from aiosmtpd.controller import Controller
from fakevalues import Formula, parse_cell
from fakexw import FakeApp, FakeBook
from hypothesis import given
from hypothesis import strategies as st

from avtalsbok.core import schema
from avtalsbok.demo import DEMO_TODAY, REPORT_RECIPIENT, generate
from avtalsbok.excel import handlers, livebook
from avtalsbok.excel.handlers import STATUS_CELL, run_button
from avtalsbok.mail.ledger import LEDGER_NAME
from avtalsbok.workbook.runner import process
from avtalsbok.workbook.template import build_workbook, template_sheet

CORPUS = Path(__file__).resolve().parent / "corpus" / "excel-saved"
NOW = datetime(2026, 11, 2, 9, 30)
SOURCE = "test (officer)"
STATUS = parse_cell(STATUS_CELL)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "avtalsbok.xlsx"
    build_workbook(path, generate(120), today=DEMO_TODAY)
    return path


@pytest.fixture
def book(demo: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(demo, tmp_path / "avtalsbok.xlsx"))


def click(path_or_book: Path | FakeBook, name: str = "uppdatera") -> FakeBook:
    fake = path_or_book if isinstance(path_or_book, FakeBook) else FakeBook.open(path_or_book)
    run_button(name, fake, today=DEMO_TODAY, now=NOW, source=SOURCE)
    return fake


def headless(path: Path) -> FakeBook:
    """`avtalsbok run` on the file, then the file as Excel would show it."""
    outcome = process(path, today=DEMO_TODAY, now=NOW, source=SOURCE)
    assert outcome.written
    return FakeBook.open(path)


def fel_rows(fake: FakeBook) -> list[list[Any]]:
    cells = fake.values()[schema.FEL]
    last = max(r for r, _ in cells)
    return [
        [cells.get((r, c)) for c in range(1, len(schema.FEL_HEADERS) + 1)]
        for r in range(1, last + 1)
    ]


# --- the same book through the button and through `avtalsbok run` ---------------------------


def test_uppdatera_writes_what_the_headless_run_writes(book: Path, tmp_path: Path) -> None:
    other = Path(shutil.copy(book, tmp_path / "other.xlsx"))
    by_button = click(book)
    by_file = headless(other)

    button_values, file_values = by_button.values(), by_file.values()
    status = button_values[schema.OVERSIKT].pop(STATUS)
    assert status.startswith("Uppdaterad 2026-11-02 09:30 (Idag 2026-11-02): 120 avtal, ")
    assert STATUS not in file_values[schema.OVERSIKT]
    assert list(button_values) == list(file_values)
    for sheet in button_values:
        assert button_values[sheet] == file_values[sheet], sheet
    assert by_button.table_bounds() == by_file.table_bounds()

    findings = fel_rows(by_button)
    assert findings == fel_rows(by_file)
    assert findings[0] == list(schema.FEL_HEADERS)
    assert any(row[5] == "Fel" for row in findings[1:])
    # The Fel table spans every column.
    assert by_button.table_bounds()["Fel"][3] == len(schema.FEL_HEADERS)


def test_uppdatera_reads_each_sheet_once_and_writes_each_block_once(book: Path) -> None:
    fake = click(book)
    assert sorted(sheet for sheet, _ in fake.reads) == sorted(schema.INPUT_SHEETS)
    writes = [(sheet, address) for sheet, address, _rows, _cols in fake.writes]
    # The demo is laid out as the template: Kontroll at C, the other computed columns at the end,
    # so Avtal takes two blocks.
    avtal = template_sheet(schema.AVTAL)
    computed = avtal.computed_columns
    first = schema.column_letter(1 + list(avtal.columns).index(computed[1]))
    assert [(schema.AVTAL, "$C$2"), (schema.AVTAL, f"${first}$2")] == writes[:2]
    assert [w[2:] for w in fake.writes if w[0] == schema.AVTAL] == [
        (120, 1),
        (120, len(computed) - 1),
    ]
    assert writes.count((schema.OVERSIKT, "$A$1")) == 1
    assert writes.count((schema.OVERSIKT, f"${STATUS_CELL[0]}${STATUS_CELL[1:]}")) == 1
    per_sheet = {sheet: sum(1 for s, _ in writes if s == sheet) for sheet, _ in writes}
    assert per_sheet == {
        schema.AVTAL: 2,
        schema.UPPFOLJNINGAR: 1,
        schema.AVVIKELSER: 1,
        schema.OVERSIKT: 2,  # the sheet, then the status line
        schema.UPPFOLJNINGSPLAN: 1,
        schema.UTVARDERING: 1,
        schema.STICKPROV: 1,
        schema.FEL: 1,
        schema.HANDELSELOGG: 1,
    }
    assert fake.app.screen_updating is True


def test_errors_bring_one_message_box_with_the_warning_icon_that_points_at_fel(
    book: Path,
) -> None:
    fake = click(book)
    ((title, prompt, _mode),) = fake.app.alerts
    assert fake.app.icons == ["warning"]
    assert title == "Avtalsbok – Uppdatera"
    assert "fel" in prompt and "Fel" in prompt and "Kontroll" in prompt and "Ctrl+S" in prompt


def test_a_clean_book_gets_a_status_line_and_no_message_box(tmp_path: Path) -> None:
    path = tmp_path / "ren.xlsx"
    build_workbook(path, generate(20, mistakes=False), today=DEMO_TODAY)
    fake = click(path)
    assert fake.app.alerts == []
    assert ", 0 fel, " in fake.values()[schema.OVERSIKT][STATUS]
    assert (
        fake.app.status_bar == "Uppdaterad 09:30: 20 avtal, 0 fel, 0 varningar – spara med Ctrl+S"
    )


def one_contract_book(tmp_path: Path, **extra: Any) -> Path:
    """A book of one contract; `extra` adds or overrides its cells."""
    contract = {
        "Avtals-ID": "AV-1",
        "Avtalsnamn": "Städtjänster",
        "Leverantör": "Städ AB",
        "Startdatum": date(2026, 1, 1),
        "Slutdatum": date(2027, 12, 31),
        **extra,
    }
    path = tmp_path / "en.xlsx"
    build_workbook(path, {schema.AVTAL: [contract]}, today=DEMO_TODAY)
    return path


@pytest.mark.parametrize(
    "name, done", [("uppdatera", "Uppdaterad"), ("kontrollera", "Kontrollerad")]
)
def test_the_status_bar_counts_in_the_right_number(tmp_path: Path, name: str, done: str) -> None:
    # A text date is read with one warning; no errors, so no message box.
    fake = click(one_contract_book(tmp_path, Startdatum="1 januari 2026"), name)
    assert fake.app.status_bars == [f"{done} 09:30: 1 avtal, 0 fel, 1 varning – spara med Ctrl+S"]
    assert fake.app.alerts == []
    status = fake.values()[schema.OVERSIKT][STATUS]
    assert status.endswith(
        "0 fel, 1 varning."
        if name == "kontrollera"
        else "0 fel, 1 varning, 1 försenad uppföljning, 0 öppna avvikelser."
    )


def test_a_click_that_ends_in_a_message_box_says_so_in_the_status_bar(book: Path) -> None:
    fake = FakeBook.open(book)
    fake.app.status_bar = "Uppdaterad 08:00: 120 avtal, 3 fel, 0 varningar – spara med Ctrl+S"
    fake.sheets[schema.AVTAL].name = "Kontrakt"
    click(fake)
    assert fake.app.status_bar == "Uppdatera: se meddelandet i rutan."


def test_new_log_rows_go_below_the_log_and_a_second_click_logs_nothing_new(book: Path) -> None:
    last = max(r for r, _c in FakeBook.open(book).values()[schema.HANDELSELOGG])
    fake = click(click(book))
    logged = [w for w in fake.writes if w[0] == schema.HANDELSELOGG]
    assert len(logged) == 1
    assert logged[0][1] == f"$A${last + 1}"


# --- Kontrollera ------------------------------------------------------------------------------


def test_kontrollera_marks_rows_and_lists_findings_and_changes_nothing_else(book: Path) -> None:
    before = FakeBook.open(book).values()
    checked = click(book, "kontrollera").values()
    updated = click(book).values()

    check_col = 1 + [c.key for c in template_sheet(schema.AVTAL).columns].index("check")
    for sheet in (schema.AVTAL, schema.UPPFOLJNINGAR, schema.AVVIKELSER, schema.FEL):
        assert checked[sheet] != before[sheet]
    assert {k: v for k, v in checked[schema.AVTAL].items() if k[1] == check_col} == {
        k: v for k, v in updated[schema.AVTAL].items() if k[1] == check_col
    }
    assert {k: v for k, v in checked[schema.AVTAL].items() if k[1] != check_col} == {
        k: v for k, v in before[schema.AVTAL].items() if k[1] != check_col
    }
    assert checked[schema.FEL] == updated[schema.FEL]
    for sheet in (schema.UPPFOLJNINGSPLAN, schema.HANDELSELOGG):
        assert checked[sheet] == before[sheet]
    overview = checked[schema.OVERSIKT]
    assert overview.pop(STATUS).startswith("Kontrollerad 2026-11-02 09:30: ")
    assert overview == before[schema.OVERSIKT]


def test_kontrollera_adds_the_kontroll_column_after_the_last_used_one(tmp_path: Path) -> None:
    fake = FakeBook.open(_small_book(tmp_path))
    avtal = fake.sheets[schema.AVTAL]
    last = avtal.used_range.last_cell.column
    check = 1 + [c.key for c in template_sheet(schema.AVTAL).columns].index("check")
    for row in range(1, 5):
        avtal.range((row, check)).value = None  # the book lacks Kontroll
    click(fake, "kontrollera")
    cells = fake.values()[schema.AVTAL]
    assert cells[(1, last + 1)] == "Kontroll"
    assert cells[(2, last + 1)] == "OK"


# --- values reach Excel as they are -----------------------------------------------------------


def _small_book(tmp_path: Path) -> Path:
    path = tmp_path / "liten.xlsm"
    rows: list[dict[str, Any]] = [
        {"Avtals-ID": "A-1", "Avtalsnamn": "Städ", "Leverantör": "Städ AB"},
        {"Avtals-ID": "A-2", "Avtalsnamn": "Mat", "Leverantör": "Mat AB"},
        {"Avtals-ID": "A-3", "Avtalsnamn": "IT", "Leverantör": "IT AB"},
    ]
    for row in rows:
        row.update({"Startdatum": date(2025, 1, 1), "Slutdatum": date(2027, 12, 31)})
    rows[1]["Startdatum"] = "2025-05-07"  # a date written as text
    rows[1]["Årsvärde (kr)"] = "-1 200"
    rows[2]["Organisationsnummer"] = "=1+1"
    build_workbook(path, {schema.AVTAL: rows}, today=DEMO_TODAY)
    return path


def test_text_that_looks_like_a_date_number_or_formula_stays_text(tmp_path: Path) -> None:
    path = _small_book(tmp_path)
    by_button = click(path)
    by_file = headless(Path(shutil.copy(path, tmp_path / "andra.xlsm")))
    values = [row[4] for row in fel_rows(by_button)[1:]]
    assert {"2025-05-07", "-1 200", "=1+1"} <= set(values)
    assert not any(isinstance(v, Formula) for s in by_button.values().values() for v in s.values())
    assert fel_rows(by_button) == fel_rows(by_file)


@pytest.mark.parametrize(
    ("value", "held"),
    [
        ("=SUM(A1)", Formula("=SUM(A1)")),
        ("-1 200", Formula("-1 200")),
        ("12", 12.0),
        ("2024-05-07", datetime(2024, 5, 7)),
        ("'2024-05-07", "2024-05-07"),
        ("'=1", "=1"),
        (date(2024, 5, 7), datetime(2024, 5, 7)),
        (3, 3.0),
    ],
)
def test_the_fake_takes_written_values_the_way_excel_does(value: Any, held: Any) -> None:
    fake = FakeBook.blank("S")
    fake.sheets["S"].range("A1").value = value
    assert fake.values()["S"] == {(1, 1): held}
    assert fake.sheets["S"].range("A1").value == held


def test_excel_value_keeps_text_as_text_and_dates_as_datetimes() -> None:
    assert livebook.excel_value("=1") == "'=1"
    assert livebook.excel_value("") is None
    assert livebook.excel_value(date(2024, 5, 7)) == datetime(2024, 5, 7)
    assert livebook.excel_value(datetime(2024, 5, 7, 8, 1)) == datetime(2024, 5, 7, 8, 1)
    assert livebook.excel_value(3) == 3 and livebook.excel_value(None) is None


# --- blocks -----------------------------------------------------------------------------------


def test_blocks_join_neighbouring_columns_with_the_same_rows() -> None:
    cells = {"B2": 1, "B3": 2, "C2": 3, "C3": 4, "E2": 5, "B5": 6, "C5": 7, "C6": 8}
    assert livebook.blocks(cells) == [
        ((2, 2), [[1, 3], [2, 4]]),
        ((5, 2), [[6]]),
        ((5, 3), [[7], [8]]),
        ((2, 5), [[5]]),
    ]


@given(
    st.dictionaries(
        st.tuples(st.integers(1, 12), st.integers(1, 6)), st.integers(0, 9), max_size=40
    )
)
def test_blocks_cover_every_cell_exactly_once(cells: dict[tuple[int, int], int]) -> None:
    refs = {f"{chr(64 + c)}{r}": v for (r, c), v in cells.items()}
    covered: dict[tuple[int, int], int] = {}
    for (top, left), rows in livebook.blocks(refs):
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                assert (top + i, left + j) not in covered
                covered[(top + i, left + j)] = value
    assert covered == cells


# --- a book that cannot be run, and the unexpected --------------------------------------------


def test_a_book_without_avtal_is_not_written(book: Path) -> None:
    fake = FakeBook.open(book)
    fake.sheets[schema.AVTAL].name = "Kontrakt"
    before = fake.values()
    click(fake)
    ((_title, prompt, mode),) = fake.app.alerts
    assert "är ingen avtalsbok: bladet Avtal saknas. Inget har ändrats." in prompt
    assert "Gör till avtalsbok" in prompt and mode == "critical"
    assert fake.reads == [] and fake.writes == [] and fake.values() == before


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on parts it does not model
@pytest.mark.parametrize("name", ["SimpleMacro.xlsm", "62629_target.xlsm"])
def test_excel_saved_books_without_avtal_are_told_they_are_no_avtalsbok(
    name: str, tmp_path: Path
) -> None:
    path = Path(shutil.copy(CORPUS / name, tmp_path / name))
    fake = click(path)
    outcome = process(path, today=DEMO_TODAY, now=NOW, source=SOURCE)
    assert [f.message for f in outcome.findings] == ["Bladet Avtal saknas i arbetsboken."]
    ((_title, prompt, mode),) = fake.app.alerts
    assert prompt.startswith(f"Arbetsboken ”{name}” är ingen avtalsbok: bladet Avtal saknas.")
    assert mode == "critical" and fake.writes == []


def test_an_unexpected_error_becomes_a_message_box(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("disken är full")

    monkeypatch.setattr(livebook, "apply_plan", broken)
    fake = click(book)
    ((title, prompt, mode),) = fake.app.alerts
    assert (title, mode) == ("Avtalsbok", "critical")
    assert fake.app.status_bar == "Uppdatera avbröts – se rutan."
    assert prompt.startswith("Uppdatera: något oväntat gick fel")
    assert "RuntimeError: disken är full" in prompt
    assert fake.app.screen_updating is True

    monkeypatch.setenv(handlers.DEBUG_VARIABLE, "1")
    with pytest.raises(RuntimeError, match="disken är full"):
        click(book)


def test_the_click_goes_through_book_caller(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeBook.open(book)
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: fake))
    handlers.uppdatera()
    assert fake.values()[schema.OVERSIKT][STATUS].startswith("Uppdaterad ")


def test_a_caller_that_cannot_be_found_is_told_in_a_message_box(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def lost() -> None:
        raise KeyError("avtalsbok.xlsm")

    app = FakeApp()
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lost))
    monkeypatch.setattr(xlwings, "apps", SimpleNamespace(active=app))
    handlers.kontrollera()
    ((_title, prompt, _mode),) = app.alerts
    assert prompt.startswith("Kontrollera: något oväntat gick fel") and "KeyError" in prompt


# --- the other buttons -------------------------------------------------------------------------


def test_visa_fel_shows_fel(book: Path) -> None:
    fake = click(FakeBook.open(book), "visa_fel")
    assert fake.sheets.active.name == schema.FEL
    assert fake.app.alerts == [] and fake.writes == []
    assert fake.app.status_bar == "Bladet Fel visas."


def test_visa_fel_without_fel_says_what_to_do(book: Path) -> None:
    fake = FakeBook.open(book)
    fake.sheets[schema.FEL].name = "Gamla fel"
    click(fake, "visa_fel")
    ((_title, prompt, mode),) = fake.app.alerts
    assert "Kontrollera" in prompt and mode == "info"


def _rows(path: Path, sheet: str) -> list[list[Any]]:
    """A sheet of a workbook we wrote, as openpyxl reads it."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _report_of(book: Path) -> Path:
    return book.with_name(f"{book.stem} – rapport {DEMO_TODAY.isoformat()}.xlsx")


def test_skapa_rapport_saves_the_report_of_the_open_book_beside_it(book: Path) -> None:
    fake = FakeBook.open(book)
    avtal = fake.sheets[schema.AVTAL]
    last = max(r for r, _c in fake.values()[schema.AVTAL])
    avtal.range((last, 1), (last, avtal.used_range.last_cell.column)).value = None  # not saved
    fake.writes.clear()
    click(fake, "skapa_rapport")

    report = _report_of(book)
    header, row = _rows(report, "Böcker")[:2]
    found = dict(zip(header, row, strict=True))
    assert (found["Enhet"], found["Fil"], found["Avtal"]) == ("avtalsbok", book.name, 119)
    fel = _rows(report, "Fel")
    levels = [r[fel[0].index("Nivå")] for r in fel[1:]]
    assert found["Fel"] == levels.count("Fel") > 0
    assert found["Varningar"] == levels.count("Varning")
    figures: dict[str, Any] = {}
    for label, value, *_rest in _rows(report, "Översikt"):
        figures.setdefault(label, value)
    assert figures["Avtal"] == 119 and figures["Avtalsböcker"] == 1
    assert fake.writes == []  # the book itself is not touched
    ((_title, prompt, mode),) = fake.app.alerts
    assert str(report) in prompt and "bladet Fel i rapporten" in prompt and mode == "info"
    assert fake.app.status_bar == f"Rapporten är sparad: {report.name}"

    click(fake, "skapa_rapport")
    assert {p.name for p in book.parent.iterdir()} == {book.name, report.name}


def test_skapa_rapport_does_not_replace_a_report_open_in_excel(book: Path) -> None:
    report = _report_of(book)
    report.write_bytes(b"gammal rapport")
    report.with_name("~$" + report.name).write_bytes(bytes([4]) + b"Anna")
    fake = click(FakeBook.open(book), "skapa_rapport")
    ((_title, prompt, mode),) = fake.app.alerts
    assert "öppen hos Anna" in prompt and str(report) in prompt and mode == "critical"
    assert report.read_bytes() == b"gammal rapport"


def test_skapa_rapport_needs_a_saved_book(book: Path) -> None:
    fake = FakeBook.open(book)
    fake.fullname = "Bok1"
    click(fake, "skapa_rapport")
    ((_title, prompt, _mode),) = fake.app.alerts
    assert prompt.startswith("Spara avtalsboken i en mapp först")
    assert list(book.parent.iterdir()) == [book]


# --- Skicka rapport ---------------------------------------------------------------------------


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No e-mail server configured; the outbox where docs/batch.md says it can be set."""
    for name in list(os.environ):
        if name.startswith("AVTALSBOK_SMTP_") or name == "AVTALSBOK_MAIL_FROM":
            monkeypatch.delenv(name)
    folder = tmp_path / "utkorg"
    monkeypatch.setenv("AVTALSBOK_OUTBOX", str(folder))
    return folder


def _attachment(message: EmailMessage) -> tuple[str | None, bytes]:
    (part,) = message.iter_attachments()
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return part.get_filename(), data


def test_skicka_rapport_without_a_server_puts_the_message_in_the_outbox_once(
    book: Path, outbox: Path
) -> None:
    fake = click(FakeBook.open(book), "skicka_rapport")
    (eml,) = outbox.glob("*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == REPORT_RECIPIENT
    assert message["X-Unsent"] == "1"  # Outlook opens it as a message to send
    report = _report_of(book)
    assert _attachment(message) == (report.name, report.read_bytes())
    ((_title, prompt, mode),) = fake.app.alerts
    assert "utkorgen" in prompt and str(eml) in prompt and str(report) in prompt
    assert mode == "info" and fake.writes == []
    assert fake.app.status_bar == "Rapporten är sparad i utkorgen för 1 mottagare."

    again = click(FakeBook.open(book), "skicka_rapport")
    assert list(outbox.glob("*.eml")) == [eml]
    ((_title, prompt, mode),) = again.app.alerts
    assert f"redan skickad till {REPORT_RECIPIENT}" in prompt and mode == "info"
    assert again.app.status_bar == "Rapporten är redan skickad till 1 mottagare."
    ledger = (outbox / LEDGER_NAME).read_text().splitlines()
    assert [json.loads(line)["state"] for line in ledger] == ["sending", "sent"]


def _settings_cell(fake: FakeBook, key: str) -> tuple[int, int]:
    cells = fake.values()[schema.INSTALLNINGAR]
    (row,) = [r for (r, c), v in cells.items() if c == 1 and v == key]
    return row, 2


def test_skicka_rapport_without_recipients_asks_for_rapportmottagare(
    book: Path, outbox: Path
) -> None:
    fake = FakeBook.open(book)
    fake.sheets[schema.INSTALLNINGAR].range(_settings_cell(fake, "Rapportmottagare")).value = None
    click(fake, "skicka_rapport")
    ((_title, prompt, mode),) = fake.app.alerts
    assert "Rapportmottagare på bladet Inställningar" in prompt and mode == "info"
    assert not outbox.exists() and list(book.parent.iterdir()) == [book]


def test_skicka_rapport_never_shows_the_password(
    book: Path, outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = "hemligt-lösen-4711"
    monkeypatch.setenv("AVTALSBOK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AVTALSBOK_SMTP_SECURITY", "none")
    monkeypatch.setenv("AVTALSBOK_SMTP_USER", "avtalsbok")
    monkeypatch.setenv("AVTALSBOK_SMTP_PASSWORD", password)
    fake = click(FakeBook.open(book), "skicka_rapport")
    ((_title, prompt, mode),) = fake.app.alerts
    assert "inloggning utan kryptering" in prompt and mode == "critical"
    assert password not in prompt and not outbox.exists()


@dataclass
class _Sink:
    """aiosmtpd handler that keeps every message it receives."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def test_skicka_rapport_sends_through_the_configured_server(
    book: Path, outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("AVTALSBOK_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("AVTALSBOK_SMTP_PORT", str(port))
        monkeypatch.setenv("AVTALSBOK_SMTP_SECURITY", "none")
        monkeypatch.setenv("AVTALSBOK_MAIL_FROM", "avtalsbok@kommun.se")
        fake = click(FakeBook.open(book), "skicka_rapport")
    finally:
        controller.stop()
    ((recipients, message),) = sink.received
    assert recipients == [REPORT_RECIPIENT] and message["From"] == "Avtalsbok <avtalsbok@kommun.se>"
    assert "X-Unsent" not in message
    report = _report_of(book)
    assert _attachment(message) == (report.name, report.read_bytes())
    assert message["Subject"].startswith(f"Avtalsuppföljning {DEMO_TODAY.isoformat()}: 1 ")
    ((_title, prompt, mode),) = fake.app.alerts
    assert prompt.startswith(f"Rapporten är skickad till {REPORT_RECIPIENT}.") and mode == "info"
    assert fake.app.status_bar == "Rapporten är skickad till 1 mottagare."
    assert not list(outbox.glob("*.eml"))


# --- lean imports -------------------------------------------------------------------------------


def test_the_button_path_imports_nothing_heavy(book: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "book.pickle"
    snapshot.write_bytes(FakeBook.open(book).snapshot())
    code = (
        "import sys\n"
        "import avtalsbok.excel.handlers as h\n"
        "first = set(sys.modules)\n"
        "doors = {'avtalsbok.report', 'avtalsbok.mail', 'avtalsbok.batch'}\n"
        "from fakexw import FakeBook\n"
        f"fake = FakeBook.from_snapshot(open({str(snapshot)!r}, 'rb').read())\n"
        "h.run_button('uppdatera', fake)\n"
        "print(fake.values()['Översikt'][(4, 1)][:10])\n"
        "h.run_button('kontrollera', fake)\n"
        "heavy = ('xlwings', 'openpyxl', 'xlsxwriter', 'pydantic', 'numpy', 'pandas', 'rich')\n"
        "print(sorted({m.split('.')[0] for m in first} & set(heavy)))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
        "print(sorted({'.'.join(m.split('.')[:2]) for m in sys.modules} & doors))\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{root / 'tests'}"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env=env, check=True
    ).stdout.splitlines()
    assert out == ["Uppdaterad", "[]", "['pydantic']", "[]"]
