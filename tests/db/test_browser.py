"""The published site in a real headless browser (Debian's Chromium via Playwright).

`councilwatch serve` runs for real on 127.0.0.1 over a copy of the demo
database; one browser serves the whole module. Requests to any other host (map
tiles) are aborted by the page, so no traffic leaves the machine. Screenshots go
to ``test-artifacts/``.
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
from urllib.parse import urlsplit

import pytest

from councilwatch.serve import free_port

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
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
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def test_home_page(page, server):
    page.goto(f"{server}/")
    assert "councilwatch" in page.title()
    assert page.locator("text=Data: CC BY 4.0").first.is_visible()
    page.click(f"a[href='/{DB_NAME}']")
    page.wait_for_url(f"**/{DB_NAME}")
    page.locator(f"a[href='/{DB_NAME}/council_profile']").wait_for()
    assert page.locator("h2", has_text="Views").is_visible()


def test_facet_by_council(page, server):
    page.goto(f"{server}/{DB_NAME}/council_mentions")
    page.click("text=Facet by council")
    page.wait_for_url("**_facet=code**")
    facet = page.locator(".facet-info[data-column='code']")
    assert facet.is_visible()
    camden = facet.locator("a", has_text="Camden").first
    camden.click()
    page.wait_for_url("**code=CMD**")
    cells = page.locator("td.col-code").all_inner_texts()
    assert cells and all("Camden" in c for c in cells)


def test_run_canned_query(page, server):
    page.goto(f"{server}/{DB_NAME}/council_profile")
    page.fill("input[name='code']", "CMD")
    page.click("input[type='submit'][value='Run SQL']")
    page.wait_for_url("**code=CMD**")
    assert page.locator("td.col-title", has_text="Share Services").count() == 1
    assert page.locator("td.col-money", has_text="£4,000,000 saving").count() == 1


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


def test_download_csv(page, server, tmp_path):
    page.goto(f"{server}/{DB_NAME}/council_mentions")
    with page.expect_download() as info:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = '';"
            " document.body.appendChild(a); a.click(); }",
            f"/{DB_NAME}/council_mentions.csv?_stream=on&_dl=1",
        )
    path = tmp_path / "mentions.csv"
    info.value.save_as(path)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 20 and {"article_id", "code", "sentence"} <= set(rows[0])


def test_map_markers(page, server):
    page.goto(f"{server}/{DB_NAME}/council_coverage")
    page.wait_for_selector(".leaflet-container .leaflet-marker-icon")
    markers = page.locator(".leaflet-container .leaflet-marker-icon")
    clusters = page.locator(".leaflet-container .marker-cluster")
    assert markers.count() >= 3
    assert markers.count() + clusters.count() >= 5


def test_chart_of_mentions_per_month(page, server):
    page.goto(
        f"{server}/{DB_NAME}/mentions_per_month"
        "#g.mark=bar&g.x_column=month&g.x_type=ordinal&g.y_column=mentions&g.y_type=quantitative"
    )
    chart = page.locator("svg.marks, canvas.marks").first
    chart.wait_for()
    assert chart.bounding_box()["height"] > 50


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
