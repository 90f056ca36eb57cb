"""The sample site at scale (generated articles) and misbehaving (injected faults)."""

from __future__ import annotations

import gzip
import http.client
import json
import select
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from councilwatch.sample_site.data import body_text, sample_articles, sort_articles
from councilwatch.sample_site.faults import PERMANENT_KINDS, TARGET_KINDS, FaultPlan
from councilwatch.sample_site.generate import (
    GENERATED_LABEL,
    complete_article,
    generate_articles,
)
from councilwatch.sample_site.render import SiteRenderer, article_path
from councilwatch.sample_site.server import SampleSite, running_sample_site

from .test_sample_site import fetch, parse_page

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
EXTRA = 300
SEED = 11
FAULT_SEED = 5
RATE = 0.3
HANG = 0.4  # the server's hang for "timeout" faults; clients below wait CLIENT_TIMEOUT
CLIENT_TIMEOUT = 0.2


@pytest.fixture(scope="module")
def big_site() -> Iterator[SampleSite]:
    with SampleSite(extra_articles=EXTRA, seed=SEED, sitemap_size=100) as site:
        yield site


def discover(base_url: str) -> list[str]:
    """Article URLs found through robots.txt -> sitemap index -> sitemaps."""
    robots = fetch(base_url + "/robots.txt")[2].decode()
    queue = [
        line.split(":", 1)[1].strip() for line in robots.splitlines() if line.startswith("Sitemap:")
    ]
    found: list[str] = []
    while queue:
        status, _, body = fetch(queue.pop(0))
        assert status == 200
        root = ET.fromstring(body)
        if root.tag == f"{SM}sitemapindex":
            queue += [loc.text or "" for loc in root.iter(f"{SM}loc")]
        else:
            found += [u.text or "" for u in root.iter(f"{SM}loc") if "/news/" in (u.text or "")]
    return found


def test_generated_articles_are_deterministic_and_varied() -> None:
    first, again = generate_articles(EXTRA, SEED), generate_articles(EXTRA, SEED)
    assert first == again and first != generate_articles(EXTRA, SEED + 1)
    assert len({a["slug"] for a in first}) == EXTRA
    assert len({a["published"][:4] for a in first}) >= 10
    assert len({a["section"] for a in first}) >= 3 and len({a["authors"][0] for a in first}) >= 5
    bodies = [body_text(complete_article(a)) for a in first[:50]]
    assert all(b.startswith(GENERATED_LABEL) for b in bodies)
    assert all(b.count("£") >= 1 and len(b.split("\n\n")) >= 5 for b in bodies)
    assert body_text(complete_article(first[0])) == body_text(complete_article(again[0]))


def test_fifty_thousand_articles_have_distinct_paths() -> None:
    articles = generate_articles(50_000, seed=1)  # its speed is measured in bench/e2e.py
    assert len({article_path(a) for a in articles}) == 50_000


def test_related_stories_are_the_newest_three_others_same_section_first() -> None:
    renderer = SiteRenderer("http://127.0.0.1:9", sort_articles(generate_articles(EXTRA, SEED)))
    articles = renderer.articles
    for index, article in enumerate(articles):
        related = renderer.related_for(index)
        same = [
            a for i, a in enumerate(articles) if i != index and a["section"] == article["section"]
        ]
        others = [a for a in articles if a["section"] != article["section"]]
        assert related == (same + others)[:3]


def test_every_article_is_discoverable_through_the_sitemap_index(big_site: SampleSite) -> None:
    index = ET.fromstring(fetch(big_site.base_url + "/sitemap.xml")[2])
    assert (
        index.tag == f"{SM}sitemapindex" and len(index) == 1 + 4
    )  # pages + (sample articles + 300) / 100
    found = discover(big_site.base_url)
    assert (
        len(set(found)) == len(sample_articles()) + EXTRA
    )  # the news sitemap repeats the latest 1000
    assert set(found) == {big_site.base_url + article_path(a) for a in big_site.articles}


