"""The daily run writes only what changed: a run that would change nothing leaves the book, its
bytes and its modification time as they were, and a run that changes something writes what a
run from scratch writes (issue #14)."""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.core.engine import evaluate
from avtalsbok.core.output import plan_writes
from avtalsbok.core.shown import same_shown
from avtalsbok.demo import DEMO_TODAY, generate
from avtalsbok.workbook import reader
from avtalsbok.workbook.lastrun import mark_value, run_key
from avtalsbok.workbook.reader import read_book
from avtalsbok.workbook.runner import NOTHING_TO_UPDATE, apply_plan, process
from avtalsbok.workbook.template import build_workbook, template_sheet
from avtalsbok.workbook.writeback import write_cells

MIDNIGHT = datetime.min.time()


def letter(header: str) -> str:
    """The column of `Avtal` in the template that has this header."""
    number = [c.header for c in template_sheet(schema.AVTAL).columns].index(header) + 1
    return openpyxl.utils.get_column_letter(number)


END, NEXT_FOLLOW_UP = letter("Slutdatum"), letter("Nästa uppföljning")
OPEN_DEVIATIONS, CHECK = letter("Öppna avvikelser"), letter("Kontroll")
INPUTS = [letter(c.header) for c in schema.AVTAL_SHEET.input_columns]


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def built(path: Path, contracts: int = 6, seed: int = 2026) -> Path:
    build_workbook(path, generate(contracts, seed=seed, mistakes=False), today=DEMO_TODAY)
    return path


def run(path: Path, today: date, now: datetime | None = None) -> Any:
    return process(path, today=today, now=now or datetime.combine(today, MIDNIGHT), source="t")


def from_scratch(path: Path, today: date) -> None:
    """A run that writes every computed cell and sheet, as runs did before issue #14, and
    marks the book as a run does."""
    book = read_book(path)
    result = evaluate(book, today, now=datetime.combine(today, MIDNIGHT), source="t")
    mark = mark_value(run_key(today), result.summary())
    apply_plan(path, plan_writes(book, result), mark=mark)


