"""Serve the sample site over HTTP from an in-memory map of pre-rendered pages.

Pages are rendered once at start-up (:func:`build_site`) for the server's own base URL;
requests only look paths up. Meant for loopback use in demos and tests.

>>> import urllib.request
>>> with running_sample_site() as base_url:
...     with urllib.request.urlopen(base_url + "/robots.txt") as response:
...         b"Sitemap:" in response.read()
True
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .data import Article, body_text, sample_articles
from .render import HTML, Page, build_site, render_not_found

__all__ = [
    "SampleSite",
    "body_text",
    "build_site",
    "running_sample_site",
    "sample_articles",
    "serve_forever",
]


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    pages: dict[str, Page]
    base_url: str
    log_requests: bool


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    server_version = "SampleTechPress/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        status, headers, body = self._resolve()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _resolve(self) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(self.path)
        path = parts.path or "/"
        pages = self.server.pages
        page = parse_qs(parts.query).get("page", [""])[0]
        if page.isdigit() and int(page) > 1 and path.endswith("/"):
            path = f"{path}page/{int(page)}/"  # ?page=N is an alias of /page/N/
        if path in pages:
            content_type, body = pages[path]
            return HTTPStatus.OK, {"Content-Type": content_type}, body
        if not path.endswith("/") and path + "/" in pages:
            query = f"?{parts.query}" if parts.query else ""
            location = f"{self.server.base_url}{path}/{query}"
            return HTTPStatus.MOVED_PERMANENTLY, {"Location": location}, b""
        body = render_not_found(self.server.base_url, path)
        return HTTPStatus.NOT_FOUND, {"Content-Type": HTML}, body

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.server.log_requests:
            super().log_message(format, *args)


class SampleSite:
    """The sample site served by a background thread.

    ``port=0`` picks a free port; :attr:`base_url` is known once started.

    >>> site = SampleSite().start()
    >>> site.base_url.startswith("http://127.0.0.1:")
    True
    >>> site.stop()
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        articles: Sequence[Article] | None = None,
        log_requests: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.articles = list(articles) if articles is not None else None
        self.log_requests = log_requests
        self._server: _SiteServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The site's base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("the sample site is not running")
        return self._server.base_url

    def bind(self) -> _SiteServer:
        """Open the listening socket and render every page for its address."""
        server = _SiteServer((self.host, self.port), _Handler)
        host, port = server.server_address[:2]
        shown = self.host if self.host not in ("", "0.0.0.0") else "127.0.0.1"
        if ":" in shown:
            shown = f"[{shown}]"
        server.base_url = f"http://{shown}:{port}"
        server.pages = build_site(server.base_url, self.articles)
        server.log_requests = self.log_requests
        self.port = int(port)
        self._server = server
        return server

    def start(self) -> SampleSite:
        """Bind and serve in a daemon thread; return self."""
        server = self.bind()
        self._thread = threading.Thread(
            target=server.serve_forever, name="sample-site", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and close its socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextmanager
def running_sample_site(
    host: str = "127.0.0.1",
    port: int = 0,
    articles: Sequence[Article] | None = None,
    log_requests: bool = False,
) -> Iterator[str]:
    """Run the sample site in a background thread and yield its base URL.

    >>> with running_sample_site() as base_url:
    ...     base_url.startswith("http://127.0.0.1:")
    True
    """
    site = SampleSite(host, port, articles, log_requests)
    site.start()
    try:
        yield site.base_url
    finally:
        site.stop()


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8000,
    articles: Sequence[Article] | None = None,
    log_requests: bool = False,
) -> None:
    """Serve the sample site in the foreground until interrupted (Ctrl-C).

    Prints ``Serving the sample site at http://HOST:PORT/`` once listening. Used by
    ``councilwatch sample-site``.
    """
    site = SampleSite(host, port, articles, log_requests)
    server = site.bind()
    print(f"Serving the sample site at {server.base_url}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
    finally:
        server.server_close()
