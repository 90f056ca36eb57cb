"""The published site in a real headless browser (Debian's Chromium via Playwright).

`councilwatch serve` runs for real on 127.0.0.1 over a copy of the demo
database; one browser serves the whole module. Requests to any other host (map
tiles) are aborted by the page, so no traffic leaves the machine. Each test
leaves a screenshot in ``test-artifacts/browser/`` (the folder is printed at the
end of the run).

The analyst's journeys start from the home page and use only the general
navigation (the dashboard's filters and links, the "Find a council" box, council
and article pages), at most three clicks each and no SQL.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from councilwatch.serve import free_port

from .browser_artifacts import ARTIFACTS, TOOK_SCREENSHOTS

CHROMIUM = Path("/usr/bin/chromium")
#: Pages the link crawl visits at most.
CRAWL_LIMIT = 250
DB_NAME = "browser"

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} not installed (apt-get install chromium, or `make system-deps`)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    """Base URL of `councilwatch serve` running over a copy of the demo database."""
    db_path = tmp_path_factory.mktemp("browser") / f"{DB_NAME}.db"
    shutil.copy(demo_db, db_path)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "councilwatch", "serve", "--db", str(db_path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"councilwatch serve did not start:\n{output[-2000:]}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)

    def local_only(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:  # map tiles and anything else off this machine
            route.abort()

    page.route("**/*", local_only)
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    request.config.stash[TOOK_SCREENSHOTS] = True
    context.close()


class Clicks:
    """Counts what the analyst does: clicks, choices in a menu, Enter in a box."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, selector: str, **kwargs):
        self.count += 1
        self.page.click(selector, **kwargs)

    def choose(self, selector: str, label: str):
        self.count += 1
        self.page.select_option(selector, label=label)

    def type_and_enter(self, selector: str, text: str):
        self.page.fill(selector, text)  # typing is not a click
        self.count += 1
        self.page.press(selector, "Enter")


def test_home_page_is_the_dashboard(page, server):
    page.goto(f"{server}/")
    assert "councilwatch" in page.title()
    assert page.locator("text=Data: CC BY 4.0").first.is_visible()
    panels = ("map", "per-month", "most-named", "arrangements", "savings", "recent")
    for panel in (*panels, "suppliers-councils", "suppliers-value"):
        assert page.locator(f"#panel-{panel}").is_visible(), panel
    page.wait_for_selector("#cw-map path.cw-map-council")
    assert page.locator("#cw-map path.cw-map-council").count() >= 5
    page.click("text=all tables and queries")
    page.wait_for_url(f"**/{DB_NAME}")
    page.locator(f"a[href='/{DB_NAME}/council_profile']").wait_for()
    assert page.locator("h2", has_text="Views").is_visible()


def test_journey_which_councils_share_it_and_what_they_save(page, server):
    """ "Which councils share IT services, and what do they save?"."""
    page.goto(f"{server}/")
    clicks = Clicks(page)
    clicks.choose("select[name='service']", "ICT / IT services in general")
    clicks.click("input[type='submit'][value='Apply']")
    page.wait_for_url("**service=ict**")
    rows = page.locator("#panel-arrangements tr").all_inner_texts()[1:]
    assert rows and all("ict" in row for row in rows)
    assert any("CMD, ISL" in row and "£4,000,000 a year" in row for row in rows)
    assert any("CAT, DOV, THA" in row and "£2,700,000" in row for row in rows)
    clicks.click("text=All arrangements with their savings")
    page.wait_for_url("**/shared_services?service=ict**")
    table = page.locator("table.rows-and-columns")
    assert table.locator("td.col-saving_gbp", has_text="£4,000,000").count() == 1
    assert table.locator("td.col-codes a.cw-council", has_text="Camden").count() >= 1
    assert clicks.count <= 3


def test_journey_what_has_been_written_about_camden(page, server):
    """ "What has been written about Camden?", typing the name."""
    page.goto(f"{server}/")
    clicks = Clicks(page)
    clicks.type_and_enter("#cw-find-council", "Camden")
    page.wait_for_url("**/-/council/CMD")
    assert page.locator("h1").inner_text().startswith("Camden")
    articles = page.locator("table.cw-articles a")
    assert articles.count() >= 1
    assert "Share Services" in articles.first.inner_text()
    assert page.locator(".cw-partners a", has_text="Islington").is_visible()
    clicks.click("table.cw-articles a >> nth=0")
    page.wait_for_url("**/-/article/**")
    assert "Camden" in page.locator(".cw-body mark.council").all_inner_texts()
    assert clicks.count <= 3


