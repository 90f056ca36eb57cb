"""Downloader middlewares."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.spiders.urls import canonicalize


class AlreadyStored(IgnoreRequest):
    """The article is in the database already (not an error)."""


def stored_urls(conn: sqlite3.Connection, article_ids: list[int] | None = None) -> set[str]:
    """Canonical forms of every stored article URL (or those of ``article_ids``), as the
    skip-stored middlewares compare them."""
    return {canonicalize(url) for url in store.known_urls(conn, article_ids)}


class SkipStoredArticlesMiddleware:
    """Do not fetch an article already stored (by canonical URL or alias).

    Switched off by ``COUNCILWATCH_REFRESH``. Only requests marked
    ``meta["article"]`` are checked: feeds and sitemaps are always fetched.
    """

    def __init__(self, db_path: str) -> None:
        with closing(connect(db_path)) as conn:
            self.stored = stored_urls(conn)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredArticlesMiddleware:
        if crawler.settings.getbool("COUNCILWATCH_REFRESH"):
            raise NotConfigured
        middleware = cls(crawler.settings.get("COUNCILWATCH_DB"))
        middleware.stats = crawler.stats
        return middleware

    def process_request(self, request: Request) -> None:
        if request.meta.get("article") and canonicalize(request.url) in self.stored:
            self.stats.inc_value("councilwatch/skipped_stored")
            raise AlreadyStored(f"already stored: {request.url}")


class ConditionalGetMiddleware:
    """Fetch feeds and sitemaps with ``If-None-Match`` / ``If-Modified-Since``.

    Validators are kept in the ``feed_state`` table; a ``304 Not Modified``
    reaches the spider, which then has nothing new to follow. Switched off by
    ``COUNCILWATCH_REFRESH``.
    """

    def __init__(self, db_path: str, stats) -> None:
        self.db_path = db_path
        self.stats = stats
        with closing(connect(db_path)) as conn:
            self.state = store.feed_states(conn)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        if crawler.settings.getbool("COUNCILWATCH_REFRESH"):
            raise NotConfigured
        return cls(crawler.settings.get("COUNCILWATCH_DB"), crawler.stats)

    def process_request(self, request: Request) -> None:
        if request.meta.get("stage") != "discover":
            return
        etag, last_modified = self.state.get(request.url, (None, None))
        if etag:
            request.headers.setdefault("If-None-Match", etag)
        if last_modified:
            request.headers.setdefault("If-Modified-Since", last_modified)
        request.meta.setdefault("handle_httpstatus_list", [304])

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("stage") != "discover":
            return response
        if response.status == 304:
            self.stats.inc_value("councilwatch/feeds_not_modified")
            return response
        if response.status == 200:
            etag = response.headers.get("ETag", b"").decode("latin-1") or None
            modified = response.headers.get("Last-Modified", b"").decode("latin-1") or None
            if etag or modified:
                with closing(connect(self.db_path)) as conn:
                    store.save_feed_state(conn, request.url, etag, modified, response.status)
        return response


class SourceBlocked(IgnoreRequest):
    """The request's source refused us this run: not asked again (not an error)."""


class SkipBlockedSourcesMiddleware:
    """Drop queued requests for a source the spider has marked as blocked this run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipBlockedSourcesMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        blocked = getattr(self.crawler.spider, "blocked", ())
        if request.meta.get("source") in blocked:
            self.crawler.stats.inc_value("councilwatch/skipped_blocked")
            raise SourceBlocked(f"source blocked this run: {request.url}")


class RedirectLoopAwareMiddleware(RedirectMiddleware):
    """Scrapy's redirects, with each hop exempt from the duplicate filter.

    Otherwise the second visit of a redirect loop (A -> B -> A) is dropped
    silently as a duplicate; this way the loop runs into ``REDIRECT_MAX_TIMES``
    and is recorded as a crawl error.
    """

    def _redirect(self, redirected: Request, request: Request, reason) -> Request:
        redirected = super()._redirect(redirected, request, reason)
        redirected.dont_filter = True  # REDIRECT_MAX_TIMES still bounds a loop
        return redirected
