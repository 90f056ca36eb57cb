"""Politeness and incremental crawling over loopback: Retry-After, blocked sources,
conditional GET, --since, JOBDIR resume, size limits, redirect loops, charsets."""

from __future__ import annotations

import json

import pytest

from councilwatch import __version__
from councilwatch.sample_site.server import running_sample_site, sample_articles

from ..conftest import query, run_cli
from ..localsite import Page, serve_pages, serve_routes
from .test_crawl import BODY_A, BODY_B, article_page, crawl, rss

#: One request at a time, so the order of events on the server is the crawler's.
SERIAL = ("-s", "CONCURRENT_REQUESTS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")


def dated_rss(base: str, entries: list[tuple[str, str]]) -> Page:
    items = "".join(
        f"<item><title>t</title><link>{base}{path}</link><pubDate>{date}</pubDate></item>"
        for path, date in entries
    )
    return Page(
        f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>',
        content_type="application/rss+xml",
    )


def articles(base: str, count: int) -> dict[str, Page]:
    return {
        f"/news/{i}/": article_page(base, str(i), f"Story {i}", f"{BODY_A}\n\nStory number {i}.")
        for i in range(count)
    }


def test_retry_after_is_honoured(db_path):
    pages: dict = {}
    with serve_routes(pages) as (base, hits):
        pages["/feed/"] = rss(base, ["/news/a/"])
        page = article_page(base, "a", "Councils merge ICT", BODY_A)

        def busy_then_fine(headers, attempt):
            if attempt == 1:
                return Page("busy", status=503, headers={"Retry-After": "2"})
            return page

        pages["/news/a/"] = busy_then_fine
        result = crawl(db_path, f"{base}/feed/", extra=SERIAL)
        assert result.returncode == 0, result.stderr[-2000:]
        times = [h.at for h in hits if h.path == "/news/a/"]
    assert len(times) == 2
    assert times[1] - times[0] >= 1.9
    assert query(db_path, "SELECT count(*) FROM articles") == [(1,)]
    assert query(db_path, "SELECT count(*) FROM crawl_errors") == [(0,)]


def test_a_site_that_refuses_us_is_recorded_as_blocked(db_path):
    pages: dict = {}
    with serve_pages(pages) as (base, requested):
        pages["/feed/"] = rss(base, [f"/news/{i}/" for i in range(6)])
        for i in range(6):
            pages[f"/news/{i}/"] = Page("Forbidden", status=403)
        result = crawl(
            db_path,
            f"{base}/feed/",
            extra=(*SERIAL, "--name", "grumpy", "-s", "COUNCILWATCH_BLOCK_AFTER=2"),
        )
        assert result.returncode == 0, result.stderr[-2000:]
        fetched = [p for p in requested if p.startswith("/news/")]
    assert len(fetched) < 6  # stopped asking once blocked
    ((source, refusals, blocked),) = query(
        db_path, "SELECT source, refusals, blocked FROM crawl_run_sources"
    )
    assert (source, blocked) == ("grumpy", 1) and refusals >= 2
    ((stats,),) = query(db_path, "SELECT stats FROM crawl_runs")
    assert json.loads(stats)["blocked"] == ["grumpy"]


def test_feeds_are_fetched_with_conditional_get(db_path):
    pages: dict = {}
    with serve_routes(pages) as (base, hits):
        feed = rss(base, ["/news/a/"])

        def feed_with_etag(headers, attempt):
            if headers.get("if-none-match") == '"v1"':
                return Page("", status=304, headers={"ETag": '"v1"'})
            return Page(feed.body, content_type=feed.content_type, headers={"ETag": '"v1"'})

        pages["/feed/"] = feed_with_etag
        pages["/news/a/"] = article_page(base, "a", "Councils merge ICT", BODY_A)
        for _ in range(2):
            result = crawl(db_path, f"{base}/feed/")
            assert result.returncode == 0, result.stderr[-2000:]
        feed_hits = [h for h in hits if h.path == "/feed/"]
        assert "if-none-match" not in feed_hits[0].headers
        assert feed_hits[1].headers["if-none-match"] == '"v1"'
        assert sum(1 for h in hits if h.path == "/news/a/") == 1
        # --refresh ignores the validators
        crawl(db_path, f"{base}/feed/", extra=("--refresh",))
        assert "if-none-match" not in [h for h in hits if h.path == "/feed/"][2].headers


def test_since_skips_older_entries(db_path):
    pages: dict = {}
    with serve_pages(pages) as (base, requested):
        pages["/feed/"] = dated_rss(
            base,
            [
                ("/news/old/", "Mon, 02 Nov 2015 09:00:00 GMT"),
                ("/news/new/", "Tue, 02 Jan 2024 09:00:00 GMT"),
            ],
        )
        pages["/news/old/"] = article_page(base, "old", "Old", BODY_A)
        pages["/news/new/"] = article_page(base, "new", "New", BODY_B)
        result = crawl(db_path, f"{base}/feed/", extra=("--since", "2020-01-01"))
        assert result.returncode == 0, result.stderr[-2000:]
        assert "/news/old/" not in requested
    assert query(db_path, "SELECT title FROM articles") == [("New",)]


