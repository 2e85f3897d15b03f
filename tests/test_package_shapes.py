"""Books whose zip or sheets can be read two ways (issue 11, items 1, 4, 5 and 6): each is one
Swedish book-level message with exit 2 from `check`, `run`, `run --json` and `batch`, never a
traceback, and the book keeps every byte and its modification time."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from avtalsbok.cli import main
from avtalsbok.demo import DEMO_TODAY, generate
from avtalsbok.ooxml import OoxmlError
from avtalsbok.ooxml.package import Package
from avtalsbok.workbook.atomic import WriteError
from avtalsbok.workbook.template import build_workbook
from avtalsbok.workbook.writeback import open_book

TODAY = "2026-11-02"
AVTAL = "xl/worksheets/sheet3.xml"  # the template's Avtal sheet
FEL = "xl/worksheets/sheet9.xml"  # the template's Fel sheet (after Stickprov)
EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)
Change = Callable[[str, bytes], bytes | None]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mall") / "avtal.xlsx"
    build_workbook(path, generate(60, mistakes=False), today=DEMO_TODAY)
    return path


def mutant(
    template: Path,
    path: Path,
    change: Change = lambda _, data: data,
    extra: tuple[tuple[str, bytes], ...] = (),
    methods: dict[str, int] | None = None,
) -> Path:
    """The template rewritten entry by entry: `change` each entry (None drops it), `extra`
    entries appended, `methods` to pack some entries with."""
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w") as out,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate names it writes
        for info in source.infolist():
            data = change(info.filename, source.read(info))
            if data is not None:
                method = (methods or {}).get(info.filename, zipfile.ZIP_DEFLATED)
                out.writestr(info.filename, data, compress_type=method)
        for name, data in extra:
            out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def relabel_method(path: Path, part: str, method: int) -> None:
    """Say in both headers of `part` that it is packed with `method` (its bytes unchanged)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        struct.pack_into("<H", data, z.getinfo(part).header_offset + 8, method)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == part.encode():
            struct.pack_into("<H", data, at + 10, method)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def state(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def strict_json(text: str) -> dict[str, Any]:
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    document: dict[str, Any] = json.loads(text, parse_constant=refuse)
    return document


def refused_by_every_command(book: Path, code: str, text: str) -> None:
    """`check`, `run` and `run --json` each give exit 2 and the one finding `code` (its message
    holding `text`); the book is untouched."""
    before = state(book)
    for command in ("check", "run"):
        out = io.StringIO()
        assert main([command, str(book), "--today", TODAY], out=out) == 2
        assert f"({code})" in out.getvalue() and text in out.getvalue()
        out = io.StringIO()
        assert main([command, str(book), "--today", TODAY, "--json"], out=out) == 2
        report = strict_json(out.getvalue())
        assert report["ok"] is False and report["summary"]["written"] is False
        errors = [f for f in report["findings"] if f["level"] == "error"]
        assert [f["code"] for f in errors] == [code] and text in errors[0]["message"]
    assert state(book) == before


# --- item 1: duplicate zip entries ----------------------------------------------------------


@pytest.mark.parametrize(
    "second", [AVTAL, AVTAL.upper(), AVTAL.replace("/", "\\")], ids=["same", "case", "backslash"]
)
def test_item1_duplicate_zip_entries_make_the_book_unusable_and_nothing_is_written(
    template: Path, tmp_path: Path, second: str
) -> None:
    # The full Avtal first, an empty one second: the readers in the field disagree on which.
    book = mutant(template, tmp_path / "avtal.xlsx", extra=((second, EMPTY_SHEET),))
    refused_by_every_command(book, "file-unsafe-zip", f"delen {second} finns två gånger")


def test_item1_the_writer_refuses_a_duplicate_entry_where_it_opens_the_book(
    template: Path, tmp_path: Path
) -> None:
    book = mutant(template, tmp_path / "avtal.xlsx", extra=((AVTAL, EMPTY_SHEET),))
    before = state(book)
    with pytest.raises(WriteError, match=f"delen {AVTAL} finns två gånger"):
        open_book(book)
    assert state(book) == before


def _override_twice(name: str, data: bytes) -> bytes:
    if name != "[Content_Types].xml":
        return data
    twice = b'<Override PartName="/XL/worksheets/sheet3.xml" ContentType="application/xml"/>'
    return data.replace(b"</Types>", twice + b"</Types>")


def _default_twice(name: str, data: bytes) -> bytes:
    if name != "[Content_Types].xml":
        return data
    return data.replace(b"</Types>", b'<Default Extension="XML" ContentType="text/xml"/></Types>')


def _avtal_twice(name: str, data: bytes) -> bytes:
    if name != "xl/workbook.xml":
        return data
    return data.replace(b"</sheets>", b'<sheet name="Kopia" sheetId="99" r:id="rId3"/></sheets>')


def _table_twice(name: str, data: bytes) -> bytes:
    if name != "xl/worksheets/_rels/sheet4.xml.rels":
        return data
    relationship = (
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/table" Target="../tables/table1.xml"/>'
    )
    return data.replace(b"</Relationships>", relationship + b"</Relationships>")


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (_override_twice, "/XL/worksheets/sheet3.xml har två innehållstyper"),
        (_default_twice, "*.XML har två innehållstyper"),
        (_avtal_twice, f"bladen Avtal och Kopia är samma del {AVTAL}"),
        (_table_twice, "tabellen xl/tables/table1.xml hör till två blad"),
    ],
    ids=["override-twice", "default-twice", "two-sheets-one-part", "two-sheets-one-table"],
)
def test_item1_the_other_ambiguous_package_shapes_are_refused(
    template: Path, tmp_path: Path, change: Change, text: str
) -> None:
    book = mutant(template, tmp_path / "avtal.xlsx", change)
    refused_by_every_command(book, "file-unsafe-zip", text)


