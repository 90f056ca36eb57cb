"""Real crawls over loopback with `councilwatch crawl`: incremental, deduplicated,
and bad input recorded in crawl_errors without stopping the crawl."""

from __future__ import annotations

from ..conftest import FAST_CRAWL, query, run_cli
from ..localsite import Page, serve_pages


def article_page(
    base: str, slug: str, title: str, body: str, *, canonical: str | None = None
) -> Page:
    canonical = canonical or f"{base}/news/{slug}/"
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return Page(
        f"""<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>{title} | Local Press</title><link rel="canonical" href="{canonical}">
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-03-01T10:00:00+00:00">
</head><body><nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<article><h1>{title}</h1><div class="article-body">{paragraphs}</div></article>
<footer>Copyright Local Press</footer></body></html>"""
    )


def rss(base: str, paths: list[str]) -> Page:
    items = "".join(f"<item><title>t</title><link>{base}{p}</link></item>" for p in paths)
    return Page(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )


BODY_A = (
    "Islington Council and Camden Council have agreed to merge their ICT services.\n\n"
    "The councils expect the shared service to save £4 million a year from 2026, "
    "according to a report to the joint committee published this week."
)
BODY_B = (
    "Leeds City Council has signed a £2.5m contract for a new CRM system.\n\n"
    "The contract runs for five years and covers the council's contact centre and "
    "its online services for residents."
)


def crawl(db, *start_urls, extra=()):
    args = ["crawl", "--db", str(db), *FAST_CRAWL, *extra]
    for url in start_urls:
        args += ["--start-url", url]
    return run_cli(*args, timeout=300)


def test_incremental_crawl_and_aliases(db_path):
    pages: dict[str, Page] = {}
    with serve_pages(pages) as (base, requested):
        pages["/robots.txt"] = Page("User-agent: *\nDisallow:\n", content_type="text/plain")
        pages["/feed/"] = rss(base, ["/news/a/", "/news/a/?utm_source=rss", "/news/b/"])
        pages["/news/a/"] = article_page(base, "a", "Councils merge ICT", BODY_A)
        pages["/news/a/?utm_source=rss"] = pages["/news/a/"]
        pages["/news/b/"] = article_page(base, "b", "Leeds buys a CRM", BODY_B)
        result = crawl(db_path, f"{base}/feed/")
        assert result.returncode == 0, result.stderr[-2000:]
        assert query(db_path, "SELECT count(*) FROM articles") == [(2,)]
        assert "/news/a/?utm_source=rss" not in requested  # same canonical URL: fetched once
        first = len([p for p in requested if p.startswith("/news/")])
        assert first == 2

        # second run: nothing fetched again, nothing changed
        result = crawl(db_path, f"{base}/feed/")
        assert result.returncode == 0, result.stderr[-2000:]
        assert len([p for p in requested if p.startswith("/news/")]) == first
        assert query(db_path, "SELECT count(*) FROM articles") == [(2,)]

        # --refresh fetches again and picks up an edit
        pages["/news/b/"] = article_page(base, "b", "Leeds buys a CRM", BODY_B + "\n\nUpdated.")
        result = crawl(db_path, f"{base}/feed/", extra=("--refresh",))
        assert result.returncode == 0, result.stderr[-2000:]
        assert query(db_path, "SELECT count(*) FROM articles WHERE body LIKE '%Updated.'") == [(1,)]
        assert query(
            db_path, "SELECT articles_new, articles_updated FROM crawl_runs ORDER BY id"
        ) == [
            (2, 0),
            (0, 0),
            (0, 1),
        ]


def test_same_story_syndicated_is_stored_once(db_path):
    pages: dict[str, Page] = {}
    with serve_pages(pages) as (base, _):
        pages["/feed/"] = rss(base, ["/news/a/", "/syndicated/a-copy/"])
        pages["/news/a/"] = article_page(base, "a", "Councils merge ICT", BODY_A)
        pages["/syndicated/a-copy/"] = article_page(
            base, "a-copy", "Councils merge ICT", BODY_A, canonical=f"{base}/syndicated/a-copy/"
        )
        result = crawl(db_path, f"{base}/feed/")
        assert result.returncode == 0, result.stderr[-2000:]
    assert query(db_path, "SELECT count(*) FROM articles") == [(1,)]
    aliases = query(db_path, "SELECT url FROM article_aliases")
    assert len(aliases) == 1 and aliases[0][0].endswith(("/news/a/", "/syndicated/a-copy/"))


def test_bad_input_is_recorded_and_the_crawl_goes_on(db_path):
    pages: dict[str, Page] = {}
    with serve_pages(pages) as (base, _):
        pages["/feed/"] = rss(
            base, ["/news/good/", "/news/gone/", "/news/pdf/", "/news/empty/", "/news/error/"]
        )
        pages["/broken-feed/"] = Page(
            "<rss><channel><item><link>", content_type="application/rss+xml"
        )
        pages["/sitemap.xml"] = Page("<html>oops</html>", content_type="application/xml")
        pages["/news/good/"] = article_page(base, "good", "Councils merge ICT", BODY_A)
        pages["/news/gone/"] = Page("gone", status=410)
        pages["/news/pdf/"] = Page(b"%PDF-1.4 binary\x00\x01", content_type="application/pdf")
        pages["/news/empty/"] = Page("<html><head><title>x</title></head><body></body></html>")
        pages["/news/error/"] = Page("oops", status=500)
        result = crawl(db_path, f"{base}/feed/", f"{base}/broken-feed/", f"{base}/sitemap.xml")
        assert result.returncode == 0, result.stderr[-2000:]
    assert query(db_path, "SELECT count(*) FROM articles") == [(1,)]
    errors = {url.removeprefix(base): (stage, reason) for url, stage, reason in query(
        db_path, "SELECT url, stage, reason FROM crawl_errors"
    )}  # fmt: skip
    assert errors["/news/gone/"] == ("fetch", "HTTP 410")
    assert errors["/news/error/"] == ("fetch", "HTTP 500")
    assert errors["/news/pdf/"][0] == "extract"
    assert errors["/news/empty/"][0] == "extract"
    assert errors["/sitemap.xml"][0] == "discover"
    assert errors["/broken-feed/"] == ("discover", errors["/broken-feed/"][1])
    assert "not well-formed XML" in errors["/broken-feed/"][1]
    assert query(db_path, "SELECT errors, status FROM crawl_runs") == [(len(errors), "finished")]
