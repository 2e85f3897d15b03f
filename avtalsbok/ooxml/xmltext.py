"""Reading and patching XML as text: attributes, elements and escapes, without a parser.

What is not edited keeps its bytes: a parser and serialiser would re-quote attributes, reorder
namespace declarations and drop what the officer's file says in its own way, so the parts the
writer patches are searched with these regular expressions and spliced, and only the start tags
it changes are rewritten.
"""

from __future__ import annotations

import re
from functools import cache

from .errors import OoxmlError

#: Excel keeps at most this many characters in a cell (UTF-16 units); longer text is cut here.
MAX_TEXT = 32_767

#: The SpreadsheetML main namespace, transitional and strict.
MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)

#: A start tag's attribute text, quoted values taken whole (they may hold `>`).
ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
START_TAG = re.compile(f"<[^\\s>/]+({ATTRS})>")
_ROOT = re.compile(r"<(?:([\w.-]+):)?(\w+)\b(" + ATTRS + ")>")
# A character or entity reference: the only ones XML has (named: the five predefined entities).
_REFERENCE = re.compile(r"&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|(lt|gt|amp|quot|apos));")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
ESCAPED_CHAR = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
# A character past Latin-1 (`–`, `€`, an emoji) is written as a character reference: a sheet
# whose XML has none is held at one byte per character when the writer reads it again (Python
# keeps a text at the width of its widest character), which halves the memory of a large sheet
# the engine wrote (100 000 contracts: 160 MB instead of 320 MB) and of its unpacking.
_WIDE = re.compile("[^\x00-\xff]")


def escape_text(text: str) -> str:
    """Cell text as XML character data, read back by Excel exactly as given."""
    if len(text) > MAX_TEXT // 2:
        text = _cut_to_limit(text)
    if XML_ILLEGAL.search(text):
        text = XML_ILLEGAL.sub("", text)
    if "_x" in text:
        # Excel reads `_xHHHH_` as an escaped character; a literal one is escaped itself.
        text = ESCAPED_CHAR.sub(r"_x005F_\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if not text.isascii() and _WIDE.search(text):
        text = _WIDE.sub(_reference, text)
    return text


def _cut_to_limit(text: str) -> str:
    """Text cut to `MAX_TEXT` as Excel counts it: in UTF-16 units, a character past U+FFFF (an
    emoji) taking two, and never cut between them."""
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * MAX_TEXT:
        return text
    units = units[: 2 * MAX_TEXT]
    if 0xD800 <= int.from_bytes(units[-2:], "little") <= 0xDBFF:
        units = units[:-2]  # the first half of a character cut in two
    return units.decode("utf-16-le", "surrogatepass")


def _reference(match: re.Match[str]) -> str:
    return f"&#{ord(match[0])};"


def escape_attr(text: str) -> str:
    """Text as a double-quoted attribute value (a name Excel reads back exactly)."""
    text = escape_text(text).replace('"', "&quot;")
    return text.replace("\t", "_x0009_").replace("\n", "_x000a_").replace("&#13;", "_x000d_")


def unescape_name(text: str) -> str:
    """A name with Excel's `_xHHHH_` escapes turned back into characters."""
    return ESCAPED_CHAR.sub(lambda m: chr(int(m[1][1:5], 16)), text)


def attributes(tag: str) -> dict[str, str]:
    """The attributes of a start tag (or of its attribute text), values unescaped."""
    return {m[1]: unescape(m[2] if m[2] is not None else m[3]) for m in _ATTR.finditer(tag)}


def unescape(value: str) -> str:
    """An attribute value with its character and entity references replaced (a reference to
    no character becomes U+FFFD, as a lenient reader shows it)."""
    if "&" not in value:
        return value
    return _REFERENCE.sub(_referenced, value)


def _referenced(match: re.Match[str]) -> str:
    if match[3]:
        return _ENTITIES[match[3]]
    code = int(match[1]) if match[1] else int(match[2], 16)
    return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"


def set_attr(start_tag: str, name: str, value: str) -> str:
    """A start tag with one attribute set (replaced in place, or added before the `>`)."""
    pattern = re.compile(r"(\s" + re.escape(name) + r"""\s*=\s*)(?:"[^"]*"|'[^']*')""")
    if pattern.search(start_tag):
        return pattern.sub(lambda m: f'{m[1]}"{value}"', start_tag, count=1)
    end = len(start_tag) - (2 if start_tag.endswith("/>") else 1)
    return f'{start_tag[:end]} {name}="{value}"{start_tag[end:]}'


def root_of(xml: str, part: str) -> tuple[str, str, dict[str, str]]:
    """The root element's prefix (with colon, or ''), local name and attributes."""
    match = _ROOT.search(xml)
    if match is None:
        raise OoxmlError("part-no-root", part=part)
    prefix = match[1] + ":" if match[1] else ""
    return prefix, match[2], attributes(match[3])


def main_prefix(xml: str, part: str) -> str:
    """The prefix (with colon, or '') a SpreadsheetML part gives its main namespace."""
    prefix, _, attrs = root_of(xml, part)
    declared = attrs.get(f"xmlns:{prefix[:-1]}" if prefix else "xmlns")
    if declared not in MAIN_NS:
        raise OoxmlError("part-unknown-namespace", part=part)
    return prefix


def element_span(
    xml: str, prefix: str, name: str, start: int = 0, stop: int | None = None
) -> tuple[int, int, int] | None:
    """(start, end of start tag, end) of the first `<name>` element in xml[start:stop]."""
    stop = len(xml) if stop is None else stop
    match = start_tag(prefix, name).search(xml, start, stop)
    if match is None:
        return None
    if match[1].endswith("/"):
        return match.start(), match.end(), match.end()
    close = f"</{prefix}{name}>"
    end = xml.find(close, match.end(), stop)
    if end < 0:
        raise OoxmlError("element-unclosed", element=name)
    return match.start(), match.end(), end + len(close)


@cache
def start_tag(prefix: str, name: str) -> re.Pattern[str]:
    """A pattern for `<prefix:name …>` start tags, the attribute text as group 1."""
    return re.compile(f"<{re.escape(prefix)}{name}\\b({ATTRS})>")
