"""The sample site: served over 127.0.0.1, crawlable, and consistent with its gold set."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from councilwatch.sample_site.data import body_text
from councilwatch.sample_site.pages import SitePages
from councilwatch.sample_site.render import article_path
from councilwatch.sample_site.server import running_sample_site, sample_articles

GOLD = Path(__file__).parents[1] / "gold" / "sample-site.jsonl"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SAMPLE_LABEL = "This is a sample article written for councilwatch’s demo site"


class PageParser(HTMLParser):
    """Collects what the tests look at: meta tags, links, JSON-LD, title, body paragraphs."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.hrefs: list[str] = []
        self.json_ld: list[str] = []
        self.h1: list[str] = []
        self.body_paragraphs: list[str] = []
        self._script = False
        self._h1 = False
        self._body_depth = 0  # nesting depth inside div.article-body
        self._capture: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta.setdefault(key, []).append(a.get("content", ""))
        elif tag == "link":
            self.links.setdefault(a.get("rel", ""), []).append(a.get("href", ""))
        elif tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._script = True
        elif tag == "h1":
            self._h1 = True
        if tag == "div" and "article-body" in a.get("class", "").split():
            self._body_depth = 1
        elif self._body_depth and tag in ("div", "aside", "figure"):
            self._body_depth += 1
        elif self._body_depth == 1 and tag in ("p", "h2"):
            self._capture = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False
        elif tag == "h1":
            self._h1 = False
        elif self._body_depth and tag in ("div", "aside", "figure"):
            self._body_depth -= 1
        elif self._capture is not None and tag in ("p", "h2"):
            self.body_paragraphs.append("".join(self._capture))
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._script:
            self.json_ld.append(data)
        if self._h1:
            self.h1.append(data)
        if self._capture is not None:
            self._capture.append(data)


