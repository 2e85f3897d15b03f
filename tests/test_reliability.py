"""Issue #11: what a hostile user and a careless environment broke, each kept broken no more.

Bad input is a located Swedish finding or a book-level message with exit code 2, never a
traceback; nothing the officer owns is lost.
"""

from __future__ import annotations

import ast
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers import contract, run, setting
from python_calamine import CalamineWorkbook

from avtalsbok.cli import main
from avtalsbok.interrupt import MESSAGE
from avtalsbok.workbook import atomic
from avtalsbok.workbook.atomic import (
    STALE_AFTER_SECONDS,
    TEMP_PREFIX,
    TEMP_SUFFIX,
    is_read_only,
    remove_stale_temp_files,
)
from avtalsbok.workbook.template import build_workbook

TODAY = "2025-03-14"


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def strict_json(text: str) -> Any:
    """JSON as any strict parser reads it: `NaN` and `Infinity` are not JSON."""

    def refuse(name: str) -> Any:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def replace_in_zip(path: Path, old: bytes, new: bytes, part: str | None = None) -> None:
    """Replace `old` (found exactly once in the whole package, or in `part`) by `new`, entry by
    entry."""
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    inside = [(i, data) for i, data in parts if part is None or i.filename == part]
    assert sum(data.count(old) for _, data in inside) == 1, old
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            z.writestr(info, data.replace(old, new) if part in (None, info.filename) else data)


def located(report: dict[str, Any]) -> list[tuple[int | None, str | None, str]]:
    return [(f["row"], f["column"], f["code"]) for f in report["findings"]]


# --- 2. Rich markup in data and paths ------------------------------------------------------------


def test_rich_markup_in_data_and_paths_is_printed_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "[red]Avtal["
    folder.mkdir()
    path = folder / "x].xlsx"  # the path reads `…[red]Avtal[/x].xlsx`
    rows = [contract(name="[/x] Städ [red]", email="[/bold]", owner="[red]Anna[/red]")]
    build_workbook(path, {"Avtal": rows})
    for command in ("check", "run"):
        code, text = cli(command, str(path), "--today", TODAY)
        assert code == 1
        assert f"Avtalsbok: {path}" in text
        assert "”[/bold]” är ingen giltig e-postadress." in text
    assert "Arbetsboken är uppdaterad." in text


# --- 3. NaN, ±Inf, huge numbers ------------------------------------------------------------------


@pytest.mark.parametrize("number", ["NaN", "INF", "-INF", "1e309", "9" * 400])
def test_nan_inf_and_huge_numbers_are_findings_at_their_cells(tmp_path: Path, number: str) -> None:
    path = tmp_path / "avtal.xlsx"
    rows = [contract(annual_value=111111, probability=2, consequence=3)]
    build_workbook(path, {"Avtal": rows})
    replace_in_zip(path, b"<v>111111</v>", f"<v>{number}</v>".encode())
    # The template has Kontroll at C: Sannolikhet is Q, the cell before R.
    replace_in_zip(path, b'"><v>2</v></c><c r="R2"', f'"><v>{number}</v></c><c r="R2"'.encode())
    code, text = cli("run", str(path), "--today", TODAY, "--json")
    report = strict_json(text)
    assert code == 1
    assert located(report) == [
        (2, "O", "invalid-amount"),
        (2, "Q", "invalid-integer"),
        (2, "Q", "risk-half-filled"),
    ]
    assert report["summary"]["written"] is True
    shown = "NaN" if number == "NaN" else "-INF" if number == "-INF" else "INF"
    # openpyxl cannot open the book: the officer's own cells still hold the bad numbers.
    fel = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Fel").to_python()
    assert sum(shown in row for row in fel) == 2


def test_nan_in_a_date_cell_is_no_date(tmp_path: Path) -> None:
    path = tmp_path / "avtal.xlsx"
    build_workbook(path, {"Avtal": [contract()]})
    xml = b"<v>44927</v>"  # Startdatum 2023-01-01
    replace_in_zip(path, xml, b"<v>NaN</v>")
    code, text = cli("check", str(path), "--today", TODAY, "--json")
    assert code == 1
    assert (2, "J", "invalid-date") in located(strict_json(text))  # Startdatum, in the template


def book_with_contracts(path: Path) -> Path:
    build_workbook(path, {"Avtal": [contract()]})
    return path


