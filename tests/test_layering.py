"""Layering: the import contracts in pyproject.toml break on a wrong arrow, and the engine imports
only the stdlib, pydantic, holidays and dateutil (an allowlist, which import-linter cannot say).

Which avtalsbok package may import which is the contracts' alone (`lint-imports`, run by CI);
these tests prove that they fail when an arrow points the wrong way.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "avtalsbok" / "core"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
ALLOWED_THIRD_PARTY = {"pydantic", "pydantic_core", "holidays", "dateutil"}
CONTRACT = "Doors above the workbook, the workbook above the engine and the file format"


def _absolute_imports(path: Path) -> set[str]:
    """Top-level names of the absolute imports of a module (relative ones stay in avtalsbok)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_only_stdlib_and_allowed_packages() -> None:
    offenders = [
        (path.name, name)
        for path in sorted(CORE.glob("*.py"))
        for name in _absolute_imports(path)
        if name != "avtalsbok"
        and name not in sys.stdlib_module_names
        and name not in ALLOWED_THIRD_PARTY
    ]
    assert offenders == []


def test_the_allowlist_check_sees_a_third_party_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import openpyxl.cell\nfrom rich import print\nfrom . import x\n", "utf-8")
    assert _absolute_imports(bad) == {"openpyxl", "rich"}


# --- the import contracts -----------------------------------------------------------------------


def lint_imports(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with the project's contracts over a copy of the package plus `extra` files."""
    shutil.copytree(
        ROOT / "avtalsbok",
        tmp_path / "avtalsbok",
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for name, text in extra.items():
        target = tmp_path / "avtalsbok" / name
        target.parent.mkdir(exist_ok=True)
        target.write_text(f'"""A test module."""\n\n{text}\n', encoding="utf-8")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_as_it_stands_keeps_the_contracts(tmp_path: Path) -> None:
    run = lint_imports(tmp_path, {})
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{CONTRACT} KEPT" in run.stdout


#: A wrong arrow (files added to the package) → the break lint-imports must report.
WRONG_ARROWS: dict[str, tuple[dict[str, str], str]] = {
    "core imports the workbook": (
        {"core/wrong.py": "from ..workbook import reader"},
        "avtalsbok.core is not allowed to import avtalsbok.workbook",
    ),
    "core imports the demo": (
        {"core/wrong.py": "import avtalsbok.demo"},
        "avtalsbok.core is not allowed to import avtalsbok.demo",
    ),
    "the workbook imports a door": (
        {"workbook/wrong.py": "from ..batch import run"},
        "avtalsbok.workbook is not allowed to import avtalsbok.batch",
    ),
    "the workbook imports a door inside a function": (
        {"workbook/wrong.py": "def late() -> None:\n    from ..mail import send"},
        "avtalsbok.workbook is not allowed to import avtalsbok.mail",
    ),
    "a door imports the command line": (
        {"excel/wrong.py": "from .. import cli"},
        "avtalsbok.excel is not allowed to import avtalsbok.cli",
    ),
    "core imports a door through the root package": (
        {"core/wrong.py": "import avtalsbok", "__init__.py": "from . import report"},
        "avtalsbok.core is not allowed to import avtalsbok.report",
    ),
    "ooxml imports the engine": (
        {"ooxml/__init__.py": "from ..core import schema"},
        "avtalsbok.ooxml is not allowed to import avtalsbok.core",
    ),
    "ooxml imports the workbook": (
        {"ooxml/__init__.py": "import avtalsbok.workbook.atomic"},
        "avtalsbok.ooxml is not allowed to import avtalsbok.workbook",
    ),
    "core imports ooxml": (
        {"ooxml/__init__.py": "import zipfile", "core/wrong.py": "import avtalsbok.ooxml"},
        "avtalsbok.core is not allowed to import avtalsbok.ooxml",
    ),
}


@pytest.mark.parametrize(("extra", "broken"), WRONG_ARROWS.values(), ids=WRONG_ARROWS.keys())
def test_a_wrong_arrow_breaks_the_contract(
    tmp_path: Path, extra: dict[str, str], broken: str
) -> None:
    run = lint_imports(tmp_path, extra)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{CONTRACT} BROKEN" in run.stdout
    assert f"{broken}:" in run.stdout


def test_a_package_outside_the_layers_breaks_the_contract_until_it_is_placed(
    tmp_path: Path,
) -> None:
    run = lint_imports(tmp_path, {"newdoor/__init__.py": "from ..core import schema"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "not listed as layers:\n\n- avtalsbok.newdoor\n" in run.stdout


def test_an_ooxml_package_of_its_own_keeps_the_contracts(tmp_path: Path) -> None:
    run = lint_imports(
        tmp_path,
        {"ooxml/__init__.py": "import zipfile", "workbook/uses.py": "from .. import ooxml"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
