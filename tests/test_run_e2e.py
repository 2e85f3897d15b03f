"""End to end: the `avtalsbok` command on real workbook files, checked by independent readers."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from libreoffice import libreoffice_csv, libreoffice_resave, needs_libreoffice

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.demo import DEMO_TODAY, generate
from avtalsbok.workbook.reader import read_book
from avtalsbok.workbook.template import build_workbook, template_sheet
from avtalsbok.workbook.writeback import write_cells

CORPUS = Path(__file__).parent / "corpus"
TODAY = "2026-11-02"


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def cli_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, text = cli(*args, "--json")
    return code, json.loads(text)


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its worksheet part, from workbook.xml and its relationships."""
    import posixpath
    import xml.etree.ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets[sheet.get(f"{rel_ns}id")]
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[sheet.get("name", "")] = posixpath.normpath(part)
    return parts


@pytest.fixture
def clean_book(tmp_path: Path) -> Path:
    path = tmp_path / "avtal.xlsx"
    build_workbook(path, generate(60, mistakes=False), today=DEMO_TODAY)
    return path


def values(path: Path, sheet: str) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


# --- check and run ------------------------------------------------------------------------------


def test_check_writes_nothing_and_reports_json(clean_book: Path) -> None:
    before = clean_book.read_bytes()
    code, report = cli_json("check", str(clean_book), "--today", TODAY)
    assert code == 0
    assert report["ok"] is True
    assert [f["level"] for f in report["findings"]] == ["warning"] * len(report["findings"])
    assert report["book"] == str(clean_book)
    assert report["summary"]["contracts"] == 60 and report["summary"]["written"] is False
    assert clean_book.read_bytes() == before


def test_run_fills_computed_columns_and_sheets(clean_book: Path) -> None:
    code, report = cli_json("run", str(clean_book), "--today", TODAY)
    assert code == 0 and report["summary"]["written"] is True
    contracts = values(clean_book, schema.AVTAL)
    assert len(contracts) == 60
    assert {r["Kontroll"] for r in contracts} == {"OK"}  # tier warnings are book-level
    assert all(r["Avtalsstatus"] in schema.CONTRACT_STATUSES for r in contracts)
    active = [r for r in contracts if r["Avtalsstatus"] != "Upphört"]
    assert all(r["Prioritet"] in (1, 2, 3) and r["Prioritetsgrund"] for r in active)
    assert sum(r["Prioritet"] == 1 for r in active) >= round(len(active) * 0.1)
    overview = openpyxl.load_workbook(clean_book, data_only=True)[schema.OVERSIKT]
    assert overview["B2"].value == datetime(2026, 11, 2)
    assert overview["B7"].value == 60  # Avtal totalt
    plan = values(clean_book, schema.UPPFOLJNINGSPLAN)
    assert plan and all(isinstance(r["Datum"], datetime) for r in plan)
    assert {r["Nivå"] for r in values(clean_book, schema.FEL)} <= {"Varning"}


def test_second_run_changes_nothing_but_the_timestamp_free_result(clean_book: Path) -> None:
    cli("run", str(clean_book), "--today", TODAY)
    first = entries(clean_book)
    code, report = cli_json("run", str(clean_book), "--today", TODAY)
    assert code == 0 and report["summary"]["new_log_rows"] == 0
    assert entries(clean_book) == first


