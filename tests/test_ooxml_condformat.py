"""Conditional formats the editor adds to a sheet that lacks them: placed in the worksheet
schema's order, coloured through new `dxf`s in styles.xml, the officer's own rules kept byte for
byte and ranked first, and nothing added (nothing written) when the sheet has the rules."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import openpyxl
from ooxmlbooks import (
    NS,
    editor_of,
    libreoffice,
    libreoffice_csv,
    make_book,
    part,
    rewrite_parts,
)

from avtalsbok.ooxml import EqualsRule

SHEET = "xl/worksheets/sheet1.xml"
RULES = [EqualsRule('"Ja"', "006100", "C6EFCE"), EqualsRule('"Nej"', "9C0006", "FFC7CE")]
RANGE = "D5:D1048576"
#: CT_Worksheet's children, in the order ECMA-376 Part 1 (18.3.1.99) requires.
SCHEMA_ORDER = [
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetProtection",
    "autoFilter",
    "mergeCells",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "drawing",
    "legacyDrawing",
    "tableParts",
    "extLst",
]


def officers_book(path: Path) -> Path:
    """Blad1 with the officer's own colour (A2:A9 over 100 red), a dropdown, a link, a merged
    title and a print setup: what follows `conditionalFormatting` in the schema is there."""

    def build(wb: Any) -> None:
        ws = wb.add_worksheet("Blad1")
        ws.merge_range("A1:C1", "Mina mål")
        ws.write_column("A2", [50, 150])
        ws.write_column("D5", ["Ja", "Nej", "Kanske"])
        ws.conditional_format(
            "A2:A9",
            {"type": "cell", "criteria": ">", "value": 100, "format": wb.add_format({"bold": 1})},
        )
        ws.data_validation("F2", {"validate": "list", "source": ["Ja", "Nej"]})
        ws.write_url("G2", "https://www.upphandlingsmyndigheten.se", string="UHM")
        ws.set_landscape()

    return make_book(path, build)


def children(book: Path) -> list[str]:
    root = ET.fromstring(part(book, SHEET))
    return [child.tag.split("}")[1] for child in root]


def rules(book: Path) -> list[tuple[str, str, list[str], int, str | None, str | None]]:
    """(range, operator, formulas, priority, fill, font colour) of each rule, by openpyxl."""
    ws = openpyxl.load_workbook(book)["Blad1"]
    return sorted(
        (
            str(cf.sqref),
            rule.operator,
            list(rule.formula),
            rule.priority,
            rule.dxf.fill.bgColor.rgb if rule.dxf.fill else None,
            rule.dxf.font.color.rgb if rule.dxf.font and rule.dxf.font.color else None,
        )
        for cf in ws.conditional_formatting
        for rule in cf.rules
    )


def add_rules(book: Path) -> bool:
    editor = editor_of(book)
    editor.add_conditional_formats("Blad1", RANGE, RULES)
    return editor.save()


def test_rules_come_in_the_schema_order_after_the_officers_own(tmp_path: Path) -> None:
    book = officers_book(tmp_path / "bok.xlsx")
    own = re.search(r"<conditionalFormatting.*</conditionalFormatting>", part(book, SHEET))
    assert own is not None

    assert add_rules(book) is True

    order = children(book)
    assert order == sorted(order, key=SCHEMA_ORDER.index)  # Excel's order
    assert order.count("conditionalFormatting") == 2
    after = part(book, SHEET)
    assert after.index(own[0]) < after.index(RANGE)  # theirs as it was, ours after it
    assert rules(book) == [
        ("A2:A9", "greaterThan", ["100"], 1, None, None),
        (RANGE, "equal", ['"Ja"'], 2, "FFC6EFCE", "FF006100"),
        (RANGE, "equal", ['"Nej"'], 3, "FFFFC7CE", "FF9C0006"),
    ]
    styles = ET.fromstring(part(book, "xl/styles.xml"))
    dxfs = styles.find("m:dxfs", NS)
    assert dxfs is not None and dxfs.get("count") == str(len(dxfs)) == "3"


def test_a_sheet_that_has_the_rules_gains_nothing_and_is_not_written(tmp_path: Path) -> None:
    book = officers_book(tmp_path / "bok.xlsx")
    add_rules(book)
    before = book.read_bytes()
    assert add_rules(book) is False
    assert book.read_bytes() == before


def test_rules_added_again_reuse_the_colours_an_earlier_save_added(tmp_path: Path) -> None:
    # The officer deleted the colour rules; the next save adds them again, not their colours.
    book = officers_book(tmp_path / "bok.xlsx")
    add_rules(book)
    sheet = part(book, SHEET)
    ours = re.findall(
        r'<conditionalFormatting sqref="D5:D1048576">.*?</conditionalFormatting>', sheet
    )
    assert len(ours) == 1
    rewrite_parts(book, {SHEET: sheet.replace(ours[0], "")})
    assert add_rules(book) is True
    dxfs = ET.fromstring(part(book, "xl/styles.xml")).find("m:dxfs", NS)
    assert dxfs is not None and dxfs.get("count") == str(len(dxfs)) == "3"
    assert rules(book)[1:] == [
        (RANGE, "equal", ['"Ja"'], 2, "FFC6EFCE", "FF006100"),
        (RANGE, "equal", ['"Nej"'], 3, "FFFFC7CE", "FF9C0006"),
    ]


def test_an_officers_own_rule_for_a_value_keeps_its_place(tmp_path: Path) -> None:
    """Their `Ja` over the whole column stays the only `Ja` rule; `Nej` is added."""
    book = officers_book(tmp_path / "bok.xlsx")
    xml = part(book, SHEET).replace(
        "<dataValidations",
        '<conditionalFormatting sqref="D1:D1048576"><cfRule type="cellIs" dxfId="0" priority="7" '
        'operator="equal"><formula>&quot;Ja&quot;</formula></cfRule></conditionalFormatting>'
        "<dataValidations",
    )
    rewrite_parts(book, {SHEET: xml})
    add_rules(book)
    found = [(ref, formulas, priority) for ref, _op, formulas, priority, *_ in rules(book)]
    assert found == [
        ("A2:A9", ["100"], 1),
        ("D1:D1048576", ['"Ja"'], 7),
        (RANGE, ['"Nej"'], 8),
    ]


def test_a_book_without_differential_formats_gets_them(tmp_path: Path) -> None:
    book = make_book(tmp_path / "bok.xlsx", lambda wb: wb.add_worksheet("Blad1"))
    styles = re.sub(r"<dxfs[^>]*/>|<dxfs.*?</dxfs>", "", part(book, "xl/styles.xml"))
    rewrite_parts(book, {"xl/styles.xml": styles})

    add_rules(book)

    root = ET.fromstring(part(book, "xl/styles.xml"))
    names = [child.tag.split("}")[1] for child in root]
    assert names.index("cellXfs") < names.index("dxfs") < names.index("tableStyles")
    assert [rule[4] for rule in rules(book)] == ["FFC6EFCE", "FFFFC7CE"]


@libreoffice
def test_libreoffice_opens_the_book_with_the_added_rules(tmp_path: Path) -> None:
    book = officers_book(tmp_path / "bok.xlsx")
    add_rules(book)
    rows = libreoffice_csv(book, "Blad1", tmp_path)
    assert [row[3] for row in rows[4:7]] == ["Ja", "Nej", "Kanske"]
