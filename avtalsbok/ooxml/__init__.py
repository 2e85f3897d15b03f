"""The Office Open XML file format, known once: what an .xlsx/.xlsm package holds and how to
edit one loss-free.

This package knows nothing of contracts or officers (it imports no other avtalsbok package and
speaks English through `OoxmlError` codes); `avtalsbok.workbook` builds on it. Where things are:

- `refs` cell references, `serials` date serials and the date system, `xmltext` XML as text;
- `package` the zip and its relationships, `packagecheck` the package shapes readers read
  differently (refused), `workbookxml` the book's table of contents;
- `editor` the editor (`WorkbookEditor`, `write_cells`) over `sheet`/`sheetxml` (splicing rows),
  `cells` (cell values), `condformat` (conditional formats, `EqualsRule`), `styles`,
  `calcchain`, `tables`, `bookparts` (registrations);
- `packing`, `zipcopy`, `checking`/`partcheck` and `verify`: how a save is written and checked.

The package's names are loaded when first used (`from avtalsbok.ooxml import WorkbookEditor`
loads the editor; reading a book's table of contents loads only `package` and `workbookxml`), so
that a run that only reads has not loaded the writer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cells import CellValue
    from .checking import CheckHere, PartChecker
    from .condformat import EqualsRule
    from .editor import BookStore, Stamp, WorkbookEditor, write_cells
    from .errors import MESSAGES, OoxmlError

#: Each public name → the module that defines it.
_HOMES = {
    "MESSAGES": "errors",
    "BookStore": "editor",
    "CellValue": "cells",
    "CheckHere": "checking",
    "EqualsRule": "condformat",
    "OoxmlError": "errors",
    "PartChecker": "checking",
    "Stamp": "editor",
    "WorkbookEditor": "editor",
    "write_cells": "editor",
}
__all__ = [
    "MESSAGES",
    "BookStore",
    "CellValue",
    "CheckHere",
    "EqualsRule",
    "OoxmlError",
    "PartChecker",
    "Stamp",
    "WorkbookEditor",
    "write_cells",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