def test_journey_how_did_coverage_change_over_time(page, server, demo_db):
    """ "How did coverage change over time?"."""
    page.goto(f"{server}/")
    clicks = Clicks(page)
    bars = page.locator("#panel-per-month rect.bar")
    with sqlite3.connect(demo_db) as conn:
        (months,) = conn.execute(
            "select (cast(substr(max(published), 1, 4) as int) - cast(substr(min(published), 1, 4) as int)) * 12"
            " + cast(substr(max(published), 6, 2) as int) - cast(substr(min(published), 6, 2) as int) + 1"
            " from articles where published is not null"
        ).fetchone()
    assert bars.count() == months  # every month, the empty ones too
    assert page.locator("#panel-per-month rect.bar.zero").count() > 0
    assert bars.first.bounding_box()["height"] > 0
    clicks.click("text=Every month as a table")
    page.wait_for_url("**/articles_per_month?_size=max")
    cells = page.locator("td.col-articles").all_inner_texts()
    assert len(cells) == months and "0" in cells
    assert clicks.count <= 3


def test_journey_who_runs_this_councils_it(page, server):
    """ "Who runs this council's IT, on what contract, until when?" (Somerset's)."""
    page.goto(f"{server}/")
    clicks = Clicks(page)
    clicks.type_and_enter("#cw-find-council", "Somerset")
    page.wait_for_url("**/-/council?q=Somerset")
    clicks.click("ul.cw-council-matches a[href$='/-/council/SOM']")
    page.wait_for_url("**/-/council/SOM")
    supplier = page.locator("td:first-child a.cw-supplier", has_text="Agilisys")
    row = page.locator("table.cw-contracts tr", has=supplier)
    text = row.inner_text()
    for fact in ("it_support", "awarded", "£48,000,000", "7 years", "2028-04-01"):
        assert fact in text, fact
    clicks.click("table.cw-contracts a.cw-supplier:has-text('Agilisys')")
    page.wait_for_url("**/-/supplier/agilisys")
    assert page.locator("h1").inner_text().startswith("Agilisys")
    council = page.locator("td:first-child a.cw-council", has_text="Somerset")
    contract = page.locator("table.cw-contracts tr", has=council).inner_text()
    assert "ends 2028-04-01" in contract and "not on the register" in contract
    assert page.locator(".cw-company-number a").inner_text() == "04327369"
    assert page.locator("table.cw-awards tr", has_text="Barnet").is_visible()
    assert page.locator(".cw-chart rect.bar").count() >= 1
    assert clicks.count <= 3


def test_find_a_supplier_from_any_page(page, server):
    page.goto(f"{server}/{DB_NAME}/contract_checks")
    page.fill("#cw-find-supplier", "Liberata")
    page.press("#cw-find-supplier", "Enter")
    page.wait_for_url("**/-/supplier/liberata")
    assert "confirmed" in page.locator("table.cw-contracts").inner_text()


def test_column_descriptions_fold_away(page, server):
    page.goto(f"{server}/{DB_NAME}/council_mentions")
    descriptions = page.locator("dl.column-descriptions")
    assert not descriptions.is_visible()
    first_row = page.locator("table.rows-and-columns tbody tr").first
    assert first_row.bounding_box()["y"] < 900  # the rows are on the first screen
    page.locator("summary", has_text="Column descriptions").click()
    assert descriptions.is_visible()


def test_facet_by_council(page, server):
    page.goto(f"{server}/{DB_NAME}/council_mentions")
    page.click("text=Facet by council")
    page.wait_for_url("**_facet_council=code**")
    facet = page.locator(".facet-info[data-column='code']")
    assert facet.is_visible()
    camden = facet.locator("a", has_text="Camden").first
    camden.click()
    page.wait_for_url("**code=CMD**")
    cells = page.locator("td.col-code").all_inner_texts()
    assert cells and all("Camden" in c for c in cells)


