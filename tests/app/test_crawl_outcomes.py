"""Exit codes an operator can trust: ``crawl`` and ``run`` exit non-zero when they could
not do their job, say why in one line, and the run's row says failed or interrupted."""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time

import pytest

from councilwatch.db.schema import connect
from councilwatch.reference_data import load_reference_data

from ..conftest import FAST_CRAWL, REPO, query, run_cli
from ..localsite import Page, serve_pages, serve_routes
from ..pipeline.test_crawl import BODY_A, article_page, rss
from ..pipeline.test_crawl_politeness import SERIAL

#: The exit codes of the README's table ("Exit codes").
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


@pytest.mark.parametrize("command", ["crawl", "run"])
@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("not-a-url", "not an http(s) URL (scheme none)"),
        ("www.example.org/feed/", "not an http(s) URL (scheme none)"),
        ("ftp://example.org/feed", "not an http(s) URL (scheme ftp)"),
        ("javascript:alert(1)", "not an http(s) URL (scheme javascript)"),
        ("http://[broken", "unparseable (Invalid IPv6 URL)"),
        ("http://example.org:99999/", "unparseable (Port out of range"),
        ("http:///feed", "no valid host"),
    ],
)
def test_bad_start_urls_are_refused_by_the_option_parser(db_path, command, url, why):
    result = run_cli(command, "--db", str(db_path), "--start-url", url)
    assert result.returncode == 2
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: Invalid value for '--start-url'") and why in error
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 4
    assert not db_path.exists()  # refused before anything started


@pytest.mark.parametrize("command", ["crawl", "run"])
def test_a_crawl_whose_start_urls_all_fail_exits_1_and_says_why(db_path, command):
    result = run_cli(command, "--db", str(db_path), "--start-url", "http://127.0.0.1:9/feed/")
    assert result.returncode == EXIT_FAILED
    assert result.stderr.strip().splitlines() == [
        "Error: crawl failed: none of the 1 start URLs could be fetched (see crawl_errors)"
    ]  # one line: no robots.txt traceback, no Scrapy log
    assert query(db_path, "SELECT status FROM crawl_runs") == [("failed",)]
    ((reason,),) = query(db_path, "SELECT reason FROM crawl_errors")
    assert "Connection was refused" in reason


def big_pages(base: str, count: int) -> dict[str, Page]:
    """Articles of about 600 KB of text each: more than the file-size limit below lets
    SQLite write for one of them, while the schema's own writes fit."""
    rng = random.Random(1)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))) for _ in range(5000)
    ]
    pages = {"/feed/": rss(base, [f"/news/{i}/" for i in range(count)])}
    for i in range(count):
        body = "\n\n".join(" ".join(rng.choices(words, k=150)) + "." for _ in range(600))
        pages[f"/news/{i}/"] = article_page(base, str(i), f"Story {i}", body)
    return pages


#: The most any file of the crawl's process may grow to (RLIMIT_FSIZE, no root needed):
#: the database file is already larger (its pages stay writable), the write-ahead log may
#: grow to this. Writes past it fail as on a full disk (SQLite: "disk I/O error").
FILE_SIZE_LIMIT = 500_000


def limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


@pytest.mark.parametrize("command", ["crawl", "run"])
def test_a_crawl_that_can_store_nothing_exits_1_and_its_run_says_failed(db_path, command):
    conn = connect(db_path)  # in place, as on a machine that has crawled before
    load_reference_data(conn)
    conn.close()
    pages: dict = {}
    with serve_pages(pages) as (base, requested):
        pages.update(big_pages(base, 30))
        result = subprocess.run(
            [sys.executable, "-m", "councilwatch", command, "--db", str(db_path), *FAST_CRAWL,
             *SERIAL, "--start-url", f"{base}/feed/"],
            capture_output=True, text=True, timeout=300, cwd=REPO, preexec_fn=limit_file_size,
        )  # fmt: skip
    assert result.returncode == EXIT_FAILED, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(
        "Error: crawl failed: the database refused to store what the crawl found "
        "(OperationalError: disk I/O error): articles stored 0, refused "
    ), result.stderr
    # it stopped fetching: besides the refused article, only what was already downloaded or
    # waiting in Scrapy's scraper (its 5 MB of responses, some 7 of these pages) when it failed
    assert len([p for p in requested if p.startswith("/news/")]) < 20
    assert query(db_path, "SELECT status FROM crawl_runs") == [("failed",)]
    assert query(db_path, "SELECT count(*) FROM articles") == [(0,)]


def slow_site(pages: dict, base: str, count: int) -> None:
    pages["/feed/"] = rss(base, [f"/news/{i}/" for i in range(count)])
    for i in range(count):
        page = article_page(base, str(i), f"Story {i}", f"{BODY_A}\n\nStory number {i}.")

        def slowly(headers, attempt, page=page):
            time.sleep(0.5)
            return page

        pages[f"/news/{i}/"] = slowly


@pytest.mark.parametrize("command", ["crawl", "run"])
def test_a_crawl_stopped_by_sigint_is_recorded_as_interrupted(db_path, command):
    pages: dict = {}
    with serve_routes(pages) as (base, hits):
        slow_site(pages, base, 30)
        process = subprocess.Popen(
            [sys.executable, "-m", "councilwatch", command, "--db", str(db_path), *FAST_CRAWL,
             *SERIAL, "--start-url", f"{base}/feed/"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while len([h for h in hits if h.path.startswith("/news/")]) < 3:
            assert process.poll() is None and time.monotonic() < deadline, "the crawl did not start"
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == EXIT_INTERRUPTED, stderr[-2000:]
    assert stderr.strip().splitlines()[-1] == (
        "Error: crawl interrupted: stopped by a signal before the end (SIGINT or SIGTERM)"
    )
    assert query(db_path, "SELECT status FROM crawl_runs") == [("interrupted",)]
    stored = query(db_path, "SELECT count(*) FROM articles")[0][0]
    assert 0 < stored < 30
    if command == "run":  # the NLP stage is left for the next run
        assert query(db_path, "SELECT count(*) FROM articles WHERE nlp_version IS NULL") == [
            (stored,)
        ]
