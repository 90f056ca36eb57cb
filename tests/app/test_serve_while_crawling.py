"""Datasette keeps answering while a crawl or `process` writes to the same database (WAL)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.serve import free_port

from ..conftest import REPO, query
from ..localsite import Page, serve_pages
from ..pipeline.test_crawl import BODY_A, article_page, rss

ARTICLES = 60


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return json.load(response)


def slow(page: Page):
    def route(headers, attempt):
        time.sleep(0.05)
        return page

    return route


def test_datasette_answers_during_a_crawl(db_path):
    connect(db_path).close()  # the database exists before both start
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "councilwatch", "serve", "--db", str(db_path),
         "--port", str(port), "--mutable"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    count_url = (
        f"http://127.0.0.1:{port}/councilwatch.json?_shape=array&sql="
        "select+count(*)+as+n+from+articles"
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(count_url)
                break
            except OSError:
                assert time.monotonic() < deadline, server.stderr.read() if server.poll() else ""
                time.sleep(0.2)
        pages: dict = {}
        with serve_pages(pages) as (base, _):
            pages["/feed/"] = rss(base, [f"/news/{i}/" for i in range(ARTICLES)])
            for i in range(ARTICLES):
                body = f"{BODY_A}\n\nStory number {i}."
                pages[f"/news/{i}/"] = slow(article_page(base, str(i), f"Story {i}", body))
            crawl = subprocess.Popen(
                [sys.executable, "-m", "councilwatch", "crawl", "--db", str(db_path),
                 "--start-url", f"{base}/feed/", "-s", "AUTOTHROTTLE_ENABLED=false",
                 "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                 "-s", "LOG_LEVEL=WARNING"],
                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            seen = []
            while crawl.poll() is None:
                seen.append(get_json(count_url)[0]["n"])
                time.sleep(0.05)
            assert crawl.returncode == 0, crawl.stderr.read()[-2000:]
        final = get_json(count_url)[0]["n"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert final == ARTICLES
    assert seen == sorted(seen), "counts went backwards"
    assert any(0 < n < ARTICLES for n in seen), f"no read landed mid-crawl: {seen}"


def wait_until_serving(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            get_json(url)
            return
        except OSError:
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "Datasette did not start"
            time.sleep(0.2)


def every_page(base: str) -> list[str]:
    """The home page, the database page, every table and view, and an article view."""
    database = get_json(f"{base}/councilwatch.json")
    names = [t["name"] for t in database["tables"] if not t["hidden"]]
    names += [v["name"] if isinstance(v, dict) else v for v in database["views"]]
    pages = ["/", "/councilwatch", *(f"/councilwatch/{name}" for name in names)]
    pages += ["/councilwatch/council_mentions?_facet=code", "/councilwatch/-/article/1"]
    return pages


def statuses(base: str, pages: list[str]) -> dict[str, int]:
    found = {}
    for page in pages:
        try:
            with urllib.request.urlopen(base + page, timeout=30) as response:
                found[page] = response.status
        except urllib.error.HTTPError as exc:
            found[page] = exc.code
    return found


def test_serve_keeps_answering_after_process_writes(demo_db, tmp_path):
    """`serve` (by default) then `process --all` rewriting every fact: every page still
    answers 200, with the new figures (an immutable server broke here for good)."""
    db_path = tmp_path / "councilwatch.db"
    shutil.copy(demo_db, db_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "councilwatch", "serve", "--db", str(db_path), "--port", str(port)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    count_url = f"{base}/councilwatch.json?_shape=array&sql=select+count(*)+as+n+from+articles"
    try:
        wait_until_serving(count_url, server)
        pages = every_page(base)
        assert set(statuses(base, pages).values()) == {200}
        conn = connect(db_path)
        store.store_article(conn, {"url": "http://example.test/late", "title": "Late",
                                   "body": "Camden Council saved £1m on its ICT."})  # fmt: skip
        conn.close()
        processed = subprocess.run(
            [sys.executable, "-m", "councilwatch", "process", "--all", "--db", str(db_path)],
            cwd=REPO, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert processed.returncode == 0, processed.stderr[-2000:]
        after = statuses(base, pages)
        assert {page: code for page, code in after.items() if code != 200} == {}
        assert get_json(count_url)[0]["n"] == query(db_path, "select count(*) from articles")[0][0]
    finally:
        server.terminate()
        server.wait(timeout=30)
