"""The colours of the book's conditional formats, known once: the looks the template gives its
rules, and the goal table's `Uppnått` colours on `Översikt` as the template has them and as the
writer adds them to a book made before the template had them (`add_verdict_colours`)."""

from __future__ import annotations

from ..core import overview, schema
from ..ooxml import EqualsRule, WorkbookEditor
from ..ooxml.refs import MAX_ROW, column_letter

#: Each look a conditional format may have, in xlsxwriter's format properties.
COLOURS = {
    "red": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "orange": {"bg_color": "#F8CBAD", "font_color": "#843C0C"},
    "amber": {"bg_color": "#FFD966", "font_color": "#7F6000"},
    "yellow": {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
    "grey text": {"font_color": "#808080"},
    "green": {"bg_color": "#C6EFCE", "font_color": "#006100"},
}
#: `Uppnått` of a goal table (`Översikt`, the report's `Mål`): Ja green, Nej red.
VERDICT_FORMATS = {schema.YES_NO[0]: COLOURS["green"], schema.YES_NO[1]: COLOURS["red"]}


def verdict_range() -> str:
    """The range the `Uppnått` colours cover on `Översikt` (`D79:D1048576`): the goal table's
    column from where it stands in an empty book down to the sheet's last row."""
    first_row, column = overview.verdict_column()
    letter = column_letter(column)
    return f"{letter}{first_row}:{letter}{MAX_ROW}"


def add_verdict_colours(editor: WorkbookEditor, sheet: str) -> None:
    """Give `Översikt` (named `sheet` in the book) the template's `Uppnått` colours where it
    lacks them: a book made from an earlier template, or adopted, gets them on its next save."""
    rules = [
        EqualsRule(f'"{text}"', look["font_color"][1:], look["bg_color"][1:])
        for text, look in VERDICT_FORMATS.items()
    ]
    editor.add_conditional_formats(sheet, verdict_range(), rules)
