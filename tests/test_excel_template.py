"""The macro-enabled template: VBA project, buttons and xlwings settings, read back by others."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import openpyxl
import pytest

from avtalsbok import cli
from avtalsbok.core import schema
from avtalsbok.workbook.template import (
    BUTTONS,
    SHEET_BUTTONS,
    XLWINGS_CONF,
    XLWINGS_SETTINGS,
    build_template,
    build_workbook,
)

with warnings.catch_warnings():  # oletools' own use of pyparsing warns on import
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "templates" / "avtalsbok.xlsm"
HANDLER_OF = {
    "Kontrollera": "kontrollera",
    "Uppdatera": "uppdatera",
    "SkapaRapport": "skapa_rapport",
    "SkickaRapport": "skicka_rapport",
    "VisaFel": "visa_fel",
    "GorTillAvtalsbok": "gor_till_avtalsbok",
}
#: On the ribbon of the add-in only: the template is an avtalsbok from the start.
RIBBON_ONLY = {"GorTillAvtalsbok"}
NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsm") / "avtalsbok.xlsm"
    build_template(path)
    return path


@pytest.fixture(scope="module")
def modules(xlsm: Path) -> dict[str, str]:
    """Module name → source, as olevba extracts them from the workbook."""
    parser = VBA_Parser(str(xlsm))
    return {
        name.rsplit(".", 1)[0]: code.replace("\r\n", "\n")
        for _f, _s, name, code in parser.extract_macros()
    }


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its part in the package."""
    with zipfile.ZipFile(path) as z:
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    return {
        s.get("name"): f"xl/{targets[s.get(R_ID)]}"
        for s in workbook.findall("m:sheets/m:sheet", NS)
    }


def button_macros(path: Path, sheet: str) -> list[str]:
    """The macro each form-control button of a sheet runs, from its VML drawing."""
    part = PurePosixPath(sheet_parts(path)[sheet])
    with zipfile.ZipFile(path) as z:
        rels = ElementTree.fromstring(z.read(f"{part.parent}/_rels/{part.name}.rels"))
        macros = []
        for rel in rels.findall("rel:Relationship", NS):
            if rel.get("Type", "").endswith("/vmlDrawing"):
                target = (part.parent / rel.get("Target", "")).as_posix()
                vml = z.read(re.sub(r"[^/]+/\.\./", "", target)).decode()
                macros += re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    return macros


def test_committed_macro_template_is_a_fresh_build(xlsm: Path) -> None:
    assert COMMITTED.read_bytes() == xlsm.read_bytes()


def test_every_sub_runs_its_handler_with_the_exact_line(modules: dict[str, str]) -> None:
    subs = re.findall(r"^Sub (\w+)\(\)\n(.*)\nEnd Sub$", modules["Avtalsbok"], re.M)
    assert dict(subs) == {
        sub: f'    RunPython "import avtalsbok.excel.handlers as h; h.{name}()"'
        for sub, name in HANDLER_OF.items()
    }
    assert sorted(sub for sub, _caption in BUTTONS) == sorted(
        s for s in HANDLER_OF if s not in RIBBON_ONLY
    )


def test_xlwings_module_is_the_installed_package_version(modules: dict[str, str]) -> None:
    versions = re.findall(r'XLWINGS_VERSION As String = "([^"]+)"', modules["xlwings"])
    assert versions == [importlib.metadata.version("xlwings")]
    assert "Public Function RunPython(" in modules["xlwings"]


def test_document_modules_match_the_sheet_code_names(xlsm: Path, modules: dict[str, str]) -> None:
    with zipfile.ZipFile(xlsm) as z:
        assert 'codeName="ThisWorkbook"' in z.read("xl/workbook.xml").decode()
        names = [
            re.search(r'<sheetPr[^>]*codeName="(\w+)"', z.read(part).decode())
            for part in sheet_parts(xlsm).values()
        ]
        types = z.read("[Content_Types].xml").decode()
    code_names = [m.group(1) for m in names if m]
    assert len(code_names) == len(schema.ALL_SHEETS) + 2  # plus Listor and xlwings.conf
    assert set(modules) == {"ThisWorkbook", *code_names, "Avtalsbok", "xlwings"}
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert "application/vnd.ms-office.vbaProject" in types


