"""Raw rows of one sheet → typed models + findings: the one place validation errors become findings.

Headers are matched by name (case, spaces, trailing `*` and documented aliases ignored); unknown
columns are the officer's own and are read past. A whole sheet is validated in one pydantic call;
rows with bad cells are validated again with those cells blanked, so each row still yields a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from . import schema
from .book import RawRow, SheetInput
from .findings import Finding, make
from .models import Row

M = TypeVar("M", bound=Row)


@dataclass(frozen=True)
class ColumnMap:
    """Where each known column of a sheet stands in this book: key → (header text, letter)."""

    sheet: str
    columns: dict[str, tuple[str, str]]

    def header(self, key: str) -> str:
        found = self.columns.get(key)
        return found[0] if found else _DEFS[self.sheet].column(key).header

    def letter(self, key: str) -> str | None:
        found = self.columns.get(key)
        return found[1] if found else None

    def at(self, key: str, row: int | None, code: str, value: Any = None, **params: Any) -> Finding:
        """A finding at this sheet's cell (row, column of `key`)."""
        return make(
            code,
            sheet=self.sheet,
            row=row,
            column=self.letter(key),
            header=self.header(key),
            value=value,
            **params,
        )


_DEFS = schema.DATA_SHEETS
_ADAPTERS: dict[type[Row], TypeAdapter[Any]] = {}
#: Rows validated per call: a bad cell costs a second pass over its chunk only.
_CHUNK = 500


def map_columns(sheet_name: str, sheet: SheetInput) -> tuple[ColumnMap, list[Finding]]:
    """Match the book's headers to the schema's columns; report duplicates and missing ones."""
    definition = _DEFS[sheet_name]
    lookup = schema.header_lookup(definition)
    columns: dict[str, tuple[str, str]] = {}
    found: list[Finding] = []
    for letter, text in sorted(sheet.headers.items(), key=lambda kv: schema.column_index(kv[0])):
        key = lookup.get(schema.normalize_header(text))
        if key is None:
            continue
        if key in columns:
            found.append(
                make(
                    "duplicate-column",
                    sheet=sheet_name,
                    row=sheet.header_row,
                    column=letter,
                    header=text,
                    value=text,
                    used=columns[key][1],
                )
            )
            continue
        columns[key] = (text, letter)
    cmap = ColumnMap(sheet_name, columns)
    for col in definition.input_columns:
        if col.required and col.key not in columns:
            found.append(make("missing-column", sheet=sheet_name, header=col.header))
    return cmap, found


def parse_sheet(
    sheet_name: str,
    sheet: SheetInput | None,
    model: type[M],
    *,
    date1904: bool,
) -> tuple[list[M], ColumnMap, list[Finding], list[RawRow]]:
    """Validate a sheet's rows into `model`s.

    Returns the models (one per non-blank row, in sheet order), the column map, the findings,
    and the rows skipped as blank (no input value at all) so their computed cells can be cleared.
    """
    if sheet is None:
        return [], ColumnMap(sheet_name, {}), [], []
    cmap, found = map_columns(sheet_name, sheet)
    definition = _DEFS[sheet_name]
    inputs = [
        (key, hdr)
        for key, (hdr, _l) in cmap.columns.items()
        if definition.column(key).kind is schema.Kind.INPUT
    ]
    records: list[dict[str, Any]] = []
    blank: list[RawRow] = []
    for excel_row, values in sheet.rows:
        rec: dict[str, Any] = {"row": excel_row}
        for key, hdr in inputs:
            v = values.get(hdr)
            if v is not None and (type(v) is not str or v.strip()):
                rec[key] = v
        if len(rec) == 1:
            blank.append((excel_row, values))
        else:
            records.append(rec)
    context: dict[str, Any] = {"warnings": [], "date1904": date1904}
    models: list[M] = []
    adapter = _adapter(model)
    for start in range(0, len(records), _CHUNK):
        chunk = records[start : start + _CHUNK]
        try:
            models += adapter.validate_python(chunk, context=context)
        except ValidationError as exc:
            models += _salvage(exc, chunk, model, cmap, found, context)
    for excel_row, key, (code, params), value in context["warnings"]:
        found.append(cmap.at(key, excel_row, code, value, **params))
    required = [c.key for c in definition.input_columns if c.required and c.key in cmap.columns]
    for rec in records:
        for key in required:
            if key not in rec:
                found.append(cmap.at(key, rec["row"], "missing-value"))
    return models, cmap, found, blank


def _salvage(
    exc: ValidationError,
    records: list[dict[str, Any]],
    model: type[M],
    cmap: ColumnMap,
    found: list[Finding],
    context: dict[str, Any],
) -> list[M]:
    """Report every bad cell, then validate each row again without its bad cells."""
    bad: dict[int, set[str]] = {}
    for err in exc.errors():
        # Every field has its own validator and a row has none: the error is at (row, field).
        index, key = int(err["loc"][0]), str(err["loc"][1])
        rec = records[index]
        code = err["type"]  # the cell parsers' finding code (see `models`)
        params = dict(err.get("ctx") or {})
        found.append(cmap.at(key, rec["row"], code, rec.get(key), **params))
        bad.setdefault(index, set()).add(key)
    # Warnings were noted in the first pass; the second pass must not note them twice.
    fixed = [
        {k: v for k, v in rec.items() if k not in bad.get(index, ())}
        for index, rec in enumerate(records)
    ]
    models: list[M] = _adapter(model).validate_python(
        fixed, context={"warnings": [], "date1904": context["date1904"]}
    )
    return models


def _adapter(model: type[M]) -> TypeAdapter[list[M]]:
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        adapter = _ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return adapter
