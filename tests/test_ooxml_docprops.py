"""Custom document properties: one text property set, the officer's own kept byte for byte, and
the digest of a package's other entries."""

from __future__ import annotations

from avtalsbok.ooxml.docprops import entries_digest, read_property, with_property

OWN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Diarienummer">'
    "<vt:lpwstr>KS 2026/12</vt:lpwstr></property>"
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="7" name="Granskad">'
    "<vt:bool>true</vt:bool></property></Properties>"
)


def test_a_new_part_holds_the_one_property() -> None:
    xml = with_property(None, "Avtalsbok körning", "a & <b>")
    assert read_property(xml, "Avtalsbok körning") == "a & <b>"
    assert 'pid="2"' in xml and "&amp; &lt;b&gt;" in xml


def test_the_officers_own_properties_keep_their_bytes_and_the_new_one_gets_the_next_pid() -> None:
    xml = with_property(OWN, "Avtalsbok körning", "första")
    closing = OWN.rindex("</Properties>")
    assert xml.startswith(OWN[:closing]) and xml.endswith("</Properties>")
    assert 'pid="8" name="Avtalsbok körning"><vt:lpwstr>första</vt:lpwstr>' in xml
    again = with_property(xml, "Avtalsbok körning", "andra")
    assert again == xml.replace("första", "andra")  # replaced where it stands, pid kept
    assert read_property(again, "Diarienummer") == "KS 2026/12"
    assert read_property(again, "Granskad") is None  # not text


def test_a_part_without_the_variant_types_prefix_or_properties_still_gets_one() -> None:
    empty = '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    xml = with_property(empty, "X", "1")
    assert read_property(xml, "X") == "1"
    assert "docPropsVTypes" in xml  # the value declares the namespace it is in


def test_the_digest_is_of_names_checksums_and_sizes_in_any_order() -> None:
    a = [("xl/workbook.xml", 0x1234, 10), ("xl/styles.xml", 0xBEEF, 20)]
    assert entries_digest(a) == entries_digest(a[::-1])
    assert entries_digest(a) != entries_digest([a[0], ("xl/styles.xml", 0xBEEE, 20)])
    assert entries_digest(a) != entries_digest([a[0], ("xl/styles.xml", 0xBEEF, 21)])