def test_buttons_run_existing_subs(xlsm: Path, modules: dict[str, str]) -> None:
    subs = set(re.findall(r"^Sub (\w+)\(\)", modules["Avtalsbok"], re.M))
    assert {sheet: button_macros(xlsm, sheet) for sheet in SHEET_BUTTONS} == {
        sheet: list(names) for sheet, names in SHEET_BUTTONS.items()
    }
    assert set(SHEET_BUTTONS[schema.OVERSIKT]) == subs - RIBBON_ONLY


def test_uppdatera_is_the_first_and_widest_button_on_each_sheet(xlsm: Path) -> None:
    for sheet in SHEET_BUTTONS:
        part = PurePosixPath(sheet_parts(xlsm)[sheet])
        with zipfile.ZipFile(xlsm) as z:
            rels = ElementTree.fromstring(z.read(f"{part.parent}/_rels/{part.name}.rels"))
            (target,) = [
                (part.parent / r.get("Target", "")).as_posix()
                for r in rels.findall("rel:Relationship", NS)
                if r.get("Type", "").endswith("/vmlDrawing")
            ]
            vml = z.read(re.sub(r"[^/]+/\.\./", "", target)).decode()
        buttons = re.findall(r"margin-left:([\d.]+)pt;[^\"]*width:([\d.]+)pt.*?!(\w+)<", vml)
        placed = sorted((float(left), float(width), sub) for left, width, sub in buttons)
        assert placed[0][2] == "Uppdatera", sheet
        assert all(placed[0][1] > width for _left, width, _sub in placed[1:]), sheet


def test_xlwings_settings_start_in_a1_and_end_before_the_notes(xlsm: Path) -> None:
    book = openpyxl.load_workbook(xlsm, keep_vba=True)
    assert book.sheetnames[-1] == XLWINGS_CONF
    ws = book[XLWINGS_CONF]
    assert ws.sheet_state == "hidden"
    keys = [(ws.cell(r, 1).value, ws.cell(r, 2).value or "") for r in range(1, 4)]
    assert keys == [*XLWINGS_SETTINGS, (None, "")]
    assert ws.cell(4, 1).value  # the notes for IT
    assert dict(XLWINGS_SETTINGS)["Interpreter_Win"] == ""


def test_xlsx_and_xlsm_hold_the_same_sheets_but_for_xlwings_conf(tmp_path: Path) -> None:
    build_workbook(tmp_path / "a.xlsx")
    build_workbook(tmp_path / "a.xlsm")
    plain = openpyxl.load_workbook(tmp_path / "a.xlsx")
    macro = openpyxl.load_workbook(tmp_path / "a.xlsm", keep_vba=True)
    assert macro.sheetnames == [*plain.sheetnames, XLWINGS_CONF]
    for name in schema.ALL_SHEETS:
        assert [r for r in plain[name].iter_rows(values_only=True)] == [
            r for r in macro[name].iter_rows(values_only=True)
        ]
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert "xl/vbaProject.bin" not in z.namelist()


def test_new_with_xlsm_gives_the_macro_template(tmp_path: Path) -> None:
    target = tmp_path / "min bok.xlsm"
    assert cli.main(["new", str(target)]) == cli.EXIT_OK
    assert target.read_bytes() == COMMITTED.read_bytes()


def test_template_command_builds_both_templates(tmp_path: Path) -> None:
    assert cli.main(["template", str(tmp_path)]) == cli.EXIT_OK
    assert (tmp_path / "avtalsbok.xlsm").read_bytes() == COMMITTED.read_bytes()
    assert (tmp_path / "avtalsbok.xlsx").read_bytes() == (
        ROOT / "templates" / "avtalsbok.xlsx"
    ).read_bytes()


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas")
def test_libreoffice_imports_the_project_and_binds_every_button(xlsm: Path, tmp_path: Path) -> None:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(xlsm)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with zipfile.ZipFile(tmp_path / "avtalsbok.ods") as z:
        library = z.read("Basic/VBAProject/script-lb.xml").decode()
        buttons = z.read("Basic/VBAProject/Avtalsbok.xml").decode()
        content = z.read("content.xml").decode()
    assert set(re.findall(r'library:name="(\w+)"/>', library)) >= {"Avtalsbok", "xlwings"}
    for sub, handler in HANDLER_OF.items():
        assert (
            f"Sub {sub}()\n    RunPython &quot;import avtalsbok.excel.handlers as h; "
            f"h.{handler}()&quot;\nEnd Sub" in buttons
        )
    bound = re.findall(r"vnd\.sun\.star\.script:VBAProject\.Avtalsbok\.(\w+)\?", content)
    assert sorted(bound) == sorted(s for subs in SHEET_BUTTONS.values() for s in subs)
