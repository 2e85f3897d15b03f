"""Writing an export file: atomically, and never over a file someone has open."""

from __future__ import annotations

from pathlib import Path

from ..workbook.atomic import WriteError, atomic_replace, owner_of


def save(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all or nothing (the report's atomic save); raises
    WriteError when the file is open in a program that keeps an owner file, or cannot be
    written."""
    owner = owner_of(path)
    if owner is not None:
        raise WriteError("filen är öppen", code="file-locked", owner=owner)
    atomic_replace(path, lambda out: out.write(data))
