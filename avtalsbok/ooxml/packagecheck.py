"""What a package must be for every reader to see the same book: the ambiguous shapes refused.

A book is read by one program (calamine, openpyxl, Excel) and written by another (this
package). Where the zip leaves room for two readings, the reader may see one copy of a part and
the writer replace another: an officer's register gone in one run. So a book is refused, before
anything is read from it for use and again where the writer opens it, when

- two zip entries are one part (`entry-duplicate`): the same name, or names that differ only in
  case or in `\\` for `/`. Python's zipfile and the zip crate under calamine keep the last entry
  of a name, calamine takes the first entry that matches case-insensitively with `\\` read as
  `/`, and OPC (ECMA-376 Part 2, 9.1.1.1.2) says such names are one part name;
- a part is packed with a method other than stored or deflate (`part-method`): the only two
  OPC allows (ECMA-376 Part 2, Annex C) and Excel reads, whatever some zip library unpacks;
- [Content_Types].xml gives one part two Overrides, or one extension two Defaults
  (`content-type-twice`): OPC forbids both (Part 2, 10.1.2.2) and readers differ on which wins;
- two sheets of workbook.xml are one worksheet part (`sheet-part-shared`), or two relationships
  of the book's worksheets lead to one table part (`table-part-shared`): an edit of one sheet
  would be written over the other's.

Accepted, because no reader disagrees: an Override beside the Default of its extension (the
Override wins, by the standard), and two relationships to one part of any other kind (a picture
two drawings show: nothing here rewrites such a part).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from urllib.parse import unquote

from .errors import OoxmlError
from .package import Package, part_key
from .workbookxml import WorkbookXml
from .xmltext import ATTRS, attributes

#: The compression methods a book may use: stored and deflate (ECMA-376 Part 2, Annex C).
METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
#: Names of the other methods (APPNOTE.TXT 4.4.5) a book is met with, for the message.
_METHOD_NAMES = {9: "Deflate64", 12: "BZIP2", 14: "LZMA", 93: "Zstandard", 95: "XZ", 98: "PPMd"}
#: Every code these rules raise.
CODES = frozenset(
    {
        "entry-duplicate",
        "part-method",
        "content-type-twice",
        "sheet-part-shared",
        "table-part-shared",
    }
)

_CONTENT_TYPES = "[Content_Types].xml"
_DEFAULT = re.compile(r"<(?:[\w.-]+:)?Default\b(" + ATTRS + ")>")
_OVERRIDE = re.compile(r"<(?:[\w.-]+:)?Override\b(" + ATTRS + ")>")


def check_package(package: Package) -> None:
    """Refuse a package whose entries or content types can be read two ways."""
    seen: dict[str, str] = {}
    for info in package.infos:
        key = part_key(info.filename)
        if key in seen:
            raise OoxmlError("entry-duplicate", part=info.filename)
        seen[key] = info.filename
        if info.compress_type not in METHODS:
            name = _METHOD_NAMES.get(info.compress_type)
            method = f"{info.compress_type} ({name})" if name else str(info.compress_type)
            raise OoxmlError("part-method", part=info.filename, method=method)
    if package.find(_CONTENT_TYPES) is None:
        return
    xml = package.text(_CONTENT_TYPES)
    defaults = [attributes(m[1]).get("Extension", "") for m in _DEFAULT.finditer(xml)]
    _refuse_twice([f"*.{ext}" for ext in defaults], lambda name: name.casefold())
    overrides = [attributes(m[1]).get("PartName", "") for m in _OVERRIDE.finditer(xml)]
    _refuse_twice(overrides, lambda name: part_key(unquote(name).lstrip("/")))


def check_sheets(package: Package, book: WorkbookXml) -> None:
    """Refuse a book where two sheets, or two tables, are one part."""
    owner: dict[str, str] = {}
    for entry in book.entries:
        if not entry.part:
            continue
        if entry.part in owner:
            raise OoxmlError(
                "sheet-part-shared", sheet=owner[entry.part], other=entry.name, part=entry.part
            )
        owner[entry.part] = entry.name
    tables: set[str] = set()
    for part in owner:
        for table in package.related(part, "/table"):
            if table in tables:
                raise OoxmlError("table-part-shared", part=table)
            tables.add(table)


def _refuse_twice(names: list[str], key: Callable[[str], str]) -> None:
    seen: set[str] = set()
    for name in names:
        folded = key(name)
        if folded in seen:
            raise OoxmlError("content-type-twice", part=name)
        seen.add(folded)
