"""`avtalsbok batch` over a shared drive: finding books, updating the good ones, skipping and
retrying open ones, reporting the broken ones, leaving everything else byte for byte."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from test_mail import Server, smtp_server  # noqa: F401  (the SMTP server fixture)

from avtalsbok.batch.discover import find_books, is_side_file
from avtalsbok.batch.pool import Job, run_books
from avtalsbok.batch.progress import LineProgress, progress_for
from avtalsbok.cli import main
from avtalsbok.demo import generate
from avtalsbok.report.records import BookRecord, BookStatus, unit_of
from avtalsbok.workbook import atomic
from avtalsbok.workbook.runner import process
from avtalsbok.workbook.template import build_workbook

TODAY = date(2026, 11, 2)
CORPUS = Path(__file__).parent / "corpus" / "hostile"
OWN_COLUMN = "Egen anteckning"


def excel_owner_file(name: str) -> bytes:
    """`~$book.xlsx` as Excel writes it: the user's name in ANSI and in UTF-16 (see atomic.py)."""
    data = bytearray(b" " * 165)
    ansi = name.encode("cp1252")
    data[0] = len(ansi)
    data[1 : 1 + len(ansi)] = ansi
    data[55:57] = len(name).to_bytes(2, "little")
    utf16 = name.encode("utf-16-le")
    data[57 : 57 + len(utf16)] = utf16
    return bytes(data)


def officer_made(path: Path) -> None:
    """A book an officer made from scratch: plain sheet, no table, columns in their own order,
    an own column, no computed columns."""
    rows = [
        ("Leverantör", OWN_COLUMN, "Slutdatum", "Avtals-ID", "Startdatum", "Avtalsnamn", "E-post"),
        (
            "Städbolaget AB",
            "ring före jul",
            date(2027, 6, 30),
            "E-1",
            date(2024, 1, 1),
            "Städ",
            "eva@kommun.se",
        ),
        (
            "Tryckeriet AB",
            "=inte en formel",
            date(2026, 12, 31),
            "E-2",
            date(2023, 3, 1),
            "Tryck",
            "eva@kommun.se",
        ),
        ("Frukt & Grönt AB", "", date(2028, 1, 31), "E-3", date(2025, 2, 1), "Frukt", ""),
    ]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = wb.add_worksheet("Avtal")
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write_datetime(r, c, value, dates)
            elif value:
                ws.write_string(r, c, value)
    wb.close()


