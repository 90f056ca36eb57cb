"""The scheduler of a Redis worker: scrapy-redis' frontier and duplicate filter, shared."""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

from councilwatch.pipeline.redis_keys import HEARTBEAT_STALE_SECONDS, RedisKeys, worker_name
from councilwatch.pipeline.redis_serialization import JsonRequestSerializer

logger = logging.getLogger(__name__)


class RedisScheduler(Scheduler):
    """scrapy-redis' scheduler without the deprecated ``spider=`` stats calls and
    ``Spider.log``, with JSON-serialised requests by default (``SCHEDULER_SERIALIZER``
    still wins). Opening it registers the worker in the ``:live`` set; the first
    worker of a crawl clears a duplicate filter left by workers that died."""

    def __init__(self, server: redis.Redis, serializer: Any = None, **kwargs: Any) -> None:
        super().__init__(server, serializer=serializer or JsonRequestSerializer, **kwargs)
        self.worker = worker_name()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.worker = crawler.settings.get("COUNCILWATCH_WORKER") or scheduler.worker
        return scheduler

    def open(self, spider: Spider) -> None:
        # as scrapy-redis does, but logging through the logger (Spider.log is deprecated)
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server,
            spider=spider,
            key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer,
        )
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        keys = RedisKeys.for_spider(spider.name)
        now = time.time()
        fresh = self.server.eval(
            _JOIN, 3, keys.live, keys.requests, keys.dupefilter, self.worker,
            now - HEARTBEAT_STALE_SECONDS, now,
        )  # fmt: skip
        if fresh:
            logger.info("Starting a shared crawl (worker %s)", self.worker)
        else:
            waiting = len(self.queue)
            logger.info("Joining a shared crawl: %d requests in the frontier", waiting)

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop(self.idle_before_close)
        if request and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


#: Join the live set; the first worker of a crawl (no live worker, no request
#: waiting) clears a duplicate filter left over from a crawl whose workers died.
_JOIN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local fresh = 0
if redis.call('ZCARD', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[3])
  fresh = 1
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return fresh
"""
