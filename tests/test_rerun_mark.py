"""The mark a run leaves in the book it writes: a same-day rerun of a book as the run left it is
neither read nor evaluated and says what a full run says; anything else is a full run (#14)."""

from __future__ import annotations

import io
import json
import os
import shutil
import warnings
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.packaging.custom import StringProperty

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.core.engine import evaluate
from avtalsbok.demo import DEMO_TODAY, MIN_CONTRACTS_WITH_MISTAKES, generate
from avtalsbok.ooxml import CellValue
from avtalsbok.workbook.lastrun import (
    MARK,
    SUMMARY_KEYS,
    last_run,
    mark_value,
    run_key,
    source_stamp,
)
from avtalsbok.workbook.reader import read_book
from avtalsbok.workbook.runner import process
from avtalsbok.workbook.template import build_workbook
from avtalsbok.workbook.writeback import write_cells


def properties(path: Path) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    return {p.name: p.value for p in book.custom_doc_props.props}


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book with the demo's planted mistakes, run once (and so marked)."""
    path = tmp_path_factory.mktemp("mark") / "avtal.xlsx"
    build_workbook(path, generate(MIN_CONTRACTS_WITH_MISTAKES), today=DEMO_TODAY)
    assert process(path, today=DEMO_TODAY).written
    return path


@pytest.fixture
def book(marked: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy2(marked, tmp_path / "avtal.xlsx"))


def test_a_same_day_rerun_is_not_evaluated_and_says_what_a_full_run_says(book: Path) -> None:
    again = process(book, today=DEMO_TODAY, reuse=True)
    full = process(book, today=DEMO_TODAY)
    assert again.result is None and again.recorded is not None and again.unchanged
    assert full.result is not None and full.unchanged
    assert again.errors > 0 and again.exit_code == full.exit_code == 1
    assert again.to_json() == full.to_json()


