"""Where an export (`kalender`, `katalog`, `ocds`, `batch --katalog`) may be written: never over
a workbook, not even one the output's name links to, and never into a folder's place."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from helpers import TODAY, contract, setting

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.workbook.template import build_workbook

EXPORTS = (
    ["kalender"],
    ["katalog"],
    ["ocds", "--publisher", "Kommunen", "--ocid-prefix", "ocds-abc123"],
)


def _two_books(folder: Path) -> tuple[Path, Path]:
    folder.mkdir()
    books = (folder / "a.xlsx", folder / "b.xlsx")
    for path in books:
        build_workbook(
            path,
            {
                schema.AVTAL: [contract(contract_id=f"{path.stem.upper()}-1")],
                schema.INSTALLNINGAR: [setting("Idag", TODAY)],
            },
        )
    return books


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: c[0])
def test_an_export_named_as_a_book_in_its_folder_does_not_replace_it(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, victim = _two_books(tmp_path / "Avtal")
    before = victim.read_bytes()
    args = [*command, str(tmp_path / "Avtal"), "-o", str(victim), "--workers", "1"]
    assert main(args, io.StringIO()) == 2
    assert "är en arbetsbok som inte skrivs över" in capsys.readouterr().err
    assert victim.read_bytes() == before


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: c[0])
def test_an_export_through_a_link_to_a_book_does_not_replace_the_book(
    command: list[str], tmp_path: Path
) -> None:
    book, victim = _two_books(tmp_path / "Avtal")
    before = victim.read_bytes()
    link = tmp_path / "export.txt"
    link.symlink_to(victim)
    assert main([*command, str(book), "-o", str(link), "--workers", "1"], io.StringIO()) == 2
    assert victim.read_bytes() == before


def test_batch_katalog_named_as_a_book_runs_nothing_and_replaces_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, victim = _two_books(tmp_path / "Avtal")
    before = victim.read_bytes()
    args = ["batch", str(tmp_path / "Avtal"), "--katalog", str(victim), "--workers", "1"]
    assert main(args, io.StringIO()) == 2
    assert "avtalskatalogen kan inte skrivas" in capsys.readouterr().err
    assert victim.read_bytes() == before


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: c[0])
def test_an_output_that_is_a_folder_is_said_in_swedish_and_exits_2(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book, _ = _two_books(tmp_path / "Avtal")
    (tmp_path / "ut").mkdir()
    assert main([*command, str(book), "-o", str(tmp_path / "ut")], io.StringIO()) == 2
    assert capsys.readouterr().err.strip().endswith("ut är en mapp, inte en fil")


def test_kalender_json_without_a_file_is_refused_before_any_book_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book, _ = _two_books(tmp_path / "Avtal")
    assert main(["kalender", str(book), "--json", "--workers", "1"], io.StringIO()) == 2
    assert capsys.readouterr().err == (
        "avtalsbok: fel: --json kräver -o (kalendern skrivs annars på stdout)\n"
    )


def test_an_export_to_a_pipe_neither_waits_nor_replaces_it(tmp_path: Path) -> None:
    book, _ = _two_books(tmp_path / "Avtal")
    pipe = tmp_path / "plan.ics"
    os.mkfifo(pipe)
    assert main(["kalender", str(book), "-o", str(pipe), "--workers", "1"], io.StringIO()) == 2
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


@pytest.mark.parametrize("door", ["report", "batch"])
def test_the_report_named_as_a_book_replaces_neither_it_nor_runs(
    door: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, victim = _two_books(tmp_path / "Avtal")
    before = victim.read_bytes()
    target = ["-o" if door == "report" else "--report", str(victim)]
    args = [door, str(tmp_path / "Avtal"), *target, "--workers", "1"]
    assert main(args, io.StringIO()) == 2
    assert "rapporten kan inte skrivas" in capsys.readouterr().err
    assert victim.read_bytes() == before


def test_an_earlier_report_is_replaced_and_a_book_linked_to_is_not(tmp_path: Path) -> None:
    from avtalsbok.batch.pool import Job, run_books
    from avtalsbok.batch.progress import progress_for
    from avtalsbok.report.workbook import write_report
    from avtalsbok.workbook.atomic import WriteError

    book, victim = _two_books(tmp_path / "Avtal")
    progress = progress_for(io.StringIO())
    records = run_books([Job(book, "Avtal")], progress, today=TODAY, write=False, workers=1)
    report = tmp_path / "rapport.xlsx"
    write_report(report, records, TODAY)
    write_report(report, records, TODAY)  # an earlier report is the report's own file
    link = tmp_path / "rapport-länk.xlsx"
    link.symlink_to(victim)
    before = victim.read_bytes()
    with pytest.raises(WriteError, match="är en arbetsbok som inte skrivs över"):
        write_report(link, records, TODAY)
    assert victim.read_bytes() == before
