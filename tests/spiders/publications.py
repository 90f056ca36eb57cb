"""Local copies of the registry's publications, served on one loopback port.

Each ``tests/spiders/fixtures/<source>/`` holds a publication's feeds,
robots.txt and two article pages written for councilwatch's tests in that
site's markup, plus ``expected.json``: the site's ``host``, its ``pages``
(URL path, with query, -> file), ``redirects`` (host -> path -> real URL, e.g.
The Register's go.theregister.com feed redirector) and the ``articles`` the
crawl must store. :func:`serve_publications` serves them all, routing by the
``Host`` header, so a crawl with ``COUNCILWATCH_HOST_MAP`` pointing every host
at it sees the real publication URLs.

>>> sites = load_publications()
>>> len(sites) == 14 and all(len(s.articles) == 2 for s in sites)
True
>>> with serve_publications(sites) as (base, requested):
...     status, _ = fetch(base, "www.theregister.com", "/robots.txt")
>>> status
200
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote

from ..localsite import serving

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT_TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/rss+xml; charset=UTF-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass
class Publication:
    """One publication's fixture directory, as described by its ``expected.json``."""

    source: str
    host: str
    directory: Path
    pages: dict[str, str]
    articles: list[dict]
    redirects: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def hosts(self) -> list[str]:
        """Every host this publication's fixtures answer for."""
        return [self.host, *self.redirects]


def load_publications(root: Path = FIXTURES) -> list[Publication]:
    """Every fixture publication under ``root``, in name order."""
    publications = []
    for expected in sorted(root.glob("*/expected.json")):
        data = json.loads(expected.read_text(encoding="utf-8"))
        publications.append(
            Publication(
                source=data["source"],
                host=data["host"],
                directory=expected.parent,
                pages=data["pages"],
                articles=data["articles"],
                redirects=data.get("redirects", {}),
            )
        )
    return publications


def _routes(publications: list[Publication]) -> dict[tuple[str, str], tuple[int, dict, bytes]]:
    routes: dict[tuple[str, str], tuple[int, dict, bytes]] = {}
    for pub in publications:
        for path, name in pub.pages.items():
            file = pub.directory / name
            content_type = CONTENT_TYPES.get(file.suffix, "text/plain")
            routes[(pub.host, path)] = (200, {"Content-Type": content_type}, file.read_bytes())
        for host, targets in pub.redirects.items():
            for path, target in targets.items():
                routes[(host, path)] = (301, {"Location": target}, b"")
    return routes


@contextmanager
def serve_publications(
    publications: list[Publication] | None = None,
) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Serve the publications on 127.0.0.1; yield ``(base URL, requested (host, path))``.

    Unknown hosts and paths get a 404 page.
    """
    routes = _routes(publications if publications is not None else load_publications())
    requested: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            requested.append((host, self.path))
            found = routes.get((host, self.path)) or routes.get((host, unquote(self.path)))
            status, headers, body = found or (
                404,
                {"Content-Type": "text/html; charset=utf-8"},
                b"<h1>Not found</h1>",
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    with serving(Handler) as base:
        yield base, requested


def host_map(base: str, publications: list[Publication]) -> dict[str, str]:
    """``COUNCILWATCH_HOST_MAP`` sending every publication host to ``base``."""
    return {host: base for pub in publications for host in pub.hosts}


def fetch(base: str, host: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` from the fixture server as ``host``; return ``(status, body)``."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(base + path, headers={"Host": host})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
