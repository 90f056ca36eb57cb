"""The hostile site: a site that tries to lead the crawler astray, served on loopback.

Beside the fault injector (which makes the sample site fail the way real servers do),
this site misbehaves on purpose, as an attacker's or a broken publisher's would:

* redirects off-site (to ``http://127.0.0.2:Q/``, another host whose robots.txt
  disallows everything), into private ranges (``169.254.169.254``, ``10.0.0.1``, a
  name resolving to loopback), by ``<meta http-equiv="refresh">``, in a loop, and on
  start URLs (``/start/off-site/`` to the other host's feed, ``/start/on-site/`` to
  ``/start-feed.xml``);
* junk links inside its feed and its sitemap (``javascript:``, ``http://[broken``,
  ``file:``, ``data:``, out-of-range ports, relative junk), with good ones after them;
* a gzipped sitemap of 40,000 URLs, over 200 KB compressed, whose last entry is the
  only article in it (``/big.xml.gz``);
* a chain of 400 nested sitemap indexes (``/chain/1.xml``) and an endless generator
  of sitemap indexes (``/gen/1.xml``, three new ones in each);
* titles a spreadsheet would run as formulas (``=HYPERLINK(...)``, ``=cmd|...``,
  ``+``, ``-``, ``@``);
* a page with one invalid UTF-8 byte near "£2m", a page with a NUL in its first
  4 KB, a page without a title, a chunked page larger than the crawl's size limit,
  a page whose gzip Content-Encoding is garbled once, one whose gzip is always cut short.

Its content is data (``templates/hostile.json``); :class:`HostileSite` serves it on
127.0.0.1 and the other host on 127.0.0.2 (both loopback on Linux), and keeps the
paths each was asked for, so a test can tell what the crawler really requested.

>>> import urllib.request
>>> with HostileSite() as site:
...     with urllib.request.urlopen(site.other_url + "/robots.txt") as response:
...         response.read()
b'User-agent: *\\nDisallow: /\\n'
"""

from __future__ import annotations

import gzip
import json
import random
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

from .data import SampleArticle, sort_articles
from .render import HTML, XML, SiteRenderer, article_path, esc

OTHER_HOST = "127.0.0.2"
STRAY_BYTE = b"\xff"
#: How an article is named in the data file's link lists.
ARTICLE_REF = "article:"
#: A chunked page larger than ``oversized_page_bytes`` (no Content-Length).
OVERSIZED_PATH = "/news/2024/03/17/a-page-over-the-size-limit/"


@cache
def hostile_data() -> dict[str, Any]:
    """The hostile site's content (``templates/hostile.json``)."""
    folder = resources.files("councilwatch.sample_site") / "templates"
    return json.loads((folder / "hostile.json").read_text(encoding="utf-8"))


@dataclass
class Reply:
    """One response; ``chunks`` streams the body with chunked encoding (no length)."""

    status: int = 200
    content_type: str = HTML
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Iterator[bytes] | None = None


def sitemap_xml(locations: list[str], *, index: bool = False) -> bytes:
    """A ``<urlset>`` (or ``<sitemapindex>``) of ``locations``, escaped but not checked."""
    root, item = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    entries = "".join(f"<{item}><loc>{esc(loc)}</loc></{item}>" for loc in locations)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</{root}>\n'
    ).encode()


def rss_xml(title: str, links: list[str]) -> bytes:
    """An RSS feed whose items link to ``links``, escaped but not checked."""
    items = "".join(f"<item><title>Item</title><link>{esc(link)}</link></item>" for link in links)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{esc(title)}</title>{items}</channel></rss>\n"
    ).encode()


@cache
def big_sitemap(base_url: str, tail: str) -> bytes:
    """The gzipped sitemap of ``entries`` URLs (archive pages, none of them articles)
    whose last entry is ``tail``; deterministic, over 200 KB compressed."""
    spec = hostile_data()["big_sitemap"]
    rng = random.Random(spec["seed"])
    locations = [
        f"{base_url}/archive/{rng.randbytes(spec['id_bytes']).hex()}.html"
        for _ in range(spec["entries"] - 1)
    ]
    return gzip.compress(sitemap_xml([*locations, tail]), mtime=0)


