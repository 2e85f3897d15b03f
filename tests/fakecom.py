"""What the fake Excel (`fakexw`) holds beyond values: a book's formulas (`formulas_of`), and
the little of Excel's object model (`xlwings`' `.api`) the buttons use, named as Excel names it:
a sheet's conditional formats (`Range(...).FormatConditions`: `Count`, `Item`, `Add`; a
condition's `Type`, `Operator`, `Formula1`, `Font.Color`, `Interior.Color`,
`SetLastPriority`), behaving as Excel's documentation says: `Add` puts the new condition first
in priority, `Operator` of a condition that has none raises, and a range's conditions are those
that apply to any of its cells. `fakexw` loads a book's own conditions (`conditions_of`)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

Bounds = tuple[int, int, int, int]

#: `XlFormatConditionType` and `XlFormatConditionOperator` values of openpyxl's rule names.
CONDITION_TYPES = {"cellIs": 1, "expression": 2}
CONDITION_OPERATORS = {
    name: number
    for number, name in enumerate(
        (
            "between",
            "notBetween",
            "equal",
            "notEqual",
            "greaterThan",
            "lessThan",
            "greaterThanOrEqual",
            "lessThanOrEqual",
        ),
        start=1,
    )
}


@dataclass(eq=False)
class FakeCondition:
    """`FormatCondition`: where it applies, its kind and formula, its colours (Excel numbers)."""

    applies_to: list[Bounds]
    kind: int
    operator: int | None
    formula1: str
    font: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(Color=None))
    interior: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(Color=None))
    sheet: Any = None  # the `_SheetData` whose `conditions` it is in

    @property
    def Type(self) -> int:
        return self.kind

    @property
    def Operator(self) -> int:
        if self.operator is None:  # Excel raises for a condition without one
            raise AttributeError("Operator")
        return self.operator

    @property
    def Formula1(self) -> str:
        return self.formula1

    @property
    def Font(self) -> SimpleNamespace:
        return self.font

    @property
    def Interior(self) -> SimpleNamespace:
        return self.interior

    def SetLastPriority(self) -> None:
        assert self.sheet is not None
        self.sheet.conditions.remove(self)
        self.sheet.conditions.append(self)


class FakeComRange:
    """`Range` of Excel's object model: `Cells(row, column)` and `FormatConditions`."""

    def __init__(self, sheet: Any, bounds: Bounds) -> None:
        """`sheet`: the fake sheet's `_SheetData`; `bounds`: (first row, first column, last
        row, last column)."""
        self._sheet = sheet
        self._bounds = bounds

    def Cells(self, row: int, column: int) -> FakeComRange:
        r, c = self._bounds[0] + row - 1, self._bounds[1] + column - 1
        return FakeComRange(self._sheet, (r, c, r, c))

    @property
    def FormatConditions(self) -> FakeConditions:
        return FakeConditions(self._sheet, self._bounds)


class FakeConditions:
    """`FormatConditions` of a range: the sheet's conditions that apply to any of its cells."""

    def __init__(self, data: Any, bounds: Bounds) -> None:
        self._data = data
        self._bounds = bounds
        r1, c1, r2, c2 = bounds
        self._items = [
            condition
            for condition in data.conditions
            if any(
                a <= r2 and r1 <= b and c <= c2 and c1 <= d for a, c, b, d in condition.applies_to
            )
        ]

    @property
    def Count(self) -> int:
        return len(self._items)

    def Item(self, index: int) -> FakeCondition:
        return self._items[index - 1]

    def Add(self, kind: int, operator: int, formula1: str) -> FakeCondition:
        """A new condition on the range, first in priority (as Excel adds one)."""
        condition = FakeCondition([self._bounds], kind, operator, formula1, sheet=self._data)
        self._data.conditions.insert(0, condition)
        return condition


def conditions_of(ws: Any) -> list[FakeCondition]:
    """The conditional formats of an openpyxl worksheet, first priority first."""
    found = []
    for cf in ws.conditional_formatting:
        applies_to = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in cf.sqref.ranges]
        for rule in cf.rules:
            kind = CONDITION_TYPES.get(rule.type, 0)
            operator = CONDITION_OPERATORS.get(rule.operator) if kind == 1 else None
            formula = f"={rule.formula[0]}" if rule.formula else ""
            found.append((rule.priority, FakeCondition(applies_to, kind, operator, formula)))
    return [condition for _, condition in sorted(found, key=lambda item: item[0])]


def formulas_of(path: str | Path) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet → (row, column) → formula of each cell holding one, read only from a book whose
    sheets have a formula at all (a second load of the whole book otherwise)."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as z:
        if not any(
            re.search(rb"<(\w+:)?f[ >]", z.read(n))
            for n in z.namelist()
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        ):
            return {}
    book = load_workbook(path)
    return {
        ws.title: {
            (c.row, c.column): c.value
            for row in ws.iter_rows()
            for c in row
            if c.data_type == "f" and isinstance(c.value, str)
        }
        for ws in book.worksheets
    }