def test_same_seed_same_site() -> None:
    with (
        SampleSite(extra_articles=EXTRA, seed=SEED) as one,
        SampleSite(extra_articles=EXTRA, seed=SEED) as two,
    ):
        assert [article_path(a) for a in one.articles] == [article_path(a) for a in two.articles]


def test_generated_pages_are_articles_with_json_ld(big_site: SampleSite) -> None:
    generated = [a for a in big_site.articles if "generated" in a][::15]
    for article in generated:
        url = big_site.base_url + article_path(article)
        status, content_type, body = fetch(url)
        assert status == 200 and content_type == "text/html; charset=utf-8"
        page = parse_page(body)
        (ld,) = [json.loads(script) for script in page.json_ld]
        assert ld["@type"] == "NewsArticle" and ld["headline"] == article["title"]
        assert ld["datePublished"] == article["published"]
        assert page.meta["og:type"] == ["article"] and page.links["canonical"] == [url]
        assert "\n\n".join(page.body_paragraphs) == body_text(complete_article(article))


def test_feed_lists_the_latest_fifty(big_site: SampleSite) -> None:
    channel = ET.fromstring(fetch(big_site.base_url + "/feed/")[2]).find("channel")
    assert channel is not None
    links = [item.findtext("link") for item in channel.findall("item")]
    assert links == [big_site.base_url + article_path(a) for a in big_site.articles[:50]]


def test_section_pagination_reaches_every_article_of_a_section(big_site: SampleSite) -> None:
    expected = {
        big_site.base_url + article_path(a) for a in big_site.articles if a["section"] == "networks"
    }
    found: set[str] = set()
    url: str | None = big_site.base_url + "/section/networks/"
    while url:
        page = parse_page(fetch(url)[2])
        found.update(h for h in page.hrefs if "/news/" in h)
        url = (page.links.get("next") or [None])[0]
    assert expected <= found


# -- faults ------------------------------------------------------------------------------


