"""Send requests for chosen hosts to a local server, keeping the real URLs everywhere else.

``COUNCILWATCH_HOST_MAP`` maps a hostname to a local base URL (a dict, or a JSON
object string as ``-s`` passes it)::

    councilwatch crawl --source theregister \\
        -s COUNCILWATCH_HOST_MAP='{"www.theregister.com": "http://127.0.0.1:8000"}'

A request for ``https://www.theregister.com/2024/05/01/story/`` is fetched from
``http://127.0.0.1:8000/2024/05/01/story/`` with ``Host: www.theregister.com``
(so one local server can serve several publications), and its response comes
back with the original URL: the spider, robots.txt handling, discovery,
extraction, canonical URLs and stored articles only ever see the publication's
own URLs. ``Location`` headers of local redirects are turned back into real URLs
too. Empty map (the default): the middleware is switched off.

>>> mw = HostMapMiddleware({"www.theregister.com": "http://127.0.0.1:8000"})
>>> mw.local_url("https://www.theregister.com/headlines.atom?x=1")
'http://127.0.0.1:8000/headlines.atom?x=1'
>>> mw.local_url("https://example.org/") is None
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

META_KEY = "councilwatch_hostmap"  # (original URL, local URL) of a rewritten request


def parse_host_map(value: Mapping[str, str] | str | None) -> dict[str, str]:
    """The host map from a setting value: a mapping or a JSON object string.

    >>> parse_host_map('{"WWW.Gov.UK": "http://127.0.0.1:9000/"}')
    {'www.gov.uk': 'http://127.0.0.1:9000'}
    >>> parse_host_map("")
    {}
    """
    if not value:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"COUNCILWATCH_HOST_MAP is not a JSON object: {exc}") from exc
    if not isinstance(value, Mapping):
        raise ValueError("COUNCILWATCH_HOST_MAP must map hostnames to base URLs")
    host_map = {}
    for host, base in value.items():
        parts = urlsplit(str(base))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"COUNCILWATCH_HOST_MAP: {base!r} is not an http(s) base URL")
        host_map[str(host).lower()] = f"{parts.scheme}://{parts.netloc}"
    return host_map


class HostMapMiddleware:
    """Downloader middleware: fetch mapped hosts from local servers (tests, mirrors)."""

    def __init__(self, host_map: Mapping[str, str]) -> None:
        self.host_map = parse_host_map(dict(host_map))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostMapMiddleware:
        host_map = parse_host_map(crawler.settings.get("COUNCILWATCH_HOST_MAP"))
        if not host_map:
            raise NotConfigured
        return cls(host_map)

    def local_url(self, url: str) -> str | None:
        """Where ``url`` is fetched from, or None when its host is not mapped."""
        parts = urlsplit(url)
        base = self.host_map.get((parts.hostname or "").lower())
        if base is None:
            return None
        local = urlsplit(base)
        return urlunsplit((local.scheme, local.netloc, parts.path or "/", parts.query, ""))

    def process_request(self, request: Request) -> Request | None:
        local = self.local_url(request.url)
        if local is None:
            return None
        host = urlsplit(request.url).netloc
        # The rewritten request is scheduled afresh: the real URL already passed the
        # duplicate filter, the offsite check and robots.txt (all nearer the engine).
        rewritten = request.replace(
            url=local,
            dont_filter=True,
            meta={
                **request.meta,
                META_KEY: (request.url, local),
                "allow_offsite": True,
                "dont_obey_robotstxt": True,
            },
        )
        rewritten.headers["Host"] = host
        return rewritten

    def process_response(self, request: Request, response: Response) -> Response:
        original, local = request.meta.get(META_KEY) or (None, None)
        if original is None or request.url != local:
            return response
        location = response.headers.get("Location")
        if location is not None:
            target = urljoin(original, location.decode("latin-1"))
            local_base = urlsplit(local).netloc
            if urlsplit(target).netloc == local_base:  # a local absolute redirect
                parts = urlsplit(target)
                real = urlsplit(original)
                target = urlunsplit((real.scheme, real.netloc, parts.path, parts.query, ""))
            response.headers["Location"] = target
        return response.replace(url=original)