def test_run_leaves_every_part_it_does_not_own_byte_identical(clean_book: Path) -> None:
    before = entries(clean_book)
    parts = sheet_parts(clean_book)
    cli("run", str(clean_book), "--today", TODAY)
    after = entries(clean_book)
    owned = {
        parts[s]
        for s in (
            schema.AVTAL,
            schema.UPPFOLJNINGAR,
            schema.AVVIKELSER,
            schema.OVERSIKT,
            schema.UPPFOLJNINGSPLAN,
            schema.UTVARDERING,
            schema.STICKPROV,
            schema.FEL,
            schema.HANDELSELOGG,
        )
    }
    owned |= {n for n in after if n.startswith("xl/tables/")}
    owned |= {"xl/styles.xml", "xl/calcChain.xml"}
    assert list(after) == [*before, "docProps/custom.xml"]  # the run's mark, added last
    # The mark's part is registered: one relationship and one content type more, nothing else.
    registered = (
        rb'<Relationship Id="rId\d+" Type="[^"]*/custom-properties" Target="docProps/custom.xml"/>',
        rb'<Override PartName="/docProps/custom.xml" ContentType="[^"]*custom-properties\+xml"/>',
    )
    for name, added in zip(("_rels/.rels", "[Content_Types].xml"), registered, strict=True):
        assert re.subn(added, b"", after[name]) == (before[name], 1)
    owned |= {"_rels/.rels", "[Content_Types].xml", "docProps/custom.xml"}
    changed = {n for n in before if before[n] != after[n]}
    assert changed <= owned
    assert parts[schema.AVTAL] in changed
    for name in set(before) - owned:
        assert after[name] == before[name], name


def test_demo_mistakes_give_exit_1_and_every_mistake_is_reported(tmp_path: Path) -> None:
    code, text = cli("demo", str(tmp_path), "--contracts", "120")
    assert code == 0
    assert "avtalsbok-demo.xlsx" in text
    code, report = cli_json("check", str(tmp_path / "avtalsbok-demo.xlsx"))
    assert code == 1 and report["ok"] is False
    codes = {f["code"] for f in report["findings"]}
    assert {"duplicate-contract-id", "end-before-start", "unknown-contract"} <= codes
    fel = values(tmp_path / "avtalsbok-demo.xlsx", schema.FEL)
    assert {r["Kod"] for r in fel} == codes


def test_human_report_groups_findings_by_sheet(tmp_path: Path) -> None:
    cli("demo", str(tmp_path), "--contracts", "120")
    code, text = cli("check", str(tmp_path / "avtalsbok-demo.xlsx"))
    assert code == 1
    assert "fel," in text and "\nAvtal\n" in text and "duplicate-contract-id" in text


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("saknas.xlsx", "file-not-found"),
        ("hostile/protected_passtika.xlsx", "file-encrypted"),
        ("hostile/password.xls", "file-legacy-xls"),
        ("hostile/poc-xmlbomb.xlsx", "file-unsafe-xml"),
    ],
)
def test_unusable_file_is_one_finding_and_exit_2(tmp_path: Path, name: str, code: str) -> None:
    source = CORPUS / name
    path = tmp_path / Path(name).name
    if source.exists():
        shutil.copyfile(source, path)
    before = path.read_bytes() if path.exists() else None
    exit_code, report = cli_json("run", str(path))
    assert exit_code == 2
    assert [f["code"] for f in report["findings"]] == [code]
    assert (path.read_bytes() if path.exists() else None) == before


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["run", "x.xlsx", "--today", "igår"])
    assert exc.value.code == 2
    assert "ÅÅÅÅ-MM-DD" in capsys.readouterr().err


def test_open_book_is_not_written_and_the_owner_is_named(clean_book: Path) -> None:
    owner = clean_book.with_name("~$" + clean_book.name)
    name = b"Anna Andersson"
    owner.write_bytes(bytes([len(name)]) + name.ljust(53, b" ") + b"\0" * 110)
    before = clean_book.read_bytes()
    code, report = cli_json("run", str(clean_book), "--today", TODAY)
    assert code == 2
    locked = [f for f in report["findings"] if f["code"] == "file-locked"]
    assert len(locked) == 1 and "Anna Andersson" in locked[0]["message"]
    assert clean_book.read_bytes() == before


def test_new_makes_an_empty_book_that_checks_clean(tmp_path: Path) -> None:
    path = tmp_path / "ny.xlsx"
    assert cli("new", str(path))[0] == 0
    assert cli("new", str(path))[0] == 2  # never overwrites by accident
    code, report = cli_json("run", str(path), "--today", TODAY)
    assert code == 0 and report["findings"] == []


# --- books we did not make -----------------------------------------------------------------------


