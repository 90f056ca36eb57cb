"""Downloader middlewares."""

from __future__ import annotations

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.spiders.urls import canonicalize
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request


class SkipStoredArticlesMiddleware:
    """Do not fetch an article already stored (by canonical URL or alias).

    Switched off by ``COUNCILWATCH_REFRESH``. Only requests marked
    ``meta["article"]`` are checked: feeds and sitemaps are always fetched.
    """

    def __init__(self, db_path: str) -> None:
        conn = connect(db_path)
        try:
            self.stored = {canonicalize(url) for url in store.known_urls(conn)}
        finally:
            conn.close()

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
            raise IgnoreRequest(f"already stored: {request.url}")
