"""Datasette keeps answering while a crawl writes to the same database (WAL)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

from councilwatch.db.schema import connect
from councilwatch.serve import free_port

from ..conftest import REPO
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
