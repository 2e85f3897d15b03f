"""XML read as text: attribute values come out as an XML parser (expat) gives them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from avtalsbok.ooxml.xmltext import attributes, escape_attr

pieces = st.sampled_from(
    ["a", "Å", " ", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#65;", "&#x1F600;", "&#229;"]
)


@given(st.lists(pieces, max_size=12), st.sampled_from(['"', "'"]))
def test_attribute_values_are_unescaped_as_an_xml_parser_does(value: list[str], quote: str) -> None:
    text = "".join(value)
    tag = f"<a v={quote}{text}{quote}/>"
    assert attributes(tag)["v"] == ET.fromstring(tag).attrib["v"]


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_an_escaped_name_reads_back_through_an_xml_parser(name: str) -> None:
    tag = f'<a v="{escape_attr(name)}"/>'
    assert attributes(tag)["v"] == ET.fromstring(tag).attrib["v"]
