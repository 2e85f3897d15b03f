"""Builds `avtalsbok.xlam`: the Excel add-in that gives every open workbook an Avtalsbok tab.

The add-in is the same VBA module set as the macro-enabled template (`macros/Avtalsbok.bas`,
one `RunPython` line per button), packed differently, the way xlwings' own custom add-ins are
made (`xlwings quickstart NAME --addin --ribbon`):

- `macros/addin/xlwings_custom_addin.bas` in place of the standalone `xlwings.bas`: xlwings'
  custom add-in module, which hands Python the *active* workbook instead of the add-in, with
  its project name set to `avtalsbok` (so its settings are the sheet `avtalsbok.conf` and the
  file `%USERPROFILE%\\.avtalsbok\\avtalsbok.conf`);
- `macros/addin/RibbonAvtalsbok.bas`: one ribbon callback `Sub OnX(control As IRibbonControl)`
  per button, each running the template's Sub of the same button;
- `customUI/customUI14.xml` (Office 2010 and later), related from the package root, with the
  tab and its buttons;
- one hidden sheet, `avtalsbok.conf`, holding the add-in's own xlwings settings;
- the workbook part typed as an add-in and its window hidden.

The workbook is written by XlsxWriter and the four add-in parts are then set in the package;
the build is deterministic, the same sources give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from os import PathLike
from xml.sax.saxutils import quoteattr

import xlsxwriter

from .atomic import atomic_replace
from .template import BUTTONS, TEMPLATE_DAY
from .vbaproject import Module, macros_folder, read_macros, vba_project

ADDIN_NAME = "avtalsbok.xlam"
#: `PROJECT_NAME` of the add-in's xlwings module: it names the settings sheet and file.
XLWINGS_PROJECT = "avtalsbok"
CONF_SHEET = f"{XLWINGS_PROJECT}.conf"
#: The add-in's VBA project: named apart from its modules and from every book's `VBAProject`.
VBA_PROJECT_NAME = "AvtalsbokAddin"
RIBBON_MODULE = "RibbonAvtalsbok"

CUSTOM_UI_PART = "customUI/customUI14.xml"
CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
_XLSM_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

#: The add-in's settings: the book's own folder stays off `sys.path`, as for the template.
#: No `Interpreter_Win` row: a blank one would hide the user's settings file (see the notes).
CONF_SETTINGS = (("ADD_WORKBOOK_TO_PYTHONPATH", "false"),)
_CONF_NOTES = (
    "Inställningar för xlwings i tillägget Avtalsbok. De gäller för alla arbetsböcker.",
    "Python: skriv Interpreter_Win med sökvägen till pythonw.exe i filen "
    "%USERPROFILE%\\.avtalsbok\\avtalsbok.conf, en rad: "
    '"INTERPRETER_WIN","C:\\Program Files\\Python311\\pythonw.exe". Saknas den används '
    "python i PATH.",
    "IT kan i stället lägga raden Interpreter_Win i det här bladet, direkt under raden ovan "
    "utan tom rad emellan, innan tillägget delas ut. Ett blad avtalsbok.conf i en "
    "arbetsbok gäller före både bladet och filen.",
    "Mer i docs/installation.md.",
)


@dataclass(frozen=True)
class RibbonButton:
    """One button of the Avtalsbok tab: the Sub of `macros/Avtalsbok.bas` it runs, its caption,
    its built-in icon (an Excel control id) and its screentip text."""

    sub: str
    caption: str
    image: str
    tip: str

    @property
    def callback(self) -> str:
        """The ribbon callback in `RibbonAvtalsbok.bas`, as `onAction` names it."""
        return f"{RIBBON_MODULE}.On{self.sub}"


_CAPTIONS = dict(BUTTONS)
#: The tab's groups and buttons. The icons are Excel control ids from Microsoft's list
#: (github.com/OfficeDev/office-fluent-ui-command-identifiers, excelcontrols.xlsx).
RIBBON: tuple[tuple[str, tuple[RibbonButton, ...]], ...] = (
    (
        "Avtalsboken",
        (
            RibbonButton(
                "Kontrollera",
                _CAPTIONS["Kontrollera"],
                "DataValidation",
                "Kontrollerar uppgifterna i den aktiva avtalsboken och listar fel och "
                "varningar på bladet Fel.",
            ),
            RibbonButton(
                "Uppdatera",
                _CAPTIONS["Uppdatera"],
                "RefreshAll",
                "Kontrollerar och räknar om alla grå kolumner, Översikt, Uppföljningsplan "
                "och Fel i den aktiva avtalsboken.",
            ),
            RibbonButton(
                "VisaFel",
                _CAPTIONS["VisaFel"],
                "ErrorChecking",
                "Visar bladet Fel med alla fel och varningar.",
            ),
        ),
    ),
    (
        "Rapport",
        (
            RibbonButton(
                "SkapaRapport",
                _CAPTIONS["SkapaRapport"],
                "FileSaveAs",
                "Sparar avtalsbokens rapport som en egen arbetsbok bredvid avtalsboken.",
            ),
            RibbonButton(
                "SkickaRapport",
                _CAPTIONS["SkickaRapport"],
                "FileSendAsAttachment",
                "Skickar rapporten med e-post till Rapportmottagare på bladet Inställningar.",
            ),
        ),
    ),
    (
        "Ny avtalsbok",
        (
            RibbonButton(
                "GorTillAvtalsbok",
                "Gör till avtalsbok",
                "TableInsertExcel",
                "Lägger till de blad och beräknade kolumner som saknas, så att den aktiva "
                "arbetsboken blir en avtalsbok. Dina egna kolumner och värden ändras inte.",
            ),
        ),
    ),
)


def ribbon_buttons() -> list[RibbonButton]:
    """Every button of the tab, in order."""
    return [button for _, buttons in RIBBON for button in buttons]


def custom_ui() -> bytes:
    """`customUI14.xml`: the Avtalsbok tab (schema: customUI, 2009/07)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<customUI xmlns="{CUSTOM_UI_NS}">',
        "  <ribbon>",
        "    <tabs>",
        '      <tab id="AvtalsbokTab" label="Avtalsbok">',
    ]
    for number, (label, buttons) in enumerate(RIBBON, start=1):
        lines.append(f'        <group id="AvtalsbokGrupp{number}" label={quoteattr(label)}>')
        lines += [
            f"          <button id={quoteattr('Knapp' + b.sub)} label={quoteattr(b.caption)} "
            f'size="large" imageMso={quoteattr(b.image)} screentip={quoteattr(b.caption)} '
            f"supertip={quoteattr(b.tip)} onAction={quoteattr(b.callback)}/>"
            for b in buttons
        ]
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")


