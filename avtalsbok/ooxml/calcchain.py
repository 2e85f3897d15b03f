"""calcChain.xml: the order Excel calculates formulas in, without the cells a save overwrote.

The chain is patched as text: the entries of overwritten formulas are cut, and what a removed
entry said for the ones after it (its sheet, a new dependency level, a chain's start) moves to
the next entry kept.
"""

from __future__ import annotations

import re

from .refs import parse_cell_ref
from .xmltext import ATTRS, attributes, root_of, set_attr


def _calc_cell(attrs: dict[str, str]) -> tuple[int, int] | None:
    try:
        return parse_cell_ref(attrs.get("r", ""))
    except ValueError:
        return None


def edit_calc_chain(xml: str, removed: dict[int, set[tuple[int, int]]]) -> str | None:
    """calcChain.xml without the cells whose formulas were overwritten; None if none is left.

    An entry that omits its sheet id inherits the previous entry's, and a removed entry may
    have started a dependency level or a chain: the next kept entry takes those over.
    """
    prefix, _, _ = root_of(xml, "calcChain.xml")
    entry = re.compile(f"<{re.escape(prefix)}c\\b({ATTRS})>(?:</{re.escape(prefix)}c>)?")
    out: list[str] = []
    pos = kept = 0
    sheet = 0
    carry = False
    carry_level = carry_parent = False
    for match in entry.finditer(xml):
        attrs = attributes(match[1])
        if "i" in attrs:
            sheet = int(attrs["i"])
        cells = removed.get(sheet)
        if cells is not None and _calc_cell(attrs) in cells:
            out.append(xml[pos : match.start()])
            pos = match.end()
            carry = True
            carry_level |= attrs.get("l") in ("1", "true")
            carry_parent |= attrs.get("s") not in ("1", "true")
            continue
        kept += 1
        if carry:
            tag = match[0]
            if "i" not in attrs:
                tag = set_attr(tag, "i", str(sheet))
            if carry_level and attrs.get("l") not in ("1", "true"):
                tag = set_attr(tag, "l", "1")
            if carry_level or carry_parent:
                # A chain's first entry (or a new level's, which Excel never marks as a child).
                tag = re.sub(r'\ss\s*=\s*"(?:1|true)"', "", tag)
            out.append(xml[pos : match.start()])
            out.append(tag)
            pos = match.end()
            carry = carry_level = carry_parent = False
    if not kept:
        return None
    out.append(xml[pos:])
    return "".join(out)