def observe(base_url: str, path: str) -> str | None:
    """GET ``path`` over a raw connection; the fault it shows, or None for an intact page."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    assert host == "127.0.0.1"
    conn = http.client.HTTPConnection(host, port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        if response.status in (301, 302):
            location = response.getheader("Location", "")
            assert location == f"{base_url}{path}?loop=1"
            return "redirect_loop"
        if response.status >= 500:
            assert response.status != 503 or int(response.getheader("Retry-After", "")) >= 1
            return f"http_{response.status}"
        if int(response.getheader("Content-Length", "0")) > 10 * 1024 * 1024:
            return "huge"
        body = response.read()
    except TimeoutError:
        return "timeout"
    except ConnectionResetError:
        return "reset"
    except http.client.IncompleteRead:
        return "truncated"
    finally:
        conn.close()
    content_type = response.getheader("Content-Type", "")
    if response.getheader("Content-Encoding") == "gzip":
        with pytest.raises((OSError, EOFError)):
            gzip.decompress(body)
        return "bad_gzip"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "binary"
    if "xml" in content_type:
        try:
            ET.fromstring(body)
        except ET.ParseError:
            return "malformed_xml"
        return None
    assert '"@type": "NewsArticle"' in text
    return None if content_type.endswith("charset=utf-8") else "wrong_charset"


@pytest.fixture(scope="module")
def faulty_site() -> Iterator[SampleSite]:
    site = SampleSite(extra_articles=EXTRA, fault_rate=RATE, seed=FAULT_SEED, hang_seconds=HANG)
    with site:
        yield site


@pytest.fixture(scope="module")
def first_attempts(faulty_site: SampleSite) -> dict[str, str | None]:
    paths = [article_path(a) for a in faulty_site.articles]
    return {path: observe(faulty_site.base_url, path) for path in paths}


def test_fault_share_is_near_the_rate_and_every_kind_occurs(
    first_attempts: dict[str, str | None],
) -> None:
    observed = Counter(first_attempts.values())
    share = 1 - observed[None] / len(first_attempts)
    assert abs(share - RATE) < 0.08, observed
    assert set(TARGET_KINDS["article"]) <= set(observed), observed


def test_server_records_what_clients_saw(
    faulty_site: SampleSite, first_attempts: dict[str, str | None]
) -> None:
    for path, seen in first_attempts.items():
        assert faulty_site.faults.history(path)[:1] == [seen], path
    expected = Counter(k for k in first_attempts.values() if k is not None)
    assert faulty_site.faults.counts() == dict(expected)
    report = json.loads(fetch(faulty_site.base_url + "/__faults__.json")[2])
    assert report["faults"] == dict(expected) and report["requests"] == len(first_attempts)
    assert report["total_faults"] == sum(expected.values())


def test_transient_faults_clear_on_retry_permanent_ones_do_not(
    faulty_site: SampleSite, first_attempts: dict[str, str | None]
) -> None:
    for path, seen in first_attempts.items():
        if seen is None:
            assert faulty_site.served_intact(path)
            continue
        retries = [
            observe(faulty_site.base_url, path) for _ in range(2 if seen in PERMANENT_KINDS else 6)
        ]
        if seen in PERMANENT_KINDS:
            assert retries == [seen, seen] and not faulty_site.served_intact(path)
        else:
            assert None in retries and faulty_site.served_intact(path), (path, retries)
    plan = faulty_site.plan
    for path in first_attempts:
        history = faulty_site.faults.history(path)
        assert history == [plan.decide(path, n, "article") for n in range(1, len(history) + 1)]


def test_feed_and_sitemaps_fail_transiently_but_discovery_stays_possible(
    faulty_site: SampleSite,
) -> None:
    base = faulty_site.base_url
    feed = Counter(observe(base, "/feed/") for _ in range(40))
    assert feed[None] and feed["malformed_xml"] and set(feed) <= {None, *TARGET_KINDS["feed"]}
    for _ in range(20):
        assert observe(base, "/sitemap.xml") is None
        assert fetch(base + "/robots.txt")[0] == 200
    sitemap = Counter(observe(base, "/sitemaps/articles-1.xml") for _ in range(20))
    assert sitemap[None] and set(sitemap) <= {None, *TARGET_KINDS["sitemap"]}


def test_hung_connections_do_not_block_others(faulty_site: SampleSite) -> None:
    plan = faulty_site.plan
    hung = next(
        p
        for p in (article_path(a) for a in faulty_site.articles)
        if plan.decide(p, len(faulty_site.faults.history(p)) + 1, "article") == "timeout"
    )
    host, port = "127.0.0.1", urlsplit(faulty_site.base_url).port
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.request("GET", hung)  # left hanging while other requests go through
    assert fetch(faulty_site.base_url + "/robots.txt")[0] == 200
    # answered while the hung request is still open: nothing has come back on its socket yet
    assert select.select([conn.sock], [], [], 0)[0] == []
    with pytest.raises(http.client.RemoteDisconnected):
        conn.getresponse()
    conn.close()


def test_plan_is_deterministic_and_validated() -> None:
    plan = FaultPlan(rate=RATE, seed=1)
    draws = [plan.decide(f"/news/{n}/", 1, "article") for n in range(2000)]
    assert draws == [
        FaultPlan(rate=RATE, seed=1).decide(f"/news/{n}/", 1, "article") for n in range(2000)
    ]
    assert abs(sum(d is not None for d in draws) / 2000 - RATE) < 0.04
    with pytest.raises(ValueError):
        FaultPlan(rate=1.5)
    with pytest.raises(ValueError):
        FaultPlan(kinds=frozenset({"gremlins"}))


def test_running_sample_site_takes_the_options() -> None:
    with running_sample_site(extra_articles=3, seed=2, fault_rate=0.0) as base_url:
        assert len(set(discover(base_url))) == 3 + len(sample_articles())
