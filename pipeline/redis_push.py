"""Item pipeline of a Redis worker: push items to the shared item list."""

from __future__ import annotations

from collections import Counter

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from councilwatch.pipeline.redis_keys import RedisKeys, redis_from_settings, worker_name
from councilwatch.pipeline.redis_serialization import encode_item


class PushToRedisPipeline:
    """Push items (articles and error items) to the Redis item list.

    Also counts the pages this worker fetched, per source and in total, into the
    ``:pages`` and ``:workers`` hashes when the spider closes, for the loader to
    put in ``crawl_run_sources`` and ``crawl_runs``.
    """

    def __init__(self, crawler: Crawler, server: redis.Redis, worker: str) -> None:
        self.crawler = crawler
        self.server = server
        self.worker = worker
        self.pages: Counter[str] = Counter()
        self.responses = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PushToRedisPipeline:
        settings = crawler.settings
        if not settings.get("REDIS_URL"):
            raise NotConfigured  # not a Redis worker: the store pipeline writes SQLite
        pipeline = cls(
            crawler,
            redis_from_settings(settings),
            settings.get("COUNCILWATCH_WORKER") or worker_name(),
        )
        crawler.signals.connect(pipeline.response_received, signal=signals.response_received)
        return pipeline

    @property
    def keys(self) -> RedisKeys:
        return RedisKeys.for_spider(self.crawler.spider.name)

    def response_received(self, response: Response, request: Request) -> None:
        self.responses += 1
        if source := request.meta.get("source"):
            self.pages[source] += 1

    def process_item(self, item: dict) -> dict:
        self.server.rpush(self.keys.items, encode_item(item))
        self.crawler.stats.inc_value("councilwatch/items_pushed")
        if item.get("kind") == "error":
            self.crawler.stats.inc_value("councilwatch/errors")
        return item

    def close_spider(self) -> None:
        keys = self.keys
        with self.server.pipeline() as pipe:
            for source, count in self.pages.items():
                pipe.hincrby(keys.pages, source, count)
            pipe.hincrby(keys.workers, self.worker, self.responses)
            pipe.execute()
