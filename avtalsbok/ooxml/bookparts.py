"""The book-level parts a save may change: workbook.xml, its relationships, the package's
relationships and [Content_Types].xml (a new sheet or custom properties part registered, a
calculation chain dropped, recalculation asked for), each patched as text so that everything
else in them keeps its bytes.
"""

from __future__ import annotations

import posixpath
import re

from .calcchain import edit_calc_chain
from .docprops import CUSTOM_REL, CUSTOM_TYPE
from .errors import OoxmlError
from .package import Package, rels_part
from .packagecheck import check_package, check_sheets
from .workbookxml import REL_NS, REL_NS_STRICT, SheetEntry, namespaces, read_workbook
from .xmltext import ATTRS, MAIN_NS, attributes, element_span, escape_attr, set_attr

_WORKSHEET_REL = REL_NS + "/worksheet"
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CONTENT_TYPES = "[Content_Types].xml"
_RELATIONSHIP = re.compile(r"<(?:[\w.-]+:)?Relationship\b(" + ATTRS + ")>")
_OVERRIDE = re.compile(r"<(?:[\w.-]+:)?Override\b(" + ATTRS + ")>")


class BookParts:
    """workbook.xml, its relationships and [Content_Types].xml: the book's table of contents."""

    def __init__(self, package: Package) -> None:
        self.package = package
        check_package(package)
        book = read_workbook(package)
        check_sheets(package, book)
        self.workbook = book.part
        self.workbook_rels = rels_part(self.workbook)
        self.texts: dict[str, str] = {self.workbook: book.xml}
        self.dirty: set[str] = set()
        self.new_parts: dict[str, str] = {}
        self._rel_ids = {rel.id for rel in book.rels}
        self._worksheet_type = next(
            (rel.type for rel in book.rels if rel.type.endswith("/worksheet")), _WORKSHEET_REL
        )
        self.styles_part = book.styles_part
        self.calc_chain = book.calc_chain
        self.prefix = book.prefix
        self._main_ns, self._rel_prefix = namespaces(book)
        self.date1904 = book.date1904
        self.entries: list[SheetEntry] = book.entries

    def text(self, part: str) -> str:
        if part not in self.texts:
            self.texts[part] = self.package.text(part)
        return self.texts[part]

    def edit(self, part: str, text: str) -> None:
        self.texts[part] = text
        self.dirty.add(part)

    def add_sheet(self, name: str) -> None:
        """Register a new, empty worksheet after the last sheet (its part in `new_parts`)."""
        folder = posixpath.dirname(self.workbook)
        used = {info.filename.casefold() for info in self.package.infos} | set(self.new_parts)
        number = 1
        while posixpath.join(folder, f"worksheets/sheet{number}.xml").casefold() in used:
            number += 1
        target = f"worksheets/sheet{number}.xml"
        part = posixpath.join(folder, target)
        sheet_id = max((e.sheet_id for e in self.entries), default=0) + 1
        rel_number = 1
        while f"rId{rel_number}" in self._rel_ids:
            rel_number += 1
        rel_id = f"rId{rel_number}"
        self._rel_ids.add(rel_id)

        xml = self.text(self.workbook)
        if self._rel_prefix is None:
            strict = self._main_ns == MAIN_NS[1]
            id_attr = f'xmlns:r="{REL_NS_STRICT if strict else REL_NS}" r:id="{rel_id}"'
        else:
            id_attr = f'{self._rel_prefix}:id="{rel_id}"'
        sheet = f'<{self.prefix}sheet name="{escape_attr(name)}" sheetId="{sheet_id}" {id_attr}/>'
        self.edit(self.workbook, _insert_before(xml, f"</{self.prefix}sheets>", sheet))
        rels = self.text(self.workbook_rels)
        rel = f'<Relationship Id="{rel_id}" Type="{self._worksheet_type}" Target="{target}"/>'
        self.edit(self.workbook_rels, _insert_before(rels, "</Relationships>", rel))
        types = self.text(_CONTENT_TYPES)
        override = f'<Override PartName="/{part}" ContentType="{_WORKSHEET_TYPE}"/>'
        self.edit(_CONTENT_TYPES, _insert_before(types, "</Types>", override))
        self.new_parts[part] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{self._main_ns}"><dimension ref="A1"/>'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/><sheetData/><pageMargins left="0.7" '
            'right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        )
        self.entries.append(SheetEntry(name, sheet_id, part, "worksheet"))

    def add_custom_properties(self, part: str) -> bool:
        """Register a new custom properties part (`docprops`) with the package: its relationship
        from the package and its content type. False when the package has no relationships
        part of its own to add it to."""
        root_rels = self.package.find("_rels/.rels")
        if root_rels is None:
            return False
        rels = self.text(root_rels)
        found = [attributes(m[1]) for m in _RELATIONSHIP.finditer(rels)]
        ids = {attrs.get("Id") for attrs in found}
        number = 1
        while f"rId{number}" in ids:
            number += 1
        office = next(
            (a["Type"] for a in found if a.get("Type", "").endswith("/officeDocument")), None
        )
        if office is None:
            return False
        rel_type = office[: -len("/officeDocument")] + CUSTOM_REL
        rel = f'<Relationship Id="rId{number}" Type="{rel_type}" Target="{part}"/>'
        self.edit(root_rels, _insert_before(rels, "</Relationships>", rel))
        types = self.text(_CONTENT_TYPES)
        override = f'<Override PartName="/{part}" ContentType="{CUSTOM_TYPE}"/>'
        self.edit(_CONTENT_TYPES, _insert_before(types, "</Types>", override))
        return True

    def finish(
        self, removed_formulas: dict[int, set[tuple[int, int]]], sheets_changed: bool
    ) -> dict[str, str | None]:
        """The book-level parts a save changes, as their new text (None: the part goes)."""
        out: dict[str, str | None] = {}
        if self.calc_chain is not None:
            if removed_formulas:
                chain = edit_calc_chain(self.package.text(self.calc_chain), removed_formulas)
                if chain is None:
                    out[self.calc_chain] = None
                    self._drop_calc_chain()
                else:
                    out[self.calc_chain] = chain
            if sheets_changed:
                # Formulas elsewhere may read the cells written: Excel recalculates on opening.
                self._full_calc_on_load()
        for part in self.dirty:
            out[part] = self.texts[part]
        return out

    def _drop_calc_chain(self) -> None:
        rels = self.text(self.workbook_rels)

        def without_chain(match: re.Match[str]) -> str:
            return "" if attributes(match[1]).get("Type", "").endswith("/calcChain") else match[0]

        self.edit(self.workbook_rels, _RELATIONSHIP.sub(without_chain, rels))
        name = "/" + str(self.calc_chain).casefold()

        def without_override(match: re.Match[str]) -> str:
            return "" if attributes(match[1]).get("PartName", "").casefold() == name else match[0]

        self.edit(_CONTENT_TYPES, _OVERRIDE.sub(without_override, self.text(_CONTENT_TYPES)))

    def _full_calc_on_load(self) -> None:
        xml = self.text(self.workbook)
        span = element_span(xml, self.prefix, "calcPr")
        if span is not None:
            tag = set_attr(xml[span[0] : span[1]], "fullCalcOnLoad", "1")
            self.edit(self.workbook, xml[: span[0]] + tag + xml[span[1] :])


def _insert_before(xml: str, closing: str, element: str) -> str:
    at = xml.rfind(closing)
    if at < 0:
        raise OoxmlError("closing-missing", element=closing)
    return xml[:at] + element + xml[at:]
