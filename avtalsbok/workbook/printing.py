"""Page setup for the sheets an officer prints, in the books and reports XlsxWriter builds.

A4, one page wide (as many pages down as the rows need), landscape for a sheet whose columns
do not fit a portrait page, the header row repeated on every page, and a footer that names the
sheet and the page (`Avtal – sida 2 av 5`). The file writer never touches a sheet's page setup,
so a book keeps what its template set when its sheets are written again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from xlsxwriter.worksheet import Worksheet

#: XlsxWriter's paper index for A4.
A4 = 9
#: Columns (in Excel's character widths) that fit across a portrait A4 page at 100 %.
PORTRAIT_WIDTH = 90.0
_MARGINS = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.6}
FOOTER = "&L&A&RSida &P av &N"


def set_up_page(
    ws: Worksheet,
    widths: Iterable[float],
    *,
    header_rows: int = 1,
    landscape: bool | None = None,
    scale: int | None = None,
) -> None:
    """A4, landscape when the columns are wider than a portrait page (or as `landscape` says),
    one page wide, the first `header_rows` rows repeated on every page (none for 0), the footer.

    With `scale` (percent) the sheet is printed at that size instead of fitted to the page
    width: Excel ignores manual page breaks on a sheet fitted to a page.
    """
    ws.set_paper(A4)
    if landscape if landscape is not None else sum(widths) > PORTRAIT_WIDTH:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if scale is None:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(scale)
    ws.set_margins(**_MARGINS)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    ws.set_footer(FOOTER)


def page_breaks(
    units: Sequence[tuple[int, int]],
    rows_per_page: float,
    tall_rows: Mapping[int, float] | None = None,
) -> list[int]:
    """Rows (0-based) to break the page before, so that no unit is split across pages.

    `units` are (first row, last row) spans, 0-based, in any order; overlapping spans (a chart
    beside its table) are kept together as one, while a page may break between two that only
    touch. A page holds `rows_per_page` rows of the default height; `tall_rows` gives the rows
    that are taller, in default rows. Units are packed onto pages in row order; a unit taller
    than a page starts a page of its own and runs over it.
    """
    tall = tall_rows or {}

    def height(first: int, last: int) -> float:
        return last - first + 1 + sum(h - 1 for r, h in tall.items() if first <= r <= last)

    merged: list[list[int]] = []
    for first, last in sorted(units):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    breaks: list[int] = []
    page_top = 0
    for first, last in merged:
        if height(page_top, last) > rows_per_page and first > page_top:
            breaks.append(first)
            page_top = first
    return breaks
