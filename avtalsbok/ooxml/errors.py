"""The one error type of the file-format layer: what is wrong with a package, a part or an edit.

Every `OoxmlError` has a `code` from `MESSAGES` and the details its message names (`part`,
`sheet`, `cell`, …). The English message is for developers and logs; a caller that speaks to
people (the workbook layer, in Swedish) words each code itself from the same details.
"""

from __future__ import annotations

#: Every code an `OoxmlError` can have, with its English message (fields filled from details).
MESSAGES: dict[str, str] = {
    # the file and its package
    "book-changed": "the book was changed by someone else while it was being processed",
    "book-unreadable": "the book cannot be read ({reason})",
    "not-a-package": "the file cannot be opened as a workbook ({reason})",
    "no-workbook-part": "the book has no main part (workbook.xml)",
    "part-missing": "part {part} is missing from the book",
    "part-too-large": "part {part} is too large",
    "part-encoding": "part {part} has an unknown text encoding",
    "part-corrupt": "part {part} is damaged ({reason})",
    "part-no-root": "part {part} of the book is damaged",
    "part-unknown-namespace": "part {part} of the book has an unknown format",
    "element-unclosed": "element {element} has no end",
    "closing-missing": "the book is damaged ({element} is missing)",
    "no-styles": "the book has no styles part (styles.xml) for dates",
    "no-cell-formats": "the book's styles have no cell formats",
    # shapes of a package that readers read differently (`packagecheck`)
    "entry-duplicate": "part {part} is in the book twice",
    "part-method": "part {part} is packed with compression method {method}, which Excel cannot "
    "unpack",
    "content-type-twice": "{part} has two content types in [Content_Types].xml",
    "sheet-part-shared": "sheets {sheet} and {other} are the same part {part}",
    "table-part-shared": "table {part} belongs to two sheets",
    # sheets and what an edit may not do to them
    "sheet-missing": "sheet {sheet} is not in the book",
    "not-a-worksheet": "sheet {sheet} is not a worksheet with cells",
    "no-sheet-data": "sheet {sheet} has no cell data",
    "cells-outside": "row {row} of sheet {sheet} would get cells outside the sheet (after column "
    "XFD or below row 1048576)",
    "rows-out-of-order": "the rows of sheet {sheet} are not in order",
    "row-unclosed": "sheet {sheet} is damaged (row {row} has no end)",
    "array-formula-part": "range {ref} on sheet {sheet} is an array formula that can only be "
    "overwritten whole",
    "shared-formula-master": "cell {cell} on sheet {sheet} has a formula that other cells in "
    "{ref} share; overwrite all of {ref} or leave {cell} alone",
    "table-damaged": "the table in {part} is damaged",
    "table-outside": "table {table} ({part}) reaches outside the sheet ({ref})",
    "table-no-header": "table {table} on sheet {sheet} would lose its header row",
    "table-totals-row": "table {table} on sheet {sheet} has a totals row",
    "table-header-not-text": "header {cell} of table {table} on sheet {sheet} must be text",
    "table-duplicate-headers": "table {table} on sheet {sheet} would get two equal headers",
    # writing and checking the new file
    "part-encrypted": "part {part} is encrypted",
    "local-header-missing": "the book is damaged at part {part}",
    "book-truncated": "the book is cut short at part {part}",
    "too-large": "the book would become too large to save (over 4 GB)",
    "part-truncated": "part {part} was cut short when the file was saved",
    "part-damaged": "part {part} was damaged when the file was saved",
    "part-unpackable": "part {part} cannot be unpacked",
    "part-bad-xml": "the saved file got malformed XML in part {part} ({reason})",
    "check-incomplete": "the check received an incomplete part",
    "check-cut-off": "the check received only some of {part}",
    "check-lost": "the check of the new file was interrupted; the book was not saved",
    "saved-wrong-entries": "the saved file got the wrong content",
    "saved-not-zip": "the saved file is not a valid zip file ({reason})",
}


class OoxmlError(Exception):
    """A package, a part or an edit the file-format layer cannot handle; the file is untouched.

    `code` is a key of `MESSAGES`; `details` fills its message (all values are text).
    """

    def __init__(self, code: str, **details: str) -> None:
        self.code = code
        self.details = details
        super().__init__(MESSAGES[code].format(**details))