def officer_book(path: Path) -> None:
    """A book an officer built by hand: no tables, own columns, another order, blank rows."""
    wb = xlsxwriter.Workbook(str(path))
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("avtal")  # the sheet name in lower case
    headers = [
        "Mina anteckningar",
        "Leverantör",
        "Avtalsnummer",
        "Avtalsnamn",
        "Startdatum*",
        " Slutdatum ",
        "Årsvärde",
        "Verksamhetskritisk",
    ]
    ws.write_row(0, 0, headers)
    rows = [
        [
            "ring Eva",
            "Städbolaget AB",
            "S-1",
            "Städ skolor",
            date(2025, 1, 1),
            date(2027, 12, 31),
            2_500_000,
            "Ja",
        ],
        None,
        [
            "=inte en formel",
            "Matgrossen AB",
            "M-2",
            "Livsmedel",
            date(2026, 3, 1),
            date(2026, 2, 1),
            "1,2 mkr",
            "Nej",
        ],
    ]
    for r, row in enumerate(rows, start=1):
        if row is None:
            continue
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write_datetime(r, c, datetime.combine(value, datetime.min.time()), dates)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write(r, c, value)
    wb.add_worksheet("Egna noteringar").write("A1", "Rör inte")
    wb.close()


def test_officer_made_book_gets_computed_columns_and_sheets(tmp_path: Path) -> None:
    path = tmp_path / "egen.xlsx"
    officer_book(path)
    before = entries(path)
    code, report = cli_json("run", str(path), "--today", TODAY)
    assert code == 1
    # One active contract, business-critical: 10 % of one contract is no quota to overfill.
    assert [(f["sheet"], f["row"], f["column"], f["code"]) for f in report["findings"]] == [
        ("Avtal", 4, "F", "end-before-start"),
        ("Avtal", 4, "G", "amount-as-text"),
    ]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["avtal", "Egna noteringar"]
    assert set(wb.sheetnames[2:]) == {
        schema.OVERSIKT,
        schema.UPPFOLJNINGSPLAN,
        schema.UTVARDERING,
        schema.STICKPROV,
        schema.FEL,
        schema.HANDELSELOGG,
    }
    ws = wb["avtal"]
    header = [c.value for c in ws[1]]
    computed = [c.header for c in schema.AVTAL_SHEET.computed_columns]
    assert header == [
        "Mina anteckningar",
        "Leverantör",
        "Avtalsnummer",
        "Avtalsnamn",
        "Startdatum*",
        " Slutdatum ",
        "Årsvärde",
        "Verksamhetskritisk",
        *computed,
    ]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == ["ring Eva", None, "=inte en formel"]
    assert ws.cell(4, 1).data_type == "s"
    row2 = {h: ws.cell(2, i).value for i, h in enumerate(header, 1)}
    assert row2["Prioritet"] == 1 and row2["Prioritetsgrund"] == "Verksamhetskritiskt avtal"
    assert row2["Kontroll"] == "OK"
    assert all(ws.cell(3, i).value is None for i in range(1, len(header) + 1))
    assert wb["Egna noteringar"]["A1"].value == "Rör inte"
    after = entries(path)
    assert after["xl/worksheets/sheet2.xml"] == before["xl/worksheets/sheet2.xml"]
    assert read_book(path).findings == []


def test_macro_book_keeps_its_vba_project_and_buttons(tmp_path: Path) -> None:
    path = tmp_path / "knappar.xlsm"
    shutil.copyfile(CORPUS / "excel-saved" / "62629_target.xlsm", path)
    path.chmod(0o644)
    headers = ["Avtals-ID", "Avtalsnamn", "Leverantör", "Startdatum", "Slutdatum"]
    write_cells(
        path,
        {
            "Avtal": {
                **{f"{chr(65 + i)}1": h for i, h in enumerate(headers)},
                "A2": "K-1",
                "B2": "Kaffe",
                "C2": "Bryggeriet AB",
                "D2": date(2025, 1, 1),
                "E2": date(2028, 1, 1),
            }
        },
    )
    before = entries(path)
    code, report = cli_json("run", str(path), "--today", TODAY)
    assert code == 0, report["findings"]
    after = entries(path)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    with_buttons = [n for n, data in before.items() if b"<controls" in data]
    assert with_buttons
    for name in with_buttons:
        assert after[name] == before[name]
    for name in before:
        if name.startswith(("xl/drawings/", "xl/ctrlProps/", "xl/media/")):
            assert after[name] == before[name], name