def test_item1_an_override_beside_its_extensions_default_is_one_reading(template: Path) -> None:
    from avtalsbok.ooxml.packagecheck import check_package

    with zipfile.ZipFile(template) as archive:
        types = archive.read("[Content_Types].xml").decode()
        assert '<Default Extension="xml"' in types and 'PartName="/xl/workbook.xml"' in types
        check_package(Package(archive))  # accepted: the Override wins, by the standard


def test_item1_a_lone_backslash_name_is_found_as_calamine_finds_it(
    template: Path, tmp_path: Path
) -> None:
    def backslashed(name: str, data: bytes) -> bytes | None:
        return None if name == AVTAL else data

    with zipfile.ZipFile(template) as source:
        avtal = source.read(AVTAL)
    book = mutant(
        template, tmp_path / "avtal.xlsx", backslashed, ((r"xl\worksheets\sheet3.xml", avtal),)
    )
    out = io.StringIO()
    assert main(["run", str(book), "--today", TODAY, "--json"], out=out) == 0
    assert strict_json(out.getvalue())["summary"]["contracts"] == 60
    with zipfile.ZipFile(book) as saved:
        assert [i.filename for i in saved.infolist()].count(r"xl\worksheets\sheet3.xml") == 1
        assert b"<is><t>OK</t></is>" in saved.read(r"xl\worksheets\sheet3.xml")


# --- item 4: a compression method Excel cannot unpack ---------------------------------------


@pytest.mark.parametrize(
    ("part", "method", "named"),
    [
        (AVTAL, zipfile.ZIP_LZMA, "14 (LZMA)"),
        ("docProps/app.xml", zipfile.ZIP_LZMA, "14 (LZMA)"),
        ("docProps/app.xml", zipfile.ZIP_BZIP2, "12 (BZIP2)"),
        ("docProps/app.xml", 6, "6"),  # Implode: unknown to zipfile as well
    ],
    ids=["lzma-avtal", "lzma-app", "bzip2-app", "implode-app"],
)
def test_item4_an_unsupported_zip_method_is_a_book_level_message_also_in_json(
    template: Path, tmp_path: Path, part: str, method: int, named: str
) -> None:
    book = tmp_path / "avtal.xlsx"
    if method == 6:
        relabel_method(mutant(template, book), part, method)
    else:
        mutant(template, book, methods={part: method})
    text = f"delen {part} är packad med komprimeringsmetod {named}, som Excel inte kan packa upp"
    refused_by_every_command(book, "file-unsafe-zip", text)


# --- item 5: a computed sheet that is a chart sheet or has no part --------------------------


_CHARTSHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?><chartsheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews>'
    b'<sheetView workbookViewId="0"/></sheetViews></chartsheet>'
)


def _fel_as_chart_sheet(name: str, data: bytes) -> bytes | None:
    if name in (FEL, "xl/worksheets/_rels/sheet9.xml.rels"):
        return None
    if name == "xl/_rels/workbook.xml.rels":
        return re.sub(
            rb'relationships/worksheet" Target="worksheets/sheet9.xml"',
            b'relationships/chartsheet" Target="chartsheets/sheet1.xml"',
            data,
        )
    if name == "[Content_Types].xml":
        return data.replace(
            b'"/xl/worksheets/sheet9.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.worksheet+xml"',
            b'"/xl/chartsheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.chartsheet+xml"',
        )
    return data


