"""docs/regler.md documents every finding code and every setting with its default."""

from pathlib import Path

import pytest

from avtalsbok.core.findings import CATALOGUE
from avtalsbok.core.settings import DEFINITIONS, SettingDef

RULES = Path(__file__).resolve().parent.parent / "docs" / "regler.md"
LINES = RULES.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_finding_code_is_in_the_table_with_its_level(code: str) -> None:
    level = CATALOGUE[code][0].swedish
    assert any(line.startswith(f"| `{code}` | {level} | ") for line in LINES), (
        f"docs/regler.md lacks the row | `{code}` | {level} | …"
    )


def _default(definition: SettingDef) -> str:
    value = definition.default_text
    if value is None or value == "":
        return "(tomt)"
    return f"{value:g}" if isinstance(value, float) else str(value)


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.key)
def test_every_setting_is_in_the_table_with_its_default(definition: SettingDef) -> None:
    row = f"| {definition.key} | {_default(definition)} | "
    assert any(line.startswith(row) for line in LINES), f"docs/regler.md lacks the row {row}…"
