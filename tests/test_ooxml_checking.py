"""The check of each new part and of the saved file: nothing unsound replaces the book."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest
from ooxmlbooks import SOUND, ProductStore, editor_of, packed, plain_book

from avtalsbok.ooxml import CheckHere, OoxmlError, WorkbookEditor, partcheck
from avtalsbok.ooxml.packing import Blob
from avtalsbok.workbook.writeback import BOOK_FILE


@pytest.mark.parametrize(
    ("name", "text", "spoil", "expected"),
    [
        ("xl/worksheets/sheet1.xml", SOUND, None, None),
        ("xl/media/image1.png", b"\x89PNG not xml", None, None),
        ("xl/worksheets/sheet1.xml", SOUND.replace(b"</sheetData>", b""), None, "part-bad-xml"),
        ("_rels/.rels", b"<Relationships><Relationship Id='a'>", None, "part-bad-xml"),
        ("xl/worksheets/sheet1.xml", SOUND, "crc", "part-damaged"),
        ("xl/worksheets/sheet1.xml", SOUND, "cut", "part-truncated"),
        ("xl/worksheets/sheet1.xml", SOUND, "noise", "part-unpackable"),
    ],
)
def test_a_new_part_must_unpack_to_sound_xml_with_its_checksum(
    name: str, text: bytes, spoil: str | None, expected: str | None
) -> None:
    stream, crc, size = packed(text)
    if spoil == "crc":
        crc ^= 1
    elif spoil == "cut":
        stream = stream[: len(stream) // 2]
    elif spoil == "noise":
        stream = b"\xff" * 40
    found = partcheck.problem(name, partcheck.pieces(stream), zipfile.ZIP_DEFLATED, crc, size)
    assert (found[:2] if found else None) == ((expected, name) if expected else None)


def test_the_check_here_names_the_first_bad_part() -> None:
    checker = CheckHere()
    good = Blob(*packed(SOUND), zipfile.ZIP_DEFLATED)
    bad = Blob(*packed(b"<a><b></a>"), zipfile.ZIP_DEFLATED)
    checker.check("xl/worksheets/sheet1.xml", good)
    checker.check("xl/worksheets/sheet2.xml", bad)
    checker.check("xl/worksheets/sheet3.xml", bad)
    with pytest.raises(OoxmlError) as caught:
        checker.result()
    assert (caught.value.code, caught.value.details["part"]) == (
        "part-bad-xml",
        "xl/worksheets/sheet2.xml",
    )
    fine = CheckHere()
    fine.check("xl/worksheets/sheet1.xml", good)
    fine.result()


class Spoiling:
    """The part check, but each new sheet part reaches it with a stray tag in its XML, as a
    rendering mistake would leave it."""

    def __init__(self) -> None:
        self.checker = CheckHere()

    def check(self, name: str, blob: Blob) -> None:
        if "worksheets/" in name:
            stream, crc, size = packed(zlib.decompress(blob.stream, -15) + b"<x>")
            blob = Blob(stream, crc, size, blob.method)
        self.checker.check(name, blob)

    def result(self) -> None:
        self.checker.result()

    def stop(self) -> None:
        self.checker.stop()


def test_a_part_that_fails_its_check_never_reaches_the_book(tmp_path: Path) -> None:
    book = plain_book(tmp_path / "bok.xlsx")
    before = book.read_bytes()
    editor = editor_of(book)
    editor.set_cells("Blad1", {"D2": "ny"})
    with pytest.raises(OoxmlError, match="malformed XML"):
        editor.save(Spoiling())
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bok.xlsx"]


class DamagedOnTheWay(ProductStore):
    """The product's book file, but one entry's stream changes on its way to the disk."""

    def __init__(self, entry: str) -> None:
        self.entry = entry

    def replace(
        self, path: Path, write: Callable[[BinaryIO], None], verify: Callable[[Path], None]
    ) -> None:
        def spoiled(out: BinaryIO) -> None:
            written = io.BytesIO()
            write(written)
            data = bytearray(written.getvalue())
            with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
                info = archive.getinfo(self.entry)
            name_length, extra_length = (
                int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little"),
                int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little"),
            )
            last = info.header_offset + 30 + name_length + extra_length + info.compress_size - 1
            data[last] ^= 0xFF
            out.write(data)

        BOOK_FILE.replace(path, spoiled, verify)


@pytest.mark.parametrize("entry", ["xl/styles.xml", "xl/worksheets/sheet1.xml"])
def test_a_saved_file_that_differs_from_what_was_packed_is_not_used(
    tmp_path: Path, entry: str
) -> None:
    # A copied part (styles) or a new one (the sheet) changed on its way to the disk.
    book = plain_book(tmp_path / "bok.xlsx")
    before = book.read_bytes()
    editor = WorkbookEditor(book, store=DamagedOnTheWay(entry))
    editor.set_cells("Blad1", {"D2": "ny"})
    with pytest.raises(OoxmlError) as caught:
        editor.save()
    assert (caught.value.code, caught.value.details["part"]) == ("part-damaged", entry)
    assert book.read_bytes() == before


def test_the_helper_answers_once_for_all_parts_and_notices_a_cut_off_part() -> None:
    stream, crc, size = packed(SOUND)
    part_bytes = partcheck.frame("a.xml", stream, 8, crc, size) + stream
    answers = []
    for feed in (part_bytes * 3, part_bytes + part_bytes[:-5]):
        answer = io.BytesIO()
        partcheck.serve(io.BytesIO(feed), answer)
        answers.append(partcheck.read_answer(answer.getvalue()))
    assert answers == [None, ("check-cut-off", "a.xml", "")]