def good_book(path: Path, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(path, generate(30, seed=seed, mistakes=False))


@pytest.fixture(scope="module")
def pristine_drive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A shared drive: two good books, one open in Excel, one encrypted, one corrupt, one
    officer-made, and the owner, lock and temp files that lie around such a drive."""
    root = tmp_path_factory.mktemp("original") / "enheter"
    good_book(root / "Skola" / "avtal.xlsx", 1)
    good_book(root / "Vård" / "avtal.xlsx", 2)
    good_book(root / "Kultur" / "avtal.xlsx", 3)
    (root / "Kultur" / "~$avtal.xlsx").write_bytes(excel_owner_file("Åsa Öberg"))
    (root / "Ekonomi").mkdir()
    shutil.copyfile(CORPUS / "protected_passtika.xlsx", root / "Ekonomi" / "krypterad.xlsx")
    whole = (root / "Skola" / "avtal.xlsx").read_bytes()
    (root / "Ekonomi" / "trasig.xlsx").write_bytes(whole[: len(whole) // 2])
    (root / "Teknik").mkdir()
    officer_made(root / "Teknik" / "egen.xlsx")
    for side in ("~$borttagen.xlsx", ".~lock.annan.xlsx#", ".~avtalsbok-x1y2.tmp", "~WRL0001.tmp"):
        (root / "Vård" / side).write_bytes(b"x")
    (root / "Vård" / "anteckningar.txt").write_text("inte en bok")
    return root


@pytest.fixture
def drive(pristine_drive: Path, tmp_path: Path) -> Path:
    """A fresh copy of the shared drive for one test."""
    return Path(shutil.copytree(pristine_drive, tmp_path / "enheter"))


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _batch(args: list[str]) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = main(["batch", *args, "--today", "2026-11-02", "--json"], out)
    return code, json.loads(out.getvalue())


def _headers(path: Path, sheet: str = "Avtal") -> list[Any]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [c.value for c in next(wb[sheet].iter_rows(max_row=1))]


def test_batch_updates_good_books_and_reports_the_others_leaving_them_untouched(
    drive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(drive)
    report = tmp_path / "rapport.xlsx"
    code, summary = _batch([str(drive), "--workers", "2", "--report", str(report)])

    assert code == 1
    items = {Path(i["book"]).relative_to(drive).as_posix(): i for i in summary["items"]}
    assert {k: (v["unit"], v["status"], v["written"]) for k, v in items.items()} == {
        "Ekonomi/krypterad.xlsx": ("Ekonomi", "unreadable", False),
        "Ekonomi/trasig.xlsx": ("Ekonomi", "unreadable", False),
        "Kultur/avtal.xlsx": ("Kultur", "skipped", False),
        "Skola/avtal.xlsx": ("Skola", "ok", True),
        "Teknik/egen.xlsx": ("Teknik", "ok", True),
        "Vård/avtal.xlsx": ("Vård", "ok", True),
    }
    assert items["Kultur/avtal.xlsx"]["owner"] == "Åsa Öberg"
    assert "lösenordsskyddad" in items["Ekonomi/krypterad.xlsx"]["problem"]
    assert "skadad" in items["Ekonomi/trasig.xlsx"]["problem"]
    counts = [summary[k] for k in ("books", "ok", "with_errors", "skipped", "unreadable")]
    assert counts == [6, 3, 0, 1, 2]
    assert summary["contracts"] == 30 + 30 + 30 + 3  # the open book is read, not written
    assert summary["report"] == str(report)

    after = _snapshot(drive)
    assert set(after) == set(before)  # no temp file left behind, nothing added
    unchanged = {k for k in before if after[k] == before[k]}
    assert unchanged == set(before) - {"Skola/avtal.xlsx", "Vård/avtal.xlsx", "Teknik/egen.xlsx"}

    for unit in ("Skola", "Vård"):
        headers = _headers(drive / unit / "avtal.xlsx")
        sheet = openpyxl.load_workbook(drive / unit / "avtal.xlsx", read_only=True)["Avtal"]
        rows = list(sheet.iter_rows(min_row=2, max_row=31, values_only=True))
        assert all(r[headers.index("Kontroll")] for r in rows)  # every row checked
        assert {r[headers.index("Prioritet")] for r in rows} - {None} <= {1, 2, 3}
    own = openpyxl.load_workbook(drive / "Teknik" / "egen.xlsx")
    headers = _headers(drive / "Teknik" / "egen.xlsx")
    assert headers[:7] == [
        "Leverantör",
        OWN_COLUMN,
        "Slutdatum",
        "Avtals-ID",
        "Startdatum",
        "Avtalsnamn",
        "E-post",
    ]
    assert {"Prioritet", "Nästa uppföljning", "Kontroll"} <= set(headers[7:])
    notes = [r[1] for r in own["Avtal"].iter_rows(min_row=2, max_row=4, values_only=True)]
    assert notes == ["ring före jul", "=inte en formel", None]
    assert own["Avtal"]["B3"].data_type == "s"
    assert {"Översikt", "Uppföljningsplan", "Fel"} <= set(own.sheetnames)

    err = capsys.readouterr().err
    assert "Försöker en gång till med 1 arbetsbok som var öppen" in err
    assert err.count("Kultur/avtal.xlsx: öppen hos Åsa Öberg") == 2
    rows = list(openpyxl.load_workbook(report)["Böcker"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6


def test_a_book_closed_before_the_retry_is_updated_then(drive: Path) -> None:
    owner_file = drive / "Kultur" / "~$avtal.xlsx"
    seen: list[tuple[str, BookStatus]] = []

    class ClosesTheBook(LineProgress):
        def advance(self, record: BookRecord) -> None:
            seen.append((record.unit, record.status))

        def retry(self, count: int) -> None:
            owner_file.unlink()  # the officer closes Excel while the others run

    book = drive / "Kultur" / "avtal.xlsx"
    [record] = run_books(
        [Job(book, "Kultur")], ClosesTheBook(io.StringIO()), today=TODAY, write=True, workers=1
    )
    assert seen == [("Kultur", BookStatus.SKIPPED), ("Kultur", BookStatus.OK)]
    assert (record.status, record.written, record.owner) == (BookStatus.OK, True, None)


def test_a_book_windows_will_not_replace_is_skipped_as_open_in_a_program(
    drive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sharing_violation(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(atomic, "_WINDOWS", True)
    monkeypatch.setattr(os, "replace", sharing_violation)
    book = drive / "Skola" / "avtal.xlsx"
    before = book.read_bytes()
    out = io.StringIO()
    [record] = run_books(
        [Job(book, "Skola")], LineProgress(out), today=TODAY, write=True, workers=1
    )
    assert (record.status, record.owner) == (BookStatus.SKIPPED, atomic.OPEN_IN_PROGRAM)
    assert out.getvalue().count("öppen hos ett annat program (troligen Excel)") == 2
    assert book.read_bytes() == before
    assert sorted(p.name for p in book.parent.iterdir()) == ["avtal.xlsx"]


def test_a_full_disk_leaves_the_book_as_it_was_and_says_why(
    drive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kw: object) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("tempfile.mkstemp", disk_full)
    book = drive / "Skola" / "avtal.xlsx"
    before = book.read_bytes()
    out = io.StringIO()
    [record] = run_books(
        [Job(book, "Skola")], LineProgress(out), today=TODAY, write=True, workers=1
    )
    assert (record.status, record.written) == (BookStatus.ERRORS, False)
    assert record.problem == "Arbetsboken kunde inte sparas: disken är full. Originalet är orört."
    assert "Försöker" not in out.getvalue()  # not an open book: no second try
    assert book.read_bytes() == before


def test_a_failure_inside_one_book_is_reported_and_the_others_still_run(
    drive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crashing(path: str, **kw: Any) -> Any:
        if "Skola" in path:
            raise RuntimeError("oväntat")
        return process(path, **kw)

    monkeypatch.setattr("avtalsbok.report.records.process", crashing)
    out = io.StringIO()
    jobs = [Job(drive / u / "avtal.xlsx", u) for u in ("Skola", "Vård")]
    skola, vard = run_books(jobs, LineProgress(out), today=TODAY, write=False, workers=1)
    assert (skola.status, vard.status) == (BookStatus.UNREADABLE, BookStatus.OK)
    assert skola.problem == "Filen kan inte läsas: internt fel (RuntimeError)."
    assert "Internt fel i " in out.getvalue() and "RuntimeError: oväntat" in out.getvalue()


def test_dry_run_writes_nothing_and_a_clean_drive_exits_0(drive: Path) -> None:
    for broken in ("Ekonomi", "Kultur", "Teknik"):
        shutil.rmtree(drive / broken)
    before = _snapshot(drive)
    code, summary = _batch([str(drive), "--dry-run", "--workers", "1"])
    assert code == 0
    assert [(i["status"], i["written"]) for i in summary["items"]] == [("ok", False)] * 2
    assert summary["dry_run"] is True
    assert _snapshot(drive) == before


def test_the_same_batch_on_the_same_day_mails_the_report_once(
    drive: Path,
    tmp_path: Path,
    smtp_server: Server,  # noqa: F811
) -> None:
    for broken in ("Ekonomi", "Kultur", "Teknik"):
        shutil.rmtree(drive / broken)
    args = [
        str(drive),
        "--workers",
        "1",
        "--report",
        str(tmp_path / "rapport.xlsx"),
        "--mail-to",
        "chef@kommun.se",
        "--smtp-host",
        smtp_server.host,
        "--smtp-port",
        str(smtp_server.port),
        "--smtp-security",
        "none",
        "--mail-from",
        "avtalsbok@kommun.se",
        "--outbox",
        str(tmp_path / "utkorg"),
    ]
    first = _batch(args)
    second = _batch(args)
    forced = _batch([*args, "--force"])
    assert [code for code, _ in (first, second, forced)] == [0, 0, 0]
    statuses = [[m["status"] for m in s["mail"]] for _, s in (first, second, forced)]
    assert statuses == [["sent"], ["already-sent"], ["sent"]]
    got = smtp_server.sink.received
    assert [r.recipients for r in got] == [["chef@kommun.se"]] * 2
    assert got[0].message["Subject"].startswith("Avtalsuppföljning 2026-11-02: 2 avtalsböcker")


def test_the_report_goes_to_the_books_report_recipients_when_no_address_is_given(
    drive: Path, tmp_path: Path
) -> None:
    shutil.rmtree(drive / "Ekonomi")
    args = [str(drive / "Skola"), "--report", str(tmp_path / "r.xlsx"), "--mail"]
    code, summary = _batch([*args, "--outbox", str(tmp_path / "utkorg")])
    assert code == 0
    assert [m["recipient"] for m in summary["mail"]] == ["upphandlingschef@exempelkommun.se"]
    assert len(list((tmp_path / "utkorg").glob("rapport-*.eml"))) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["saknas"], "saknas finns inte"),
        (["tom"], "inga arbetsböcker hittades"),
        (["tom", "--mail-to", "chef@kommun.se"], "kräver --report"),
        (["tom", "--report", "saknas/r.xlsx"], "mappen för rapporten finns inte"),
        (
            ["tom", "--report", "r.xlsx", "--mail-to", "chef@kommun.se\nBcc: x@y.se"],
            "ingen giltig e-postadress",
        ),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tom").mkdir()
    full = [str(tmp_path / a) if a in ("saknas", "tom", "saknas/r.xlsx") else a for a in args]
    assert main(["batch", *full], io.StringIO()) == 2
    assert message in capsys.readouterr().err


def test_a_bad_worker_count_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["batch", str(tmp_path), "--workers", "0"], io.StringIO())
    assert stopped.value.code == 2
    assert "minst 1" in capsys.readouterr().err


def test_a_book_reached_twice_through_links_is_one_book(drive: Path) -> None:
    (drive / "Vård" / "genväg.xlsx").symlink_to(drive / "Vård" / "avtal.xlsx")
    (drive / "Vård-länk").symlink_to(drive / "Vård", target_is_directory=True)
    found = find_books([drive / "Vård", drive / "Vård-länk"])
    assert [p.relative_to(drive).as_posix() for p, _ in found.books] == ["Vård/avtal.xlsx"]
    skipped = find_books([drive / "Vård"], skip=[drive / "Vård" / "genväg.xlsx"])
    assert skipped.books == []


def test_discovery_skips_side_files_and_follows_include_and_exclude(drive: Path) -> None:
    (drive / "Arkiv").mkdir()
    (drive / "Arkiv" / "gammal.xlsm").write_bytes(b"x")
    (drive / "Skola" / "KOPIA.XLSX").write_bytes(b"x")
    found = find_books([drive])
    names = [p.relative_to(drive).as_posix() for p, _ in found.books]
    assert names == [
        "Arkiv/gammal.xlsm",
        "Ekonomi/krypterad.xlsx",
        "Ekonomi/trasig.xlsx",
        "Kultur/avtal.xlsx",
        "Skola/KOPIA.XLSX",
        "Skola/avtal.xlsx",
        "Teknik/egen.xlsx",
        "Vård/avtal.xlsx",
    ]
    excluded = find_books([drive], exclude=["arkiv/*", "kopia*"])
    assert [p.name for p, _ in excluded.books if p.parent.name in ("Arkiv", "Skola")] == [
        "avtal.xlsx"
    ]
    only = find_books([drive], include=["*/avtal.xlsx"], skip=[drive / "Vård" / "avtal.xlsx"])
    assert [p.parent.name for p, _ in only.books] == ["Kultur", "Skola"]
    single = find_books([drive / "Teknik" / "egen.xlsx", drive / "Teknik"])
    assert [(p.name, root) for p, root in single.books] == [("egen.xlsx", None)]
    assert find_books([drive / "saknas"]).problems == [
        (drive / "saknas", "mappen eller filen finns inte")
    ]
    assert [
        is_side_file(n)
        for n in ("~$a.xlsx", ".~lock.a.xlsx#", "~WRL1.tmp", ".~avtalsbok-1.tmp", "a.xlsx")
    ] == [True, True, True, True, False]


def test_units_are_the_folders_below_the_searched_one() -> None:
    root = Path("/enheter")
    assert unit_of(root / "Skola" / "Förskola" / "a.xlsx", root) == "Skola/Förskola"
    assert unit_of(root / "kansli.xlsx", root) == "kansli"
    assert unit_of(Path("/annat/b.xlsx"), None) == "b"


def test_progress_is_plain_lines_when_not_on_a_terminal() -> None:
    out = io.StringIO()
    progress = progress_for(out)
    assert isinstance(progress, LineProgress)
    ticks = iter([0.0, 30.0])
    lines = LineProgress(out, clock=lambda: next(ticks))
    lines.start(2)
    lines.advance(BookRecord("/e/Skola/a.xlsx", "Skola", BookStatus.OK, written=True, contracts=30))
    lines.finish()
    assert out.getvalue().splitlines() == [
        "2 arbetsböcker att köra",
        "[1/2] OK         Skola/a.xlsx: uppdaterad, 30 avtal, 0 fel",
        "Klart på 30.0 s (2 böcker/minut)",
    ]


def test_a_report_left_in_the_folder_is_not_taken_for_a_book(tmp_path: Path) -> None:
    from avtalsbok.report.workbook import write_report

    folder = tmp_path / "delad"
    folder.mkdir()
    build_workbook(folder / "avtal.xlsx")
    write_report(folder / "rapport.xlsx", [], date(2026, 11, 2))
    found = find_books([folder])
    assert [p.name for p, _root in found.books] == ["avtal.xlsx"]
    assert [p.name for p, _root in find_books([folder / "rapport.xlsx"]).books] == ["rapport.xlsx"]
