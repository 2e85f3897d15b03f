"""Issue #11: what a hostile user and a careless environment broke, each kept broken no more.

Bad input is a located Swedish finding or a book-level message with exit code 2, never a
traceback; nothing the officer owns is lost.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers import contract
from python_calamine import CalamineWorkbook

from avtalsbok.cli import main
from avtalsbok.workbook.template import build_workbook

TODAY = "2025-03-14"


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def strict_json(text: str) -> Any:
    """JSON as any strict parser reads it: `NaN` and `Infinity` are not JSON."""

    def refuse(name: str) -> Any:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def replace_in_zip(path: Path, old: bytes, new: bytes) -> None:
    """Replace `old` (found exactly once in the whole package) by `new`, entry by entry."""
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    assert sum(data.count(old) for _, data in parts) == 1, old
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            z.writestr(info, data.replace(old, new))


def located(report: dict[str, Any]) -> list[tuple[int | None, str | None, str]]:
    return [(f["row"], f["column"], f["code"]) for f in report["findings"]]


# --- 2. Rich markup in data and paths ------------------------------------------------------------


def test_rich_markup_in_data_and_paths_is_printed_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "[red]Avtal["
    folder.mkdir()
    path = folder / "x].xlsx"  # the path reads `…[red]Avtal[/x].xlsx`
    rows = [contract(name="[/x] Städ [red]", email="[/bold]", owner="[red]Anna[/red]")]
    build_workbook(path, {"Avtal": rows})
    for command in ("check", "run"):
        code, text = cli(command, str(path), "--today", TODAY)
        assert code == 1
        assert f"Avtalsbok: {path}" in text
        assert "'[/bold]' är ingen giltig e-postadress." in text
    assert "Arbetsboken är uppdaterad." in text


# --- 3. NaN, ±Inf, huge numbers ------------------------------------------------------------------


@pytest.mark.parametrize("number", ["NaN", "INF", "-INF", "1e309", "9" * 400])
def test_nan_inf_and_huge_numbers_are_findings_at_their_cells(tmp_path: Path, number: str) -> None:
    path = tmp_path / "avtal.xlsx"
    rows = [contract(annual_value=111111, probability=2, consequence=3)]
    build_workbook(path, {"Avtal": rows})
    replace_in_zip(path, b"<v>111111</v>", f"<v>{number}</v>".encode())
    replace_in_zip(path, b'"><v>2</v></c><c r="P2"', f'"><v>{number}</v></c><c r="P2"'.encode())
    code, text = cli("run", str(path), "--today", TODAY, "--json")
    report = strict_json(text)
    assert code == 1
    assert located(report) == [
        (2, "M", "invalid-amount"),
        (2, "O", "invalid-integer"),
        (2, "O", "risk-half-filled"),
    ]
    assert report["summary"]["written"] is True
    shown = "NaN" if number == "NaN" else "-INF" if number == "-INF" else "INF"
    # openpyxl cannot open the book: the officer's own cells still hold the bad numbers.
    fel = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Fel").to_python()
    assert sum(shown in row for row in fel) == 2


def test_nan_in_a_date_cell_is_no_date(tmp_path: Path) -> None:
    path = tmp_path / "avtal.xlsx"
    build_workbook(path, {"Avtal": [contract()]})
    xml = b"<v>44927</v>"  # Startdatum 2023-01-01
    replace_in_zip(path, xml, b"<v>NaN</v>")
    code, text = cli("check", str(path), "--today", TODAY, "--json")
    assert code == 1
    assert (2, "I", "invalid-date") in located(strict_json(text))
