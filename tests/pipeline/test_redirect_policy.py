"""The redirect and address policy: a redirect is followed only where a new request would
be, robots.txt of the target host is asked, and no request goes to a private, loopback or
link-local address but a start URL's own host, a mapped host, or with the setting."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from councilwatch.pipeline.addresses import AddressRefused, PrivateAddressMiddleware
from councilwatch.pipeline.hostmap import META_KEY
from councilwatch.spiders.news import NewsSpider

from ..conftest import REPO, query
from ..localsite import serve_pages
from .test_crawl import BODY_A, BODY_B, article_page, rss
from .test_hostile_crawl import crawl_hostile

STOLEN = "/news/2024/03/15/behind-a-robots-txt-that-disallows-everything/"


def test_robots_txt_of_an_allowed_redirect_target_is_asked_and_obeyed(tmp_path):
    """With the other host one of the crawl's own (a start URL is on it), a redirect there
    is on-site and its address allowed: its robots.txt decides, and says no."""
    crawl = crawl_hostile(tmp_path / "councilwatch.db", "/feed.xml", other_host=True)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    site, db = crawl.site, crawl.db
    assert site.other_hits == ["/robots.txt"]  # asked once, and nothing else
    errors = dict(query(db, "SELECT url, reason FROM crawl_errors"))
    assert errors[f"{site.base_url}/go/off-site/"] == (
        f"redirected to {site.other_url}{STOLEN}: Forbidden by robots.txt"
    )
    assert query(db, "SELECT count(*) FROM articles WHERE url LIKE ?", f"%{STOLEN}") == [(0,)]


def test_the_setting_lets_private_addresses_through_but_not_off_site_hosts(tmp_path):
    crawl = crawl_hostile(
        tmp_path / "councilwatch.db", "/feed.xml",
        extra=("-s", "COUNCILWATCH_ALLOW_PRIVATE_ADDRESSES=true"),
    )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert crawl.site.other_hits == []
    errors = crawl.errors()
    for path, host in (
        ("/go/off-site/", "127.0.0.2"),
        ("/go/instance-metadata/", "169.254.169.254"),
    ):
        (reason,) = errors[path]
        assert f"off-site: {host} is not a domain of source 'hostile'" in reason
    assert "councilwatch/refused/address" not in crawl.stats()


def domain_crawl(db, source: str, domains: str, *urls: str, extra=()):
    return subprocess.run(
        [sys.executable, "-m", "tests.pipeline.domain_crawl", str(db), source, domains, *urls, *extra],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip


def test_a_name_that_resolves_to_a_private_address_is_refused_before_connecting(tmp_path):
    """``localhost`` is on-site here (the source's own domain, as a registry entry would
    give it) but not a start URL's host: it is resolved, found to be loopback, refused."""
    db = tmp_path / "councilwatch.db"
    pages: dict = {}
    with serve_pages(pages) as (base, requested):
        port = base.rsplit(":", 1)[1]
        pages["/feed/"] = rss("", [f"http://localhost:{port}/news/a/", f"{base}/news/b/"])
        pages["/news/a/"] = article_page(base, "a", "Councils merge ICT", BODY_A)
        pages["/news/b/"] = article_page(base, "b", "Leeds buys a CRM", BODY_B)
        result = domain_crawl(db, "intranet", "localhost", f"{base}/feed/")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "/news/a/" not in requested and "/news/b/" in requested
        errors = dict(query(db, "SELECT url, reason FROM crawl_errors"))
        assert errors[f"http://localhost:{port}/news/a/"].startswith(
            "refused: localhost resolves to 127.0.0.1, a loopback address"
        )
        assert query(db, "SELECT title FROM articles") == [("Leeds buys a CRM",)]

        allowed = domain_crawl(
            tmp_path / "allowed.db", "intranet", "localhost", f"{base}/feed/",
            extra=("-s", "COUNCILWATCH_ALLOW_PRIVATE_ADDRESSES=true"),
        )  # fmt: skip
        assert allowed.returncode == 0, allowed.stderr[-3000:]
        assert "/news/a/" in requested


def middleware(start_url: str = "http://127.0.0.1:8000/feed/", **settings):
    crawler = get_crawler(NewsSpider, settings_dict=settings)
    crawler.spider = NewsSpider(start_urls=start_url, source="local")
    return PrivateAddressMiddleware.from_crawler(crawler)


def check(mw: PrivateAddressMiddleware, url: str, **meta) -> str:
    """'allowed', or the reason of the refusal (literal addresses only: no lookup)."""
    try:
        asyncio.run(mw.process_request(Request(url, meta={"source": "local", **meta})))
    except AddressRefused as exc:
        return str(exc)
    return "allowed"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.2:8000/", "a loopback"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local"),
        ("http://10.0.0.1/", "a private"),
        ("http://192.168.1.1/", "a private"),
        ("http://172.16.0.1/", "a private"),
        ("http://[::1]:8000/", "a loopback"),
        ("http://[fd12:3456::1]/", "a unique-local"),
        ("http://[fe80::1]/", "a link-local"),
        ("http://224.0.0.1/", "a multicast"),
        ("http://0.0.0.0:8000/", "an unspecified"),
        ("http://100.64.0.1/", "a shared"),
        ("http://[::ffff:10.0.0.1]/", "a private"),
    ],
)
def test_non_public_addresses_are_refused(url, kind):
    assert f"{kind}" in check(middleware(), url)


def test_what_is_allowed_to_be_private():
    mw = middleware()
    assert check(mw, "http://127.0.0.1:9999/news/a/") == "allowed"  # the start URL's host
    assert check(mw, "http://93.184.215.14/") == "allowed"  # a public address
    assert (
        check(mw, "http://127.0.0.2/", **{META_KEY: ("https://x/", "http://127.0.0.2/")})
        == "allowed"
    )
    mapped = middleware(COUNCILWATCH_HOST_MAP='{"www.example.org": "http://10.1.2.3:8080"}')
    assert check(mapped, "http://10.1.2.3:8080/news/a/") == "allowed"  # a mapping's target
    everything = middleware(COUNCILWATCH_ALLOW_PRIVATE_ADDRESSES=True)
    assert check(everything, "http://169.254.169.254/") == "allowed"
