"""The mark a run leaves in a book it writes, and the rerun that trusts it (issue #14): a book
that is, entry for entry, as the last run wrote it, run again on the same reference date by the
same program, is not read or evaluated again; what that run found is told again.

The mark is a custom document property, `Avtalsbok körning` (in Excel: Arkiv > Information >
Egenskaper > Avancerade egenskaper > Anpassad), that a run sets when it saves the book:

    avtalsbok 0.1.0 3f9a0c1e; dag 2026-11-02; delar 5c1d…; siffror 2026-11-02 700 512 …

the program (its version and a digest of its source files' names, sizes and modification
times, so a changed rule without a new version number is still another program), the reference
date (`dag` as `--today` gave it, `idag` the real date when it was not given), the digest of
every other zip entry as saved (`docprops.entries_digest` of names, CRC-32s and sizes from the
zip's central directory) and the run's summary figures.
Any save by Excel, LibreOffice or another tool rewrites entries and so changes their CRC-32s:
the digest no longer matches and the next run is a full one. The findings are read back from
`Fel`, which the marked save wrote: the rerun says what the full run would say, or is not made.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from .. import __version__
from ..core import schema
from ..core.findings import Finding, Level
from ..ooxml.docprops import custom_part, entries_digest, read_property
from ..ooxml.package import Package
from ..ooxml.workbookxml import read_workbook
from .panics import panics_as_errors
from .reader import canonical_names

#: The custom document property that holds the mark.
MARK = "Avtalsbok körning"
#: The figures of `Result.summary()`, in the order the mark holds them.
SUMMARY_KEYS = (
    "today",
    "contracts",
    "active",
    "errors",
    "warnings",
    "follow_ups_overdue",
    "follow_ups_due_30",
    "expiring",
    "extension_decisions",
    "procurements",
    "evaluations_due",
    "price_adjustments_90",
    "samples_proposed",
    "open_deviations",
    "overdue_action_plans",
    "tiers",
    "new_log_rows",
)
#: Unpacked bytes a marked book's entries may declare for its `Fel` to be read without the
#: reader's checks (`sniff`); a larger book is read in full.
MAX_MARKED = 400 * 1024**2
_LEVELS = {level.swedish: level for level in Level}


@dataclass(frozen=True)
class LastRun:
    """What the run that marked the book found: its summary figures and its findings."""

    summary: dict[str, Any]
    findings: list[Finding]


def run_key(today: date | None) -> str:
    """What besides the book decides a run's result: the program and the reference date."""
    day = f"dag {today.isoformat()}" if today else f"idag {date.today().isoformat()}"
    return f"avtalsbok {__version__} {program_stamp()}; {day}"


@cache
def program_stamp() -> str:
    """The stamp of the installed program's sources (`source_stamp` of the package)."""
    return source_stamp(Path(__file__).resolve().parents[1])


def source_stamp(root: Path) -> str:
    """A short digest of the Python sources under `root` (path, size, modification time):
    another build, or a rule edited in place, gives another stamp."""
    digest = hashlib.sha256()
    for source in sorted(root.rglob("*.py")):
        stat = source.stat()
        line = f"{source.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n"
        digest.update(line.encode())
    return digest.hexdigest()[:8]


def mark_value(key: str, summary: Mapping[str, Any]) -> Callable[[str], str]:
    """The mark's text for a run of `key` that found `summary`, given the digest of the other
    entries as saved (`WorkbookEditor.mark_on_save`)."""
    figures = " ".join(
        "/".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        for value in (summary[k] for k in SUMMARY_KEYS)
    )
    return lambda digest: f"{key}; delar {digest}; siffror {figures}"


def last_run(path: Path, key: str) -> LastRun | None:
    """What the last run found, when the book at `path` is as that run left it and the run
    now would be one of `key`; None (run it in full) otherwise, and whenever in doubt."""
    try:
        with panics_as_errors(), zipfile.ZipFile(path) as archive:
            return _last_run(path, Package(archive), key)
    except Exception:  # whatever fails here, the full run reads the book and reports it
        return None


def _last_run(path: Path, package: Package, key: str) -> LastRun | None:
    part = custom_part(package)
    value = None if part is None else read_property(package.text(part), MARK)
    if value is None or not value.startswith(f"{key}; delar "):
        return None
    digest, _, figures = value[len(key) + len("; delar ") :].partition("; siffror ")
    others = [(i.filename, i.CRC, i.file_size) for i in package.infos if i.filename != part]
    if entries_digest(others) != digest or sum(s for *_, s in others) > MAX_MARKED:
        return None
    summary = _summary(figures)
    book = read_workbook(package)
    fel = canonical_names(book.worksheets()).get(schema.FEL)
    if summary is None or book.date1904 or fel is None:
        return None
    with CalamineWorkbook.from_path(str(path)) as workbook:
        rows = workbook.get_sheet_by_name(fel).to_python(skip_empty_area=False)
    if not rows or tuple(rows[0]) != schema.FEL_HEADERS:
        return None
    found = [_finding(row, path.name) for row in rows[1:] if any(v != "" for v in row)]
    if any(f is None for f in found):
        return None
    findings = [f for f in found if f is not None]
    errors = sum(1 for f in findings if f.is_error)
    if (errors, len(findings) - errors) != (summary["errors"], summary["warnings"]):
        return None
    return LastRun(summary, findings)


def _summary(figures: str) -> dict[str, Any] | None:
    values = figures.split(" ")
    if len(values) != len(SUMMARY_KEYS):
        return None
    summary: dict[str, Any] = {}
    for k, text in zip(SUMMARY_KEYS, values, strict=True):
        if k == "today":
            summary[k] = date.fromisoformat(text).isoformat()
        elif k == "tiers":
            summary[k] = [int(t) for t in text.split("/")]
        else:
            summary[k] = int(text)
    # The marked run logged what it found; the same book run again logs nothing new.
    summary["new_log_rows"] = 0
    return summary


def _finding(row: list[Any], book: str) -> Finding | None:
    """A finding from its row of `Fel` (`engine.fel_row`); None for a row that is not one."""
    sheet, number, column, header, value, level, message, code, location = [
        None if v == "" else v for v in [*row, *[""] * 9][:9]
    ]
    if level not in _LEVELS or not isinstance(message, str) or not isinstance(code, str):
        return None
    if number is not None and not (isinstance(number, int | float) and number == int(number)):
        return None
    return Finding(
        code=code,
        level=_LEVELS[level],
        message=message,
        sheet=sheet if location else None,
        row=None if number is None else int(number),
        column=column,
        header=header,
        value=value,
        book=book,
    )
