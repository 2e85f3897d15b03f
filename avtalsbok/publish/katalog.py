"""Avtalskatalogen: every contract in force, in one self-contained HTML file for everyone who
may order from them.

Published per contract: Avtals-ID, name, supplier (and its organisation number, not a sole
trader's personal identity number), category, period and extensions left, how to order, the
contract owner and the book. Never published: risk, priority, deviations, annual value,
findings. Everything from a book is HTML-escaped text; the script only filters the table the
page already shows and reads no data of its own, so the page lists everything with JavaScript
off. Nothing is loaded from elsewhere (the page's Content-Security-Policy forbids it).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from datetime import date
from html import escape

from .facts import BookExport, ContractFacts

TITLE = "Avtalskatalog"

_SCRIPT = """
(function () {
  var form = document.getElementById("filter");
  var search = document.getElementById("sok");
  var category = document.getElementById("kategori");
  var rows = document.querySelectorAll("#avtal tbody tr");
  var status = document.getElementById("antal");
  function apply() {
    var words = search.value.toLocaleLowerCase("sv").split(/\\s+/).filter(Boolean);
    var wanted = category.value;
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLocaleLowerCase("sv");
      var ok = (!wanted || row.getAttribute("data-kategori") === wanted) &&
        words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    status.textContent = "Visar " + shown + " av " + rows.length + " avtal.";
  }
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  search.addEventListener("input", apply);
  category.addEventListener("change", apply);
})();
"""

_STYLE = """
body { font-family: system-ui, "Segoe UI", Arial, sans-serif; margin: 1.5rem; color: #1a1a1a;
  line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
.filter { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; margin: 1rem 0; }
.filter[hidden] { display: none; }
.filter label { display: block; font-weight: 600; margin-bottom: .2rem; }
.filter input, .filter select { font-size: 1rem; padding: .4rem; border: 1px solid #555;
  border-radius: 3px; min-width: 16rem; }
:focus-visible { outline: 3px solid #005fcc; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .5rem 0; }
th, td { border: 1px solid #999; padding: .4rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e8eef5; }
tbody tr:nth-child(even) { background: #f6f6f6; }
a { color: #0645ad; }
.id { white-space: nowrap; }
.order { white-space: pre-line; }
@media print {
  body { margin: 0; font-size: 9pt; }
  .filter, #antal { display: none; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  th, td { border-color: #000; }
}
"""

_HEADERS = (
    "Avtal",
    "Leverantör",
    "Kategori",
    "Avtalsperiod",
    "Förlängning kvar",
    "Så beställer du",
    "Kontakt",
    "Enhet",
)


def catalogue_html(books: Sequence[BookExport], today: date, organisation: str = "") -> str:
    """The catalogue of every contract in force in `books` (deterministic for the same input)."""
    rows: list[tuple[BookExport, ContractFacts]] = [
        (book, c)
        for book in sorted(books, key=lambda b: (b.unit, b.file_name, b.path))
        for c in book.contracts
        if c.in_force
    ]
    rows.sort(key=lambda bc: (bc[1].name.casefold(), bc[1].contract_id, bc[0].unit))
    categories = sorted({c.category for _, c in rows if c.category}, key=str.casefold)
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{script_hash}'; form-action 'none'; base-uri 'none'"
    )
    who = organisation or next((b.organisation for b in books if b.organisation), "")
    heading = f"{TITLE} – {who}" if who else TITLE
    e = escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="sv">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(policy)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(heading)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(heading)}</h1>",
        f"<p>Avtal som gäller {today.isoformat()}: {len(rows)} avtal. Fråga avtalets "
        "kontaktperson om du är osäker på hur du ska beställa.</p>",
        '<form id="filter" class="filter" role="search" hidden>',
        '<div><label for="sok">Sök avtal, leverantör eller vad du vill köpa</label>',
        '<input type="search" id="sok" name="sok" autocomplete="off"></div>',
        '<div><label for="kategori">Kategori</label>',
        '<select id="kategori" name="kategori"><option value="">Alla kategorier</option>',
        *(f'<option value="{e(c)}">{e(c)}</option>' for c in categories),
        "</select></div>",
        "</form>",
        f'<p id="antal" role="status" aria-live="polite">Visar {len(rows)} av {len(rows)} '
        "avtal.</p>",
        '<table id="avtal">',
        f"<caption>Gällande avtal ({len(rows)})</caption>",
        "<thead><tr>",
        *(f'<th scope="col">{h}</th>' for h in _HEADERS),
        "</tr></thead>",
        "<tbody>",
        *(_row(book, c) for book, c in rows),
        "</tbody>",
        "</table>",
        "</main>",
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _row(book: BookExport, c: ContractFacts) -> str:
    e = escape
    supplier = e(c.supplier)
    if c.org_number:
        supplier += f"<br>{e(c.org_number)}"
    period = f"{_day(c.start)} – {_day(c.end)}"
    extension = c.extensions.text
    if c.extensions.periods_left and c.extensions.latest_end:
        extension += f", längst till {c.extensions.latest_end.isoformat()}"
    contact = e(c.owner)
    if c.email:
        link = f'<a href="mailto:{e(c.email)}">{e(c.email)}</a>'
        contact = f"{contact}<br>{link}" if contact else link
    cells = (
        f'<th scope="row"><span class="id">{e(c.contract_id)}</span><br>{e(c.name)}</th>',
        f"<td>{supplier}</td>",
        f"<td>{e(c.category)}</td>",
        f"<td>{e(period)}</td>",
        f"<td>{e(extension)}</td>",
        f'<td class="order">{e(c.how_to_order)}</td>',
        f"<td>{contact}</td>",
        f"<td>{e(book.label)}</td>",
    )
    return f'<tr data-kategori="{e(c.category)}">' + "".join(cells) + "</tr>"


def _day(d: date | None) -> str:
    return d.isoformat() if d else "–"