def test_the_cli_trusts_the_mark(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = book.read_bytes()
    code = main(["run", str(book), "--today", DEMO_TODAY.isoformat(), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report == process(book, today=DEMO_TODAY).to_json()
    main(["run", str(book), "--today", DEMO_TODAY.isoformat()])
    said = capsys.readouterr().out
    assert "Inget att uppdatera" in said and "prioritet 1/2/3" in said
    assert book.read_bytes() == before


def openpyxl_save(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        openpyxl.load_workbook(path).save(path)


@pytest.mark.parametrize(
    "change",
    [
        lambda p: write_cells(p, {"Avtal": {"B2": "Nytt namn"}}),  # another tool's write
        lambda p: write_cells(p, {"Instruktioner": {"A80": "anteckning"}}),  # no input sheet
        openpyxl_save,  # a save by another program
    ],
)
def test_a_book_saved_since_the_run_is_run_in_full(book: Path, change: Any) -> None:
    change(book)
    assert process(book, today=DEMO_TODAY, reuse=True).result is not None


def test_another_day_or_another_version_is_run_in_full(book: Path) -> None:
    assert last_run(book, run_key(DEMO_TODAY)) is not None
    assert last_run(book, run_key(DEMO_TODAY + timedelta(days=1))) is None
    assert last_run(book, run_key(None)) is None  # the real date, not --today's
    assert last_run(book, run_key(DEMO_TODAY).replace("avtalsbok ", "avtalsbok 9")) is None
    assert process(book, today=DEMO_TODAY + timedelta(days=1), reuse=True).result is not None
    stamp = run_key(DEMO_TODAY).split(";")[0].split()[-1]
    edited = run_key(DEMO_TODAY).replace(stamp, "0" * len(stamp))
    assert last_run(book, edited) is None  # same version number, other sources


def test_a_rule_edited_in_place_is_another_program(tmp_path: Path) -> None:
    """The stamp follows the sources, not only the version number a release sets."""
    rules = tmp_path / "core" / "tiers.py"
    rules.parent.mkdir()
    rules.write_text("SHARES = (10, 30, 60)\n")
    before = source_stamp(tmp_path)
    assert source_stamp(tmp_path) == before
    rules.write_text("SHARES = (10, 30, 61)\n")
    assert source_stamp(tmp_path) != before
    os.utime(rules, ns=(0, 0))
    assert source_stamp(tmp_path) not in (before, "")


def test_a_hand_edited_fel_sheet_is_no_record(book: Path) -> None:
    """Fel is read back only from the book as the run wrote it: edited, it is a full run."""
    write_cells(book, {schema.FEL: {"A2": "Avtal", "G2": "ändrat meddelande"}})
    outcome = process(book, today=DEMO_TODAY, reuse=True)
    assert outcome.result is not None
    assert "ändrat meddelande" not in {f.message for f in outcome.findings}


def test_only_the_custom_properties_changed_is_still_the_book_the_run_left(book: Path) -> None:
    """SharePoint and other tools add properties of their own: the mark's digest is of every
    other entry, so the book is still as the run left it, and the tool's property stays."""
    with zipfile.ZipFile(book) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    own = (
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="Dokumenttyp">'
        b"<vt:lpwstr>Avtalsregister</vt:lpwstr></property>"
    )
    custom = parts["docProps/custom.xml"]
    at = custom.rindex(b"</Properties>")
    parts["docProps/custom.xml"] = custom[:at] + own + custom[at:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    book.write_bytes(out.getvalue())
    assert process(book, today=DEMO_TODAY, reuse=True).result is None
    assert process(book, today=DEMO_TODAY + timedelta(days=1), reuse=True).written
    props = properties(book)
    assert props["Dokumenttyp"] == "Avtalsregister"
    assert props[MARK].startswith(f"{run_key(DEMO_TODAY + timedelta(days=1))}; delar ")


def test_the_officers_own_custom_properties_stay_beside_the_mark(tmp_path: Path) -> None:
    path = tmp_path / "egen.xlsx"
    build_workbook(path, generate(8, mistakes=False), today=DEMO_TODAY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    wb.custom_doc_props.append(StringProperty(name="Diarienummer", value="KS 2026/12"))
    wb.save(path)
    assert process(path, today=DEMO_TODAY).written
    assert process(path, today=DEMO_TODAY + timedelta(days=1)).written
    props = properties(path)
    assert props["Diarienummer"] == "KS 2026/12"
    assert props[MARK].startswith(f"{run_key(DEMO_TODAY + timedelta(days=1))}; delar ")
    assert list(props) == ["Diarienummer", MARK]


def test_the_mark_holds_every_summary_figure_within_excels_255_characters(book: Path) -> None:
    summary = evaluate(read_book(book), DEMO_TODAY).summary()
    assert list(summary) == list(SUMMARY_KEYS)
    widest: dict[str, Any] = {k: [999_999] * 3 if k == "tiers" else 999_999 for k in summary}
    widest["today"] = date(2026, 11, 2).isoformat()
    assert len(mark_value(run_key(None), widest)("f" * 32)) <= 255


def test_findings_of_every_value_type_are_told_again_as_they_were(tmp_path: Path) -> None:
    path = tmp_path / "värden.xlsx"
    build_workbook(path, generate(8, mistakes=False), today=DEMO_TODAY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        column = {c.value: c.column_letter for c in openpyxl.load_workbook(path)["Avtal"][1]}
    typed: dict[str, CellValue] = {
        "Sannolikhet (1-4)": 7,  # a number out of range
        "Årsvärde (kr)": -5.5,  # a negative amount
        "Uppsägningstid (mån)": 1e300,
        "Slutdatum": "snart",  # text where a date belongs
    }
    write_cells(
        path, {"Avtal": {f"{column[h]}{row}": v for row, (h, v) in enumerate(typed.items(), 2)}}
    )
    assert process(path, today=DEMO_TODAY).written
    again, full = process(path, today=DEMO_TODAY, reuse=True), process(path, today=DEMO_TODAY)
    assert again.result is None
    assert {f.code for f in full.findings} >= {"out-of-range", "negative-amount"}
    assert again.to_json() == full.to_json()


def test_a_run_that_replaced_a_value_typed_into_a_computed_column_is_not_marked(
    tmp_path: Path,
) -> None:
    """Its warning holds for the value it replaced: the next run finds the engine's own value
    and says nothing, so that run, not this one, is the one to tell again."""
    path = tmp_path / "inskrivet.xlsx"
    build_workbook(path, generate(8, mistakes=False), today=DEMO_TODAY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        column = {c.value: c.column_letter for c in openpyxl.load_workbook(path)["Avtal"][1]}
    write_cells(path, {"Avtal": {f"{column['Nästa uppföljning']}2": "snart"}})
    first = process(path, today=DEMO_TODAY, reuse=True)
    assert first.written and "typed-in-computed" in {f.code for f in first.findings}
    assert MARK not in properties(path)
    second = process(path, today=DEMO_TODAY, reuse=True)
    assert second.result is not None and second.written  # Kontroll and Fel lose the warning
    assert "typed-in-computed" not in {f.code for f in second.findings}
    third = process(path, today=DEMO_TODAY, reuse=True)
    assert third.result is None and third.unchanged
    assert third.to_json() == process(path, today=DEMO_TODAY).to_json()