def excel_owner_file(name: str) -> bytes:
    raw = name.encode("cp1252")
    utf16 = name.encode("utf-16-le")
    return bytes([len(raw)]) + raw.ljust(54, b" ") + len(name).to_bytes(2, "little") + utf16


# --- 9. Read-only files --------------------------------------------------------------------------


def test_read_only_book_is_not_written(tmp_path: Path) -> None:
    path = book_with_contracts(tmp_path / "avtal.xlsx")
    path.chmod(0o444)  # also for root, who could write it anyway: the mode decides, as in Excel
    before = path.read_bytes()
    code, text = cli("run", str(path), "--today", TODAY, "--json")
    assert code == 2
    assert located(strict_json(text))[-1:] == [(None, None, "file-read-only")]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["avtal.xlsx"]


@pytest.mark.parametrize(
    ("mode", "attributes", "read_only"),
    [
        (0o100444, 0, True),
        (0o100644, 0, False),
        (0o100666, stat.FILE_ATTRIBUTE_READONLY, True),  # the Windows read-only attribute
        (0o100666, stat.FILE_ATTRIBUTE_ARCHIVE, False),
    ],
)
def test_read_only_is_judged_by_mode_and_attribute(
    mode: int, attributes: int, read_only: bool
) -> None:
    uid = os.geteuid() if hasattr(os, "geteuid") else 0
    gid = os.getegid() if hasattr(os, "getegid") else 0
    st = SimpleNamespace(st_mode=mode, st_file_attributes=attributes, st_uid=uid, st_gid=gid)
    assert is_read_only(st) is read_only  # type: ignore[arg-type]


def test_read_only_book_is_skipped_and_named_by_batch(tmp_path: Path) -> None:
    locked = book_with_contracts(tmp_path / "låst.xlsx")
    book_with_contracts(tmp_path / "öppen.xlsx")
    locked.chmod(0o444)
    before = locked.read_bytes()
    code, text = cli("batch", str(tmp_path), "--today", TODAY, "--workers", "1", "--json")
    books = {Path(b["book"]).name: b for b in strict_json(text)["items"]}
    assert code == 1
    assert books["öppen.xlsx"]["written"] is True
    assert books["låst.xlsx"]["written"] is False
    assert "skrivskyddad" in books["låst.xlsx"]["problem"]
    assert locked.read_bytes() == before


# --- 10. Symlinks bypassing the owner-file check ----------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need extra rights on Windows")
def test_symlink_does_not_bypass_the_owner_file_check(tmp_path: Path) -> None:
    shared, mine = tmp_path / "delad", tmp_path / "min"
    shared.mkdir()
    mine.mkdir()
    book = book_with_contracts(shared / "Avtal.xlsx")
    link = mine / "Mitt avtal.xlsx"
    link.symlink_to(book)
    owner = shared / "~$Avtal.xlsx"
    owner.write_bytes(excel_owner_file("Anna Berg"))
    before = book.read_bytes()
    code, text = cli("run", str(link), "--today", TODAY, "--json")
    assert code == 2
    locked = [f for f in strict_json(text)["findings"] if f["code"] == "file-locked"]
    assert len(locked) == 1 and "Anna Berg" in locked[0]["message"]
    assert book.read_bytes() == before
    owner.unlink()
    assert cli("run", str(link), "--today", TODAY)[0] == 0
    assert link.is_symlink() and link.resolve() == book
    assert book.read_bytes() != before
    assert sorted(p.name for p in shared.iterdir()) == ["Avtal.xlsx"]


# --- 11. Leftover temp files ---------------------------------------------------------------------


def leftover(folder: Path, name: str, age: float) -> Path:
    path = folder / f"{TEMP_PREFIX}{name}{TEMP_SUFFIX}"
    path.write_bytes(b"PK half a book")
    moment = time.time() - age
    os.utime(path, (moment, moment))
    return path


def test_leftover_temp_files_are_removed_by_a_later_run(tmp_path: Path) -> None:
    path = book_with_contracts(tmp_path / "avtal.xlsx")
    stale = leftover(tmp_path, "killed", STALE_AFTER_SECONDS + 60)
    recent = leftover(tmp_path, "running", 60)
    assert cli("run", str(path), "--today", TODAY)[0] == 0
    assert not stale.exists()
    assert recent.exists()  # may belong to a save still running: too young to judge