def addin_macros() -> list[Module]:
    """The template's modules with the add-in's own (`macros/addin/`) in place of those of the
    same name."""
    modules = {m.name: m for m in read_macros()}
    modules.update({m.name: m for m in read_macros(macros_folder() / "addin")})
    return list(modules.values())


def build_addin(path: str | PathLike[str]) -> None:
    """Write `avtalsbok.xlam` to `path` all or nothing (raises WriteError)."""
    data = addin_bytes()
    atomic_replace(path, lambda out: out.write(data))


def addin_bytes() -> bytes:
    """The add-in's package."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {
            "title": "Avtalsbok",
            "subject": "Tillägg för Excel",
            "created": datetime.combine(TEMPLATE_DAY, datetime.min.time()),
        }
    )
    conf = workbook.add_worksheet(CONF_SHEET)
    conf.set_column(0, 0, 32)
    conf.set_column(1, 1, 60)
    for r, (key, value) in enumerate(CONF_SETTINGS):
        conf.write_string(r, 0, key)
        conf.write_string(r, 1, value)
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
    # A blank row ends the settings: xlwings reads from A1 down to the first empty cell.
    for r, note in enumerate(_CONF_NOTES, start=len(CONF_SETTINGS) + 1):
        conf.merge_range(r, 0, r, 1, note, wrapped)
        conf.set_row(r, 15 * (1 + len(note) // 80))
    conf.set_vba_name()
    workbook.set_vba_name()
    project = vba_project([conf.vba_codename], addin_macros(), project_name=VBA_PROJECT_NAME)
    workbook.add_vba_project(io.BytesIO(project), True)
    workbook.close()
    return _as_addin(buffer.getvalue())


def _as_addin(xlsm: bytes) -> bytes:
    """The macro-enabled package made an add-in: its type, its hidden window, its ribbon."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsm)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        infos = source.infolist()
        for info in infos:
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = _replace_once(data, _XLSM_CONTENT_TYPE, ADDIN_CONTENT_TYPE)
            elif info.filename == "_rels/.rels":
                data = _with_ui_relationship(data)
            elif info.filename == "xl/workbook.xml":
                data = _replace_once(data, "<workbookView ", '<workbookView visibility="hidden" ')
            target.writestr(info, data)
        ui = zipfile.ZipInfo(CUSTOM_UI_PART, date_time=infos[0].date_time)
        ui.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(ui, custom_ui())
    return out.getvalue()


def _replace_once(data: bytes, old: str, new: str) -> bytes:
    text = data.decode("utf-8")
    if text.count(old) != 1:
        raise ValueError(f"expected {old!r} once in the package part")
    return text.replace(old, new).encode("utf-8")


def _with_ui_relationship(rels: bytes) -> bytes:
    """The package relationships with one more: the ribbon, under the next free id."""
    text = rels.decode("utf-8")
    taken = {int(n) for n in re.findall(r'Id="rId(\d+)"', text)}
    rel = (
        f'<Relationship Id="rId{max(taken, default=0) + 1}" Type="{UI_RELATIONSHIP}" '
        f'Target="{CUSTOM_UI_PART}"/>'
    )
    return _replace_once(rels, "</Relationships>", rel + "</Relationships>")