# --- LibreOffice as the independent client -------------------------------------------------------


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_reads_what_a_run_wrote(clean_book: Path, tmp_path: Path) -> None:
    cli("run", str(clean_book), "--today", TODAY)
    ours = values(clean_book, schema.AVTAL)
    sheets = libreoffice_csv(clean_book, tmp_path / "csv")
    avtal = sheets[schema.AVTAL]
    header = avtal[0]
    theirs = [dict(zip(header, r, strict=True)) for r in avtal[1 : 1 + len(ours)]]
    for mine, lo in zip(ours, theirs, strict=True):
        assert lo["Kontroll"] == mine["Kontroll"]
        assert lo["Prioritet"] == ("" if mine["Prioritet"] is None else str(mine["Prioritet"]))
        nxt = mine["Nästa uppföljning"]
        assert lo["Nästa uppföljning"] == (nxt.date().isoformat() if nxt else "")
        assert lo["Uppföljningsstatus"] == (mine["Uppföljningsstatus"] or "")
    assert sheets[schema.OVERSIKT][6][:2] == ["Avtal totalt", "60"]


@pytest.mark.libreoffice
@needs_libreoffice
def test_round_trip_through_a_libreoffice_saved_book(tmp_path: Path) -> None:
    template = tmp_path / "mall.xlsx"
    build_workbook(template)
    saved = libreoffice_resave(template, tmp_path / "lo")
    avtal = template_sheet(schema.AVTAL)
    headers = {c.header: schema.column_letter(i) for i, c in enumerate(avtal.columns, 1)}
    write_cells(
        saved,
        {
            schema.AVTAL: {
                f"{headers['Avtals-ID']}2": "LO-1",
                f"{headers['Avtalsnamn']}2": "Skolskjutsar",
                f"{headers['Leverantör']}2": "Bussbolaget AB",
                f"{headers['Startdatum']}2": date(2026, 1, 1),
                f"{headers['Slutdatum']}2": date(2029, 12, 31),
                f"{headers['Årsvärde (kr)']}2": 4_000_000,
            }
        },
    )
    before = entries(saved)
    code, report = cli_json("run", str(saved), "--today", TODAY)
    assert code == 0, report["findings"]
    row = values(saved, schema.AVTAL)[0]
    assert row["Avtals-ID"] == "LO-1" and row["Kontroll"] == "OK"
    # One active contract: 10 % and 30 % of one both round to none, so it is tier 3.
    assert row["Prioritet"] == 3
    assert row["Nästa uppföljningstyp"] == "Uppstartsmöte"
    assert row["Nästa uppföljning"] == datetime(2026, 1, 2)
    parts = sheet_parts(saved)
    after = entries(saved)
    untouched = {parts[schema.INSTRUKTIONER], parts[schema.INSTALLNINGAR]}
    for name in untouched:
        assert after[name] == before[name]
    assert {n for n in before if before[n] != after[n]} <= (
        {parts[s] for s in schema.ALL_SHEETS}
        | {"xl/styles.xml", "docProps/custom.xml"}  # LibreOffice's empty custom properties
        | {n for n in after if n.startswith("xl/tables/")}
    )
    assert b'name="Avtalsbok k\xc3\xb6rning"' in after["docProps/custom.xml"]
    csv_sheets = libreoffice_csv(saved, tmp_path / "csv")
    assert csv_sheets[schema.AVTAL][1][0] == "LO-1"


