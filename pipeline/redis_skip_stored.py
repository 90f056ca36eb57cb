"""Downloader middleware of a Redis worker: skip articles the loader has stored."""

from __future__ import annotations

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.statscollectors import StatsCollector

from councilwatch.pipeline.redis_keys import RedisKeys, redis_from_settings
from councilwatch.pipeline.skip_stored import AlreadyStored
from councilwatch.spiders.urls import canonicalize


class SkipStoredInRedisMiddleware:
    """A worker's :class:`~councilwatch.pipeline.skip_stored.SkipStoredArticlesMiddleware`:
    do not fetch an article whose canonical URL is in the loader's ``:stored`` set.

    Switched off by ``COUNCILWATCH_REFRESH``; only requests marked ``meta["article"]``
    are checked.
    """

    def __init__(self, server: redis.Redis, key: str, stats: StatsCollector) -> None:
        self.server, self.key, self.stats = server, key, stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredInRedisMiddleware:
        settings = crawler.settings
        if settings.getbool("COUNCILWATCH_REFRESH") or not settings.get("REDIS_URL"):
            raise NotConfigured
        key = RedisKeys.for_spider(crawler.spidercls.name).stored
        return cls(redis_from_settings(settings), key, crawler.stats)

    def process_request(self, request: Request) -> None:
        if request.meta.get("article") and self.server.sismember(
            self.key, canonicalize(request.url)
        ):
            self.stats.inc_value("councilwatch/skipped_stored")
            raise AlreadyStored(f"already stored: {request.url}")
