"""avtalsbok.xlam: package, ribbon and VBA project, held against the add-in Excel made for xlwings
(`quickstart_addin_ribbon.xlam` in the xlwings package), Microsoft's ribbon schema, oletools and
LibreOffice."""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import olefile
import pytest
import xmlschema
from python_calamine import CalamineWorkbook

from avtalsbok import cli
from avtalsbok.excel import handlers
from avtalsbok.workbook.addin import (
    ADDIN_CONTENT_TYPE,
    CONF_SHEET,
    CUSTOM_UI_NS,
    UI_RELATIONSHIP,
    addin_macros,
    build_addin,
    custom_ui,
)

with warnings.catch_warnings():  # oletools' own use of pyparsing warns on import
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream

ROOT = Path(__file__).resolve().parent.parent
XLWINGS_DIR = Path(importlib.util.find_spec("xlwings").origin).parent  # type: ignore[arg-type,union-attr]
#: Made by Excel for xlwings' `quickstart --addin --ribbon`; some of its parts were rewritten by
#: another library in xlwings' build (attribute order, spacing), so it is compared by meaning.
REFERENCE = XLWINGS_DIR / "quickstart_addin_ribbon.xlam"
COMMITTED = ROOT / "templates" / "avtalsbok.xlam"
SCHEMA = Path(__file__).parent / "schemas" / "customui14.xsd"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
OFFICE_LIBRARY = "{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}"  # Microsoft Office Object Library
NS = {
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
}
CAPTIONS = {
    "Kontrollera",
    "Uppdatera",
    "Visa fel",
    "Skapa rapport",
    "Skicka rapport",
    "Gör till avtalsbok",
}


@pytest.fixture(scope="module")
def xlam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("addin") / "avtalsbok.xlam"
    build_addin(path)
    return path


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def content_types(path: Path) -> dict[str, str]:
    """Part → content type, the overrides first and the defaults by extension for the rest."""
    root = ElementTree.fromstring(part(path, "[Content_Types].xml"))
    defaults = {d.get("Extension"): d.get("ContentType") for d in root.findall("ct:Default", NS)}
    overrides = {o.get("PartName"): o.get("ContentType") for o in root.findall("ct:Override", NS)}
    with zipfile.ZipFile(path) as z:
        names = ["/" + n for n in z.namelist()]
    return {n: overrides.get(n) or defaults.get(n.rsplit(".", 1)[-1], "") for n in names}


def relationships(path: Path, rels: str) -> dict[str, str]:
    root = ElementTree.fromstring(part(path, rels))
    return {r.get("Type", ""): r.get("Target", "") for r in root.findall("rel:Relationship", NS)}


def project(path: Path) -> tuple[str, dict[str, bytes], bytes]:
    """The VBA project's `PROJECT` text, each module's source as olevba extracts it (in the
    project's code page), and the decompressed `dir` stream."""
    with olefile.OleFileIO(io.BytesIO(part(path, "xl/vbaProject.bin"))) as ole:
        text = ole.openstream("PROJECT").read().decode("cp1252")
        directory = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    parser = VBA_Parser(str(path))
    modules = {
        name.rsplit(".", 1)[0]: code.encode("cp1252")
        for _f, _s, name, code in parser.extract_macros()
    }
    return text, modules, directory


def sheet_code_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        found = [re.search(r'<sheetPr[^>]*codeName="(\w+)"', z.read(n).decode()) for n in sheets]
    return [m.group(1) for m in found if m]


def subs(source: str) -> dict[str, tuple[str, str]]:
    """Sub name → (its parameter list, its body) of one module's source."""
    return {
        name: (params, body)
        for name, params, body in re.findall(
            r"^Sub (\w+)\(([^)]*)\)\r?\n(.*?)\r?\nEnd Sub", source, re.M | re.S
        )
    }


# --- the package ---------------------------------------------------------------------------


def test_committed_addin_is_a_fresh_build(xlam: Path) -> None:
    assert COMMITTED.read_bytes() == xlam.read_bytes()


def test_addin_command_builds_the_committed_addin(tmp_path: Path) -> None:
    assert cli.main(["addin", str(tmp_path / "ut")], out=io.StringIO()) == 0
    assert (tmp_path / "ut" / "avtalsbok.xlam").read_bytes() == COMMITTED.read_bytes()


def test_addin_into_a_file_not_a_folder_exits_2_in_swedish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ut").write_text("en fil", encoding="utf-8")
    assert cli.main(["addin", str(tmp_path / "ut")], out=io.StringIO()) == 2
    assert "ut är ingen mapp och kan inte skapas" in capsys.readouterr().err


