"""The Excel buttons on a fake of xlwings fed from real workbooks, against the headless run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import xlwings
from fakexw import FakeApp, FakeBook, Formula, parse_cell
from hypothesis import given
from hypothesis import strategies as st

from avtalsbok.core import schema
from avtalsbok.demo import DEMO_TODAY, generate
from avtalsbok.excel import handlers, livebook
from avtalsbok.excel.handlers import STATUS_CELL, run_button
from avtalsbok.workbook.runner import process
from avtalsbok.workbook.template import build_workbook

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
    return [[cells.get((r, c)) for c in range(1, 9)] for r in range(1, last + 1)]


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


def test_uppdatera_reads_each_sheet_once_and_writes_each_block_once(book: Path) -> None:
    fake = click(book)
    assert sorted(sheet for sheet, _ in fake.reads) == sorted(schema.INPUT_SHEETS)
    writes = [(sheet, address) for sheet, address, _rows, _cols in fake.writes]
    computed = schema.AVTAL_SHEET.computed_columns
    first = schema.column_letter(1 + list(schema.AVTAL_SHEET.columns).index(computed[0]))
    assert (schema.AVTAL, f"${first}$2") in writes
    assert [w[2:] for w in fake.writes if w[0] == schema.AVTAL] == [(120, len(computed))]
    assert writes.count((schema.OVERSIKT, "$A$1")) == 1
    assert writes.count((schema.OVERSIKT, f"${STATUS_CELL[0]}${STATUS_CELL[1:]}")) == 1
    per_sheet = {sheet: sum(1 for s, _ in writes if s == sheet) for sheet, _ in writes}
    assert per_sheet == {
        schema.AVTAL: 1,
        schema.UPPFOLJNINGAR: 1,
        schema.AVVIKELSER: 1,
        schema.OVERSIKT: 2,  # the sheet, then the status line
        schema.UPPFOLJNINGSPLAN: 1,
        schema.FEL: 1,
        schema.HANDELSELOGG: 1,
    }
    assert fake.app.screen_updating is True


def test_errors_bring_one_message_box_that_points_at_fel(book: Path) -> None:
    fake = click(book)
    ((title, prompt, mode),) = fake.app.alerts
    assert title == "Avtalsbok – Uppdatera" and mode == "critical"
    assert "fel" in prompt and "Fel" in prompt and "Kontroll" in prompt


def test_a_clean_book_gets_a_status_line_and_no_message_box(tmp_path: Path) -> None:
    path = tmp_path / "ren.xlsx"
    build_workbook(path, generate(20, mistakes=False), today=DEMO_TODAY)
    fake = click(path)
    assert fake.app.alerts == []
    assert ", 0 fel, " in fake.values()[schema.OVERSIKT][STATUS]


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

    check_col = 1 + [c.key for c in schema.AVTAL_SHEET.columns].index("check")
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
    avtal.range((1, last)).value = None  # the book lacks Kontroll (the template's last column)
    for row in range(2, 5):
        avtal.range((row, last)).value = None
    click(fake, "kontrollera")
    cells = fake.values()[schema.AVTAL]
    assert cells[(1, last)] == "Kontroll"
    assert cells[(2, last)] == "OK"


# --- values reach Excel as they are -----------------------------------------------------------


def _small_book(tmp_path: Path) -> Path:
    path = tmp_path / "liten.xlsm"
    rows = [
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
    assert "Bladet Avtal saknas" in prompt and mode == "critical"
    assert fake.writes == [] and fake.values() == before


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on parts it does not model
@pytest.mark.parametrize("name", ["SimpleMacro.xlsm", "62629_target.xlsm"])
def test_excel_saved_books_without_avtal_get_the_finding_the_command_gives(
    name: str, tmp_path: Path
) -> None:
    path = Path(shutil.copy(CORPUS / name, tmp_path / name))
    fake = click(path)
    outcome = process(path, today=DEMO_TODAY, now=NOW, source=SOURCE)
    assert [f.message for f in outcome.findings] == ["Bladet Avtal saknas i arbetsboken."]
    ((_title, prompt, mode),) = fake.app.alerts
    assert prompt.endswith("\n\nBladet Avtal saknas i arbetsboken.") and mode == "critical"
    assert fake.writes == []


def test_an_unexpected_error_becomes_a_message_box(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("disken är full")

    monkeypatch.setattr(livebook, "apply_plan", broken)
    fake = click(book)
    ((title, prompt, mode),) = fake.app.alerts
    assert (title, mode) == ("Avtalsbok", "critical")
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


def test_visa_fel_without_fel_says_what_to_do(book: Path) -> None:
    fake = FakeBook.open(book)
    fake.sheets[schema.FEL].name = "Gamla fel"
    click(fake, "visa_fel")
    ((_title, prompt, mode),) = fake.app.alerts
    assert "Kontrollera" in prompt and mode == "info"


def test_skicka_rapport_says_it_is_not_available_yet(book: Path) -> None:
    fake = click(FakeBook.open(book), "skicka_rapport")
    ((_title, prompt, mode),) = fake.app.alerts
    assert "finns inte ännu" in prompt and mode == "info"
    assert fake.writes == []


def test_skapa_rapport_saves_the_overview_beside_the_book(book: Path) -> None:
    fake = click(FakeBook.open(book), "skapa_rapport")
    expected = book.with_name(f"avtalsbok – rapport {DEMO_TODAY.isoformat()}.xlsx")
    assert expected.exists()
    report = FakeBook.open(expected).values()
    assert list(report) == [schema.OVERSIKT]
    assert report[schema.OVERSIKT][(1, 1)] == "Översikt – avtalsbok"
    assert report[schema.OVERSIKT][(2, 2)] == datetime.combine(DEMO_TODAY, datetime.min.time())
    assert [w for w in fake.writes] == []  # the book itself is not touched
    ((_title, prompt, mode),) = fake.app.alerts
    assert str(expected) in prompt and "Fel" in prompt and mode == "info"

    click(fake, "skapa_rapport")
    assert expected.with_name(f"{expected.stem} (2).xlsx").exists()


def test_skapa_rapport_needs_a_saved_book(book: Path) -> None:
    fake = FakeBook.open(book)
    fake.fullname = "Bok1"
    click(fake, "skapa_rapport")
    ((_title, prompt, _mode),) = fake.app.alerts
    assert prompt.startswith("Spara avtalsboken i en mapp först")
    assert fake.app.books.added == []


# --- lean imports -------------------------------------------------------------------------------


def test_the_button_path_imports_nothing_heavy(book: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "book.pickle"
    snapshot.write_bytes(FakeBook.open(book).snapshot())
    code = (
        "import sys\n"
        "import avtalsbok.excel.handlers as h\n"
        "first = set(sys.modules)\n"
        "from fakexw import FakeBook\n"
        f"fake = FakeBook.from_snapshot(open({str(snapshot)!r}, 'rb').read())\n"
        "h.run_button('uppdatera', fake)\n"
        "heavy = ('xlwings', 'openpyxl', 'xlsxwriter', 'pydantic', 'numpy', 'pandas', 'rich')\n"
        "print(sorted({m.split('.')[0] for m in first} & set(heavy)))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
        "print(fake.values()['Översikt'][(4, 1)][:10])\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{root / 'tests'}"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env=env, check=True
    ).stdout.splitlines()
    assert out == ["[]", "['pydantic']", "Uppdaterad"]
