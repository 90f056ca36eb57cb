"""Extension of a Redis worker: stop once the shared frontier has stayed empty."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

from councilwatch.pipeline.redis_keys import (
    DEFAULT_IDLE_TIMEOUT,
    HEARTBEAT_SECONDS,
    HEARTBEAT_STALE_SECONDS,
    RedisKeys,
    redis_from_settings,
    worker_name,
)

logger = logging.getLogger(__name__)

#: Leave the live set; clear the duplicate filter if no live worker and no request is left.
_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[3])
  return 1
end
return 0
"""


class CloseWhenFrontierIdle:
    """Keep an idle worker open until the shared frontier has been empty for
    ``COUNCILWATCH_IDLE_TIMEOUT`` seconds (other workers may still add requests).

    Each worker heartbeats into the ``:live`` set (joined in
    :meth:`RedisScheduler.open`); the last one to leave, with no request left,
    clears the duplicate filter so the next crawl starts afresh.
    """

    def __init__(
        self,
        crawler: Crawler,
        server: redis.Redis,
        idle_timeout: float,
        worker: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.crawler = crawler
        self.server = server
        self.idle_timeout = idle_timeout
        self.worker = worker
        self.clock = clock
        self.idle_since: float | None = None
        self.heartbeat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CloseWhenFrontierIdle:
        settings = crawler.settings
        if not settings.get("REDIS_URL"):
            raise NotConfigured
        extension = cls(
            crawler,
            redis_from_settings(settings),
            settings.getfloat("COUNCILWATCH_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT),
            settings.get("COUNCILWATCH_WORKER") or worker_name(),
        )
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.busy, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def keys(self, spider: Spider) -> RedisKeys:
        return RedisKeys.for_spider(spider.name)

    def spider_opened(self, spider: Spider) -> None:
        self.beat(spider)
        self.heartbeat = task.LoopingCall(self.beat, spider)
        self.heartbeat.start(HEARTBEAT_SECONDS, now=False)

    def beat(self, spider: Spider) -> None:
        self.server.zadd(self.keys(spider).live, {self.worker: time.time()})

    def busy(self) -> None:
        self.idle_since = None

    def spider_idle(self, spider: Spider) -> None:
        now = self.clock()
        if self.server.zcard(self.keys(spider).requests):
            self.idle_since = None  # work is waiting: the engine takes it on its next tick
            raise DontCloseSpider
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_timeout:
            raise DontCloseSpider
        logger.info(
            "Shared frontier empty for %.0f s: worker %s stops", now - self.idle_since, self.worker
        )

    def spider_closed(self, spider: Spider) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        keys = self.keys(spider)
        stale = time.time() - HEARTBEAT_STALE_SECONDS
        cleared = self.server.eval(
            _LEAVE, 3, keys.live, keys.requests, keys.dupefilter, self.worker, stale
        )
        if cleared:
            logger.info("Last worker out: cleared the shared duplicate filter")
