"""Atomic save and lock detection: the officer's book survives any failure, open books are left."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import BinaryIO

import openpyxl
import pytest
import xlsxwriter

from avtalsbok.workbook import atomic
from avtalsbok.workbook.atomic import (
    OPEN_IN_PROGRAM,
    UNKNOWN_OWNER,
    WriteError,
    atomic_replace,
    is_temp_file,
    owner_of,
)
from avtalsbok.workbook.writeback import open_book

CHILD = Path(__file__).with_name("atomic_child.py")


def excel_owner_file(name: str) -> bytes:
    """An Excel owner file `~$book.xlsx` as Excel writes it (165 bytes, see atomic.py)."""
    data = bytearray(b" " * 165)
    ansi = name.encode("cp1252", errors="replace")
    data[0] = len(ansi)
    data[1 : 1 + len(ansi)] = ansi
    data[55:57] = len(name).to_bytes(2, "little")
    utf16 = name.encode("utf-16-le")
    data[57 : 57 + len(utf16)] = utf16
    return bytes(data)


def small_book(path: Path, rows: int = 3) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Avtal")
    sheet.write_row(0, 0, ["Avtals-ID", "Värde", "Kontroll"])
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [f"A{r}", r, "Ej kontrollerad"])
    workbook.close()
    return path


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- atomic_replace --------------------------------------------------------------------------


def test_replace_writes_new_content_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "bok.xlsx"
    target.write_bytes(b"gammalt")
    target.chmod(0o640)
    atomic_replace(target, lambda out: out.write(b"nytt"))
    assert target.read_bytes() == b"nytt"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert files_in(tmp_path) == ["bok.xlsx"]


def test_failed_verification_leaves_original_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "bok.xlsx"
    target.write_bytes(b"gammalt")

    def refuse(tmp: Path) -> None:
        assert is_temp_file(tmp) and tmp.read_bytes() == b"nytt"
        raise WriteError("kontrollen underkände filen")

    with pytest.raises(WriteError, match="kontrollen underkände filen"):
        atomic_replace(target, lambda out: out.write(b"nytt"), refuse)
    assert target.read_bytes() == b"gammalt"
    assert files_in(tmp_path) == ["bok.xlsx"]


def test_failing_writer_leaves_original(tmp_path: Path) -> None:
    target = tmp_path / "bok.xlsx"
    target.write_bytes(b"gammalt")

    def crash(out: BinaryIO) -> None:
        out.write(b"halv")
        raise RuntimeError("programfel")

    with pytest.raises(RuntimeError):
        atomic_replace(target, crash)
    assert target.read_bytes() == b"gammalt"
    assert files_in(tmp_path) == ["bok.xlsx"]


def test_full_disk_is_a_write_error_in_swedish(tmp_path: Path) -> None:
    target = tmp_path / "bok.xlsx"
    target.write_bytes(b"gammalt")

    def disk_full(out: BinaryIO) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(WriteError) as caught:
        atomic_replace(target, disk_full)
    assert caught.value.code == "write-failed"
    assert str(caught.value) == "disken är full"
    assert target.read_bytes() == b"gammalt"
    assert files_in(tmp_path) == ["bok.xlsx"]


def test_windows_refusing_to_replace_an_open_book_is_file_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bok.xlsx"
    target.write_bytes(b"gammalt")

    def sharing_violation(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(atomic, "_WINDOWS", True)
    monkeypatch.setattr(os, "replace", sharing_violation)
    with pytest.raises(WriteError) as caught:
        atomic_replace(target, lambda out: out.write(b"nytt"))
    assert caught.value.code == "file-locked"
    assert caught.value.owner == OPEN_IN_PROGRAM
    assert target.read_bytes() == b"gammalt"
    assert files_in(tmp_path) == ["bok.xlsx"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anyway")
def test_read_only_folder_is_a_write_error(tmp_path: Path) -> None:
    target = tmp_path / "bok.xlsx"
    target.write_bytes(b"gammalt")
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(WriteError, match="behörighet saknas"):
            atomic_replace(target, lambda out: out.write(b"nytt"))
    finally:
        tmp_path.chmod(0o755)
    assert target.read_bytes() == b"gammalt"


def test_temp_files_are_recognisable() -> None:
    assert is_temp_file(".~avtalsbok-k3j2h1.tmp")
    assert not is_temp_file("Avtalsbok.xlsx")
    assert not is_temp_file("~$Avtalsbok.xlsx")


# --- who has the book open -------------------------------------------------------------------


def test_no_owner_file_means_nobody(tmp_path: Path) -> None:
    assert owner_of(tmp_path / "bok.xlsx") is None


@pytest.mark.parametrize("name", ["Anna Andersson", "Åsa Öberg", "Вера Иванова"])
def test_excel_owner_file_names_the_user(tmp_path: Path, name: str) -> None:
    (tmp_path / "~$bok.xlsx").write_bytes(excel_owner_file(name))
    assert owner_of(tmp_path / "bok.xlsx") == name


def test_excel_owner_file_without_unicode_part_falls_back_to_ansi(tmp_path: Path) -> None:
    data = bytearray(excel_owner_file("Anna Andersson"))
    data[55:57] = (0).to_bytes(2, "little")
    (tmp_path / "~$bok.xlsx").write_bytes(bytes(data))
    assert owner_of(tmp_path / "bok.xlsx") == "Anna Andersson"


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\xff" * 10])
def test_unreadable_owner_file_still_means_open(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "~$bok.xlsx").write_bytes(content)
    assert owner_of(tmp_path / "bok.xlsx") == UNKNOWN_OWNER


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        (
            "Anna Andersson,anna,PC123,21.11.2025 10:00,file:///home/anna/.config/lo;",
            "Anna Andersson",
        ),
        (",anna,PC123,21.11.2025 10:00,file:///home/anna/.config/lo;", "anna på PC123"),
        ("Andersson\\, Anna,anna,PC123,21.11.2025 10:00,file:///x;", "Andersson, Anna"),
        (",,,,;", UNKNOWN_OWNER),
    ],
)
def test_libreoffice_lock_file_names_the_user(tmp_path: Path, line: str, owner: str) -> None:
    (tmp_path / ".~lock.bok.xlsx#").write_bytes(line.encode("utf-8"))
    assert owner_of(tmp_path / "bok.xlsx") == owner


@pytest.mark.parametrize(
    ("lock_name", "content", "owner"),
    [
        ("~$bok.xlsx", excel_owner_file("Anna Andersson"), "Anna Andersson"),
        (".~lock.bok.xlsx#", b",anna,PC123,21.11.2025 10:00,file:///x;", "anna på PC123"),
    ],
)
def test_save_refuses_a_book_that_is_open(
    tmp_path: Path, lock_name: str, content: bytes, owner: str
) -> None:
    book = small_book(tmp_path / "bok.xlsx")
    before = book.read_bytes()
    editor = open_book(book)
    editor.set_cells("Avtal", {"C2": "OK"})
    (tmp_path / lock_name).write_bytes(content)
    with pytest.raises(WriteError) as caught:
        editor.save()
    assert caught.value.code == "file-locked"
    assert str(caught.value) == f"filen är öppen hos {owner}"
    assert book.read_bytes() == before
    assert files_in(tmp_path) == sorted(["bok.xlsx", lock_name])


def test_editor_save_keeps_file_mode(tmp_path: Path) -> None:
    book = small_book(tmp_path / "bok.xlsx")
    book.chmod(0o640)
    editor = open_book(book)
    editor.set_cells("Avtal", {"C2": "OK"})
    editor.save()
    assert stat.S_IMODE(book.stat().st_mode) == 0o640
    assert openpyxl.load_workbook(book, read_only=True)["Avtal"]["C2"].value == "OK"


# --- a save killed at any point --------------------------------------------------------------


@pytest.mark.parametrize("moment", ["write-start", "write-middle", "fsync", "replace"])
def test_killed_save_leaves_the_original_intact(tmp_path: Path, moment: str) -> None:
    book = small_book(tmp_path / "bok.xlsx", rows=3000)
    before = book.read_bytes()
    where = {"write-start": "write:0", "write-middle": f"write:{len(before) // 2}"}.get(
        moment, moment
    )
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(book), where],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        assert line == "PAUSED", child.stderr.read() if child.stderr else line
    finally:
        child.kill()
        child.wait(timeout=10)
    assert book.read_bytes() == before
    with zipfile.ZipFile(book) as archive:
        assert archive.testzip() is None
    assert openpyxl.load_workbook(book, read_only=True)["Avtal"]["C2"].value == "Ej kontrollerad"
    leftovers = [name for name in files_in(tmp_path) if name != "bok.xlsx"]
    assert len(leftovers) == 1 and is_temp_file(leftovers[0])
    # The next run saves normally despite the leftover.
    editor = open_book(book)
    editor.set_cells("Avtal", {"C2": "OK"})
    editor.save()
    assert openpyxl.load_workbook(book, read_only=True)["Avtal"]["C2"].value == "OK"


def test_child_saves_when_not_killed(tmp_path: Path) -> None:
    book = small_book(tmp_path / "bok.xlsx", rows=10)
    result = subprocess.run(
        [sys.executable, str(CHILD), str(book), "write:100000000"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "SAVED"
    sheet = openpyxl.load_workbook(book, read_only=True)["Avtal"]
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))] == ["Beräknat 1", 2, "OK"]


def test_a_new_file_gets_the_ordinary_mode_not_the_temp_files(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        target = tmp_path / "ny-rapport.xlsx"
        atomic_replace(target, lambda out: out.write(b"PK"))
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    finally:
        os.umask(mask)
