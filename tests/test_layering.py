"""The engine stays pure: `avtalsbok.core` imports only the stdlib, pydantic, holidays, dateutil."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "avtalsbok" / "core"
ALLOWED_THIRD_PARTY = {"pydantic", "pydantic_core", "holidays", "dateutil"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level > 1:  # from ..workbook import x: leaves the core package
                    names.add("avtalsbok." + (node.module or ""))
                continue
            names.add(node.module or "")
    return names


def test_core_imports_only_stdlib_and_allowed_packages() -> None:
    offenders = []
    for path in sorted(CORE.glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if name.startswith("avtalsbok.") and not name.startswith("avtalsbok.core"):
                offenders.append((path.name, name))
            elif top == "avtalsbok":
                continue
            elif top not in sys.stdlib_module_names and top not in ALLOWED_THIRD_PARTY:
                offenders.append((path.name, name))
    assert offenders == []


def test_layering_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import openpyxl\nfrom ..workbook import reader\n", encoding="utf-8")
    assert _imports(bad) == {"openpyxl", "avtalsbok.workbook"}
