"""Writing an export file: atomically, never over a file someone has open, and never over a
workbook (see `workbook.targets`)."""

from __future__ import annotations

from pathlib import Path

from ..workbook.atomic import WriteError, atomic_replace, owner_of
from ..workbook.targets import refusal


def save(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all or nothing (the report's atomic save); raises
    WriteError when `path` is a folder or a workbook (also through a link), is open in a
    program that keeps an owner file, or cannot be written."""
    if (why := refusal(path)) is not None:
        raise WriteError(why)
    owner = owner_of(path)
    if owner is not None:
        raise WriteError("filen är öppen", code="file-locked", owner=owner)
    atomic_replace(path, lambda out: out.write(data))
