"""Every registry publication, crawled from its local copy by the real spider.

One ``councilwatch crawl`` of all sources runs against the fixture server of
:mod:`tests.publications`, with ``COUNCILWATCH_HOST_MAP`` sending each
publication's hosts to it (:class:`councilwatch.pipeline.hostmap.HostMapMiddleware`).
Each fixture article must be stored once, under its real URL, with the right
metadata and a clean body; the same expectations are checked on page extraction
alone, so an extraction fault is told apart from a discovery fault.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from councilwatch.extraction.extract import extract_article
from councilwatch.pipeline.hostmap import HostMapMiddleware, parse_host_map
from councilwatch.spiders.sources import load_sources

from ..conftest import FAST_CRAWL, run_cli
from .publications import Publication, host_map, load_publications, serve_publications

PUBLICATIONS = load_publications()
CASES = [
    pytest.param(pub, article, id=f"{pub.source}-{article['file']}")
    for pub in PUBLICATIONS
    for article in pub.articles
]


def check_article(found: dict, expected: dict) -> None:
    """Assert that an extracted or stored article matches its ``expected.json`` entry."""
    assert found["title"] == expected["title"]
    assert found["authors"] == expected["authors"]
    published = datetime.fromisoformat(found["published"])
    assert published.tzinfo is not None, f"published date without a zone: {found['published']}"
    assert published == datetime.fromisoformat(expected["published"])
    body = found["body"]
    assert body.startswith(expected["body_start"]), body[:200]
    assert body.endswith(expected["body_end"]), body[-200:]
    leaks = [phrase for phrase in expected["not_in_body"] if phrase in body]
    assert not leaks, f"boilerplate in the body: {leaks}"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> tuple[Path, list[tuple[str, str]], str]:
    """``(database, requested (host, path) pairs, CLI output)`` of one crawl of every source."""
    db = tmp_path_factory.mktemp("publications") / "councilwatch.db"
    with serve_publications(PUBLICATIONS) as (base, requested):
        args = ["crawl", "--db", str(db), *FAST_CRAWL]
        for pub in PUBLICATIONS:
            args += ["--source", pub.source]
        args += ["-s", "COUNCILWATCH_HOST_MAP=" + json.dumps(host_map(base, PUBLICATIONS))]
        result = run_cli(*args, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return db, requested, result.stdout + result.stderr


def stored(db: Path, url: str) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute("SELECT * FROM articles WHERE canonical_url = ?", (url,)).fetchall()
    finally:
        conn.close()
    return [dict(row) for row in rows]


def as_article(row: dict) -> dict:
    authors = row["authors"]
    if isinstance(authors, str):
        authors = json.loads(authors) if authors.startswith("[") else authors.split("; ")
    return {**row, "authors": authors}


def test_every_registry_source_has_fixtures():
    assert sorted(p.source for p in PUBLICATIONS) == sorted(s.name for s in load_sources())
    registry = {s.name: s for s in load_sources()}
    for pub in PUBLICATIONS:
        feed_paths = {
            url.split(pub.host, 1)[1] for url in registry[pub.source].start_urls if pub.host in url
        }
        assert feed_paths and feed_paths <= set(pub.pages), pub.source
        for article in pub.articles:
            assert registry[pub.source].is_article_url(article["url"]), article["url"]


@pytest.mark.parametrize(("pub", "expected"), CASES)
def test_page_extraction(pub: Publication, expected: dict):
    html = (pub.directory / expected["file"]).read_bytes()
    article = extract_article(html, expected["url"], content_type="text/html; charset=UTF-8")
    assert article.canonical_url == expected["url"]
    check_article(article.as_dict(), expected)


@pytest.mark.parametrize(("pub", "expected"), CASES)
def test_crawled_and_stored(crawled, pub: Publication, expected: dict):
    db, _, output = crawled
    rows = stored(db, expected["url"])
    assert len(rows) == 1, f"{expected['url']} stored {len(rows)} times\n{output[-2000:]}"
    row = as_article(rows[0])
    assert row["source"] == pub.source
    check_article(row, expected)


def test_host_map_keeps_real_urls(crawled):
    db, requested, _ = crawled
    conn = sqlite3.connect(db)
    try:
        urls = [url for (url,) in conn.execute("SELECT canonical_url FROM articles")]
    finally:
        conn.close()
    assert urls and not [u for u in urls if "127.0.0.1" in u]
    hosts = {host for host, _ in requested}
    assert hosts <= {h for pub in PUBLICATIONS for h in pub.hosts}  # routed by Host header
    for pub in PUBLICATIONS:  # robots.txt asked of the real host, once
        assert requested.count((pub.host, "/robots.txt")) == 1, pub.host


def test_host_map_follows_redirects_to_real_urls(tmp_path):
    """Redirects served by the local server (a relative and an absolute ``Location``)
    are followed to the real host and the stories stored under their real URLs."""
    register = next(p for p in PUBLICATIONS if p.source == "theregister")
    host = register.host
    links = "".join(f"<item><link>https://{host}/go/{n}</link></item>" for n in (1, 2))
    (tmp_path / "feed.xml").write_text(f"<rss><channel>{links}</channel></rss>")
    paths = [a["url"].split(host, 1)[1] for a in register.articles]
    site = Publication(
        source="redirects",
        host=host,
        directory=register.directory,
        pages={
            "/robots.txt": "robots.txt",
            "/feed.xml": str(tmp_path / "feed.xml"),
            **{path: register.pages[path] for path in paths},
        },
        articles=register.articles,
        redirects={host: {"/go/1": paths[0], "/go/2": f"https://{host}{paths[1]}"}},
    )
    db = tmp_path / "councilwatch.db"
    with serve_publications([site]) as (base, requested):
        result = run_cli(
            "crawl", "--db", str(db), *FAST_CRAWL, "--start-url", f"https://{host}/feed.xml",
            "-s", "COUNCILWATCH_HOST_MAP=" + json.dumps({host: base}),
            timeout=60,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert {p for _, p in requested} >= {"/go/1", "/go/2", *paths}
    for expected in register.articles:
        rows = stored(db, expected["url"])
        assert len(rows) == 1, expected["url"]
        check_article(as_article(rows[0]), expected)


def test_host_map_setting():
    assert parse_host_map('{"WWW.gov.uk": "http://127.0.0.1:1/x"}') == {
        "www.gov.uk": "http://127.0.0.1:1"
    }
    with pytest.raises(NotConfigured):
        HostMapMiddleware.from_crawler(get_crawler(settings_dict={"COUNCILWATCH_HOST_MAP": ""}))
    with pytest.raises(ValueError, match="not an http"):
        parse_host_map({"www.gov.uk": "127.0.0.1:8000"})