def cells(path: Path) -> dict[str, dict[str, Any]]:
    """Every sheet's cells that show something (an empty text shows as little as no value)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    return {
        ws.title: {
            c.coordinate: c.value
            for row in ws.iter_rows()
            for c in row
            if c.value not in (None, "")
        }
        for ws in book.worksheets
    }


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def planned(path: Path, today: date = DEMO_TODAY) -> Any:
    book = read_book(path)
    result = evaluate(book, today, now=datetime.combine(today, MIDNIGHT), source="t")
    return plan_writes(book, result, changes_only=True)


@pytest.fixture
def book_run(tmp_path: Path) -> Path:
    path = built(tmp_path / "avtal.xlsx")
    assert run(path, DEMO_TODAY).written
    return path


# --- a run that changes nothing writes nothing ------------------------------------------------


def test_a_second_run_on_the_same_day_leaves_the_file_its_bytes_and_its_time(
    book_run: Path,
) -> None:
    before = fingerprint(book_run)
    outcome = run(book_run, DEMO_TODAY)
    assert (outcome.written, outcome.unchanged, outcome.reason) == (False, True, NOTHING_TO_UPDATE)
    assert fingerprint(book_run) == before
    assert outcome.to_json()["summary"]["written"] is False
    assert outcome.to_json()["summary"]["reason"] == "Inget att uppdatera"


def test_the_cli_says_there_was_nothing_to_update(
    book_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["run", str(book_run), "--today", DEMO_TODAY.isoformat()])
    assert "Inget att uppdatera" in capsys.readouterr().out
    main(["run", str(book_run), "--today", DEMO_TODAY.isoformat(), "--json"])
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["written"], summary["reason"]) == (False, "Inget att uppdatera")


def test_a_batch_pass_over_unchanged_books_rewrites_none_and_counts_them_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for unit in ("Skola", "Vård"):
        (tmp_path / unit).mkdir()
        built(tmp_path / unit / "avtal.xlsx", seed=len(unit))
    args = ["batch", str(tmp_path), "--workers", "1", "--today", DEMO_TODAY.isoformat()]
    main([*args, "--json"])
    first = json.loads(capsys.readouterr().out)
    stamps = {p: fingerprint(p) for p in tmp_path.glob("*/avtal.xlsx")}
    main([*args, "--json"])
    second = json.loads(capsys.readouterr().out)
    assert (first["updated"], first["unchanged"]) == (2, 0)
    assert (second["updated"], second["unchanged"]) == (0, 2)
    assert {(i["written"], i["reason"]) for i in second["items"]} == {(False, NOTHING_TO_UPDATE)}
    assert {p: fingerprint(p) for p in stamps} == stamps
    main(args)
    assert "0 uppdaterade, 2 oförändrade" in capsys.readouterr().out


def test_the_time_stamp_alone_is_no_change_and_moves_when_the_figures_do(
    book_run: Path,
) -> None:
    def stamp() -> Any:
        return cells(book_run)["Översikt"]["B3"]

    first = stamp()
    later = datetime.combine(DEMO_TODAY, MIDNIGHT) + timedelta(hours=9)
    assert not run(book_run, DEMO_TODAY, now=later).written
    assert stamp() == first
    write_cells(book_run, {"Avtal": {f"{END}2": date(2020, 1, 31)}})  # one contract fewer active
    assert run(book_run, DEMO_TODAY, now=later).written
    assert stamp() == later


# --- equality is what the officer sees --------------------------------------------------------


def test_a_date_stored_as_a_serial_with_a_date_format_is_the_same_date(book_run: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(book_run)
    ws = wb["Avtal"]
    row = next(r for r in range(2, ws.max_row + 1) if ws[f"{NEXT_FOLLOW_UP}{r}"].value)
    cell = ws[f"{NEXT_FOLLOW_UP}{row}"]
    serial = (cell.value - datetime(1899, 12, 30)).days
    cell.value, cell.number_format = serial, "d mmm yyyy"  # a serial, shown as a date
    wb.save(book_run)
    assert "Avtal" not in planned(book_run).cells


@pytest.mark.parametrize(
    ("sheet", "typed", "changed"),
    [
        ("Uppföljningsplan", None, False),  # as the last run wrote it
        ("Uppföljningsplan", "egen anteckning", True),  # typed into a regenerated sheet
        ("Utvärdering", "egen anteckning", True),
        ("Fel", "egen anteckning", True),
        ("Stickprov", "egen anteckning", True),
        ("Översikt", "egen anteckning", True),
    ],
)
def test_a_regenerated_sheet_is_compared_by_what_it_shows(
    book_run: Path, sheet: str, typed: Any, changed: bool
) -> None:
    if typed is not None:
        write_cells(book_run, {sheet: {"A40": typed}})
    plan = planned(book_run)
    assert (sheet in plan.replace) is changed
    assert set(plan.replace) <= {sheet}


def test_a_large_regenerated_sheet_is_not_read_and_still_not_rewritten_when_unchanged(
    book_run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_xml = entries(book_run)["xl/worksheets/sheet6.xml"]  # the template's sixth sheet
    assert "Dagar försenad".encode() in plan_xml
    monkeypatch.setattr(reader, "MAX_SHOWN_BYTES", len(plan_xml) - 1)
    assert schema.UPPFOLJNINGSPLAN not in read_book(book_run).shown
    assert schema.UPPFOLJNINGSPLAN in planned(book_run).replace  # not read: planned in full
    before = fingerprint(book_run)
    assert not run(book_run, DEMO_TODAY).written  # the writer finds every row as it was
    assert fingerprint(book_run) == before
    monkeypatch.setattr(reader, "MAX_SHOWN_BYTES", len(plan_xml))
    assert schema.UPPFOLJNINGSPLAN in read_book(book_run).shown


@pytest.mark.parametrize(
    ("typed", "changed"),
    [
        ("1", True),  # text is not the number it reads as
        (None, True),  # the officer cleared it
        ("egen anteckning", True),  # the officer typed into a computed column
        (1.0, False),  # the same number, stored as a float
    ],
)
def test_a_computed_cell_is_a_change_unless_it_shows_the_same(
    book_run: Path, typed: Any, changed: bool
) -> None:
    write_cells(book_run, {"Avtal": {f"{OPEN_DEVIATIONS}2": 1}})
    assert planned(book_run).cells["Avtal"][f"{OPEN_DEVIATIONS}2"] == 0
    run(book_run, DEMO_TODAY)  # back to what the engine computes: 0
    write_cells(book_run, {"Avtal": {f"{OPEN_DEVIATIONS}2": 0 if typed == 1.0 else typed}})
    plan = planned(book_run)
    assert (f"{OPEN_DEVIATIONS}2" in plan.cells.get("Avtal", {})) is changed
    run(book_run, DEMO_TODAY)
    assert cells(book_run)["Avtal"][f"{OPEN_DEVIATIONS}2"] == 0


def test_the_equality_rules_cell_by_cell() -> None:
    day = date(2026, 11, 2)
    assert same_shown(day, day)
    assert same_shown(datetime(2026, 11, 2), day)  # a date-time format at midnight
    assert not same_shown(datetime(2026, 11, 2, 9), day)
    assert same_shown(1.0, 1) and not same_shown("1", 1) and not same_shown(1, "1")
    assert not same_shown(True, 1) and not same_shown(1.0, True) and same_shown(True, True)
    assert same_shown(None, None) and same_shown(None, "") and not same_shown("  ", None)
    assert not same_shown(None, 0) and not same_shown(0, None)
    assert not same_shown("OK ", "OK") and not same_shown(46000.0, day)


def test_a_log_row_is_always_written(book_run: Path) -> None:
    contract = cells(book_run)["Avtal"]["A2"]
    deviation = {"A": "AVV-NY-1", "B": contract, "C": DEMO_TODAY, "F": "Mindre", "I": "Öppen"}
    write_cells(book_run, {"Avvikelser": {f"{c}40": v for c, v in deviation.items()}})
    outcome = run(book_run, DEMO_TODAY)
    assert outcome.written
    assert outcome.result is not None
    assert [r.deviation_id for r in outcome.result.log_rows] == ["AVV-NY-1"]
    logged = cells(book_run)["Händelselogg"]
    assert "AVV-NY-1" in logged.values()
    assert not run(book_run, DEMO_TODAY).written  # registered once: nothing new to log


# --- the incremental run writes what a run from scratch writes --------------------------------

EDITS = st.sampled_from(["nothing", "input", "add", "remove", "by-hand", "cleared"])


def edit(path: Path, kind: str, data: st.DataObject) -> None:
    """What the officer does between two runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        last = openpyxl.load_workbook(path, read_only=True)["Avtal"].max_row
    row = data.draw(st.integers(2, last), label="row")
    if kind == "input":
        column = data.draw(st.sampled_from([END, letter("Årsvärde (kr)")]), label="column")
        # A plain new end date or value, or text where a date or an amount belongs.
        values = [date(2027, 1, 31), date(2026, 11, 20)] if column == END else [5, 1_000_000]
        value = data.draw(st.sampled_from([*values, "x"]), label="value")
        write_cells(path, {"Avtal": {f"{column}{row}": value}})
    elif kind == "add":
        first = generate(1, seed=data.draw(st.integers(0, 99), label="seed"), mistakes=False)
        record = first["Avtal"][0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            headers = [c.value for c in openpyxl.load_workbook(path)["Avtal"][1]]
        new = {
            f"{openpyxl.utils.get_column_letter(i)}{last + 1}": record[h]
            for i, h in enumerate(headers, 1)
            if h in record and record[h] is not None
        }
        new[f"A{last + 1}"] = "AV-NY-0001"
        write_cells(path, {"Avtal": new})
    elif kind == "remove":
        write_cells(path, {"Avtal": {f"{c}{last}": None for c in INPUTS}})
    elif kind == "by-hand":
        write_cells(path, {"Avtal": {f"{CHECK}{row}": "ändrad för hand"}})
    elif kind == "cleared":
        write_cells(path, {"Avtal": {f"{NEXT_FOLLOW_UP}{row}": None, f"{CHECK}{row}": None}})


# Each example builds and runs books (about a second): few examples, and no shrinking.
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(
    contracts=st.integers(2, 8),
    seed=st.integers(0, 500),
    kind=EDITS,
    days=st.sampled_from([0, 1, 40]),
    data=st.data(),
)
def test_an_incremental_run_writes_what_a_run_from_scratch_writes(
    tmp_path_factory: pytest.TempPathFactory,
    contracts: int,
    seed: int,
    kind: str,
    days: int,
    data: st.DataObject,
) -> None:
    folder = tmp_path_factory.mktemp("bok")
    source = built(folder / "bok.xlsx", contracts, seed)
    run(source, DEMO_TODAY)
    edit(source, kind, data)
    incremental, scratch = folder / "inkrementell.xlsx", folder / "fran-grunden.xlsx"
    shutil.copy2(source, incremental)
    shutil.copy2(source, scratch)
    before = fingerprint(incremental)
    today = DEMO_TODAY + timedelta(days=days)

    outcome = run(incremental, today)
    from_scratch(scratch, today)

    assert cells(incremental) == cells(scratch)
    old, new, full = entries(source), entries(incremental), entries(scratch)
    assert set(new) == set(full)
    # Every part the run does not own (what a run from scratch leaves) is byte for byte the same.
    for name in old:
        if old[name] == full[name]:
            assert new[name] == old[name], name
    if outcome.written:
        assert fingerprint(incremental) != before
    else:
        assert fingerprint(incremental) == before
        assert kind == "nothing" or days == 0
