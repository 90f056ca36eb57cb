"""Fault injection: a crawl of a misbehaving site of 300+ articles completes, stores every
article that was ever served intact exactly once, and records every failure."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

from councilwatch.sample_site.data import sample_articles
from councilwatch.sample_site.render import article_path
from councilwatch.sample_site.server import SampleSite

from ..conftest import run_cli

EXTRA_ARTICLES = 300
FAULT_RATE = 0.3

#: Short timeouts and waits so the test runs in well under a minute; the faults and the
#: crawler's handling of them are the real ones.
TEST_CRAWL = (
    "-s", "AUTOTHROTTLE_ENABLED=false",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "CONCURRENT_REQUESTS=16",
    "-s", "DOWNLOAD_TIMEOUT=2",
    "-s", "RETRY_TIMES=6",
    "-s", "COUNCILWATCH_RETRY_BACKOFF_BASE=0.05",
    "-s", "COUNCILWATCH_RETRY_AFTER_MAX=0.2",
    "-s", "LOG_LEVEL=ERROR",
)  # fmt: skip


def fault_crawl(db_path, *, seed: int = 7) -> tuple[SampleSite, str]:
    site = SampleSite(
        "127.0.0.1", 0, extra_articles=EXTRA_ARTICLES, fault_rate=FAULT_RATE, seed=seed,
        hang_seconds=4,
    )  # fmt: skip
    with site:
        result = run_cli(
            "crawl", "--db", str(db_path), "--start-url", f"{site.base_url}/robots.txt",
            "--name", "faulty", *TEST_CRAWL, timeout=600,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return site, result.stdout


def test_a_crawl_of_a_faulty_site_loses_nothing_served_intact(db_path):
    site, _ = fault_crawl(db_path)
    conn = sqlite3.connect(db_path)
    stored = [urlsplit(u).path for (u,) in conn.execute("SELECT canonical_url FROM articles")]
    errors = {urlsplit(u).path: r for u, r in conn.execute("SELECT url, reason FROM crawl_errors")}
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()

    paths = {article_path(a) for a in site.articles}
    assert len(paths) == EXTRA_ARTICLES + len(sample_articles())
    counts = site.faults.counts()
    assert sum(counts.values()) > 100  # the site really misbehaved
    assert {"timeout", "http_503", "reset", "truncated", "huge", "binary"} <= set(counts)

    assert len(stored) == len(set(stored)), "an article was stored twice"
    intact = {p for p in paths if site.faults.served_intact(p)}
    lost = intact - set(stored)
    assert not lost, f"served intact but not stored: {sorted(lost)[:5]}"
    # every article that was never stored has its failure recorded, with a reason
    unrecorded = {p for p in paths - set(stored) if site.faults.history(p)} - set(errors)
    assert not unrecorded, f"failures without a crawl_errors row: {sorted(unrecorded)[:5]}"
    assert all(errors[p] for p in paths - set(stored) if p in errors)
    assert integrity == "ok"