def test_a_book_saved_by_someone_else_after_it_was_read_is_not_overwritten(
    clean_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from avtalsbok.core import output

    real_plan = output.plan_writes

    def officer_saves_meanwhile(book: Any, result: Any, **options: Any) -> Any:
        plan = real_plan(book, result, **options)
        write_cells(clean_book, {"Avtal": {"B2": "Ändrat av Anna medan körningen pågick"}})
        return plan

    monkeypatch.setattr(output, "plan_writes", officer_saves_meanwhile)
    code, report = cli_json("run", str(clean_book), "--today", TODAY)
    assert code == 2
    assert [f["code"] for f in report["findings"] if f["level"] == "error"] == ["write-failed"]
    saved = openpyxl.load_workbook(clean_book)[schema.AVTAL]
    assert saved["B2"].value == "Ändrat av Anna medan körningen pågick"
    assert saved.cell(2, len(schema.AVTAL_SHEET.columns)).value is None  # Kontroll not written


def test_a_run_loads_the_engine_while_the_book_is_read(clean_book: Path) -> None:
    # Loading the runner loads only what reading needs; the engine and the writer load on a
    # thread of their own while the first book is read (the reader here waits to see them).
    code = f"""
import sys, time
from avtalsbok.workbook import runner
assert "avtalsbok.core.engine" not in sys.modules
assert "avtalsbok.ooxml.editor" not in sys.modules
real_read = runner.read_book
def read_book(path):
    waited = time.monotonic() + 20
    while "avtalsbok.ooxml.editor" not in sys.modules and time.monotonic() < waited:
        time.sleep(0.001)
    assert "avtalsbok.ooxml.editor" in sys.modules, "the engine did not load meanwhile"
    return real_read(path)
runner.read_book = read_book
outcome = runner.process({str(clean_book)!r}, today=__import__("datetime").date(2026, 11, 2))
print(outcome.written, outcome.errors)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "0"]


def test_the_log_says_who_ran_the_update_and_when_the_step_was_taken(tmp_path: Path) -> None:
    path = tmp_path / "avtal.xlsx"
    dev = {
        "Avvikelse-ID": "AV-1",
        "Avtals-ID": "A-1",
        "Upptäckt": date(2026, 9, 1),
        "Allvarlighetsgrad": "Hög",
        "Eskaleringssteg": 1,
        "Steg taget": date(2026, 9, 20),
    }
    contract = {"Avtals-ID": "A-1", "Avtalsnamn": "Städ", "Leverantör": "Städ AB",
                "Startdatum": date(2026, 1, 1), "Slutdatum": date(2028, 12, 31)}  # fmt: skip
    build_workbook(path, {schema.AVTAL: [contract], schema.AVVIKELSER: [dev]})
    code, _out = cli("run", str(path), "--today", TODAY)
    assert code == 0
    rows = list(openpyxl.load_workbook(path)[schema.HANDELSELOGG].iter_rows(values_only=True))
    found = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [(r["Händelse"], r["Steg taget"]) for r in found] == [
        ("Avvikelse registrerad", None),
        ("Eskaleringssteg ändrat", datetime(2026, 9, 20)),
    ]
    assert all(r["Källa"].startswith("avtalsbok (") for r in found)  # the user who ran it


def test_a_book_with_kontroll_last_keeps_its_layout(tmp_path: Path) -> None:
    """Books made before `Kontroll` moved forward in the template have it last: a run writes
    it there, and moves no column of the officer's own book."""
    path = tmp_path / "gammal.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet(schema.AVTAL)
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    headers = [c.header for c in schema.AVTAL_SHEET.columns]
    assert headers[-1] == "Kontroll"
    row = {"Avtals-ID": "A-1", "Avtalsnamn": "Städ", "Leverantör": "Städbolaget AB"}
    for c, header in enumerate(headers):
        ws.write_string(0, c, header)
        if header in row:
            ws.write_string(1, c, row[header])
    for header, day in (("Startdatum", date(2025, 1, 1)), ("Slutdatum", date(2027, 12, 31))):
        at = datetime.combine(day, datetime.min.time())
        ws.write_datetime(1, headers.index(header), at, dates)
    wb.close()
    code, _ = cli_json("run", str(path), "--today", TODAY)
    assert code == 0
    sheet = openpyxl.load_workbook(path)[schema.AVTAL]
    assert [cell.value for cell in sheet[1]] == headers
    assert sheet.cell(2, len(headers)).value == schema.CHECK_OK
    assert sheet.cell(2, 3).value == "Städbolaget AB"
