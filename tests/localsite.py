"""A tiny loopback HTTP server for crawl tests: path -> canned response."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes | str
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Hit:
    """One request the server answered."""

    path: str
    headers: dict[str, str]
    at: float


#: A route is a fixed Page, or a function of (request headers, attempt number from 1).
Route = Page | Callable[[dict[str, str], int], Page]


@contextmanager
def serve_pages(pages: dict[str, Route]) -> Iterator[tuple[str, list[str]]]:
    """Serve ``pages`` on 127.0.0.1; yield ``(base_url, requested paths)``."""
    with serve_routes(pages) as (base, hits):
        yield base, hits.paths


class Hits(list):
    """Requests seen, in order; ``paths`` is the same as a live list of paths."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def add(self, hit: Hit) -> None:
        self.append(hit)
        self.paths.append(hit.path)


@contextmanager
def serve_routes(pages: dict[str, Route]) -> Iterator[tuple[str, Hits]]:
    """Serve ``pages`` on 127.0.0.1; yield ``(base_url, hits)`` with every request seen."""
    hits = Hits()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            headers = {k.lower(): v for k, v in self.headers.items()}
            with lock:
                hits.add(Hit(self.path, headers, time.monotonic()))
                attempt = sum(1 for h in hits if h.path == self.path)
            route = pages.get(self.path) or Page("<h1>Not found</h1>", status=404)
            page = route(headers, attempt) if callable(route) else route
            body = page.body.encode("utf-8") if isinstance(page.body, str) else page.body
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    with serving(Handler) as base:
        yield base, hits


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run a threaded HTTP server with ``handler`` on a free 127.0.0.1 port; yield its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