def test_item5_a_computed_sheet_that_is_a_chart_sheet_is_a_finding_naming_it(
    template: Path, tmp_path: Path
) -> None:
    extra = (("xl/chartsheets/sheet1.xml", _CHARTSHEET),)
    book = mutant(template, tmp_path / "avtal.xlsx", _fel_as_chart_sheet, extra)
    refused_by_every_command(
        book, "sheet-not-worksheet", "Bladet Fel kan inte användas: det är ett diagramblad"
    )


def test_item5_a_computed_sheet_without_its_part_is_a_finding_naming_it(
    template: Path, tmp_path: Path
) -> None:
    book = mutant(template, tmp_path / "avtal.xlsx", lambda n, d: None if n == FEL else d)
    refused_by_every_command(
        book, "sheet-not-worksheet", "Bladet Fel kan inte användas: dess innehåll saknas"
    )


def test_item5_the_writer_adds_no_sheet_in_place_of_a_chart_sheet(
    template: Path, tmp_path: Path
) -> None:
    extra = (("xl/chartsheets/sheet1.xml", _CHARTSHEET),)
    book = mutant(template, tmp_path / "avtal.xlsx", _fel_as_chart_sheet, extra)
    with pytest.raises(OoxmlError) as refused:
        open_book(book).add_sheet("Fel")
    assert (refused.value.code, refused.value.details) == ("not-a-worksheet", {"sheet": "Fel"})


# --- item 6: a table range beyond the sheet -------------------------------------------------


def test_item6_a_table_range_beyond_the_sheet_is_a_finding_and_nothing_is_written(
    template: Path, tmp_path: Path
) -> None:
    def beyond(name: str, data: bytes) -> bytes:
        if name != "xl/tables/table1.xml":  # the table on Avtal
            return data
        return re.sub(rb' ref="[^"]*"', b' ref="A1:XFD1048577"', data, count=1)

    book = mutant(template, tmp_path / "avtal.xlsx", beyond)
    before = state(book)
    assert main(["check", str(book), "--today", TODAY], out=io.StringIO()) == 0
    for args in (["run", str(book)], ["run", str(book), "--json"]):
        out = io.StringIO()
        assert main([*args, "--today", TODAY], out=out) == 2
        text = "tabellen Avtal (xl/tables/table1.xml) når utanför bladet (A1:XFD1048577)"
        assert text in out.getvalue()
    report = strict_json(out.getvalue())
    assert report["ok"] is False and report["summary"]["written"] is False
    assert [f["code"] for f in report["findings"] if f["level"] == "error"] == ["write-failed"]
    assert state(book) == before


# --- every item through batch ---------------------------------------------------------------


def test_items_1_4_5_6_batch_names_each_refused_book_and_writes_none(
    template: Path, tmp_path: Path
) -> None:
    drive = tmp_path / "enheter"
    drive.mkdir()
    mutant(template, drive / "dubblett.xlsx", extra=((AVTAL, EMPTY_SHEET),))
    mutant(template, drive / "lzma.xlsx", methods={AVTAL: zipfile.ZIP_LZMA})
    extra = (("xl/chartsheets/sheet1.xml", _CHARTSHEET),)
    mutant(template, drive / "diagram.xlsx", _fel_as_chart_sheet, extra)

    def beyond(name: str, data: bytes) -> bytes:
        if name != "xl/tables/table1.xml":
            return data
        return re.sub(rb' ref="[^"]*"', b' ref="A1:XFD1048577"', data, count=1)

    mutant(template, drive / "tabell.xlsx", beyond)
    before = {p.name: state(p) for p in drive.iterdir()}
    out = io.StringIO()
    code = main(["batch", str(drive), "--today", TODAY, "--workers", "1", "--json"], out=out)
    summary = strict_json(out.getvalue())
    assert code == 1  # the batch ran; its books are named (as for every unreadable book)
    items = {Path(i["book"]).name: (i["status"], i["written"]) for i in summary["items"]}
    assert items == {
        "dubblett.xlsx": ("unreadable", False),
        "lzma.xlsx": ("unreadable", False),
        "diagram.xlsx": ("unreadable", False),
        "tabell.xlsx": ("errors", False),
    }
    problems = {Path(i["book"]).name: i["problem"] for i in summary["items"]}
    assert "finns två gånger" in problems["dubblett.xlsx"]
    assert "(LZMA)" in problems["lzma.xlsx"] and "diagramblad" in problems["diagram.xlsx"]
    assert "når utanför bladet" in problems["tabell.xlsx"]
    assert {p.name: state(p) for p in drive.iterdir()} == before
