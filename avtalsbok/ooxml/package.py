"""The zip package of a workbook: its parts found by name and their relationships resolved.

Part names are found case-insensitively (OPC, ECMA-376 Part 2, 9.1.1.1: names that differ only
in case are the same part) and with `\\` read as `/`, as calamine finds them (`part_key`); a
relationship's target is percent-decoded and resolved against
its source part (Part 2, 9.3.3.2), so every reader of the package finds the same parts. A
package is unpacked from one copy of the file's bytes, a part at a time as it is needed.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import unquote

from .errors import OoxmlError
from .xmltext import ATTRS, attributes

#: Characters or bytes handled at a time when a part is unpacked, packed, copied or checked.
CHUNK = 1 << 20
MAX_PART = 1 << 31

_RELATIONSHIP = re.compile(r"<(?:[\w.-]+:)?Relationship\b(" + ATTRS + ")>")


@dataclass(frozen=True)
class Rel:
    """One relationship: its id, type URI and the zip entry it points to (None: outside)."""

    id: str
    type: str
    part: str | None


class Package:
    """A book's zip entries, from a zip file over the bytes of the file as it was read once."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        self.infos = self._archive.infolist()
        self.comment = self._archive.comment
        self._by_key = {part_key(info.filename): info.filename for info in self.infos}

    def find(self, part: str) -> str | None:
        """The zip entry holding `part`, whatever the case of its name (None: none does)."""
        return self._by_key.get(part_key(part))

    def text(self, part: str) -> str:
        """A part's text, unpacked and decoded from UTF-8 a piece at a time."""
        name = self.find(part)
        if name is None:
            raise OoxmlError("part-missing", part=part)
        info = self._archive.getinfo(name)
        if info.file_size > MAX_PART:
            raise OoxmlError("part-too-large", part=name)
        decoder = codecs.getincrementaldecoder("utf-8")()
        pieces: list[str] = []
        try:
            # Unpacked and decoded a piece at a time: the part's bytes are never whole in memory.
            with self._archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    pieces.append(decoder.decode(chunk))
            pieces.append(decoder.decode(b"", final=True))
            return "".join(pieces)
        except UnicodeDecodeError as exc:
            raise OoxmlError("part-encoding", part=name) from exc
        # What zipfile raises for a part it cannot unpack: a bad header, checksum or offset
        # (ValueError: a negative seek), a cut stream, an unknown method, zip encryption.
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            ValueError,
            OSError,
            RuntimeError,
        ) as exc:
            raise OoxmlError("part-corrupt", part=name, reason=str(exc)) from exc

    def rels(self, part: str) -> list[Rel]:
        """The relationships of a part ('' for the package's own), targets resolved to zip
        entry names where they exist."""
        source = rels_part(part)
        if self.find(source) is None:
            return []
        rels = []
        for match in _RELATIONSHIP.finditer(self.text(source)):
            attrs = attributes(match[1])
            external = attrs.get("TargetMode") == "External"
            target = attrs.get("Target", "")
            resolved = None if external else self.find(resolve_target(part, target))
            rels.append(Rel(attrs.get("Id", ""), attrs.get("Type", ""), resolved))
        return rels

    def related(self, part: str, type_suffix: str) -> list[str]:
        """The parts `part` relates to by a relationship type ending in `type_suffix`."""
        return [rel.part for rel in self.rels(part) if rel.type.endswith(type_suffix) and rel.part]


def part_key(name: str) -> str:
    """What a part name is compared by: case folded, `\\` as `/` (two zip entries with one key
    are one part to the readers in the field, which then disagree on which copy it is)."""
    return name.replace("\\", "/").casefold()


def resolve_target(source_part: str, target: str) -> str:
    """The part name a relationship target of `source_part` points to."""
    target = unquote(target)
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def rels_part(part: str) -> str:
    """The name of the relationships part of `part` (`_rels/.rels` for the package)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")
