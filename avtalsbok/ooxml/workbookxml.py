"""workbook.xml read: the book's main part, its sheets in order, its date system and the parts
it relates to (styles, calculation chain, shared strings).

Every reader of a book's table of contents uses this one reading: the writer (`bookparts`), and
the workbook layer that sniffs and reads an officer's file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import OoxmlError
from .package import Package, Rel
from .serials import is_true
from .xmltext import ATTRS, attributes, element_span, main_prefix, root_of

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"


@dataclass
class SheetEntry:
    """A sheet as workbook.xml lists it: name, id, zip entry ('' if none) and kind
    (`worksheet`, `chartsheet`, … : the end of its relationship type)."""

    name: str
    sheet_id: int
    part: str
    kind: str


@dataclass
class WorkbookXml:
    """What workbook.xml and its relationships say about the book."""

    part: str
    xml: str
    prefix: str
    rels: list[Rel]
    entries: list[SheetEntry]
    date1904: bool
    #: The `date1904` attribute as written (None: absent), for readers with rules of their own.
    date1904_text: str | None
    styles_part: str | None
    calc_chain: str | None
    shared_strings: str | None

    def worksheets(self) -> dict[str, str]:
        """Each worksheet's name → its zip entry, in workbook order (the first of two sheets
        with one name; sheets of other kinds and without a part left out)."""
        found: dict[str, str] = {}
        for entry in self.entries:
            if entry.kind == "worksheet" and entry.part:
                found.setdefault(entry.name, entry.part)
        return found


def main_part(package: Package) -> str | None:
    """The zip entry of the package's main part (workbook.xml), None if no relationship says."""
    return next(
        (rel.part for rel in package.rels("") if rel.type.endswith("/officeDocument") and rel.part),
        None,
    )


def read_workbook(package: Package, part: str | None = None) -> WorkbookXml:
    """workbook.xml of the package (at `part`, else where the package's relationships say)."""
    part = part or main_part(package)
    if part is None:
        raise OoxmlError("no-workbook-part")
    rels = package.rels(part)
    by_id = {rel.id: rel for rel in rels}
    xml = package.text(part)
    prefix = main_prefix(xml, part)
    pr = element_span(xml, prefix, "workbookPr")
    date1904_text = None if pr is None else attributes(xml[pr[0] : pr[1]]).get("date1904")
    entries: list[SheetEntry] = []
    sheet_tag = re.compile(f"<{re.escape(prefix)}sheet\\b({ATTRS})>")
    for match in sheet_tag.finditer(xml):
        attrs = attributes(match[1])
        rel = by_id.get(next((v for k, v in attrs.items() if k.endswith(":id")), ""))
        sheet_id = attrs.get("sheetId", "")
        entries.append(
            SheetEntry(
                attrs.get("name", ""),
                int(sheet_id) if sheet_id.isdigit() else 0,
                (rel.part or "") if rel else "",
                rel.type.rsplit("/", 1)[-1] if rel else "",
            )
        )

    def related(suffix: str) -> str | None:
        return next((r.part for r in rels if r.type.endswith(suffix) and r.part), None)

    return WorkbookXml(
        part=part,
        xml=xml,
        prefix=prefix,
        rels=rels,
        entries=entries,
        date1904=is_true(date1904_text),
        date1904_text=date1904_text,
        styles_part=related("/styles"),
        calc_chain=related("/calcChain"),
        shared_strings=related("/sharedStrings"),
    )


def namespaces(book: WorkbookXml) -> tuple[str | None, str | None]:
    """The main namespace workbook.xml declares, and its prefix for relationship ids."""
    _, _, root_attrs = root_of(book.xml, book.part)
    main_ns = root_attrs.get(f"xmlns:{book.prefix[:-1]}" if book.prefix else "xmlns")
    rel_prefix = next(
        (
            k[6:]
            for k, v in root_attrs.items()
            if k.startswith("xmlns:") and v in (REL_NS, REL_NS_STRICT)
        ),
        None,
    )
    return main_ns, rel_prefix
