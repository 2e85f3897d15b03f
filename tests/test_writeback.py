"""Writing into an officer's book: file-format errors read in Swedish, large saves have their
parts checked in a helper process, and the book on disk is reached as `atomic` reaches it."""

from __future__ import annotations

import re
import string
import zipfile
from pathlib import Path

import pytest
from ooxmlbooks import SOUND, packed, plain_book

from avtalsbok.ooxml import MESSAGES, CheckHere, OoxmlError
from avtalsbok.ooxml.packing import Blob
from avtalsbok.workbook.atomic import WriteError
from avtalsbok.workbook.checkhelper import CHECK_BESIDE_FROM, HelperChecker, part_checker
from avtalsbok.workbook.writeback import (
    SWEDISH,
    in_swedish,
    open_book,
    swedish_errors,
    write_cells,
)


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_file_format_error_has_its_swedish_sentence_with_the_same_details() -> None:
    assert SWEDISH.keys() == MESSAGES.keys()
    assert {code: fields(SWEDISH[code]) for code in SWEDISH} == {
        code: fields(MESSAGES[code]) for code in MESSAGES
    }


def test_a_file_format_error_reaches_the_officer_in_swedish(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    with pytest.raises(WriteError) as caught, swedish_errors():
        open_book(book).set_cells("Saknas", {"A1": 1})
    write_cells(book, {"Ny": {"A1": "skrivs"}})
    error = in_swedish(OoxmlError("table-totals-row", table="Avtal", sheet="Avtal"))
    assert error.reason == (
        "tabellen Avtal på bladet Avtal har en summarad; ta bort den så att raderna kan skrivas"
    )
    assert error.code == "write-failed"
    assert caught.value.reason == "bladet Saknas finns inte i arbetsboken"
    assert open_book(book).sheet_names == ["Blad1", "Ny"]


def test_a_file_that_is_no_workbook_is_a_write_error(tmp_path: Path) -> None:
    text = tmp_path / "bok.xlsx"
    text.write_text("Avtals-ID;Namn\n", encoding="utf-8")
    with pytest.raises(WriteError) as caught:
        open_book(text)
    assert caught.value.code == "write-failed"
    assert caught.value.reason.startswith("filen kan inte öppnas som arbetsbok")


def blob(text: bytes) -> Blob:
    return Blob(*packed(text), zipfile.ZIP_DEFLATED)


def test_large_saves_are_checked_beside_and_small_ones_here() -> None:
    beside = part_checker(CHECK_BESIDE_FROM)
    here = part_checker(CHECK_BESIDE_FROM - 1)
    beside.stop()
    assert (type(beside), type(here)) == (HelperChecker, CheckHere)


def test_the_helper_names_the_first_bad_part() -> None:
    checker = HelperChecker()
    checker.check("xl/worksheets/sheet1.xml", blob(SOUND))
    checker.check("xl/worksheets/sheet2.xml", blob(b"<a><b></a>"))
    checker.check("xl/worksheets/sheet3.xml", blob(b"<a><b></a>"))
    with pytest.raises(OoxmlError) as caught:
        checker.result()
    assert (caught.value.code, caught.value.details["part"]) == (
        "part-bad-xml",
        "xl/worksheets/sheet2.xml",
    )
    fine = HelperChecker()
    fine.check("xl/worksheets/sheet1.xml", blob(SOUND))
    fine.result()


def test_a_helper_that_dies_fails_the_save_safely(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[object] = []
    real_popen = __import__("subprocess").Popen

    def popen(*args: object, **kwargs: object) -> object:
        helper = real_popen(*args, **kwargs)
        started.append(helper)
        return helper

    monkeypatch.setattr("subprocess.Popen", popen)
    checker = HelperChecker()
    helper = started[0]
    helper.kill()  # type: ignore[attr-defined]
    helper.wait()  # type: ignore[attr-defined]
    checker.check("xl/worksheets/sheet1.xml", blob(SOUND))
    with pytest.raises(OoxmlError) as caught:
        checker.result()
    assert caught.value.code == "check-lost"
    assert re.search("avbröts", in_swedish(caught.value).reason)


def test_a_sheet_used_to_its_last_column_gets_a_swedish_message_from_run(tmp_path: Path) -> None:
    """An officer's Avtal with a value out near XFD: the computed columns do not fit to the right
    of it, so `run` says so and writes nothing (it raised a ValueError before)."""
    import hashlib
    import json

    import openpyxl

    from avtalsbok.cli import main

    book = tmp_path / "bok.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Avtal"
    headers = ["Avtals-ID", "Avtalsnamn", "Leverantör", "Startdatum", "Slutdatum"]
    for col, header in enumerate(headers, start=1):
        ws.cell(row=1, column=col, value=header)
    for col, value in enumerate(["AV-1", "Städ", "Städ AB"], start=1):
        ws.cell(row=2, column=col, value=value)
    ws.cell(row=2, column=16380, value="anteckning")
    wb.save(book)
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    out = tmp_path / "out.json"
    with out.open("w") as stream:
        code = main(["run", str(book), "--today", "2026-12-01", "--json"], stream)
    assert code == 2
    found = json.loads(out.read_text())
    assert [f["code"] for f in found["findings"] if f["code"] == "write-failed"] == ["write-failed"]
    assert "utanför bladet" in json.dumps(found, ensure_ascii=False)
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before