def fetch(url: str) -> tuple[int, str, bytes]:
    """GET ``url``; return (status, content type, body), also for error statuses."""
    assert urlsplit(url).hostname == "127.0.0.1"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def parse_page(body: bytes) -> PageParser:
    parser = PageParser()
    parser.feed(body.decode("utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with running_sample_site() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return sample_articles()


@pytest.fixture(scope="module")
def gold() -> dict[str, dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return {doc["id"]: doc for doc in map(json.loads, filter(None, lines))}


def test_base_url_is_loopback(site: str) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", site)


def test_articles_cover_the_brief(articles: list[dict]) -> None:
    assert len(articles) >= 15
    seed = [a for a in articles if a["published"].startswith("2015-11-02")]
    assert [a["authors"] for a in seed] == [["Tom Jowitt"]]
    others = [a for a in articles if a not in seed]
    assert len(others) >= 14
    assert all(body_text(a).startswith(SAMPLE_LABEL) for a in others)


def test_robots_names_sitemap_and_disallows(site: str) -> None:
    status, content_type, body = fetch(site + "/robots.txt")
    assert status == 200 and content_type.startswith("text/plain")
    text = body.decode()
    assert f"Sitemap: {site}/sitemap.xml" in text
    assert "Disallow: /search/" in text and "Disallow: /comments/" in text


def test_sitemap_lists_every_article(site: str, articles: list[dict]) -> None:
    status, _, body = fetch(site + "/sitemap.xml")
    assert status == 200
    root = ET.fromstring(body)
    entries = {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    for article in articles:
        assert entries[site + article_path(article)] == article["modified"]


def test_rss_lists_every_article(site: str, articles: list[dict]) -> None:
    status, content_type, body = fetch(site + "/feed/")
    assert status == 200 and "rss" in content_type
    channel = ET.fromstring(body).find("channel")
    assert channel is not None
    items = {item.findtext("link"): item for item in channel.findall("item")}
    assert len(items) == len(articles)
    for article in articles:
        item = items[site + article_path(article)]
        assert item.findtext("title") == article["title"]
        assert item.findtext("pubDate")


def test_article_pages_have_metadata(site: str, articles: list[dict]) -> None:
    for article in articles:
        url = site + article_path(article)
        status, content_type, body = fetch(url)
        assert status == 200 and content_type.startswith("text/html")
        page = parse_page(body)
        assert page.links["canonical"] == [url]
        assert page.meta["og:type"] == ["article"]
        assert page.meta["og:title"] == [article["title"]]
        assert page.meta["og:url"] == [url]
        assert page.meta["article:published_time"] == [article["published"]]
        assert page.meta["article:author"] == article["authors"]
        assert page.meta["description"] == [article["standfirst"]]
        (ld,) = [json.loads(script) for script in page.json_ld]
        assert ld["@type"] == "NewsArticle"
        assert ld["headline"] == article["title"]
        assert ld["datePublished"] == article["published"]
        assert ld["dateModified"] == article["modified"]
        assert [a["name"] for a in ld["author"]] == article["authors"]
        assert all(a["@type"] == "Person" for a in ld["author"])
        assert ld["mainEntityOfPage"]["@id"] == url
        assert ld["publisher"]["name"] == "Sample Tech Press"
        assert "articleBody" not in ld
        assert "".join(page.h1) == article["title"]


def test_article_body_container_holds_exactly_the_body(site: str, articles: list[dict]) -> None:
    """Paragraphs directly in div.article-body are the body; the teaser and ad are nested."""
    for article in articles:
        page = parse_page(fetch(site + article_path(article))[2])
        assert "\n\n".join(page.body_paragraphs) == body_text(article)


def test_section_pagination_reaches_every_article(site: str, articles: list[dict]) -> None:
    found: set[str] = set()
    for section in {a["section"] for a in articles}:
        url: str | None = f"{site}/section/{section}/"
        pages = 0
        while url:
            status, _, body = fetch(url)
            assert status == 200
            pages += 1
            page = parse_page(body)
            found.update(h for h in page.hrefs if "/news/" in h)
            following = page.links.get("next", [])
            url = urljoin(url, following[0]) if following else None
        assert pages == -(-sum(a["section"] == section for a in articles) // 5)
    assert {site + article_path(a) for a in articles} <= found


def test_query_page_alias_and_trailing_slash_redirect(site: str) -> None:
    direct = fetch(site + "/section/public-sector/page/2/")
    assert direct[0] == 200
    assert fetch(site + "/section/public-sector/?page=2")[2] == direct[2]
    assert fetch(site + "/section/public-sector?page=2")[2] == direct[2]


def test_unknown_path_is_404(site: str) -> None:
    status, content_type, body = fetch(site + "/no/such/<page>/")
    assert status == 404 and content_type.startswith("text/html")
    assert b"Page not found" in body and b"<page>" not in body


def test_text_is_escaped(site: str, articles: list[dict]) -> None:
    tricky = [a for a in articles if "&" in a["title"] or "<" in a["title"]]
    assert {c for a in tricky for c in a["title"] if c in "&<"} == {"&", "<"}
    for article in tricky:
        raw = fetch(site + article_path(article))[2].decode()
        escaped = article["title"].replace("&", "&amp;").replace("<", "&lt;")
        assert f'<h1 class="entry-title">{escaped}</h1>' in raw
        assert article["title"] not in raw.split("</script>", 1)[1]


def test_site_pages_use_base_url() -> None:
    pages = SitePages("http://127.0.0.1:9/", sample_articles())
    assert b"http://127.0.0.1:9/sitemap.xml" in pages.get("/robots.txt")[1]
    assert b"http://127.0.0.1:9/news/" in pages.get("/feed/")[1]


def test_gold_text_matches_article_data(articles: list[dict], gold: dict[str, dict]) -> None:
    assert set(gold) == {a["slug"] for a in articles}
    for article in articles:
        doc = gold[article["slug"]]
        assert doc["text"] == body_text(article)
        assert doc["published"] == article["published"][:10]
        for item in doc["councils"] + doc["money"] + doc["arrangements"]:
            evidence = item.get("evidence") or item["text"]
            assert evidence in doc["text"], (article["slug"], evidence)


def test_seed_sentences_are_verbatim(articles: list[dict]) -> None:
    shared = Path(__file__).resolve().parents[3] / "shared"
    seed_text = shared / "samples" / "techweek-majority-of-councils-share-services.txt"
    if not seed_text.exists():
        pytest.skip("shared seed sample not available")
    source = seed_text.read_text(encoding="utf-8")
    (seed,) = [a for a in articles if a["published"].startswith("2015-11-02")]
    for paragraph in body_text(seed).split("\n\n"):
        assert paragraph in source
