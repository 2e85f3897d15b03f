"""Custom document properties (`docProps/custom.xml`, Excel's File > Info > Properties >
Advanced > Custom): one text property read or set, every other property kept byte for byte;
and the digest of a package's other entries, by which a property can tell that nothing else in
the file changed since it was set.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from .package import Package
from .xmltext import ATTRS, attributes, escape_attr, escape_text, root_of, unescape

#: Where a new custom properties part goes, and what it is.
CUSTOM_PART = "docProps/custom.xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "/custom-properties"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
#: The format id every custom property carries (ECMA-376 part 1, 22.3.2.2).
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_PROPERTY = re.compile(
    r"<(?:[\w.-]+:)?property\b(" + ATTRS + r")>(.*?)</(?:[\w.-]+:)?property>", re.DOTALL
)
_TEXT = re.compile(r"<(?:[\w.-]+:)?lpwstr\b[^>]*>([^<]*)</(?:[\w.-]+:)?lpwstr>")


def custom_part(package: Package) -> str | None:
    """The zip entry the package's custom properties are in (None: it has none)."""
    return next(iter(package.related("", CUSTOM_REL)), None)


def read_property(xml: str, name: str) -> str | None:
    """The text of the custom property `name` (None: there is none, or it is not text)."""
    for match in _PROPERTY.finditer(xml):
        if attributes(match[1]).get("name") == name:
            text = _TEXT.fullmatch(match[2].strip())
            return None if text is None else unescape(text[1])
    return None


def with_property(xml: str | None, name: str, value: str) -> str:
    """The custom properties part `xml` (None: a new one) with the text property `name` set to
    `value`: replaced where it stands, else added last; the rest keeps its bytes."""
    if xml is None:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">'
            f"{_property('', 'vt:', 2, name, value)}</Properties>"
        )
    prefix, _, root = root_of(xml, CUSTOM_PART)
    declared = [k[len("xmlns:") :] for k, v in root.items() if v == _VT_NS and ":" in k]
    vt = f"{declared[0]}:" if declared else ""
    pids = [0]
    for match in _PROPERTY.finditer(xml):
        attrs = attributes(match[1])
        pid = attrs.get("pid", "")
        pids.append(int(pid) if pid.isdigit() else 0)
        if attrs.get("name") == name:
            replaced = _property(prefix, vt, int(pid) if pid.isdigit() else 2, name, value)
            return xml[: match.start()] + replaced + xml[match.end() :]
    closing = f"</{prefix}Properties>"
    at = xml.rfind(closing)
    if at < 0:  # an empty root, <Properties .../>
        empty = xml.rfind("/>")
        added = _property(prefix, vt, 2, name, value)
        return xml[:empty] + ">" + added + closing + xml[empty + 2 :]
    added = _property(prefix, vt, max(max(pids) + 1, 2), name, value)
    return xml[:at] + added + xml[at:]


def _property(prefix: str, vt: str, pid: int, name: str, value: str) -> str:
    # Where the part does not declare the variant types' namespace, the value declares it.
    text_tag = f"{vt}lpwstr" if vt else f'lpwstr xmlns="{_VT_NS}"'
    return (
        f'<{prefix}property fmtid="{_FMTID}" pid="{pid}" name="{escape_attr(name)}">'
        f"<{text_tag}>{escape_text(value)}</{vt}lpwstr></{prefix}property>"
    )


def entries_digest(entries: Iterable[tuple[str, int, int]]) -> str:
    """A digest of zip entries by (name, CRC-32, unpacked size), in any order: the same for
    two files whose entries are the same bytes, whatever order the entries stand in."""
    lines = sorted(f"{name}\t{crc:08x}\t{size}" for name, crc, size in entries)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]