def test_run_canned_query_with_a_council_name(page, server):
    page.goto(f"{server}/{DB_NAME}/council_profile")
    assert page.locator("#sql-editor, pre#sql-query").count() == 0  # SQL hidden by default
    page.fill("input[name='council']", "camden council")
    page.click("input[type='submit'][value='Run SQL']")
    page.wait_for_url("**council=camden**")
    assert page.title() == f"Council profile · {DB_NAME}"
    assert page.locator("td.col-title", has_text="Share Services").count() == 1
    assert page.locator("td.col-money", has_text="£4,000,000 saving").count() == 1
    page.fill("input[name='council']", "Atlantis")
    page.click("input[type='submit'][value='Run SQL']")
    assert page.locator(".cw-council-notice").inner_text().startswith("No council matches")


def test_article_view_highlights(page, server, demo_db):
    with sqlite3.connect(demo_db) as conn:
        (seed_id,) = conn.execute(
            "SELECT id FROM articles WHERE title LIKE '%Share Services%'"
        ).fetchone()
    page.goto(f"{server}/{DB_NAME}/articles/{seed_id}")
    page.click("text=Read this article with its facts highlighted")
    page.wait_for_url(f"**/-/article/{seed_id}")
    body_marks = page.locator(".cw-body mark.council").all_inner_texts()
    assert {"Islington", "Camden", "Canterbury"} <= set(body_marks)
    sentence = page.locator(".cw-money blockquote", has_text="£4 million").first
    assert sentence.locator("mark").inner_text() == "£4 million"
    assert page.locator("a.cw-original").get_attribute("href").startswith("http://127.0.0.1:")
    page.click(".cw-councils a:has-text('Camden')")
    page.wait_for_url("**/-/council/CMD")


def test_csv_link_downloads_the_whole_table(page, server, tmp_path, demo_db):
    page.goto(f"{server}/{DB_NAME}/council_mentions?_size=5")
    with page.expect_download() as info:
        page.evaluate(
            "() => { const a = document.querySelector('p.export-links a[href*=\".csv\"]');"
            " a.setAttribute('download', ''); a.click(); }"
        )
    path = tmp_path / "mentions.csv"
    info.value.save_as(path)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with sqlite3.connect(demo_db) as conn:
        (total,) = conn.execute("select count(*) from council_mentions").fetchone()
    assert len(rows) == total > 5 and {"article_id", "code", "sentence"} <= set(rows[0])


def test_map_markers(page, server):
    page.goto(f"{server}/{DB_NAME}/council_coverage")
    page.wait_for_selector(".leaflet-container .leaflet-marker-icon")
    markers = page.locator(".leaflet-container .leaflet-marker-icon")
    clusters = page.locator(".leaflet-container .marker-cluster")
    assert markers.count() >= 3
    assert markers.count() + clusters.count() >= 5


def test_the_register_against_the_press(page, server, demo_db):
    page.goto(f"{server}/{DB_NAME}/contract_checks?_facet=outcome")
    facet = page.locator(".facet-info[data-column='outcome']")
    assert facet.locator("a", has_text="not in the press").first.is_visible()
    links = page.locator("td.col-award_url a").all()
    assert links and all(
        a.get_attribute("href").startswith("https://www.contractsfinder.service.gov.uk/Notice/")
        for a in links
        if "contractsfinder" in (a.get_attribute("href") or "")
    )
    page.goto(f"{server}/{DB_NAME}/awards?_facet=buyer_code")
    assert page.locator(".facet-info[data-column='buyer_code'] a", has_text="Barnet").count()
    page.goto(f"{server}/{DB_NAME}/contracts_ending_soon?council=")
    with sqlite3.connect(demo_db) as conn:
        ending = [t for (t,) in conn.execute("SELECT title FROM contracts_ending")]
    titles = page.locator("td.col-atom_title").all_inner_texts()
    assert len(titles) == max(len(ending), 1)
    if not ending:
        assert titles == ["Nothing ends in the next 12 months"]


def test_no_page_linked_from_home_is_an_error(page, server):
    """Every link from the home page, and theirs, up to CRAWL_LIMIT pages: none fails."""
    seen, queue, failures = set(), [f"{server}/"], []
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.request.get(url, max_redirects=5)
        if response.status >= 400:
            failures.append(f"{response.status} {url}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page.set_content(response.text())
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            absolute = urljoin(url, href.split("#")[0])
            if urlsplit(absolute).netloc == urlsplit(server).netloc and absolute not in seen:
                queue.append(absolute)
    assert len(seen) >= 50, f"only {len(seen)} pages reached"
    assert not failures, failures
