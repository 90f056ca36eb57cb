"""Discovery of article URLs from robots.txt, sitemaps and feeds; URL normalisation."""

from __future__ import annotations

import gzip
import random
import re

import pytest

from councilwatch.spiders.discovery import (
    MAX_DECOMPRESSED,
    MalformedDocument,
    feed_entries,
    kind_of,
    maybe_gunzip,
    sitemap_entries,
    sitemaps_from_robots,
    xml_problem,
)
from councilwatch.spiders.urls import BadURL, canonicalize, http_url

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Public sector IT</title>
<item><title>One</title><link>https://example.org/news/1/one</link>
<pubDate>Mon, 02 Nov 2015 09:30:00 GMT</pubDate></item>
<item><title>Two</title><link>https://example.org/news/2/two</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>The Register</title>
<entry><title>A</title><link rel="alternate" type="text/html" href="https://example.org/2019/07/31/a/"/>
<published>2019-07-31T11:54:28Z</published><id>tag:x,2019:1</id></entry>
</feed>"""

SITEMAP_INDEX = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://example.org/news-sitemap.xml.gz</loc></sitemap></sitemapindex>"""

NEWS_SITEMAP = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://example.org/news/3/three</loc><lastmod>2020-01-05</lastmod>
<news:news><news:publication_date>2020-01-01T08:00:00+00:00</news:publication_date></news:news>
</url></urlset>"""


def test_rss_items_with_dates():
    entries = feed_entries(RSS, "https://example.org/feed")
    assert [e.url for e in entries] == [
        "https://example.org/news/1/one",
        "https://example.org/news/2/two",
    ]
    assert entries[0].published == "2015-11-02T09:30:00+00:00"
    assert entries[1].published is None


def test_atom_alternate_links():
    (entry,) = feed_entries(ATOM, "https://example.org/headlines.atom")
    assert entry.url == "https://example.org/2019/07/31/a/"
    assert entry.published == "2019-07-31T11:54:28+00:00"


def test_sitemap_index_and_gzipped_news_sitemap():
    pages, nested = sitemap_entries(SITEMAP_INDEX, "https://example.org/sitemap.xml")
    assert pages == [] and nested == ["https://example.org/news-sitemap.xml.gz"]
    pages, nested = sitemap_entries(gzip.compress(NEWS_SITEMAP), nested[0])
    assert [(p.url, p.published) for p in pages] == [
        ("https://example.org/news/3/three", "2020-01-01T08:00:00+00:00")
    ]


def test_robots_names_sitemaps():
    robots = b"User-agent: *\nDisallow: /search/\nSitemap: /sitemap.xml\nsitemap: https://cdn.example/s.xml\n"
    assert sitemaps_from_robots(robots, "https://example.org/robots.txt") == [
        "https://example.org/sitemap.xml",
        "https://cdn.example/s.xml",
    ]


@pytest.mark.parametrize(
    ("body", "url", "kind"),
    [
        (b"User-agent: *", "https://x/robots.txt", "robots"),
        (SITEMAP_INDEX, "https://x/s", "sitemap"),
        (gzip.compress(NEWS_SITEMAP), "https://x/s.xml.gz", "sitemap"),
        (RSS, "https://x/feed/", "feed"),
        (ATOM, "https://x/a.atom", "feed"),
        (b"<!doctype html><html><body>hi", "https://x/", "html"),
    ],
)
def test_kind_of(body, url, kind):
    assert kind_of(body, url) == kind


@pytest.mark.parametrize(
    "body", [b"", b"<rss><channel><item>", b"\x00\x01binary", b"<html>x</html>"]
)
def test_malformed_feeds_raise_a_clear_error(body):
    try:
        entries = feed_entries(body, "https://x/feed")
    except MalformedDocument as exc:
        assert "https://x/feed" in str(exc)
    else:
        assert entries == []


def test_malformed_sitemap_raises():
    with pytest.raises(MalformedDocument, match="https://x/sitemap.xml"):
        sitemap_entries(b"<html><body>Not found</body></html>", "https://x/sitemap.xml")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://Example.org/news/a/?utm_source=rss&utm_medium=x", "https://example.org/news/a/"),
        ("https://example.org/news/a/#comments", "https://example.org/news/a/"),
        ("https://example.org/news/a/amp/", "https://example.org/news/a/"),
        ("https://example.org/amp/news/a/", "https://example.org/news/a/"),
        ("https://example.org/news/a?page=2", "https://example.org/news/a?page=2"),
    ],
)
def test_canonicalize(url, canonical):
    assert canonicalize(url) == canonical


def big_gzipped_sitemap(entries: int = 40_000) -> bytes:
    """A gzipped sitemap of ``entries`` URLs with random ids: over 200 KB compressed."""
    rng = random.Random(13)
    locs = "".join(
        f"<url><loc>https://example.org/archive/{rng.randbytes(12).hex()}.html</loc></url>"
        for _ in range(entries - 1)
    )
    tail = "<url><loc>https://example.org/news/the-last-one/</loc></url>"
    return gzip.compress(f'<?xml version="1.0"?><urlset>{locs}{tail}</urlset>'.encode())


def test_a_gzipped_sitemap_over_200_kb_is_read_to_its_last_entry():
    body = big_gzipped_sitemap()
    assert len(body) > 200_000
    assert kind_of(body, "https://example.org/big.xml.gz", "application/gzip") == "sitemap"
    pages, nested = sitemap_entries(body, "https://example.org/big.xml.gz")
    assert len(pages) == 40_000 and nested == []
    assert pages[-1].url == "https://example.org/news/the-last-one/"


def test_gzip_is_decompressed_within_a_cap():
    bomb = gzip.compress(b"<urlset>" + b" " * (MAX_DECOMPRESSED + 1) + b"</urlset>")
    assert len(bomb) < 100_000
    with pytest.raises(MalformedDocument, match="decompresses to more than"):
        sitemap_entries(bomb, "https://x/bomb.xml.gz")
    assert "decompresses to more than" in xml_problem(bomb)
    with pytest.raises(MalformedDocument, match="not valid gzip"):
        maybe_gunzip(b"\x1f\x8b\x08" + bytes(range(256)))
    whole = big_gzipped_sitemap(2000)
    pages, _ = sitemap_entries(whole[: len(whole) // 2], "https://x/cut.xml.gz")
    assert 0 < len(pages) < 2000  # a truncated stream gives what it holds


def test_bad_links_are_kept_for_the_spider_to_record_not_raised():
    rss = (
        b"<rss><channel>"
        b"<item><link>javascript:alert(30)</link></item>"
        b"<item><link>http://[broken</link></item>"
        b"<item><link>https://example.org/news/after/</link></item>"
        b"</channel></rss>"
    )
    links = [e.url for e in feed_entries(rss, "https://example.org/feed")]
    assert links == ["javascript:alert(30)", "http://[broken", "https://example.org/news/after/"]
    sitemap = (
        b"<urlset><url><loc>http://[broken</loc></url><url><loc>http://</loc></url>"
        b"<url><loc>/news/relative/</loc></url></urlset>"
    )
    pages, _ = sitemap_entries(sitemap, "https://example.org/sitemap.xml")
    assert [p.url for p in pages] == [
        "http://[broken",
        "http://",
        "https://example.org/news/relative/",
    ]


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("javascript:alert(30)", "not an http(s) URL (scheme javascript)"),
        ("http://[broken", "unparseable"),
        ("file:///etc/passwd", "scheme file"),
        ("data:text/html,<script>", "scheme data"),
        ("http://", "no valid host"),
        ("http://a b/", "no valid host"),
        ("http://x:99999/", "Port out of range"),
        ("http://x/\x00", "control characters"),
        ("  ", "empty URL"),
        ("not-a-url", "scheme none"),
    ],
)
def test_http_url_says_what_is_wrong_with_a_link(link, problem):
    with pytest.raises(BadURL, match=re.escape(problem)):
        http_url(link)


def test_http_url_resolves_relative_links():
    assert http_url("../news/a/", "https://example.org/feed/") == "https://example.org/news/a/"
    assert http_url("//cdn.example.org/x", "https://example.org/") == "https://cdn.example.org/x"
