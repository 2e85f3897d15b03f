"""Conditional formats added to a worksheet's XML: `cellIs`/`equal` rules, each added only when
the sheet has no rule of its own for that formula over the range's first cell, placed where the
worksheet schema puts `conditionalFormatting`.

ECMA-376 Part 1, 18.3.1.99 (CT_Worksheet): the `conditionalFormatting` elements follow
`mergeCells`/`phoneticPr` and come before `dataValidations`, `hyperlinks`, `printOptions`,
`pageMargins` and the rest (`_FOLLOWERS`); Excel refuses a sheet whose children are out of this
order. Everything else in the sheet's tail is kept as it stands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from .refs import parse_range
from .xmltext import ATTRS, attributes, escape_text, unescape

#: CT_Worksheet's children after `conditionalFormatting`, in schema order; `AlternateContent`
#: is how Excel wraps `controls` and `oleObjects` for older readers.
_FOLLOWERS = (
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)
_PRIORITY = re.compile(r"""\spriority\s*=\s*["'](\d+)["']""")


@dataclass(frozen=True)
class EqualsRule:
    """Cells equal to `formula` (as Excel writes it: `"Ja"` for the text Ja) shown with the font
    colour `font` on the fill colour `fill` (each RRGGBB)."""

    formula: str
    font: str
    fill: str


#: Adds a differential format (font colour, fill colour) to styles.xml, giving its index.
AddDxf = Callable[[str, str], int]


def added_formats(
    xml: str,
    prefix: str,
    tail: int,
    wanted: Sequence[tuple[str, Sequence[EqualsRule]]],
    dxf: AddDxf,
) -> tuple[int, str] | None:
    """(where, the XML to insert) for the rules of `wanted` (range → rules) the sheet lacks, in
    `xml[tail:]` (the part after the cells); None when it has them all. New rules rank after
    every rule the sheet has (a higher `priority` number): the officer's own colours win."""
    present = _present(xml, prefix, tail)
    priority = max((int(m[1]) for m in _PRIORITY.finditer(xml, tail)), default=0)
    p = prefix
    elements = []
    for ref, rules in wanted:
        row, col, _, _ = parse_range(ref)
        cf_rules = []
        for rule in rules:
            if any(
                formula == rule.formula and _covers(sqref, row, col) for formula, sqref in present
            ):
                continue
            priority += 1
            cf_rules.append(
                f'<{p}cfRule type="cellIs" dxfId="{dxf(rule.font, rule.fill)}" '
                f'priority="{priority}" operator="equal">'
                f"<{p}formula>{escape_text(rule.formula)}</{p}formula></{p}cfRule>"
            )
        if cf_rules:
            elements.append(
                f'<{p}conditionalFormatting sqref="{ref}">{"".join(cf_rules)}'
                f"</{p}conditionalFormatting>"
            )
    if not elements:
        return None
    return _insert_at(xml, prefix, tail), "".join(elements)


def _present(xml: str, prefix: str, tail: int) -> list[tuple[str, str]]:
    """(formula, sqref) of each `equal` rule of the sheet's own conditional formats."""
    found = []
    for block in _blocks(prefix).finditer(xml, tail):
        sqref = attributes(block[1]).get("sqref", "")
        for rule in _rules(prefix).finditer(block[2]):
            attrs = attributes(rule[1])
            formula = _formula(prefix).search(rule[2])
            if attrs.get("type") == "cellIs" and attrs.get("operator") == "equal" and formula:
                found.append((unescape(formula[1]).strip(), sqref))
    return found


def _covers(sqref: str, row: int, col: int) -> bool:
    """Whether one of the ranges of `sqref` (`D5:D9 F1`) holds the cell."""
    for ref in sqref.split():
        try:
            r1, c1, r2, c2 = parse_range(ref)
        except ValueError:
            continue
        if r1 <= row <= r2 and c1 <= col <= c2:
            return True
    return False


def _insert_at(xml: str, prefix: str, tail: int) -> int:
    """Where new `conditionalFormatting` go: before the first element the schema puts after
    them, else before the worksheet's end tag."""
    match = _follower(prefix).search(xml, tail)
    return match.start() if match else xml.rindex(f"</{prefix}worksheet")


@cache
def _follower(prefix: str) -> re.Pattern[str]:
    names = "|".join(_FOLLOWERS)
    return re.compile(f"<{re.escape(prefix)}(?:{names})\\b|<[\\w.-]+:AlternateContent\\b")


@cache
def _blocks(prefix: str) -> re.Pattern[str]:
    p = re.escape(prefix)
    return re.compile(
        f"<{p}conditionalFormatting\\b({ATTRS})(?<!/)>(.*?)</{p}conditionalFormatting>", re.DOTALL
    )


@cache
def _rules(prefix: str) -> re.Pattern[str]:
    p = re.escape(prefix)
    return re.compile(f"<{p}cfRule\\b({ATTRS})(?<!/)>(.*?)</{p}cfRule>", re.DOTALL)


@cache
def _formula(prefix: str) -> re.Pattern[str]:
    p = re.escape(prefix)
    return re.compile(f"<{p}formula>(.*?)</{p}formula>", re.DOTALL)
