"""`avtalsbok katalog`: the contract catalogue as one self-contained, escaped HTML file, checked
by an HTML parser and by a real browser (search, category filter, JavaScript off)."""

from __future__ import annotations

import base64
import io
import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser import browser, needs_browser  # noqa: F401  (the browser fixture)
from exports import export
from helpers import TODAY, contract, deviation, follow_up, run, setting

from avtalsbok.cli import main
from avtalsbok.core import schema
from avtalsbok.publish.katalog import catalogue_html
from avtalsbok.workbook.template import build_workbook

HOSTILE = '<script>alert("x")</script> & Co'


class Page(HTMLParser):
    """What a browser would load or run: tags with external references, scripts, the rows."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts = 0
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.scripts += tag == "script"
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th") and self.rows:
            self._cell = []
        if tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def body_rows(page: Page) -> list[list[str]]:
    return [r for r in page.rows[1:] if r]


def test_only_contracts_in_force_are_listed_with_what_one_needs_to_order() -> None:
    book = export(
        contract(
            contract_id="AV-1",
            name="Städtjänster",
            category="Städ och hygien",
            org_number="556036-0793",
            start=date(2023, 1, 1),
            end=date(2025, 12, 31),
            extension_option="2+1+1",
            extensions_used=1,
            how_to_order="Beställ i Proceedo",
            owner="Anna Berg",
            email="anna.berg@kommun.se",
        ),
        contract(contract_id="AV-2", name="Framtida", start=date(2025, 6, 1)),
        contract(contract_id="AV-3", name="Gammalt", end=date(2024, 12, 31)),
    )
    page = Page(catalogue_html([book], TODAY))
    assert body_rows(page) == [
        [
            "AV-1 Städtjänster",
            "Städbolaget AB 556036-0793",
            "Städ och hygien",
            "2023-01-01 – 2025-12-31",
            "12 mån, längst till 2026-12-31",
            "Beställ i Proceedo",
            "Anna Berg anna.berg@kommun.se",
            "Vård – avtal.xlsx",
        ]
    ]
    headers = page.rows[0]
    assert headers == [
        "Avtal",
        "Leverantör",
        "Kategori",
        "Avtalsperiod",
        "Förlängning kvar",
        "Så beställer du",
        "Kontakt",
        "Enhet",
    ]


def test_a_book_without_the_how_to_order_column_runs_as_before() -> None:
    row = contract(how_to_order="Ring oss")
    del row["Så beställer du"]
    book = export(row)
    assert [c.how_to_order for c in book.contracts] == [""]
    assert run([row]).findings == []


def test_nothing_internal_and_no_sole_traders_personal_number() -> None:
    book = export(
        contract(
            supplier="Anna Andersson Städ",
            org_number="199001011239",
            annual_value=987654,
            probability=4,
            consequence=4,
            critical="Ja",
            manual_priority=1,
            motivation="Hemlig motivering",
        ),
        deviations=(deviation(description="Hemlig brist"),),
        follow_ups=(follow_up(comment="Hemlig kommentar"),),
    )
    html = catalogue_html([book], TODAY)
    assert "Anna Andersson Städ" in html
    for internal in ("900101", "987654", "987 654", "Hemlig", "D1", "Prioritet", "risk", "Medel"):
        assert internal not in html


def test_text_from_a_book_is_escaped_and_nothing_is_loaded_from_elsewhere() -> None:
    book = export(
        contract(supplier=HOSTILE, category='"><img src=x onerror=alert(1)>', name="A < B")
    )
    html = catalogue_html([book], TODAY)
    page = Page(html)
    assert page.scripts == 1  # the page's own filter, nothing from the book
    assert not [t for t, _ in page.tags if t in ("img", "link", "iframe", "object", "embed")]
    assert not [a for _, a in page.tags if "src" in a or "onerror" in a]
    assert body_rows(page)[0][:3] == ["A1 A < B", HOSTILE, '"><img src=x onerror=alert(1)>']
    (policy,) = [a["content"] for t, a in page.tags if a.get("http-equiv")]
    assert policy is not None and policy.startswith("default-src 'none';")


def test_same_books_same_bytes_and_every_category_once_in_the_filter() -> None:
    book = export(
        contract(contract_id="A1", category="Livsmedel"),
        contract(contract_id="A2", category="IT och telekom"),
        contract(contract_id="A3", category="Livsmedel"),
    )
    html = catalogue_html([book], TODAY)
    assert html == catalogue_html([book], TODAY)
    options = [a.get("value") for t, a in Page(html).tags if t == "option"]
    assert options == ["", "IT och telekom", "Livsmedel"]


def _books(root: Path) -> None:
    rows = {
        "Vård": [
            contract(
                contract_id="V-1", name="Frukt", supplier="Ek & Björk AB", category="Livsmedel"
            ),
            contract(
                contract_id="V-2", name="Datorer", supplier=HOSTILE, category="IT och telekom"
            ),
        ],
        "Skola": [
            contract(
                contract_id="S-1", name="Frukt", supplier="Ek & Björk AB", category="Livsmedel"
            ),
            contract(
                contract_id="S-2",
                name="Skolmat",
                supplier="Skolmat i Norr AB",
                category="Måltidstjänster",
            ),
        ],
    }
    for unit, contracts in rows.items():
        path = root / unit / "avtal.xlsx"
        path.parent.mkdir(parents=True)
        data: dict[str, list[dict[str, Any]]] = {
            schema.AVTAL: contracts,
            schema.INSTALLNINGAR: [setting("Idag", TODAY), setting("Organisation", "Kommunen")],
        }
        build_workbook(path, data)


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    _books(tmp_path / "Enheter")
    target = tmp_path / "avtalskatalog.html"
    args = ["katalog", str(tmp_path / "Enheter"), "-o", str(target), "--workers", "1"]
    assert main(args, io.StringIO()) == 0
    return target


def test_katalog_command_lists_the_books_contracts(catalogue: Path) -> None:
    page = Page(catalogue.read_text(encoding="utf-8"))
    assert [r[0].split()[0] for r in body_rows(page)] == ["V-2", "S-1", "V-1", "S-2"]
    assert "<title>Avtalskatalog – Kommunen</title>" in catalogue.read_text(encoding="utf-8")


def test_katalog_bad_output_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _books(tmp_path)
    assert main(["katalog", str(tmp_path), "-o", str(tmp_path / "nej" / "k.html")]) == 2
    assert "mappen för filen finns inte" in capsys.readouterr().err


def test_batch_writes_the_catalogue_with_the_run(tmp_path: Path) -> None:
    _books(tmp_path / "Enheter")
    target = tmp_path / "katalog.html"
    args = ["batch", str(tmp_path / "Enheter"), "--katalog", str(target), "--workers", "1"]
    assert main([*args, "--json"], io.StringIO()) == 0
    assert len(body_rows(Page(target.read_text(encoding="utf-8")))) == 4
    assert main(["batch", str(tmp_path), "--katalog", "/finns/inte/k.html"]) == 2


def _visible(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, "#avtal tbody tr")
    return [r.find_element(By.TAG_NAME, "th").text.split()[0] for r in rows if r.is_displayed()]


@needs_browser
@pytest.mark.browser
def test_in_a_browser_typing_a_supplier_shows_only_its_rows(
    catalogue: Path,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    browser.get(catalogue.as_uri())
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
    assert _visible(browser) == ["V-2", "S-1", "V-1", "S-2"]
    search = browser.find_element(By.CSS_SELECTOR, "label[for=sok] + input#sok")
    assert search.is_displayed()
    search.send_keys("ek & björk")
    assert _visible(browser) == ["S-1", "V-1"]
    assert browser.find_element(By.ID, "antal").text == "Visar 2 av 4 avtal."
    browser.save_screenshot(str(tmp_path / "avtalskatalog-sok.png"))
    assert (tmp_path / "avtalskatalog-sok.png").stat().st_size > 1000
    search.send_keys(Keys.CONTROL, "a", Keys.DELETE)
    search.send_keys("<script>")
    assert _visible(browser) == ["V-2"]  # the hostile name is text, found as text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018  (the supplier's script never ran)
    search.send_keys(Keys.CONTROL, "a", Keys.DELETE)
    # Keyboard only: Tab from the search box reaches the category filter.
    search.send_keys(Keys.TAB)
    category = browser.switch_to.active_element
    assert category.get_attribute("id") == "kategori"
    Select(category).select_by_visible_text("Livsmedel")
    assert _visible(browser) == ["S-1", "V-1"]
    # Printed, the controls are left out and the rows chosen are on paper.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element(By.ID, "filter").is_displayed()
    assert _visible(browser) == ["S-1", "V-1"]
    pdf = base64.b64decode(browser.print_page())
    (tmp_path / "avtalskatalog.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")


@needs_browser
@pytest.mark.browser
def test_in_a_browser_without_javascript_everything_is_listed(
    catalogue: Path, tmp_path: Path
) -> None:
    import browser as b
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = b.CHROMIUM or ""
    for flag in b.FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'no-js-profile'}")
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(options=options, service=Service(executable_path=b.CHROMEDRIVER))
    try:
        driver.get(catalogue.as_uri())
        assert _visible(driver) == ["V-2", "S-1", "V-1", "S-2"]
        assert not driver.find_element(By.ID, "filter").is_displayed()  # no dead search box
    finally:
        driver.quit()


def test_an_unreadable_book_is_left_out_named_and_exits_1(tmp_path: Path) -> None:
    _books(tmp_path / "Enheter")
    (tmp_path / "Enheter" / "Trasig").mkdir()
    (tmp_path / "Enheter" / "Trasig" / "avtal.xlsx").write_bytes(b"inte en arbetsbok")
    target = tmp_path / "katalog.html"
    out = io.StringIO()
    args = ["katalog", str(tmp_path / "Enheter"), "-o", str(target), "--json", "--workers", "1"]
    assert main(args, out) == 1
    summary = json.loads(out.getvalue())
    assert (summary["file"], summary["books"], summary["items"]) == (str(target), 3, 4)
    assert [Path(u["path"]).parent.name for u in summary["unreadable"]] == ["Trasig"]
    assert len(body_rows(Page(target.read_text(encoding="utf-8")))) == 4


def test_a_catalogue_someone_has_open_is_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _books(tmp_path / "Enheter")
    target = tmp_path / "avtalskatalog.html"
    target.write_text("förra veckans katalog", encoding="utf-8")
    (tmp_path / "~$avtalskatalog.html").write_bytes(b"\x04Anna" + b" " * 60)
    assert main(["katalog", str(tmp_path / "Enheter"), "-o", str(target), "--workers", "1"]) == 2
    assert "avtalskatalogen kunde inte skrivas" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "förra veckans katalog"
