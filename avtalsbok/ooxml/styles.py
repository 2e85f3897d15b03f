"""styles.xml: a date-showing cell format for a date written into a cell whose format shows no
date, appended to the cell formats (`cellXfs`), and the differential formats (`dxfs`) a new
conditional format shows, appended to theirs; nothing else in the part changed.
"""

from __future__ import annotations

import re

from .errors import OoxmlError
from .package import Package
from .xmltext import ATTRS, START_TAG, attributes, element_span, main_prefix, set_attr

# Built-in number formats that show a date or a time (ECMA-376 18.8.30 and the East Asian ids).
_DATE_FORMAT_IDS = frozenset(
    [*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59), *range(71, 82)]
)
_DATE_FORMAT_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)
_NOT_DATE_PARTS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
#: CT_Stylesheet's children after `dxfs` (ECMA-376 Part 1, 18.8.39): a new `dxfs` goes first.
_AFTER_DXFS = ("tableStyles", "colors", "extLst")


class Styles:
    """styles.xml, read only if a date needs a date format, and changed only by appending."""

    def __init__(self, part: str | None, package: Package) -> None:
        self.part = part
        self._package = package
        self._xml: str | None = None
        self._formats: list[int] = []
        self._xfs: list[str] = []
        self._added: list[str] = []
        self._derived: dict[tuple[int, int], str] = {}
        self._chosen: dict[tuple[str | None, int], str | None] = {}
        self._custom: dict[int, str] = {}
        self._close = 0
        self._count_tag: tuple[int, int] = (0, 0)
        self._dxfs: tuple[int, int, int] | None = None  # the `dxfs` span, (at, at, at) if none
        self._dxf_count = 0
        self._dxf_added: list[str] = []
        #: each differential format's exact text → its index (the first of equal ones)
        self._dxf_index: dict[str, int] = {}

    @property
    def changed(self) -> bool:
        return bool(self._added or self._dxf_added)

    def add_dxf(self, font: str, fill: str) -> int:
        """The index, as a conditional format's `dxfId` names it, of a differential format
        showing the font colour `font` on the fill colour `fill` (each RRGGBB): one written
        exactly so already (an earlier save added it), else one appended."""
        xml = self._load()
        p = main_prefix(xml, self.part or "")
        if self._dxfs is None:
            self._dxfs = self._find_dxfs(xml, p)
        text = (
            f'<{p}dxf><{p}font><{p}color rgb="FF{font}"/></{p}font><{p}fill><{p}patternFill>'
            f'<{p}bgColor rgb="FF{fill}"/></{p}patternFill></{p}fill></{p}dxf>'
        )
        index = self._dxf_index.get(text)
        if index is None:
            self._dxf_added.append(text)
            index = self._dxf_index[text] = self._dxf_count + len(self._dxf_added) - 1
        return index

    def _find_dxfs(self, xml: str, p: str) -> tuple[int, int, int]:
        span = element_span(xml, p, "dxfs")
        if span is None:
            followers = [element_span(xml, p, name) for name in _AFTER_DXFS]
            at = min((f[0] for f in followers if f), default=xml.rindex(f"</{p}styleSheet"))
            return at, at, at
        pos = span[1]
        while (dxf := element_span(xml, p, "dxf", pos, span[2])) is not None:
            self._dxf_index.setdefault(xml[dxf[0] : dxf[2]], self._dxf_count)
            self._dxf_count += 1
            pos = dxf[2]
        return span

    def date_style(self, style: str | None, format_id: int) -> str | None:
        """A style index showing a date: `style` itself if it does, else a copy that does."""
        key = (style, format_id)
        if key not in self._chosen:
            self._chosen[key] = self._date_style(style, format_id)
        return self._chosen[key]

    def _date_style(self, style: str | None, format_id: int) -> str | None:
        self._parse()
        base = int(style) if style and style.isdigit() else 0
        if base >= len(self._xfs):
            base = 0
        if self._is_date(self._formats[base]):
            return style
        key = (base, format_id)
        if key not in self._derived:
            start = re.match(START_TAG, self._xfs[base])
            assert start is not None
            tag = set_attr(start[0], "numFmtId", str(format_id))
            tag = set_attr(tag, "applyNumberFormat", "1")
            self._added.append(tag + self._xfs[base][start.end() :])
            self._derived[key] = str(len(self._xfs) + len(self._added) - 1)
        return self._derived[key]

    def render(self) -> str:
        assert self._xml is not None
        xml = self._xml
        if self._dxf_added and self._dxfs is not None:
            xml = self._with_dxfs(xml)
        if not self._added:
            return xml
        start, end = self._count_tag
        tag = set_attr(xml[start:end], "count", str(len(self._xfs) + len(self._added)))
        return (
            xml[:start] + tag + xml[end : self._close] + "".join(self._added) + xml[self._close :]
        )

    def _with_dxfs(self, xml: str) -> str:
        """The part with the new differential formats appended (after `cellXfs`, so the cell
        formats' positions hold)."""
        assert self._dxfs is not None
        start, tag_end, end = self._dxfs
        p = main_prefix(xml, self.part or "")
        count = str(self._dxf_count + len(self._dxf_added))
        added = "".join(self._dxf_added)
        if start == tag_end == end:  # no `dxfs` yet
            return f'{xml[:start]}<{p}dxfs count="{count}">{added}</{p}dxfs>{xml[start:]}'
        tag = set_attr(xml[start:tag_end], "count", count)
        if tag_end == end:  # `<dxfs count="0"/>`
            tag = tag[:-2].rstrip() + ">"
            return f"{xml[:start]}{tag}{added}</{p}dxfs>{xml[end:]}"
        close = end - len(f"</{p}dxfs>")
        return xml[:start] + tag + xml[tag_end:close] + added + xml[close:]

    def _load(self) -> str:
        if self._xml is None:
            if self.part is None:
                raise OoxmlError("no-styles")
            self._xml = self._package.text(self.part)
        return self._xml

    def _is_date(self, format_id: int) -> bool:
        if format_id in _DATE_FORMAT_IDS:
            return True
        code = self._custom.get(format_id)
        return code is not None and bool(_DATE_FORMAT_CODE.search(_NOT_DATE_PARTS.sub("", code)))

    def _parse(self) -> None:
        if self._xfs:
            return
        xml = self._load()
        assert self.part is not None
        prefix = main_prefix(xml, self.part)
        for match in re.finditer(f"<{re.escape(prefix)}numFmt\\b({ATTRS})>", xml):
            attrs = attributes(match[1])
            if attrs.get("numFmtId", "").isdigit():
                self._custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        span = element_span(xml, prefix, "cellXfs")
        if span is None or span[1] == span[2]:
            raise OoxmlError("no-cell-formats")
        self._count_tag = (span[0], span[1])
        self._close = span[2] - len(f"</{prefix}cellXfs>")
        pos = span[1]
        while (xf := element_span(xml, prefix, "xf", pos, self._close)) is not None:
            self._xfs.append(xml[xf[0] : xf[2]])
            number = attributes(xml[xf[0] : xf[1]]).get("numFmtId", "0")
            self._formats.append(int(number) if number.isdigit() else 0)
            pos = xf[2]
        if not self._xfs:
            raise OoxmlError("no-cell-formats")
