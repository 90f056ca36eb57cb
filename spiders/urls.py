"""URL normalisation: one story, one canonical URL.

>>> canonicalize("https://Example.org/news/a/?utm_source=x&id=3#top")
'https://example.org/news/a/?id=3'
>>> canonicalize("https://example.org/news/a/amp/")
'https://example.org/news/a/'
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ito|itm_[a-z]+|ref|ref_src|"
    r"share|amp|outputType|CMP|s_cid|icid)$",
    re.IGNORECASE,
)
AMP_SUFFIX = re.compile(r"(/amp/?|\.amp)$")


def canonicalize(url: str) -> str:
    """Lower-case scheme and host, drop fragments, tracking parameters and AMP suffixes."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if not TRACKING_PARAMS.match(k)]
    path = AMP_SUFFIX.sub("/", parts.path) if parts.path not in ("/amp", "/amp/") else parts.path
    path = path.replace("//", "/") or "/"
    if path.startswith("/amp/"):
        path = path[4:]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


class BadURL(ValueError):
    """A link that is not an absolute http(s) URL with a host (``javascript:``, ``http://[x``)."""


#: Characters no URL may hold unescaped; a link containing one is junk, not a typo to repair.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BAD_HOST = re.compile(r"[\s<>\"'{}|\\^`%/]")


def http_url(raw: str, base: str | None = None) -> str:
    """``raw`` (resolved against ``base`` when relative) as an absolute http(s) URL.

    Raises :class:`BadURL` saying what is wrong, so one bad link in a feed or a
    sitemap can be recorded and skipped while the rest is followed.

    >>> http_url("/news/a/", "http://127.0.0.1:8000/feed/")
    'http://127.0.0.1:8000/news/a/'
    >>> for junk in ("javascript:alert(30)", "http://[broken"):
    ...     try:
    ...         http_url(junk)
    ...     except BadURL as exc:
    ...         print(exc)
    'javascript:alert(30)': not an http(s) URL (scheme javascript)
    'http://[broken': unparseable (Invalid IPv6 URL)
    """
    text = raw.strip()
    if not text:
        raise BadURL("empty URL")
    shown = text[:200]
    if _CONTROL.search(text):
        raise BadURL(f"{shown!r}: control characters in URL")
    try:
        own = urlsplit(text)
        parts = own if own.scheme or not base else urlsplit(urljoin(base, text))
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number in range)
    except ValueError as exc:
        raise BadURL(f"{shown!r}: unparseable ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadURL(f"{shown!r}: not an http(s) URL (scheme {parts.scheme or 'none'})")
    if not parts.hostname or _BAD_HOST.search(parts.hostname):
        raise BadURL(f"{shown!r}: no valid host")
    return parts.geturl()


def resolve(base: str, link: str) -> str:
    """``link`` made absolute against ``base`` where it can be; never raises.

    Discovery keeps every link it finds this way, junk included, so the spider can
    record a bad one (:func:`http_url` says why) instead of losing the whole document.

    >>> resolve("http://x/feed/", "../news/a/"), resolve("http://x/", "http://[broken")
    ('http://x/news/a/', 'http://[broken')
    >>> resolve("http://x/feed/", "http://")  # not joined into the feed's own URL
    'http://'

    """
    link = link.strip()
    try:
        return link if urlsplit(link).scheme else urljoin(base, link)
    except ValueError:
        return link
