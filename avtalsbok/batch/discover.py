"""Finding the avtalsböcker under the folders a batch is given.

Folders are searched recursively, in a stable order. Only `.xlsx` and `.xlsm` files count
(or what `--include` patterns say); `--exclude` patterns leave files out. The owner files
Excel and LibreOffice keep beside an open book (`~$bok.xlsx`, `.~lock.bok.xlsx#`), Excel's
own temp files and the temp files of an interrupted save are never books, and neither is a
report workbook of an earlier run found in the folder.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from ..report import REPORT_CATEGORY
from ..workbook.atomic import is_temp_file
from ..workbook.targets import has_category

DEFAULT_INCLUDE = ("*.xlsx", "*.xlsm")


@dataclass(frozen=True)
class Found:
    """The books found, each with the folder it was found under, and folders that could not
    be searched (path, reason)."""

    books: list[tuple[Path, Path | None]] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)


def is_side_file(name: str) -> bool:
    """An owner, lock or temp file beside a book, never a book itself."""
    lower = name.lower()
    return (
        lower.startswith("~$")  # Excel's owner file, and Word's
        or lower.startswith(".~lock.")  # LibreOffice's lock file
        or (lower.startswith("~") and lower.endswith(".tmp"))  # Excel's temp save files
        or is_temp_file(name)
    )


def is_report(path: Path) -> bool:
    """A report workbook of an earlier run (marked by its document category), not a book."""
    return has_category(path, REPORT_CATEGORY)


def matches(relative: str, patterns: Sequence[str]) -> bool:
    """Whether a path relative to the searched folder (with `/`) or its file name matches one
    of the glob patterns, ignoring case on every system."""
    rel = relative.lower()
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatchcase(name, p.lower()) or fnmatchcase(rel, p.lower()) for p in patterns)


def find_books(
    paths: Sequence[Path],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    skip: Sequence[Path] = (),
) -> Found:
    """Every book under `paths` (folders searched recursively; a file is taken as given),
    sorted per folder, each once. `skip` lists files that are never books (e.g. the report
    being written)."""
    include = tuple(include) or DEFAULT_INCLUDE
    # A book is known by the file it is, so that one reached through a link (a shortcut folder,
    # a second mapping of the share) is not run twice at once, nor is the file being written.
    skipped = {os.path.normcase(os.path.realpath(p)) for p in skip}
    seen: set[str] = set()
    found = Found()

    def add(book: Path, root: Path | None) -> None:
        key = os.path.normcase(os.path.realpath(book))
        if key not in seen and key not in skipped:
            seen.add(key)
            found.books.append((book, root))

    def on_error(exc: OSError) -> None:
        found.problems.append((Path(str(exc.filename)), exc.strerror or str(exc)))

    for given in paths:
        if given.is_file():
            add(given, None)
            continue
        if not given.is_dir():
            found.problems.append((given, "mappen eller filen finns inte"))
            continue

        for folder, dirs, files in os.walk(given, onerror=on_error):
            dirs.sort()
            base = Path(folder)
            for name in sorted(files):
                if is_side_file(name):
                    continue
                rel = (base / name).relative_to(given).as_posix()
                wanted = matches(rel, include) and not matches(rel, exclude)
                if wanted and not is_report(base / name):
                    add(base / name, given)
    return found
