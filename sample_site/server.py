"""Serve the sample site over HTTP, optionally with generated articles and injected faults.

Pages come from :class:`.pages.SitePages` (rendered lazily, with an LRU cache); the server
is threaded, so a hung connection (a ``timeout`` fault) does not block the others. Faults
(:mod:`.faults`) hit a share ``fault_rate`` of responses to article pages, the feed and
sitemap files; ``/__faults__.json`` reports what was injected. Meant for loopback use in
demos and tests.

>>> import urllib.request
>>> with running_sample_site() as base_url:
...     with urllib.request.urlopen(base_url + "/robots.txt") as response:
...         b"Sitemap:" in response.read()
True
"""

from __future__ import annotations

import json
import random
import socket
import struct
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .data import SampleArticle, body_text, sample_articles, sort_articles
from .faults import HUGE_SIZE, FaultLog, FaultPlan, unit
from .generate import generate_articles
from .pages import DEFAULT_SITEMAP_SIZE, SitePages
from .render import HTML, article_path, render_not_found

__all__ = [
    "FaultLog",
    "FaultPlan",
    "SampleSite",
    "body_text",
    "running_sample_site",
    "sample_articles",
    "serve_forever",
    "site_articles",
]

FAULTS_PATH = "/__faults__.json"


def site_articles(
    articles: Sequence[SampleArticle] | None = None, extra_articles: int = 0, seed: int = 0
) -> list[SampleArticle]:
    """``articles`` (default: the shipped ones) plus ``extra_articles`` generated, newest first.

    >>> len(site_articles(extra_articles=3, seed=1)) == len(sample_articles()) + 3
    True
    """
    base = sample_articles() if articles is None else list(articles)
    if extra_articles < 0:
        raise ValueError("extra_articles must not be negative")
    taken = [article_path(a) for a in base]
    return sort_articles(base + generate_articles(extra_articles, seed, taken_paths=taken))


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    pages: SitePages
    base_url: str
    log_requests: bool
    plan: FaultPlan
    faults: FaultLog
    stopping: threading.Event

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the client went away (expected with faults): not worth a traceback
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    server_version = "SampleTechPress/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # the socket was closed or reset on purpose

    def _send(self, status: int, headers: dict[str, str], body: bytes, send_body: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _respond(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        path = parts.path or "/"
        query = parse_qs(parts.query)
        page_number = query.get("page", [""])[0]
        if page_number.isdigit() and int(page_number) > 1 and path.endswith("/"):
            path = f"{path}page/{int(page_number)}/"  # ?page=N is an alias of /page/N/
        if path == FAULTS_PATH:
            detail = query.get("detail", [""])[0] not in ("", "0")
            report = self.server.faults.summary(self.server.plan, detail=detail)
            body = json.dumps(report, indent=1).encode()
            self._send(HTTPStatus.OK, {"Content-Type": "application/json"}, body, send_body)
            return
        pages = self.server.pages
        target = pages.target(path)
        if target is not None and send_body:
            plan = self.server.plan
            if "loop" in query and plan.permanent_fault(path, target) == "redirect_loop":
                self._redirect(self.server.base_url + path)  # B -> A: not counted
                return
            attempt = self.server.faults.next_attempt(path)
            kind = plan.decide(path, attempt, target)
            self.server.faults.record(path, attempt, kind)
            if kind is not None:
                self._fault(kind, path, attempt)
                return
        status, headers, body = self._resolve(path, parts.query)
        self._send(status, headers, body, send_body)

    def _resolve(self, path: str, query: str) -> tuple[int, dict[str, str], bytes]:
        pages = self.server.pages
        page = pages.get(path)
        if page is not None:
            content_type, body = page
            return HTTPStatus.OK, {"Content-Type": content_type}, body
        if not path.endswith("/") and pages.get(path + "/") is not None:
            suffix = f"?{query}" if query else ""
            location = f"{self.server.base_url}{path}/{suffix}"
            return HTTPStatus.MOVED_PERMANENTLY, {"Location": location}, b""
        body = render_not_found(self.server.base_url, path)
        return HTTPStatus.NOT_FOUND, {"Content-Type": HTML}, body

    # -- faults ------------------------------------------------------------------------

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.FOUND, {"Location": location}, b"", True)

    def _abort(self) -> None:
        """Reset the connection: close with SO_LINGER 0, which sends a TCP RST."""
        self.close_connection = True
        try:
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.connection.close()
        except OSError:
            pass

    def _fault(self, kind: str, path: str, attempt: int) -> None:
        plan = self.server.plan
        self.close_connection = True
        if kind == "timeout":
            self.server.stopping.wait(plan.hang_seconds)
            return  # closed without a response
        if kind == "reset":
            self._abort()
            return
        if kind == "redirect_loop":
            self._redirect(f"{self.server.base_url}{path}?loop=1")
            return
        if kind in ("http_500", "http_503"):
            status = 500 if kind == "http_500" else 503
            headers = {"Content-Type": HTML}
            if status == 503:
                headers["Retry-After"] = str(1 + int(unit(plan.seed, path, attempt, "ra") * 5))
            body = f"<html><body><h1>{status} {HTTPStatus(status).phrase}</h1></body></html>"
            self._send(status, headers, body.encode(), True)
            return
        if kind == "binary":
            noise = random.Random(f"{plan.seed}-{path}").randbytes(32 * 1024)
            self._send(HTTPStatus.OK, {"Content-Type": HTML}, noise, True)
            return
        content_type, body = self.server.pages.get(path) or (HTML, b"")
        if kind == "truncated":
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
        elif kind == "bad_gzip":
            garbage = b"\x1f\x8b\x63" + random.Random(f"{plan.seed}-{path}").randbytes(509)
            headers = {"Content-Type": content_type, "Content-Encoding": "gzip"}
            self._send(HTTPStatus.OK, headers, garbage, True)
        elif kind == "wrong_charset":
            charset = "utf-16" if unit(plan.seed, path, attempt, "cs") < 0.5 else "iso-8859-1"
            headers = {"Content-Type": f"text/html; charset={charset}"}
            self._send(HTTPStatus.OK, headers, body, True)
        elif kind == "malformed_xml":
            cut = body[: len(body) * 3 // 5] + b"<item><title>Broken & unescaped"
            self._send(HTTPStatus.OK, {"Content-Type": content_type}, cut, True)
        elif kind == "huge":
            self._send_huge(content_type, body)
        else:  # pragma: no cover - FaultPlan only yields known kinds
            raise ValueError(f"unknown fault kind {kind!r}")

    def _send_huge(self, content_type: str, body: bytes) -> None:
        """A 20 MB response: the page, then an HTML comment padding it out, streamed."""
        head, tail = b"\n<!-- padding ", b" -->\n"
        padding = HUGE_SIZE - len(body) - len(head) - len(tail)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(HUGE_SIZE))
        self.end_headers()
        self.wfile.write(body + head)
        block = b"x" * 65536
        while padding > 0 and not self.server.stopping.is_set():
            self.wfile.write(block[: min(padding, len(block))])
            padding -= len(block)
        self.wfile.write(tail)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.server.log_requests:
            super().log_message(format, *args)


class SampleSite:
    """The sample site served by a background thread.

    ``port=0`` picks a free port; :attr:`base_url` is known once started.
    ``extra_articles`` generated articles (deterministic for ``seed``) are added to
    ``articles`` (default: the shipped ones). ``fault_rate`` (0..1) of the responses
    to article pages, the feed and sitemap files are faulty (see :mod:`.faults`);
    :attr:`faults` records what was injected and :attr:`plan` decides it.

    >>> site = SampleSite(extra_articles=20, fault_rate=0.2, seed=4).start()
    >>> site.base_url.startswith("http://127.0.0.1:"), len(site.articles) - len(sample_articles())
    (True, 20)
    >>> site.faults.counts()
    {}
    >>> site.stop()
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        articles: Sequence[SampleArticle] | None = None,
        log_requests: bool = False,
        *,
        extra_articles: int = 0,
        fault_rate: float = 0.0,
        seed: int = 0,
        hang_seconds: float = 60.0,
        fault_kinds: Iterable[str] | None = None,
        sitemap_size: int = DEFAULT_SITEMAP_SIZE,
        cache_size: int = 256,
    ) -> None:
        self.host = host
        self.port = port
        self.articles = site_articles(articles, extra_articles, seed)
        self.log_requests = log_requests
        kinds = frozenset(fault_kinds) if fault_kinds is not None else None
        self.plan = FaultPlan(fault_rate, seed, hang_seconds, kinds)
        self.faults = FaultLog()
        self.sitemap_size = sitemap_size
        self.cache_size = cache_size
        self.pages: SitePages | None = None
        self._server: _SiteServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The site's base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("the sample site is not running")
        return self._server.base_url

    def served_intact(self, path_or_url: str) -> bool:
        """Whether the page at ``path_or_url`` was ever served intact (without a fault).

        Only pages that faults can hit (articles, feed, sitemap files) are tracked.
        """
        return self.faults.served_intact(urlsplit(path_or_url).path or "/")

    def bind(self) -> _SiteServer:
        """Open the listening socket and index the pages for its address."""
        server = _SiteServer((self.host, self.port), _Handler)
        host, port = server.server_address[:2]
        shown = self.host if self.host not in ("", "0.0.0.0") else "127.0.0.1"
        if ":" in shown:
            shown = f"[{shown}]"
        server.base_url = f"http://{shown}:{port}"
        self.pages = SitePages(
            server.base_url,
            self.articles,
            sitemap_size=self.sitemap_size,
            cache_size=self.cache_size,
        )
        server.pages = self.pages
        server.log_requests = self.log_requests
        server.plan = self.plan
        server.faults = self.faults
        server.stopping = threading.Event()
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
        """Shut the server down, release hung connections and close its socket."""
        if self._server is not None:
            self._server.stopping.set()
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
    articles: Sequence[SampleArticle] | None = None,
    log_requests: bool = False,
    **options: Any,
) -> Iterator[str]:
    """Run the sample site in a background thread and yield its base URL.

    Keyword ``options`` are those of :class:`SampleSite` (``extra_articles``,
    ``fault_rate``, ``seed``, ...); use the class itself to reach the fault log.

    >>> with running_sample_site(extra_articles=5, seed=2) as base_url:
    ...     base_url.startswith("http://127.0.0.1:")
    True
    """
    with SampleSite(host, port, articles, log_requests, **options) as site:
        yield site.base_url


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8000,
    articles: Sequence[SampleArticle] | None = None,
    log_requests: bool = False,
    **options: Any,
) -> None:
    """Serve the sample site in the foreground until interrupted (Ctrl-C).

    Prints ``Serving the sample site at http://HOST:PORT/`` once listening. Used by
    ``councilwatch sample-site``; keyword ``options`` as for :class:`SampleSite`.
    """
    site = SampleSite(host, port, articles, log_requests, **options)
    server = site.bind()
    print(f"Serving the sample site at {server.base_url}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
    finally:
        server.stopping.set()
        server.server_close()