@pytest.mark.skipif(os.name == "nt", reason="Windows cannot remove a file open elsewhere")
def test_leftover_temp_file_of_a_live_save_is_kept(tmp_path: Path) -> None:
    import fcntl

    path = book_with_contracts(tmp_path / "avtal.xlsx")
    slow = leftover(tmp_path, "slow", STALE_AFTER_SECONDS + 60)
    with open(slow, "rb") as held:  # a live save holds its temp file locked
        fcntl.flock(held, fcntl.LOCK_EX)
        assert cli("run", str(path), "--today", TODAY)[0] == 0
        assert slow.exists()
    remove_stale_temp_files(tmp_path)
    assert not slow.exists()


@pytest.mark.skipif(not hasattr(os, "setxattr"), reason="no extended attributes here")
def test_replacing_a_book_keeps_its_extended_attributes_owner_and_group(tmp_path: Path) -> None:
    path = book_with_contracts(tmp_path / "avtal.xlsx")
    os.setxattr(path, "user.avdelning", "Inköp".encode())
    path.chmod(0o640)
    before = path.stat()
    assert cli("run", str(path), "--today", TODAY)[0] == 0
    after = path.stat()
    assert after.st_ino != before.st_ino  # a new file took the book's place
    assert os.getxattr(path, "user.avdelning") == "Inköp".encode()
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (
        before.st_uid,
        before.st_gid,
        0o640,
    )


# --- issue #10: the file layer does not know the domain ------------------------------------------


def test_the_file_layer_makes_no_findings() -> None:
    source = Path(atomic.__file__).read_text(encoding="utf-8")
    imported = {
        node.module or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not [name for name in imported if "core" in name or "findings" in name]


# --- 7. Ctrl-C and SIGTERM -----------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize("moment", ["write:5000", "fsync", "replace"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_exit_cleanly_and_leave_the_book_intact(
    tmp_path: Path, signum: int, moment: str
) -> None:
    path = book_with_contracts(tmp_path / "avtal.xlsx")
    before = path.read_bytes()
    child = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("atomic_child.py")),
            str(path),
            moment,
            "run",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "PAUSED"
    child.send_signal(signum)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 128 + signum
    assert err.splitlines() == [MESSAGE]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["avtal.xlsx"]


# --- 8. A panic inside calamine ------------------------------------------------------------------


def test_calamine_panic_on_a_report_is_a_message_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = book_with_contracts(tmp_path / "avtal.xlsx")
    report = tmp_path / "rapport.xlsx"
    assert cli("report", str(book), "-o", str(report), "--today", TODAY)[0] == 0
    serial = f"<v>{(date.fromisoformat(TODAY) - date(1899, 12, 30)).days}</v>".encode()
    # The report's date on Översikt (the first sheet): out of any range.
    replace_in_zip(report, serial, b"<v>-1e308</v>", "xl/worksheets/sheet1.xml")
    capsys.readouterr()
    outbox = tmp_path / "utkorg"
    code, _ = cli("mail", str(report), "--to", "chef@kommun.se", "--outbox", str(outbox))
    assert code == 2
    assert "rapport.xlsx är ingen rapport från avtalsbok" in capsys.readouterr().err
    assert not outbox.exists()


@pytest.mark.filterwarnings("ignore:Cell J2 is marked as a date:UserWarning")
def test_calamine_panic_on_a_book_is_read_past_and_the_cell_is_a_finding(tmp_path: Path) -> None:
    path = book_with_contracts(tmp_path / "avtal.xlsx")
    # Startdatum 2023-01-01, a date cell: calamine panics turning -1e308 into a date.
    replace_in_zip(path, b"<v>44927</v>", b"<v>-1e308</v>")
    with pytest.raises(BaseException, match="out of bounds"):
        CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Avtal").to_python()
    code, text = cli("check", str(path), "--today", TODAY, "--json")
    assert code == 1
    assert (2, "J", "invalid-date") in located(strict_json(text))


# --- found by the fuzz test -----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["#N/A", float("nan"), float("inf")])
def test_an_unusable_setting_name_is_a_finding_at_its_cell(key: Any) -> None:
    result = run([contract()], settings=[setting(key, 5)])
    assert [(f.sheet, f.row, f.column, f.code) for f in result.findings] == [
        ("Inställningar", 2, "A", "invalid-text")
    ]