def test_a_read_only_addin_is_not_replaced_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "avtalsbok.xlam"
    target.write_bytes(b"det installerade")
    target.chmod(0o444)
    assert cli.main(["addin", str(tmp_path)], out=io.StringIO()) == 2
    assert "tillägget kunde inte skrivas: filen är skrivskyddad" in capsys.readouterr().err
    assert target.read_bytes() == b"det installerade"


@pytest.mark.parametrize("which", ["reference", "ours"])
def test_package_is_typed_and_related_as_excel_makes_an_addin(which: str, xlam: Path) -> None:
    path = REFERENCE if which == "reference" else xlam
    types = content_types(path)
    assert types["/xl/workbook.xml"] == ADDIN_CONTENT_TYPE
    assert types["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    root = relationships(path, "_rels/.rels")
    assert root[OFFICE_DOCUMENT].endswith("xl/workbook.xml")
    ui = root[UI_RELATIONSHIP]
    assert types["/" + ui] == "application/xml"
    book = relationships(path, "xl/_rels/workbook.xml.rels")
    assert book["http://schemas.microsoft.com/office/2006/relationships/vbaProject"] == (
        "vbaProject.bin"
    )
    workbook = ElementTree.fromstring(part(path, "xl/workbook.xml"))
    assert workbook.find("m:workbookPr", NS).get("codeName") == "ThisWorkbook"  # type: ignore[union-attr]
    assert workbook.find("m:bookViews/m:workbookView", NS).get("visibility") == "hidden"  # type: ignore[union-attr]
    # Excel's reference carries the Office 2007 ribbon part; ours the 2010 one.
    ribbon = ElementTree.fromstring(part(path, ui))
    part_name, namespace = (
        ("customUI/customUI14.xml", CUSTOM_UI_NS)
        if which == "ours"
        else ("customUI/customUI.xml", "http://schemas.microsoft.com/office/2006/01/customui")
    )
    assert (ui, ribbon.tag) == (part_name, f"{{{namespace}}}customUI")


@pytest.mark.parametrize("which", ["reference", "ours"])
def test_vba_project_has_the_modules_and_references_an_addin_needs(which: str, xlam: Path) -> None:
    path = REFERENCE if which == "reference" else xlam
    text, modules, directory = project(path)
    documents = set(re.findall(r"^Document=(\w+)/&H00000000\r$", text, re.M))
    standard = set(re.findall(r"^Module=(\w+)\r$", text, re.M))
    assert documents == {"ThisWorkbook", *sheet_code_names(path)}
    assert {"xlwings"} < standard and any(m.startswith("Ribbon") for m in standard)
    assert set(modules) >= documents | standard
    assert OFFICE_LIBRARY.encode() in directory  # IRibbonControl is declared there
    # The module type recorded in `dir` (document or procedural), as olevba reads it.
    kinds = {
        name.rsplit(".", 1)[0]: name.rsplit(".", 1)[1]
        for _f, _s, name, _code in VBA_Parser(str(path)).extract_macros()
    }
    assert {m: kinds[m] for m in documents | standard} == {
        **{m: "cls" for m in documents},
        **{m: "bas" for m in standard},
    }
    ribbon = next(m for m in standard if m.startswith("Ribbon"))
    assert b"(control As IRibbonControl)" in modules[ribbon]


def test_olevba_reads_back_every_module_byte_for_byte(xlam: Path) -> None:
    _text, modules, _dir = project(xlam)
    ours = {m.name: m.source for m in addin_macros()}
    assert {name: modules[name] for name in ours} == ours
    assert set(modules) == {"ThisWorkbook", *sheet_code_names(xlam), *ours}


def test_the_template_buttons_and_the_ribbon_share_one_button_module(xlam: Path) -> None:
    from avtalsbok.workbook.vbaproject import read_macros

    template = {m.name: m.source for m in read_macros()}
    addin = {m.name: m.source for m in addin_macros()}
    assert addin["Avtalsbok"] == template["Avtalsbok"]
    assert addin["xlwings"] != template["xlwings"]  # the custom add-in's module in its place
    assert set(addin) == {*template, "RibbonAvtalsbok"}


# --- the ribbon ----------------------------------------------------------------------------


def test_ribbon_validates_against_microsofts_schema() -> None:
    schema = xmlschema.XMLSchema(SCHEMA)
    schema.validate(custom_ui())
    # The schema is strict enough to catch a slip: an unknown attribute, a size not offered.
    assert not schema.is_valid(custom_ui().replace(b"supertip=", b"tooltip=", 1))
    assert not schema.is_valid(custom_ui().replace(b'size="large"', b'size="huge"', 1))


def test_ribbon_has_the_avtalsbok_tab_with_six_swedish_buttons(xlam: Path) -> None:
    ribbon = ElementTree.fromstring(part(xlam, "customUI/customUI14.xml"))
    ns = {"ui": CUSTOM_UI_NS}
    (tab,) = ribbon.findall("ui:ribbon/ui:tabs/ui:tab", ns)
    buttons = tab.findall("ui:group/ui:button", ns)
    assert tab.get("label") == "Avtalsbok"
    assert {b.get("label") for b in buttons} == CAPTIONS
    for b in buttons:
        assert b.get("imageMso") and b.get("screentip") == b.get("label")
        assert b.get("supertip", "").endswith(".")


def test_every_callback_is_a_sub_taking_the_ribbon_control_and_runs_a_handler(
    xlam: Path,
) -> None:
    ribbon = part(xlam, "customUI/customUI14.xml").decode()
    callbacks = re.findall(r'onAction="(\w+)\.(\w+)"', ribbon)
    assert len(callbacks) == len(CAPTIONS)
    _text, modules, _dir = project(xlam)
    sources = {name: source.decode("cp1252") for name, source in modules.items()}
    for module, callback in callbacks:
        params, body = subs(sources[module])[callback]
        assert params == "control As IRibbonControl"
        target = re.fullmatch(r"\s*Avtalsbok\.(\w+)", body)
        assert target, body
        no_params, line = subs(sources["Avtalsbok"])[target.group(1)]
        assert no_params == ""
        handler = re.fullmatch(
            r'\s*RunPython "import avtalsbok\.excel\.handlers as h; h\.(\w+)\(\)"', line
        )
        assert handler and callable(getattr(handlers, handler.group(1)))


# --- xlwings --------------------------------------------------------------------------------


def test_xlwings_module_is_the_custom_addin_module_of_the_pin_but_for_its_name() -> None:
    ours = (ROOT / "macros" / "addin" / "xlwings_custom_addin.bas").read_bytes().split(b"\r\n")
    theirs = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_bytes().split(b"\r\n")
    changed = [(a, b) for a, b in zip(theirs, ours, strict=True) if a != b]
    assert changed == [
        (
            b'Public Const PROJECT_NAME As String = "myaddin"',
            b'Public Const PROJECT_NAME As String = "avtalsbok"',
        )
    ]
    # What makes it the add-in's module: Python gets the active workbook, not the add-in.
    text = b"\r\n".join(ours)
    assert b'"BOOK_CALLER", ActiveWorkbook' in text


def test_the_addin_sheet_holds_the_settings_xlwings_reads(xlam: Path) -> None:
    source = (ROOT / "macros" / "addin" / "xlwings_custom_addin.bas").read_text("cp1252")
    (name,) = re.findall(r'PROJECT_NAME As String = "(\w+)"', source)
    assert f"{name}.conf" == CONF_SHEET
    # openpyxl does not open add-ins; calamine reads the sheet as Excel holds it.
    book = CalamineWorkbook.from_path(str(xlam))
    assert book.sheet_names == [CONF_SHEET]
    rows = book.get_sheet_by_name(CONF_SHEET).to_python()
    settings = {}
    for key, value in rows:  # xlwings reads from A1 down to the first blank
        if not key:
            break
        settings[str(key).upper()] = value
    # No blank Interpreter_Win here: it would hide the officer's own settings file.
    assert settings == {"ADD_WORKBOOK_TO_PYTHONPATH": "false"}
    notes = " ".join(str(key) for key, _value in rows[len(settings) + 1 :])
    assert "%USERPROFILE%\\.avtalsbok\\avtalsbok.conf" in notes


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas")
def test_libreoffice_loads_the_addin_and_lists_its_modules(xlam: Path, tmp_path: Path) -> None:
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--infilter=Calc MS Excel 2007 VBA XML",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(xlam),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with zipfile.ZipFile(tmp_path / "avtalsbok.ods") as z:
        library = z.read("Basic/AvtalsbokAddin/script-lb.xml").decode()
        ribbon = z.read("Basic/AvtalsbokAddin/RibbonAvtalsbok.xml").decode()
        content = z.read("content.xml").decode()
    names = set(re.findall(r'library:element library:name="(\w+)"', library))
    assert names == {"ThisWorkbook", *sheet_code_names(xlam), *(m.name for m in addin_macros())}
    assert ribbon.count("(control As IRibbonControl)") == len(CAPTIONS)
    assert re.findall(r'table:table table:name="([^"]+)"', content) == [CONF_SHEET]
