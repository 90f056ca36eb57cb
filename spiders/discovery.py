"""Find article URLs in robots.txt, sitemaps and feeds. Pure functions over bytes.

>>> rss = b'<rss><channel><item><link>http://x/a</link><pubDate>Mon, 02 Nov 2015 09:00:00 GMT</pubDate></item></channel></rss>'
>>> [(e.url, e.published) for e in feed_entries(rss, "http://x/feed")]
[('http://x/a', '2015-11-02T09:00:00+00:00')]
"""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree

MAX_DECOMPRESSED = 50 * 1024 * 1024


class MalformedDocument(ValueError):
    """A feed or sitemap that cannot be parsed."""


@dataclass(frozen=True)
class Entry:
    """A URL found by discovery, with the date the feed or sitemap gives for it."""

    url: str
    published: str | None = None


def kind_of(body: bytes, url: str, content_type: str = "") -> str:
    """Classify a discovery document: ``robots``, ``sitemap``, ``feed`` or ``html``.

    >>> kind_of(b"User-agent: *", "http://x/robots.txt")
    'robots'
    >>> kind_of(b'<?xml version="1.0"?><urlset>', "http://x/s.xml")
    'sitemap'
    """
    if url.rstrip("/").endswith("robots.txt"):
        return "robots"
    head = maybe_gunzip(body[:200_000])[:2000].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if "xml" in content_type and b"<html" not in head:
        return "feed"
    return "html"


def maybe_gunzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
            return f.read(MAX_DECOMPRESSED)
    except (OSError, EOFError):
        return body


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, as absolute URLs."""
    text = body.decode("utf-8", "replace")
    return [
        urljoin(base_url, m.group(1).strip())
        for m in re.finditer(r"(?im)^\s*sitemap\s*:\s*(\S+)", text)
    ]


def _parse_xml(body: bytes, url: str) -> etree._Element:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(maybe_gunzip(body), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(f"{url}: not well-formed XML ({exc})") from exc
    if root is None:
        raise MalformedDocument(f"{url}: empty or unparseable XML")
    return root


def xml_problem(body: bytes) -> str | None:
    """Why ``body`` is not well-formed XML, or ``None`` when it is.

    Feeds and sitemaps are parsed leniently (what can be recovered is followed);
    this says whether the crawl should record the document as malformed.

    >>> xml_problem(b"<rss><channel>") is not None
    True
    """
    try:
        etree.fromstring(
            maybe_gunzip(body), etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        return f"not well-formed XML ({exc})"
    return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def sitemap_entries(body: bytes, url: str) -> tuple[list[Entry], list[str]]:
    """Return ``(page entries, nested sitemap URLs)`` of a sitemap or sitemap index.

    News sitemaps' ``news:publication_date`` is preferred over ``lastmod``.
    """
    root = _parse_xml(body, url)
    pages: list[Entry] = []
    nested: list[str] = []
    for element in root:
        name = _local(element.tag)
        loc = _child_text(element, "loc")
        if not loc:
            continue
        if name == "sitemap":
            nested.append(urljoin(url, loc))
        elif name == "url":
            date = None
            for sub in element.iter():
                if _local(sub.tag) == "publication_date" and sub.text:
                    date = sub.text.strip()
            pages.append(
                Entry(urljoin(url, loc), normalise_date(date or _child_text(element, "lastmod")))
            )
    if _local(root.tag) not in ("urlset", "sitemapindex"):
        raise MalformedDocument(f"{url}: not a sitemap (root element <{_local(root.tag)}>)")
    return pages, nested


def feed_entries(body: bytes, url: str) -> list[Entry]:
    """Article links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed."""
    root = _parse_xml(body, url)
    entries: list[Entry] = []
    for element in root.iter():
        name = _local(element.tag)
        if name not in ("item", "entry"):
            continue
        link = None
        for child in element:
            if _local(child.tag) != "link":
                continue
            if child.get("href") and child.get("rel", "alternate") == "alternate":
                link = child.get("href")
                break
            if child.text and child.text.strip():
                link = child.text.strip()
                break
        if link is None:
            guid = _child_text(element, "guid", "id")
            link = guid if guid and guid.startswith("http") else None
        if link:
            date = _child_text(element, "pubdate", "published", "date", "updated", "issued")
            entries.append(Entry(urljoin(url, link), normalise_date(date)))
    if not entries and _local(root.tag) not in ("rss", "feed", "rdf", "channel"):
        raise MalformedDocument(f"{url}: not an RSS or Atom feed")
    return entries


def normalise_date(value: str | None) -> str | None:
    """ISO 8601 from an RFC 822 or ISO date string; ``None`` when unreadable.

    >>> normalise_date("Mon, 02 Nov 2015 09:00:00 +0000")
    '2015-11-02T09:00:00+00:00'
    >>> normalise_date("2015-11-02")
    '2015-11-02'
    """
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return None
