"""Writing into an officer's book through the file-format layer, in the officer's language.

`avtalsbok.ooxml` edits a book loss-free but knows nothing of where it is kept or who reads its
errors. Here it gets the book's file (`BOOK_FILE`: the stamp that tells a change, the owner file
that tells someone has the book open, the atomic replace of `atomic`), and its errors become
`WriteError`s worded in Swedish (`swedish_errors`), each code of `ooxml.MESSAGES` with its own
sentence (`SWEDISH`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..ooxml import CellValue, OoxmlError, Stamp, WorkbookEditor
from ..ooxml import write_cells as write_package_cells
from .atomic import WriteError, atomic_replace, file_stamp, owner_of

#: Each `OoxmlError` code as the officer reads it, filled from the error's details.
SWEDISH: dict[str, str] = {
    "book-changed": "arbetsboken ändrades av någon annan medan den bearbetades",
    "book-unreadable": "arbetsboken kan inte läsas ({reason})",
    "not-a-package": "filen kan inte öppnas som arbetsbok ({reason})",
    "no-workbook-part": "arbetsboken saknar sin huvuddel (workbook.xml)",
    "part-missing": "delen {part} saknas i arbetsboken",
    "part-too-large": "delen {part} är för stor",
    "part-encoding": "delen {part} har en okänd teckenkodning",
    "part-corrupt": "delen {part} är skadad ({reason})",
    "part-no-root": "delen {part} i arbetsboken är skadad",
    "part-unknown-namespace": "delen {part} i arbetsboken har ett okänt format",
    "element-unclosed": "elementet {element} saknar slut",
    "closing-missing": "arbetsboken är skadad ({element} saknas)",
    "no-styles": "arbetsboken saknar formatmallar (styles.xml) för datum",
    "no-cell-formats": "arbetsbokens formatmallar saknar cellformat",
    "entry-duplicate": "delen {part} finns två gånger i filen, och program läser olika av dem",
    "part-method": "delen {part} är packad med komprimeringsmetod {method}, som Excel inte "
    "kan packa upp",
    "content-type-twice": "{part} har två innehållstyper i [Content_Types].xml",
    "sheet-part-shared": "bladen {sheet} och {other} är samma del {part} i filen",
    "table-part-shared": "tabellen {part} hör till två blad",
    "sheet-missing": "bladet {sheet} finns inte i arbetsboken",
    "not-a-worksheet": "bladet {sheet} är inget kalkylblad med celler",
    "no-sheet-data": "bladet {sheet} saknar celldata",
    "cells-outside": "rad {row} på bladet {sheet} skulle få celler utanför bladet (efter kolumn "
    "XFD eller under rad 1048576); ta bort det som står längst till höger eller längst ned "
    "på bladet och kör igen",
    "rows-out-of-order": "raderna på bladet {sheet} ligger inte i ordning",
    "row-unclosed": "bladet {sheet} är skadat (rad {row} saknar slut)",
    "array-formula-part": "området {ref} på bladet {sheet} är en matrisformel som bara kan "
    "skrivas över i sin helhet",
    "shared-formula-master": "cellen {cell} på bladet {sheet} har en formel som andra celler i "
    "{ref} delar; skriv över hela {ref} eller låt {cell} vara",
    "table-damaged": "tabellen i {part} är skadad",
    "table-outside": "tabellen {table} ({part}) når utanför bladet ({ref})",
    "table-no-header": "tabellen {table} på bladet {sheet} skulle bli utan rubrikrad",
    "table-totals-row": "tabellen {table} på bladet {sheet} har en summarad; ta bort den så att "
    "raderna kan skrivas",
    "table-header-not-text": "rubriken i {cell} i tabellen {table} på bladet {sheet} måste vara "
    "en text",
    "table-duplicate-headers": "tabellen {table} på bladet {sheet} får två lika rubriker",
    "part-encrypted": "delen {part} är krypterad",
    "local-header-missing": "arbetsboken är skadad vid delen {part}",
    "book-truncated": "arbetsboken är avkortad vid delen {part}",
    "too-large": "arbetsboken blir för stor för att sparas (över 4 GB)",
    "part-truncated": "delen {part} blev avkortad när filen sparades",
    "part-damaged": "delen {part} blev skadad när filen sparades",
    "part-unpackable": "delen {part} kan inte packas upp",
    "part-bad-xml": "den sparade filen blev felaktig XML i delen {part} ({reason})",
    "check-incomplete": "kontrollen fick en ofullständig del",
    "check-cut-off": "kontrollen fick bara en del av {part}",
    "check-lost": "kontrollen av den nya filen avbröts; arbetsboken sparades inte",
    "saved-wrong-entries": "den sparade filen fick fel innehåll",
    "saved-not-zip": "den sparade filen är ingen giltig zip-fil ({reason})",
}


class _BookFile:
    """An officer's book on disk: stamped by size and modification time, refused while its
    owner file says someone has it open, replaced atomically."""

    def stamp(self, path: Path) -> Stamp:
        return file_stamp(path)

    def refuse_if_open(self, path: Path) -> None:
        owner = owner_of(path)
        if owner is not None:
            raise WriteError("arbetsboken är öppen", code="file-locked", owner=owner)

    def replace(
        self, path: Path, write: Callable[[BinaryIO], None], verify: Callable[[Path], None]
    ) -> None:
        atomic_replace(path, write=write, verify=verify)


#: How the editor reaches an officer's book.
BOOK_FILE = _BookFile()


def in_swedish(error: OoxmlError) -> WriteError:
    """The write error an officer reads for a file-format error."""
    return WriteError(SWEDISH[error.code].format(**error.details))


@contextmanager
def swedish_errors() -> Iterator[None]:
    """Raise every `OoxmlError` of the block as its `WriteError` (`in_swedish`)."""
    try:
        yield
    except OoxmlError as exc:
        raise in_swedish(exc) from exc


def open_book(
    path: str | os.PathLike[str], *, expected_stamp: Stamp | None = None
) -> WorkbookEditor:
    """An editor of the officer's book at `path` (raises `WriteError`)."""
    with swedish_errors():
        return WorkbookEditor(path, store=BOOK_FILE, expected_stamp=expected_stamp)


def write_cells(path: str | os.PathLike[str], edits: Mapping[str, Mapping[str, CellValue]]) -> None:
    """`ooxml.write_cells` into the officer's book (raises `WriteError`)."""
    with swedish_errors():
        write_package_cells(path, edits, store=BOOK_FILE)
