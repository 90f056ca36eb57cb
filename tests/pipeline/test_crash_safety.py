"""Crash safety: a crawl killed with SIGKILL midway resumes from its JOBDIR and every
article ends up stored exactly once, with no partial rows and an intact database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from ..conftest import REPO
from ..localsite import Page, serve_pages
from .test_crawl import BODY_A, article_page, rss

ARTICLES = 120


def count(db, sql="SELECT count(*) FROM articles"):
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        conn.close()


def stored_paths(db) -> set[str]:
    conn = sqlite3.connect(db, timeout=30)
    try:
        urls = [url for (url,) in conn.execute("SELECT canonical_url FROM articles")]
    finally:
        conn.close()
    return {"/" + url.split("/", 3)[3] for url in urls}


def slow(page: Page, delay: float):
    def route(headers, attempt):
        time.sleep(delay)
        return page

    return route


def start_crawl(db, base, jobdir):
    return subprocess.Popen(
        [sys.executable, "-m", "councilwatch", "crawl", "--db", str(db),
         "--start-url", f"{base}/feed/", "--jobdir", str(jobdir),
         "-s", "AUTOTHROTTLE_ENABLED=false", "-s", "DOWNLOAD_DELAY=0",
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", "LOG_LEVEL=WARNING"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_sigkill_midway_then_resume_stores_every_article_once(db_path, tmp_path):
    pages: dict = {}
    jobdir = tmp_path / "job"
    with serve_pages(pages) as (base, requested):
        pages["/feed/"] = rss(base, [f"/news/{i}/" for i in range(ARTICLES)])
        for i in range(ARTICLES):
            page = article_page(base, str(i), f"Story {i}", f"{BODY_A}\n\nStory number {i}.")
            pages[f"/news/{i}/"] = slow(page, 0.05)
        crawl = start_crawl(db_path, base, jobdir)
        deadline = time.monotonic() + 120
        while count(db_path) < 20 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.05)
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait()
        stored_before = stored_paths(db_path)
        assert 0 < len(stored_before) < ARTICLES, "the kill did not land midway"
        fetches_before = len(requested)

        resumed = start_crawl(db_path, base, jobdir)
        _, stderr = resumed.communicate(timeout=300)
        assert resumed.returncode == 0, stderr[-3000:]

    assert count(db_path) == ARTICLES
    assert count(db_path, "SELECT count(DISTINCT canonical_url) FROM articles") == ARTICLES
    assert count(db_path, "SELECT count(DISTINCT content_hash) FROM articles") == ARTICLES
    # no partial rows: every article has its raw page, its search row and a whole body
    assert count(db_path, "SELECT count(*) FROM raw_pages") == ARTICLES
    assert count(db_path, "SELECT count(*) FROM articles WHERE body NOT LIKE '%Story number%'") == 0
    assert count(db_path, "SELECT count(*) FROM articles_fts") == ARTICLES
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    # articles stored before the kill are not fetched again
    fetched_after = {p for p in requested[fetches_before:] if p.startswith("/news/")}
    assert fetched_after
    assert not fetched_after & stored_before