class HostilePages:
    """Path -> :class:`Reply` for the hostile site at ``base_url``, with the other host
    at ``other_url``.

    >>> pages = HostilePages("http://127.0.0.1:8000", "http://127.0.0.2:8001")
    >>> pages.reply("/go/instance-metadata/", 1).headers["Location"]
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/'
    >>> pages.reply("/nope/", 1).status
    404
    """

    def __init__(self, base_url: str, other_url: str) -> None:
        self.base_url = base_url
        self.other_url = other_url
        self.data = hostile_data()
        self.articles = sort_articles([dict(a) for a in self.data["articles"]])
        self.renderer = SiteRenderer(base_url, self.articles)
        self.by_path = {article_path(a): i for i, a in enumerate(self.articles)}
        self.by_slug = {a["slug"]: article_path(a) for a in self.articles}
        self.fixed = self.fixed_replies()

    def link(self, text: str) -> str:
        """A link of the data file: ``article:<slug>`` becomes the article's URL,
        ``{base}``, ``{other}`` and ``{port}`` are filled in; junk stays junk."""
        if text.startswith(ARTICLE_REF):
            return self.base_url + self.by_slug[text.removeprefix(ARTICLE_REF)]
        port = self.base_url.rsplit(":", 1)[-1]
        return text.format(base=self.base_url, other=self.other_url, port=port)

    def article_url(self, slug: str) -> str:
        return self.base_url + self.by_slug[slug]

    def reply(self, path: str, attempt: int) -> Reply:
        """The reply to the ``attempt``-th request (from 1) for ``path`` (with its query)."""
        data = self.data
        if path in self.fixed:
            return self.fixed[path]
        if path == OVERSIZED_PATH:
            return Reply(chunks=self.oversized())
        if path in data["redirects"]:
            return Reply(302, headers={"Location": self.link(data["redirects"][path])})
        if path in data["meta_refresh"]:
            target = esc(self.link(data["meta_refresh"][path]))
            body = (
                f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head></html>'
            )
            return Reply(body=body.encode())
        if path.startswith(("/chain/", "/gen/")) and path.endswith(".xml"):
            return self.nested_sitemap(path)
        if path in self.by_path:
            return self.article(path, attempt)
        return Reply(404, body=b"<html><body><h1>Not found</h1></body></html>")

    def fixed_replies(self) -> dict[str, Reply]:
        data = self.data
        feed = [self.link(text) for text in data["feed"]]
        sitemap = [self.link(text) for text in data["sitemap"]]
        tail = self.article_url("last-entry-of-a-big-gzipped-sitemap")
        index = [f"{self.base_url}/{p}" for p in ("sitemaps/articles.xml", "big.xml.gz")]
        index += [f"{self.base_url}/chain/1.xml", f"{self.base_url}/gen/1.xml"]
        return {
            "/robots.txt": Reply(
                content_type="text/plain",
                body=f"User-agent: *\nAllow: /\nSitemap: {self.base_url}/sitemap.xml\n".encode(),
            ),
            "/feed.xml": Reply(content_type=XML, body=rss_xml("Hostile feed", feed)),
            "/start-feed.xml": Reply(
                content_type=XML,
                body=rss_xml("Start feed", [self.link(t) for t in data["start_feed"]]),
            ),
            "/sitemap.xml": Reply(content_type=XML, body=sitemap_xml(index, index=True)),
            "/sitemaps/articles.xml": Reply(content_type=XML, body=sitemap_xml(sitemap)),
            "/big.xml.gz": Reply(
                content_type="application/gzip", body=big_sitemap(self.base_url, tail)
            ),
            "/news/2024/03/16/no-title-at-all/": Reply(body=self.untitled_page()),
            "/news/2024/03/18/gzip-truncated-every-time/": Reply(
                headers={"Content-Encoding": "gzip"},
                body=gzip.compress(self.untitled_page() * 20)[:-40],
            ),
        }

    def nested_sitemap(self, path: str) -> Reply:
        """``/chain/<n>.xml`` (400 nested indexes, then one article) and ``/gen/<n>.xml``
        (an index of ``fan_out`` more, without end)."""
        kind, _, name = path.strip("/").partition("/")
        number = name.removesuffix(".xml")
        if not number.isdigit():
            return Reply(404)
        n = int(number)
        if kind == "chain":
            if n >= self.data["chain_length"]:
                body = sitemap_xml([self.article_url("end-of-a-400-level-sitemap-chain")])
                return Reply(content_type=XML, body=body)
            return Reply(
                content_type=XML,
                body=sitemap_xml([f"{self.base_url}/chain/{n + 1}.xml"], index=True),
            )
        fan_out = self.data["generator_fan_out"]
        children = [f"{self.base_url}/gen/{n * fan_out + i}.xml" for i in range(1, fan_out + 1)]
        return Reply(content_type=XML, body=sitemap_xml(children, index=True))

    def article(self, path: str, attempt: int) -> Reply:
        slug = path.rstrip("/").rsplit("/", 1)[-1]
        html = self.renderer.render_article(self.by_path[path])
        if slug == "one-stray-byte-near-the-money":
            html = html.replace(b"STRAY_BYTE", STRAY_BYTE)
        elif slug == "a-nul-in-the-first-kilobytes":
            html = html.replace(b"<head>", b"<head><!-- \x00 -->", 1)
        elif slug == "gzip-garbled-on-the-first-attempt":
            if attempt == 1:
                garbled = b"\x1f\x8b\x08" + random.Random(attempt).randbytes(400)
                return Reply(headers={"Content-Encoding": "gzip"}, body=garbled)
            return Reply(headers={"Content-Encoding": "gzip"}, body=gzip.compress(html))
        return Reply(body=html)

    def untitled_page(self) -> bytes:
        """An article page with a body and no title anywhere (no ``<title>``, ``<h1>``,
        og:title or JSON-LD headline)."""
        paragraphs = "".join(
            f"<p>{esc(text)}</p>"
            for text in self.data["other_host_article"]["body"] * 2  # enough body text
        )
        return (
            '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
            '<meta property="og:type" content="article"></head><body>'
            f'<article><div class="article-body">{paragraphs}</div></article></body></html>'
        ).encode()

    def oversized(self) -> Iterator[bytes]:
        """A page streamed in 64 KB chunks to ``oversized_page_bytes``, without a length."""
        total = self.data["oversized_page_bytes"]
        yield b"<!doctype html><html><head><title>Too big</title></head><body><p>"
        block = b"x" * 65536
        for _ in range(total // len(block) + 1):
            yield block
        yield b"</p></body></html>"


class OtherHostPages:
    """The other host (127.0.0.2): robots.txt disallows everything; a feed and an
    article that a crawler of the hostile site must never fetch."""

    def __init__(self, base_url: str) -> None:
        article: SampleArticle = dict(hostile_data()["other_host_article"])
        self.renderer = SiteRenderer(base_url, [article])
        self.article_path = article_path(article)
        self.base_url = base_url

    def reply(self, path: str, attempt: int) -> Reply:
        if path == "/robots.txt":
            return Reply(content_type="text/plain", body=b"User-agent: *\nDisallow: /\n")
        if path == "/feed.xml":
            body = rss_xml("Other host", [self.base_url + self.article_path])
            return Reply(content_type=XML, body=body)
        if path == self.article_path:
            return Reply(body=self.renderer.render_article(0))
        return Reply(404, body=b"Not found")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    pages: HostilePages | OtherHostPages
    hits: list[str]
    attempts: Counter[str]
    lock: threading.Lock


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "HostileSite/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        with self.server.lock:
            self.server.hits.append(self.path)
            self.server.attempts[self.path] += 1
            attempt = self.server.attempts[self.path]
        reply = self.server.pages.reply(self.path, attempt)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.chunks is not None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.stream(reply.chunks)
            return
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def stream(self, chunks: Iterator[bytes]) -> None:
        try:
            for chunk in chunks:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True  # the crawler hung up, as it should past its limit

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class HostileSite:
    """The hostile site on 127.0.0.1 and the other host on 127.0.0.2, on free ports.

    :attr:`hits` and :attr:`other_hits` list the paths (with queries) each was asked
    for, in order.
    """

    def __init__(self, host: str = "127.0.0.1", other_host: str = OTHER_HOST) -> None:
        self.host = host
        self.other_host = other_host
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self.hits: list[str] = []
        self.other_hits: list[str] = []

    def start(self) -> HostileSite:
        main = self._bind(self.host, self.hits)
        other = self._bind(self.other_host, self.other_hits)
        self.base_url = _base_url(main)
        self.other_url = _base_url(other)
        main.pages = HostilePages(self.base_url, self.other_url)
        other.pages = OtherHostPages(self.other_url)
        self.pages = main.pages
        for server in (main, other):
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _bind(self, host: str, hits: list[str]) -> _Server:
        server = _Server((host, 0), _Handler)
        server.hits = hits
        server.attempts = Counter()
        server.lock = threading.Lock()
        self._servers.append(server)
        return server

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> HostileSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _base_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"
