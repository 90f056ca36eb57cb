"""The one generic news spider: discover article URLs from feeds, sitemaps and
index pages, fetch each article once and turn it into an item with
:func:`councilwatch.extraction.gate.judge_page` (page extraction and the article gate).

Run it through ``councilwatch crawl`` (which also stores the items), or from the
repository root with ``scrapy crawl news -a start_urls=http://127.0.0.1:8000/robots.txt``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DownloadCancelledError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.response import get_base_url
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from councilwatch.extraction.gate import STAGE as EXTRACT_STAGE
from councilwatch.extraction.gate import Refusal, Verdict, judge_page

from .bounds import (
    DEFAULT_MAX_ARTICLE_URLS,
    DEFAULT_MAX_DISCOVERY_URLS,
    DEFAULT_MAX_SITEMAP_DEPTH,
    URLBudgets,
    depth_refusal,
)
from .discovery import (
    Entry,
    MalformedDocument,
    feed_entries,
    kind_of,
    sitemap_entries,
    sitemaps_from_robots,
    xml_problem,
)
from .hosts import SourceHosts
from .refusals import DEFAULT_BLOCK_AFTER, REFUSAL_STATUSES
from .sources import Source, select_sources
from .urls import BadURL, canonicalize, http_url, resolve

#: Fallback for sites without a registered pattern: paths that look like stories.
DEFAULT_ARTICLE_PATTERN = re.compile(r"/(news|articles?|story|\d{4}/\d{2}/\d{2})/[^?#]+")
NEXT_PAGE_XPATH = (
    '//link[@rel="next"]/@href | //a[@rel="next"]/@href | //a[contains(@class, "next")]/@href'
)


class CrawlItem(dict):
    """An item as a plain dict (so it travels through Redis or JSON), shown briefly in logs."""

    def __repr__(self) -> str:
        return f"<{self.get('kind')} {self.get('url')}>"

    __str__ = __repr__


def _split(values: str | Iterable[str]) -> list[str]:
    if isinstance(values, str):
        values = values.split(",")
    return [v.strip() for v in values if v and v.strip()]


def netloc_of(url: str) -> str:
    """``host[:port]`` of ``url``, or '' when it has none or cannot be parsed."""
    try:
        return urlsplit(url).netloc
    except ValueError:
        return ""


def article_item(article: dict, response: Response, source: str | None) -> CrawlItem:
    return CrawlItem(
        {
            "kind": "article",
            **article,
            "source": source,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "raw_html": response.body,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1"),
        }
    )


def error_item(
    url: str, stage: str, reason: str, source: str | None = None, status: int | None = None
) -> CrawlItem:
    return CrawlItem(
        kind="error", url=url, stage=stage, reason=reason, source=source, status=status
    )


#: IgnoreRequest reasons that are decisions, not failures (robots.txt only for a URL the
#: crawl asked for itself: one reached by a redirect that robots.txt forbids is recorded).
NOT_ERRORS = ("Forbidden by robots.txt", "already stored", "source blocked")
#: Of those, the ones that still mean a start URL gave nothing.
NOT_START_FAILURES = ("already stored", "source blocked")


def failure_reason(failure: Failure, maxsize: int) -> str:
    """What went wrong with a request, in words for ``crawl_errors``.

    A download cut off for growing past ``DOWNLOAD_MAXSIZE`` (a chunked response with
    no ``Content-Length``) fails with a bare ``DownloadCancelledError``; it says so here.
    """
    message = failure.getErrorMessage()
    if failure.check(CancelledError, DownloadCancelledError) and not message:
        return f"download cancelled: the response grew past DOWNLOAD_MAXSIZE ({maxsize} bytes)"
    return f"{failure.type.__name__}: {message}" if message else failure.type.__name__


class NewsSpider(scrapy.Spider):
    """Crawl registry sources and/or any feeds, sitemaps or robots.txt given as start URLs.

    Arguments (``-a`` on the command line): ``sources`` (comma-separated registry
    names), ``start_urls`` (comma-separated), ``source`` (name recorded on articles
    found from the start URLs; default: their host), ``since`` (ISO date: skip
    entries and articles published before it), ``max_articles``.
    """

    name = "news"
    #: Run page extraction (``COUNCILWATCH_EXTRACT``; off: fetch only, for benchmarks).
    extract_pages: bool = True
    #: Extraction worker processes (``COUNCILWATCH_EXTRACT_PROCESSES``; 0: in-process).
    extract_processes: int = 0
    #: Refusals after which a source is blocked for the run (``COUNCILWATCH_BLOCK_AFTER``).
    block_after: int = DEFAULT_BLOCK_AFTER
    #: Sitemap indexes followed below a start URL (``COUNCILWATCH_MAX_SITEMAP_DEPTH``).
    max_sitemap_depth: int = DEFAULT_MAX_SITEMAP_DEPTH
    #: The size over which a download is cut off (Scrapy's ``DOWNLOAD_MAXSIZE``), for
    #: the reason recorded when that happens.
    size_limit: int = 0
    #: Class of the extraction workers (``COUNCILWATCH_PAGE_POOL``): built from the crawler,
    #: its ``analyse_page(body, url, content_type)`` coroutine gives the gate's verdict and
    #: fields to add to the article item (its facts), and its ``start()`` starts the workers
    #: when the spider opens; empty: a plain process pool, started on the first page.
    page_pool: str = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        """The spider with its settings read once (``-s`` and Scrapyd settings included)."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.extract_pages = settings.getbool("COUNCILWATCH_EXTRACT", cls.extract_pages)
        spider.extract_processes = settings.getint(
            "COUNCILWATCH_EXTRACT_PROCESSES", cls.extract_processes
        )
        spider.block_after = settings.getint("COUNCILWATCH_BLOCK_AFTER", cls.block_after)
        spider.max_sitemap_depth = settings.getint(
            "COUNCILWATCH_MAX_SITEMAP_DEPTH", cls.max_sitemap_depth
        )
        spider.budgets = URLBudgets(
            {
                "discover": settings.getint(
                    "COUNCILWATCH_MAX_DISCOVERY_URLS", DEFAULT_MAX_DISCOVERY_URLS
                ),
                "fetch": settings.getint("COUNCILWATCH_MAX_ARTICLE_URLS", DEFAULT_MAX_ARTICLE_URLS),
            }
        )
        spider.size_limit = settings.getint("DOWNLOAD_MAXSIZE")
        spider.page_pool = settings.get("COUNCILWATCH_PAGE_POOL") or ""
        return spider

    def __init__(
        self,
        start_urls: str | Iterable[str] = (),
        sources: str | Iterable[str] = (),
        source: str | None = None,
        since: str | None = None,
        max_articles: int | str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sources: dict[str, Source] = {s.name: s for s in select_sources(_split(sources))}
        self.starts: list[tuple[str, str]] = [
            (url, s.name) for s in self.sources.values() for url in s.start_urls
        ]
        for url in _split(start_urls):
            name = source or netloc_of(url) or "unknown"
            self.sources.setdefault(name, Source(name=name, title=name, homepage=url))
            self.starts.append((url, name))
        self.hosts = SourceHosts(
            {s.name: s.allowed_domains for s in self.sources.values()}, self.starts
        )
        self.allowed_domains = list(self.hosts.all_domains)
        self.budgets = URLBudgets(
            {"discover": DEFAULT_MAX_DISCOVERY_URLS, "fetch": DEFAULT_MAX_ARTICLE_URLS}
        )
        self.since = since or None
        self.max_articles = int(max_articles) if max_articles else None
        self.articles_requested = 0
        self.articles_seen = 0
        self.requested_articles: set[str] = set()
        self.refusals: dict[str, int] = {}
        self.blocked: set[str] = set()
        self.too_deep: set[str] = set()
        self._extraction_pool: ProcessPoolExecutor | None = None

    async def start(self) -> AsyncIterator[Request | CrawlItem]:
        if self.extract_pages and self.page_pool and (pool := self.extraction_pool()):
            pool.start()  # its workers load while discovery runs
        for url, source in self.starts:
            self.crawler.stats.inc_value("councilwatch/start_urls")
            try:
                checked = http_url(url)
            except BadURL as exc:
                self.crawler.stats.inc_value("councilwatch/start_failed")
                yield error_item(url, "discover", f"bad start URL: {exc}", source)
                continue
            self.budgets.take(source, "discover")
            # always fetched, even when a resumed crawl (JOBDIR) saw them before
            request = self.discovery_request(checked, source)
            request.meta["start"] = True
            yield request.replace(dont_filter=True)

    def wants(self, url: str, source: str, *, from_feed: bool) -> bool:
        """Whether ``url`` is one of ``source``'s articles.

        Registry sources say so with their article patterns. For other start URLs,
        feed entries are taken as articles and sitemap or index links must look
        like stories (:data:`DEFAULT_ARTICLE_PATTERN`).
        """
        registered = self.sources[source]
        if registered.article_patterns:
            return registered.is_article_url(url)
        return from_feed or bool(DEFAULT_ARTICLE_PATTERN.search(url))

    # -- requests ----------------------------------------------------------

    def discovery_request(
        self, url: str, source: str, expect: str | None = None, depth: int = 0
    ) -> Request:
        """A request for a feed, sitemap, robots.txt or index page; ``depth`` counts the
        sitemap indexes above it."""
        return Request(
            url,
            callback=self.parse_discovery,
            errback=self.on_error,
            meta={"stage": "discover", "source": source, "expect": expect, "depth": depth},
            priority=10,
        )

    def follow_discovery(
        self, link: str, source: str, found_in: str, *, expect: str | None = None, depth: int = 0
    ) -> Iterator[Request | CrawlItem]:
        """The request for a discovery document linked from ``found_in``, or the error
        item recording why there is none (a bad link, the source's budget spent)."""
        try:
            url = http_url(link)
        except BadURL as exc:
            yield error_item(found_in, "discover", f"bad link skipped: {exc}", source)
            return
        over = self.budgets.take(source, "discover")
        if over is None:
            yield self.discovery_request(url, source, expect=expect, depth=depth)
        elif over:
            self.logger.warning("Source %s: %s", source, over)
            yield error_item(url, "discover", over, source)

    def article_request(self, url: str, source: str) -> Request | CrawlItem | None:
        """The request for an article page, or ``None`` when it is not to be fetched
        (seen, blocked, enough articles); an error item when the source's budget is
        spent (the first time)."""
        if source in self.blocked:
            return None
        key = canonicalize(url)
        if key in self.requested_articles:
            return None
        if self.max_articles is not None and self.articles_requested >= self.max_articles:
            return None
        over = self.budgets.take(source, "fetch")
        if over is not None:
            if over:
                self.logger.warning("Source %s: %s", source, over)
            return error_item(url, "fetch", over, source) if over else None
        self.requested_articles.add(key)
        self.articles_requested += 1
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={"stage": "fetch", "source": source, "article": True},
        )

    def too_old(self, published: str | None) -> bool:
        return bool(self.since and published and published[:10] < self.since[:10])

    # -- callbacks ---------------------------------------------------------

    def parse_discovery(self, response: Response) -> Iterator[Request | CrawlItem]:
        source = response.meta["source"]
        if response.status == 304:  # conditional GET: nothing new since last time
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        kind = kind_of(response.body, response.url, content_type)
        expected = response.meta.get("expect")
        if kind == "robots":
            for url in sitemaps_from_robots(response.body, response.url):
                yield from self.follow_discovery(url, source, response.url, expect="sitemap")
            return
        if expected and kind != expected:
            reason = f"expected a {expected}, got {kind}"
            yield error_item(response.url, "discover", reason, source)
            return
        if kind == "html":
            yield from self.parse_index(response)
            return
        problem = xml_problem(response.body)
        if problem:
            self.logger.info("Malformed %s %s: %s", kind, response.url, problem)
            yield error_item(response.url, "discover", problem, source)
        try:
            if kind == "sitemap":
                pages, nested = sitemap_entries(response.body, response.url)
                yield from self.follow_nested(nested, response)
                yield from self.follow_entries(pages, source, response.url, from_feed=False)
            else:
                entries = feed_entries(response.body, response.url)
                yield from self.follow_entries(entries, source, response.url, from_feed=True)
        except MalformedDocument as exc:
            if not problem:
                yield error_item(response.url, "discover", str(exc), source)

    def follow_nested(self, nested: list[str], response: Response) -> Iterator[Request | CrawlItem]:
        """The nested sitemaps of a sitemap index, down to ``COUNCILWATCH_MAX_SITEMAP_DEPTH``."""
        source = response.meta["source"]
        depth = response.meta.get("depth", 0) + 1
        if nested and depth > self.max_sitemap_depth:
            self.crawler.stats.inc_value("councilwatch/sitemaps_too_deep", len(nested))
            if source not in self.too_deep:  # recorded once per source: a generator
                self.too_deep.add(source)  # of indexes would write a row per index
                reason = depth_refusal(depth, self.max_sitemap_depth, len(nested))
                self.logger.warning("Source %s: %s (%s)", source, reason, response.url)
                yield error_item(response.url, "discover", reason, source)
            return
        for url in nested:
            yield from self.follow_discovery(
                url, source, response.url, expect="sitemap", depth=depth
            )

    def follow_entries(
        self, entries: Iterable[Entry], source: str, found_in: str, *, from_feed: bool
    ) -> Iterator[Request | CrawlItem]:
        """Requests for the article entries of a feed or sitemap; a bad link is recorded
        (against the document it was found in) and skipped, the others followed."""
        for entry in entries:
            if self.too_old(entry.published):
                continue
            try:
                url = http_url(self.sources[source].rewrite_link(entry.url))
            except BadURL as exc:
                self.crawler.stats.inc_value("councilwatch/bad_links")
                yield error_item(found_in, "discover", f"bad link skipped: {exc}", source)
                continue
            if not self.wants(url, source, from_feed=from_feed):
                self.crawler.stats.inc_value("councilwatch/not_article_urls")
                continue
            request = self.article_request(url, source)
            if request is not None:
                yield request

    def parse_index(self, response: Response) -> Iterator[Request | CrawlItem]:
        """An HTML page found in discovery: an article, or an index page to follow."""
        source = response.meta["source"]
        if self.looks_like_article(response):
            yield from self.parse_article_here(response)
            return
        base = get_base_url(response)
        links = {
            url
            for href in response.xpath("//a/@href").getall()
            if (url := self.same_host_link(base, href, response.url))
            and self.wants(url, source, from_feed=False)
        }
        next_pages = response.xpath(NEXT_PAGE_XPATH).getall()[:1]
        if not links and not next_pages:
            yield error_item(response.url, "discover", "no article links found", source)
        for url in sorted(links):
            request = self.article_request(url, source)
            if request is not None:
                yield request
        for href in next_pages:
            yield from self.follow_discovery(resolve(base, href), source, response.url)

    @staticmethod
    def same_host_link(base: str, href: str, page_url: str) -> str | None:
        """An index page's link as an http(s) URL on the page's own host, else ``None``
        (``javascript:`` and other junk links are common on index pages: not errors)."""
        try:
            url = http_url(href, base)
        except BadURL:
            return None
        return url if urlsplit(url).netloc == urlsplit(page_url).netloc else None

    @staticmethod
    def looks_like_article(response: Response) -> bool:
        og_type = response.xpath('//meta[@property="og:type"]/@content').get("")
        return og_type.lower() == "article"

    def parse_article(self, response: Response) -> Iterable | AsyncIterator:
        """Items of an article page: extracted here, or in the extraction worker processes
        when ``COUNCILWATCH_EXTRACT_PROCESSES`` > 0 (the reactor keeps fetching meanwhile)."""
        if not self.extract_pages:
            # fetch-only mode, for measuring the crawl apart from page extraction
            self.crawler.stats.inc_value("councilwatch/pages_not_extracted")
            return ()
        if self.extraction_pool() is not None:
            return self.parse_article_elsewhere(response)
        return self.parse_article_here(response)

    def parse_article_here(self, response: Response) -> Iterator[CrawlItem]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        verdict = judge_page(response.body, response.url, content_type=content_type)
        yield from self.article_items(verdict, response)

    async def parse_article_elsewhere(self, response: Response) -> AsyncIterator[CrawlItem]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        pool = self.extraction_pool()
        extra: dict = {}
        try:
            if self.page_pool:
                verdict, extra = await pool.analyse_page(response.body, response.url, content_type)
            else:
                future = pool.submit(
                    judge_page, response.body, response.url, content_type=content_type
                )
                verdict = await asyncio.wrap_future(future)
        except Exception as exc:  # the worker process died under this page
            verdict = Verdict(None, Refusal.extraction_failed(exc))
            if isinstance(exc, BrokenProcessPool):  # start afresh
                self.logger.error("Extraction workers died; starting new ones")
                if self._extraction_pool is pool:
                    self._extraction_pool = None
        self.crawler.stats.inc_value("councilwatch/extracted_in_workers")
        for item in self.article_items(verdict, response):
            if item["kind"] == "article":
                item.update(extra)
                if "html_gz" in item:  # the worker compressed the page for the store
                    del item["raw_html"]
            yield item

    def extraction_pool(self) -> ProcessPoolExecutor | None:
        """The extraction worker processes (started on first use), or None."""
        if self._extraction_pool is None:
            if self.extract_processes <= 0 or not is_asyncio_available():
                return None
            if self.page_pool:
                pool_class = load_object(self.page_pool)
                self._extraction_pool = build_from_crawler(pool_class, self.crawler)
                return self._extraction_pool
            context = multiprocessing.get_context("spawn")  # no forked reactor
            self._extraction_pool = ProcessPoolExecutor(self.extract_processes, mp_context=context)
        return self._extraction_pool

    def closed(self, reason: str) -> None:
        if self._extraction_pool is not None:
            self._extraction_pool.shutdown(cancel_futures=True)

    def article_items(self, verdict: Verdict, response: Response) -> Iterator[CrawlItem]:
        """The article item for a page the gate let through, or an error item saying why
        there is none (recorded in ``crawl_errors`` like every other refusal)."""
        source = response.meta["source"]
        if verdict.refusal is not None:
            refusal = verdict.refusal
            if refusal.code == "extraction_failed":
                self.logger.error("Extraction failed on %s: %s", response.url, refusal.reason)
            self.crawler.stats.inc_value(f"councilwatch/refused/{refusal.code}")
            yield error_item(response.url, EXTRACT_STAGE, refusal.reason, source)
            return
        article = verdict.article
        if self.too_old(article.published):
            return
        self.articles_seen += 1
        yield article_item(article.as_dict(), response, source)
        if self.max_articles is not None and self.articles_seen >= self.max_articles:
            raise CloseSpider("max_articles")

    def on_error(self, failure: Failure) -> Iterator[CrawlItem]:
        """Record a failed request in ``crawl_errors`` against the URL the crawl asked for
        (the first of a redirect chain, the hop that failed named in the reason)."""
        request = failure.request
        source = request.meta.get("source")
        chain = request.meta.get("redirect_urls") or []
        status = None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
            if status in REFUSAL_STATUSES and source:
                self.note_refusal(source)
        elif failure.check(IgnoreRequest):
            reason = failure.getErrorMessage()
            decision = any(reason.startswith(skip) for skip in NOT_ERRORS)
            if request.meta.get("start") and not reason.startswith(NOT_START_FAILURES):
                self.crawler.stats.inc_value("councilwatch/start_failed")
            if decision and not chain:
                return
        else:
            reason = failure_reason(failure, self.size_limit)
        if chain:
            reason = f"redirected to {request.url}: {reason}"
        if request.meta.get("start") and not failure.check(IgnoreRequest):
            self.crawler.stats.inc_value("councilwatch/start_failed")
        url = chain[0] if chain else request.url
        self.logger.info("Failed %s: %s", url, reason)
        yield error_item(url, request.meta.get("stage", "fetch"), reason, source, status)

    def note_refusal(self, source: str) -> None:
        """Count a refusal; past ``COUNCILWATCH_BLOCK_AFTER`` stop asking this source."""
        self.refusals[source] = self.refusals.get(source, 0) + 1
        if self.refusals[source] >= self.block_after:
            if source not in self.blocked:
                self.logger.warning("Source %s refuses us: recorded as blocked", source)
            self.blocked.add(source)
