"""Find article URLs in robots.txt, sitemaps and feeds. Pure functions over bytes.

>>> rss = b'<rss><channel><item><link>http://x/a</link><pubDate>Mon, 02 Nov 2015 09:00:00 GMT</pubDate></item></channel></rss>'
>>> [(e.url, e.published) for e in feed_entries(rss, "http://x/feed")]
[('http://x/a', '2015-11-02T09:00:00+00:00')]
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from .urls import resolve

#: The most a gzipped feed or sitemap may decompress to: the sitemap protocol's own limit
#: for one file (50 MB uncompressed); a larger one is refused as malformed, not truncated.
MAX_DECOMPRESSED = 50 * 1024 * 1024
#: Decompressed bytes :func:`kind_of` looks at to tell a sitemap from a feed or a page.
HEAD_SIZE = 2000
#: zlib's window bits for "a gzip stream" (16 + the largest window).
GZIP_WBITS = 16 + zlib.MAX_WBITS


class MalformedDocument(ValueError):
    """A feed or sitemap that cannot be parsed."""


@dataclass(frozen=True)
class Entry:
    """A URL found by discovery, with the date the feed or sitemap gives for it."""

    url: str
    published: str | None = None


def kind_of(body: bytes, url: str, content_type: str = "") -> str:
    """Classify a discovery document: ``robots``, ``sitemap``, ``feed`` or ``html``.

    A gzipped document is told by its first decompressed bytes, however large it is.

    >>> kind_of(b"User-agent: *", "http://x/robots.txt")
    'robots'
    >>> kind_of(b'<?xml version="1.0"?><urlset>', "http://x/s.xml")
    'sitemap'
    """
    if url.rstrip("/").endswith("robots.txt"):
        return "robots"
    head = gunzip_head(body).lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if "xml" in content_type and b"<html" not in head:
        return "feed"
    return "html"


def is_gzip(body: bytes) -> bool:
    return body[:2] == b"\x1f\x8b"


def gunzip_head(body: bytes, size: int = HEAD_SIZE) -> bytes:
    """The first ``size`` bytes of ``body``, decompressed when it is gzip (else as it is).

    Only as much of the stream is inflated as that takes, so a large sitemap is
    classified without decompressing all of it.

    >>> import gzip
    >>> gunzip_head(gzip.compress(b"<urlset>" + b"x" * 10**6), 8)
    b'<urlset>'
    """
    if not is_gzip(body):
        return body[:size]
    try:
        return zlib.decompressobj(GZIP_WBITS).decompress(body, size)
    except zlib.error:
        return body[:size]


def maybe_gunzip(body: bytes, limit: int = MAX_DECOMPRESSED) -> bytes:
    """``body`` decompressed when it is gzip (all of it, every member), else as it is.

    Raises :class:`MalformedDocument` when it is not valid gzip or decompresses to
    more than ``limit`` bytes. A truncated stream gives what it holds (the lenient
    XML parser then follows what it can, and the document is recorded as malformed).

    >>> import gzip
    >>> maybe_gunzip(gzip.compress(b"<urlset/>") + gzip.compress(b"<!-- 2 -->"))
    b'<urlset/><!-- 2 -->'
    >>> try:
    ...     maybe_gunzip(gzip.compress(b"x" * 1000), limit=999)
    ... except MalformedDocument as exc:
    ...     print(exc)
    gzip: decompresses to more than 999 bytes
    """
    if not is_gzip(body):
        return body
    parts: list[bytes] = []
    size = 0
    data = body
    while data:
        inflater = zlib.decompressobj(GZIP_WBITS)
        try:
            part = inflater.decompress(data, limit + 1 - size)
        except zlib.error as exc:
            if parts:  # trailing garbage after a complete member, as gzip(1) allows
                break
            raise MalformedDocument(f"gzip: not valid gzip data ({exc})") from None
        parts.append(part)
        size += len(part)
        if size > limit or inflater.unconsumed_tail:
            raise MalformedDocument(f"gzip: decompresses to more than {limit} bytes")
        if not inflater.eof:  # truncated: keep what there is
            break
        data = inflater.unused_data if is_gzip(inflater.unused_data) else b""
    return b"".join(parts)


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, as absolute URLs."""
    text = body.decode("utf-8", "replace")
    return [
        resolve(base_url, m.group(1)) for m in re.finditer(r"(?im)^\s*sitemap\s*:\s*(\S+)", text)
    ]


def _parse_xml(body: bytes, url: str) -> etree._Element:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(maybe_gunzip(body), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(f"{url}: not well-formed XML ({exc})") from exc
    except MalformedDocument as exc:
        raise MalformedDocument(f"{url}: {exc}") from None
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
    except MalformedDocument as exc:
        return str(exc)
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

    News sitemaps' ``news:publication_date`` is preferred over ``lastmod``. Every
    ``<loc>`` is kept as found (made absolute where it can be): a bad one is for the
    caller to check (:func:`councilwatch.spiders.urls.http_url`), record and skip.
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
            nested.append(resolve(url, loc))
        elif name == "url":
            date = None
            for sub in element.iter():
                if _local(sub.tag) == "publication_date" and sub.text:
                    date = sub.text.strip()
            pages.append(
                Entry(resolve(url, loc), normalise_date(date or _child_text(element, "lastmod")))
            )
    if _local(root.tag) not in ("urlset", "sitemapindex"):
        raise MalformedDocument(f"{url}: not a sitemap (root element <{_local(root.tag)}>)")
    return pages, nested


def feed_entries(body: bytes, url: str) -> list[Entry]:
    """Article links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, bad ones included
    (as :func:`sitemap_entries` keeps them)."""
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
            entries.append(Entry(resolve(url, link), normalise_date(date)))
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
