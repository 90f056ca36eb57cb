"""Downloader middleware: stop asking a source that refuses us this run."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request


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
