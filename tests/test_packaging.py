"""The package's VBA modules at run time, and a Swedish message when an installation lacks them.

`scripts/check-wheel.sh` (run by CI) proves the same of a built wheel installed elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from avtalsbok import cli
from avtalsbok.workbook import vbaproject

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("folder", [".", "addin"])
def test_the_package_reads_the_top_level_macros_byte_for_byte(folder: str) -> None:
    packaged = vbaproject.macros_folder() / folder
    shipped = {p.name: p.read_bytes() for p in packaged.iterdir() if p.name.endswith(".bas")}
    source = {p.name: p.read_bytes() for p in (ROOT / "macros" / folder).glob("*.bas")}
    assert source
    assert shipped == source
    assert [m.source for m in vbaproject.read_macros(packaged)] == [
        source[name] for name in sorted(source)
    ]


@pytest.mark.parametrize("folder", ["empty", "missing"])
def test_no_modules_is_a_swedish_message(tmp_path: Path, folder: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "README.md").write_text("ingen modul", encoding="utf-8")
    with pytest.raises(vbaproject.MacrosMissing, match=r"VBA-modulerna saknas i installationen"):
        vbaproject.read_macros(tmp_path / folder)


@pytest.mark.parametrize(
    "command", [["new", "bok.xlsm"], ["template", "mallar"], ["addin", "tillagg"]]
)
def test_an_installation_without_macros_exits_2_and_writes_no_macro_book(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.setattr(vbaproject, "macros_folder", lambda: tmp_path / "saknas")
    monkeypatch.chdir(tmp_path)
    assert cli.main(command) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("avtalsbok: fel: VBA-modulerna") and "Installera om avtalsbok." in err
    assert list(tmp_path.rglob("*.xlsm")) == list(tmp_path.rglob("*.xlam")) == []
