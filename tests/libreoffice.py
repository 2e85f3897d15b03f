"""LibreOffice headless as an independent spreadsheet client for the tests."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas"
)


def _soffice(out: Path, *args: str) -> None:
    profile = (out / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", *args],
        check=True,
        capture_output=True,
        timeout=180,
    )


def libreoffice_csv(book: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet of the book as CSV rows, as LibreOffice reads it (one file per sheet)."""
    out.mkdir(parents=True, exist_ok=True)
    _soffice(
        out,
        "--convert-to",
        # UTF-8, raw values (not as shown), every sheet (-1) to its own file.
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        "--outdir",
        str(out),
        str(book),
    )
    sheets = {}
    prefix = f"{book.stem}-"
    for path in sorted(out.glob(f"{book.stem}-*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            sheets[path.stem[len(prefix) :]] = list(csv.reader(f))
    return sheets


def libreoffice_resave(book: Path, out: Path) -> Path:
    """The book opened and saved again by LibreOffice as .xlsx (every part rewritten its way)."""
    out.mkdir(parents=True, exist_ok=True)
    _soffice(out, "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(book))
    return out / f"{book.stem}.xlsx"


def libreoffice_pdf(book: Path, out: Path) -> Path:
    """The book printed to PDF by LibreOffice, every visible sheet with its own page setup."""
    out.mkdir(parents=True, exist_ok=True)
    _soffice(out, "--convert-to", "pdf", "--outdir", str(out), str(book))
    return out / f"{book.stem}.pdf"