def test_stopped_crawl_resumes_from_its_jobdir(db_path, tmp_path):
    pages: dict = {}
    with serve_pages(pages) as (base, requested):
        pages["/feed/"] = rss(base, [f"/news/{i}/" for i in range(10)])
        pages.update(articles(base, 10))
        jobdir = ("--jobdir", str(tmp_path / "job"))
        result = crawl(db_path, f"{base}/feed/", extra=(*jobdir, *SERIAL, "--max-articles", "4"))
        assert result.returncode == 0, result.stderr[-2000:]
        assert query(db_path, "SELECT count(*) FROM articles") == [(4,)]
        result = crawl(db_path, f"{base}/feed/", extra=jobdir)
        assert result.returncode == 0, result.stderr[-2000:]
        article_fetches = [p for p in requested if p.startswith("/news/")]
    assert query(db_path, "SELECT count(*) FROM articles") == [(10,)]
    assert sorted(article_fetches) == sorted(set(article_fetches))  # none fetched twice


def test_oversized_pages_and_redirect_loops_are_recorded(db_path):
    pages: dict = {}
    with serve_pages(pages) as (base, _):
        pages["/feed/"] = rss(base, ["/news/big/", "/news/loop-a/", "/news/ok/"])
        pages["/news/big/"] = article_page(base, "big", "Big", BODY_A + "\n\n" + "x" * 300_000)
        pages["/news/loop-a/"] = Page("", status=302, headers={"Location": f"{base}/news/loop-b/"})
        pages["/news/loop-b/"] = Page("", status=302, headers={"Location": f"{base}/news/loop-a/"})
        pages["/news/ok/"] = article_page(base, "ok", "OK", BODY_B)
        result = crawl(db_path, f"{base}/feed/", extra=("-s", "DOWNLOAD_MAXSIZE=100000"))
        assert result.returncode == 0, result.stderr[-2000:]
    errors = dict(query(db_path, "SELECT url, reason FROM crawl_errors"))
    assert "max redirections" in errors[f"{base}/news/loop-a/"]
    assert f"{base}/news/big/" in errors
    assert query(db_path, "SELECT title FROM articles") == [("OK",)]


def test_a_wrong_charset_declaration_does_not_garble_pounds(db_path):
    pages: dict = {}
    with serve_pages(pages) as (base, _):
        pages["/feed/"] = rss(base, ["/news/a/"])
        page = article_page(base, "a", "Councils merge ICT", BODY_A)
        pages["/news/a/"] = Page(page.body, content_type="text/html; charset=iso-8859-1")
        result = crawl(db_path, f"{base}/feed/")
        assert result.returncode == 0, result.stderr[-2000:]
    ((body,),) = query(db_path, "SELECT body FROM articles")
    assert "£4 million" in body


def test_sources_lists_the_registry():
    result = run_cli("sources", "--json")
    assert result.returncode == 0
    registry = json.loads(result.stdout)
    assert len(registry) >= 12
    assert {"computerweekly", "theregister", "ukauthority", "govuk"} <= {
        s["name"] for s in registry
    }
    assert all(s["feeds"] and s["allowed_domains"] and s["article_patterns"] for s in registry)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--source", "nope"), "unknown source 'nope'"),
        (("--since", "last tuesday", "--start-url", "http://127.0.0.1:9/"), "is not a date"),
    ],
)
def test_crawl_rejects_bad_options(db_path, args, message):
    result = run_cli("crawl", "--db", str(db_path), *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_robots_txt_is_obeyed_and_the_user_agent_names_councilwatch(db_path):
    pages: dict = {}
    with serve_routes(pages) as (base, hits):
        pages["/robots.txt"] = Page(
            f"User-agent: *\nDisallow: /private/\nSitemap: {base}/feed/\n",
            content_type="text/plain",
        )
        pages["/feed/"] = rss(base, ["/news/a/", "/private/b/"])
        pages["/news/a/"] = article_page(base, "a", "Councils merge ICT", BODY_A)
        pages["/private/b/"] = article_page(base, "b", "Leeds buys a CRM", BODY_B)
        result = crawl(
            db_path,
            f"{base}/feed/",
            extra=("-s", "COUNCILWATCH_CONTACT_URL=mailto:ops@example.org"),
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert "/private/b/" not in [h.path for h in hits]
    agents = {h.headers["user-agent"] for h in hits}
    assert agents == {f"councilwatch/{__version__} (+mailto:ops@example.org)"}
    assert query(db_path, "SELECT title FROM articles") == [("Councils merge ICT",)]
    assert query(db_path, "SELECT count(*) FROM crawl_errors") == [(0,)]


def test_section_pages_are_followed_through_their_pagination(db_path):
    with running_sample_site() as base:
        result = crawl(db_path, f"{base}/section/public-sector/")
        assert result.returncode == 0, result.stderr[-2000:]
        section_articles = [a for a in sample_articles() if a["section"] == "public-sector"]
    stored = {t for (t,) in query(db_path, "SELECT title FROM articles")}
    assert len(section_articles) > 5  # more than one page of the section
    assert stored == {a["title"] for a in section_articles}
