"""A real crawl of the hostile site over loopback: nothing followed where it should not be,
nothing lost silently, every refusal recorded in crawl_errors with its reason."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.hostile import START_PATHS, crawl_args
from councilwatch.extraction.gate import judge_page
from councilwatch.sample_site.hostile import HostilePages, HostileSite, hostile_data

from ..conftest import query, run_cli


@dataclass
class Crawl:
    site: HostileSite
    db: Path
    stdout: str
    stderr: str
    returncode: int

    def url(self, slug: str) -> str:
        return self.site.pages.article_url(slug)

    def errors(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for url, reason in query(self.db, "SELECT url, reason FROM crawl_errors"):
            found.setdefault(url.removeprefix(self.site.base_url), []).append(reason)
        return found

    def stored(self) -> dict[str, str]:
        return dict(query(self.db, "SELECT canonical_url, title FROM articles"))

    def stats(self) -> dict:
        ((stats,),) = query(self.db, "SELECT stats FROM crawl_runs")
        return json.loads(stats)["scrapy"]


def crawl_hostile(
    db: Path, *start_paths: str, extra: tuple[str, ...] = (), other_host: bool = False
) -> Crawl:
    """A crawl of the hostile site as ``bench/hostile.py`` runs it (log level as cron's)."""
    with HostileSite() as site:
        args = crawl_args(site, db, start_paths, other_host=other_host)
        result = run_cli(*args, *extra, timeout=300)
    return Crawl(site, db, result.stdout, result.stderr, result.returncode)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Crawl:
    crawl = crawl_hostile(tmp_path_factory.mktemp("hostile") / "councilwatch.db", *START_PATHS)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    return crawl


def test_nothing_is_sent_anywhere_but_the_hostile_site_itself(hostile):
    assert hostile.site.other_hits == []  # not even its robots.txt: refused before
    stats = hostile.stats()
    # every request that reached the downloader was answered by the site: none went to
    # 169.254.169.254, 10.0.0.1, 127.0.0.2 or localhost
    assert stats["downloader/request_count"] == len(hostile.site.hits)
    assert stats["councilwatch/refused/address"] == 5  # and localhost: off-site
    assert stats["councilwatch/refused/offsite"] == 1


@pytest.mark.parametrize(
    ("path", "target", "why"),
    [
        ("/go/off-site/", "http://127.0.0.2:", "127.0.0.2 is a loopback address"),
        ("/go/instance-metadata/", "http://169.254.169.254/", "is a link-local address"),
        ("/go/private-network/", "http://10.0.0.1/admin/", "10.0.0.1 is a private address"),
        ("/go/meta-refresh/", "http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("/go/localhost/", "http://localhost:", "off-site: localhost is not a domain"),
        ("/start/off-site/", "http://127.0.0.2:", "127.0.0.2 is a loopback address"),
    ],
)
def test_redirects_off_site_and_into_private_ranges_are_refused_and_recorded(
    hostile, path, target, why
):
    (reason,) = hostile.errors()[path]
    assert reason.startswith(f"redirected to {target}"), reason
    assert why in reason


def test_redirects_that_stay_on_the_site_are_followed(hostile):
    stored = hostile.stored()
    assert hostile.url("reached-by-an-on-site-redirect") in stored
    assert hostile.url("reached-through-a-redirected-start-url") in stored  # a start URL's
    assert "max redirections reached" in hostile.errors()["/go/loop/"][0]


def test_one_bad_link_is_recorded_and_the_rest_of_the_feed_and_sitemap_followed(hostile):
    errors = hostile.errors()
    feed = " | ".join(errors["/feed.xml"])
    for junk in ("javascript:alert(30)", "http://[broken", "file:///etc/passwd", "data:text/html"):
        assert f"bad link skipped: '{junk}" in feed
    assert "Port out of range" in feed and "no valid host" in feed
    sitemap = " | ".join(errors["/sitemaps/articles.xml"])
    assert "'http://[broken': unparseable" in sitemap and "javascript:void(0)" in sitemap
    stored = hostile.stored()
    assert hostile.url("after-the-junk-links") in stored  # listed after every junk link
    assert hostile.url("in-the-sitemap-after-its-junk") in stored


def test_a_gzipped_sitemap_over_200_kb_is_followed_to_its_last_entry(hostile):
    big = next(r for r in hostile.site.pages.fixed.values() if r.content_type == "application/gzip")
    assert len(big.body) > 200_000
    assert hostile.url("last-entry-of-a-big-gzipped-sitemap") in hostile.stored()
    assert hostile.stats()["councilwatch/not_article_urls"] >= 39_999  # all of it was read
    assert "/big.xml.gz" not in hostile.errors()


def test_formula_leading_titles_are_stored_as_published(hostile):
    titles = set(hostile.stored().values())
    for article in hostile_data()["articles"]:
        if article["slug"].startswith("formula-"):
            assert article["title"] in titles
            assert article["title"][0] in "=+-@"


def test_pages_refused_or_cut_off_are_recorded_with_their_reason(hostile):
    errors = hostile.errors()
    assert errors["/news/2024/03/16/no-title-at-all/"] == ["no title"]
    (oversized,) = errors["/news/2024/03/17/a-page-over-the-size-limit/"]
    assert (
        oversized == "download cancelled: the response grew past DOWNLOAD_MAXSIZE (1000000 bytes)"
    )
    (truncated,) = errors["/news/2024/03/18/gzip-truncated-every-time/"]
    assert truncated.startswith("Content-Encoding failed: truncated gzip body")


def test_a_garbled_content_encoding_is_retried_and_the_page_stored(hostile):
    path = hostile.url("gzip-garbled-on-the-first-attempt").removeprefix(hostile.site.base_url)
    assert hostile.site.hits.count(path) == 2
    assert hostile.url("gzip-garbled-on-the-first-attempt") in hostile.stored()
    gzip_path = "/news/2024/03/18/gzip-truncated-every-time/"
    assert hostile.site.hits.count(gzip_path) == 1 + 3  # RETRY_TIMES retries, then recorded


def test_the_crawl_says_little_on_stderr(hostile):
    lines = hostile.stderr.splitlines()
    assert "Traceback" not in hostile.stderr
    assert len(lines) == 1 and "COUNCILWATCH_MAX_SITEMAP_DEPTH" in lines[0]  # one warning


def test_every_article_is_stored_once_and_the_run_records_every_error(hostile):
    rows = query(hostile.db, "SELECT canonical_url FROM articles")
    assert len(rows) == len({url for (url,) in rows})
    ((status, errors),) = query(hostile.db, "SELECT status, errors FROM crawl_runs")
    assert status == "finished"
    assert errors == query(hostile.db, "SELECT count(*) FROM crawl_errors")[0][0]
    assert f"{errors} errors recorded" in hostile.stdout
    counted = Counter(h.split("?")[0] for h in hostile.site.hits)
    assert all(n <= 4 for path, n in counted.items() if path.startswith("/news/"))


def needs_extraction_fix(slug: str, what: str) -> None:
    """Skip, saying what is missing, until page extraction keeps the page's money intact
    (issue 13, item 6: a fix in extraction/, not in the crawl)."""
    pages = HostilePages("http://127.0.0.1:1", "http://127.0.0.2:1")
    path = pages.by_slug[slug]
    verdict = judge_page(pages.reply(path, 1).body, pages.base_url + path)
    if verdict.article is None or "£2m" not in verdict.article.body:
        pytest.skip(
            f"needs page extraction to keep '£2m' in a page with {what} (issue 13 item 6, "
            f"extraction/); today: {verdict.refusal.reason if verdict.refusal else 'garbled'}"
        )


@pytest.mark.parametrize(
    ("slug", "what"),
    [
        ("one-stray-byte-near-the-money", "one invalid UTF-8 byte"),
        ("a-nul-in-the-first-kilobytes", "a NUL in its first 4 KB"),
    ],
)
def test_pages_with_stray_bytes_are_stored_with_their_money(hostile, slug, what):
    needs_extraction_fix(slug, what)
    rows = query(
        hostile.db, "SELECT title, body FROM articles WHERE canonical_url = ?", hostile.url(slug)
    )
    assert len(rows) == 1, hostile.errors().get(
        hostile.url(slug).removeprefix(hostile.site.base_url)
    )
    title, body = rows[0]
    assert "£2m" in title + body and "Â" not in title + body


def test_a_400_level_sitemap_chain_is_followed_to_the_depth_limit_only(tmp_path):
    crawl = crawl_hostile(tmp_path / "chain.db", "/chain/1.xml")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    chain = [h for h in crawl.site.hits if h.startswith("/chain/")]
    assert chain == [f"/chain/{n}.xml" for n in range(1, 7)]  # the start, then 5 levels
    (reason,) = crawl.errors()["/chain/6.xml"]
    assert reason.startswith(
        "sitemap index nested 6 deep, deeper than COUNCILWATCH_MAX_SITEMAP_DEPTH (5)"
    )
    assert "COUNCILWATCH_MAX_SITEMAP_DEPTH" in crawl.stderr  # said once, as a warning


def test_an_endless_generator_of_sitemap_indexes_ends_at_the_source_budget(tmp_path):
    crawl = crawl_hostile(
        tmp_path / "gen.db", "/gen/1.xml",
        extra=("-s", "COUNCILWATCH_MAX_SITEMAP_DEPTH=1000", "-s", "COUNCILWATCH_MAX_DISCOVERY_URLS=40"),
    )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert len([h for h in crawl.site.hits if h.startswith("/gen/")]) == 40
    reasons = [r for rs in crawl.errors().values() for r in rs]
    assert reasons == [
        "URL budget spent: 40 discovery URLs (COUNCILWATCH_MAX_DISCOVERY_URLS); "
        "further ones not requested"
    ]
