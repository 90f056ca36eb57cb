"""Distributed crawling: many workers share a Redis frontier; one loader writes SQLite.

``councilwatch crawl --redis URL`` runs a worker: its scheduler queue and duplicate
filter live in Redis (scrapy-redis), so any number of workers on any hosts split
one crawl between them, and its items (articles and crawl errors) are pushed to a
Redis list instead of the database. A worker stops once the shared frontier has
stayed empty for ``COUNCILWATCH_IDLE_TIMEOUT`` seconds. ``councilwatch load``
drains that list into SQLite with the same functions the store pipeline uses.

scrapy-redis 0.9.1 predates Scrapy 2.14's spider-less APIs; the subclasses here
keep to the current ones, so a worker raises no ``ScrapyDeprecationWarning`` and
needs no warnings filter: :class:`RedisScheduler` counts stats without ``spider=``
and logs without ``Spider.log``, and items are pushed by our own pipeline
(``process_item(item)``) rather than ``scrapy_redis.pipelines.RedisPipeline``.
scrapy-redis' duplicate filter and priority queue are used as they are.
Requests are queued as tagged JSON rather than scrapy-redis' default pickle, so a
shared Redis never hands a worker code to run.

Redis keys (for the spider ``news``): ``councilwatch:news:requests`` (frontier),
``:dupefilter``, ``:items``, ``:pages`` (pages fetched per source), ``:workers``
(pages fetched per worker) and ``:live`` (workers' heartbeats).
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import os
import socket
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.pipeline import settings as project
from councilwatch.pipeline.middlewares import AlreadyStored, stored_urls
from councilwatch.pipeline.pipelines import (
    SourceTally,
    StoreFailed,
    save_tallies,
    store_item,
)
from councilwatch.spiders.urls import canonicalize

logger = logging.getLogger(__name__)

#: Default seconds a worker waits on an empty shared frontier before it stops.
DEFAULT_IDLE_TIMEOUT = 30.0
#: Prefix of every Redis key councilwatch uses.
KEY_PREFIX = "councilwatch"
#: A worker whose heartbeat is older than this is taken to be gone.
HEARTBEAT_STALE_SECONDS = 120.0
HEARTBEAT_SECONDS = 10.0


@dataclass(frozen=True)
class RedisKeys:
    """The Redis keys of one spider's distributed crawl.

    >>> RedisKeys.for_spider("news").items
    'councilwatch:news:items'
    """

    requests: str
    dupefilter: str
    items: str
    pages: str
    workers: str
    live: str
    stored: str  # canonical URLs of the stored articles, published by the loader

    @classmethod
    def for_spider(cls, spider: str, prefix: str = KEY_PREFIX) -> RedisKeys:
        base = f"{prefix}:{spider}"
        return cls(*(f"{base}:{name}" for name in cls.__dataclass_fields__))


def worker_name() -> str:
    """This process as ``host:pid``, the name a worker's figures are kept under."""
    return f"{socket.gethostname()}:{os.getpid()}"


def redis_settings(redis_url: str, idle_timeout: float = DEFAULT_IDLE_TIMEOUT) -> dict:
    """Scrapy setting overrides that make a crawl a worker of a shared Redis crawl.

    The SQLite-reading middlewares are switched off (a worker may have no database:
    the shared duplicate filter stops refetches within a crawl, the loader's set of
    stored URLs those of earlier crawls, see :class:`SkipStoredInRedisMiddleware`, and
    the loader keeps stored articles unique) and the store pipeline is replaced by
    :class:`PushToRedisPipeline`.

    >>> s = redis_settings("redis://127.0.0.1:6379/0", idle_timeout=5)
    >>> s["SCHEDULER"], s["COUNCILWATCH_IDLE_TIMEOUT"]
    ('councilwatch.pipeline.distributed.RedisScheduler', 5.0)
    """
    keys = RedisKeys.for_spider("%(spider)s")
    skip_stored = "councilwatch.pipeline.middlewares.SkipStoredArticlesMiddleware"
    middlewares = {
        **project.DOWNLOADER_MIDDLEWARES,
        skip_stored: None,
        "councilwatch.pipeline.distributed.SkipStoredInRedisMiddleware": (
            project.DOWNLOADER_MIDDLEWARES[skip_stored]
        ),
        "councilwatch.pipeline.middlewares.ConditionalGetMiddleware": None,
    }
    pipelines = {
        **project.ITEM_PIPELINES,
        "councilwatch.pipeline.pipelines.StoreArticlePipeline": None,
        "councilwatch.pipeline.distributed.PushToRedisPipeline": 300,
    }
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "councilwatch.pipeline.distributed.RedisScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # Shared state outlives any one worker; the last worker out clears the filter.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "ITEM_PIPELINES": pipelines,
        "EXTENSIONS": {
            **getattr(project, "EXTENSIONS", {}),
            "councilwatch.pipeline.distributed.CloseWhenFrontierIdle": 500,
        },
        "COUNCILWATCH_IDLE_TIMEOUT": float(idle_timeout),
    }


def redis_from_settings(settings) -> redis.Redis:
    return redis.Redis.from_url(settings.get("REDIS_URL"), socket_timeout=30)


# -- serialisation ------------------------------------------------------------


def _tag(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _tag(v) for k, v in value.items()}
        return {"$d": [[_tag(k), _tag(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_tag(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot queue a {type(value).__name__} in Redis: {value!r}")


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if isinstance(value, dict):
        if "$b" in value:
            return base64.b64decode(value["$b"])
        if "$d" in value:
            return {_untag(k): _untag(v) for k, v in value["$d"]}
        return {k: _untag(v) for k, v in value.items()}
    return value


class JsonRequestSerializer:
    """Requests (as ``Request.to_dict()``) to tagged JSON and back: bytes and
    dicts with bytes keys (headers) survive, and nothing is unpickled.

    >>> data = {"url": "http://x/", "headers": {b"Accept": [b"*/*"]}, "body": b""}
    >>> JsonRequestSerializer.loads(JsonRequestSerializer.dumps(data)) == data
    True
    """

    @staticmethod
    def dumps(obj: dict) -> bytes:
        return json.dumps(_tag(obj), separators=(",", ":")).encode("utf-8")

    @staticmethod
    def loads(data: bytes) -> dict:
        return _untag(json.loads(data))


def encode_item(item: Mapping) -> bytes:
    """An item as JSON for the Redis item list; bytes values (``raw_html``) are
    gzipped and base64-encoded.

    >>> decode_item(encode_item({"kind": "article", "raw_html": b"<p>hi</p>"}))
    {'kind': 'article', 'raw_html': b'<p>hi</p>'}
    """
    record = {
        key: {"$gz": base64.b64encode(gzip.compress(value, 6)).decode("ascii")}
        if isinstance(value, bytes)
        else value
        for key, value in item.items()
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_item(data: bytes) -> dict:
    """The item :func:`encode_item` encoded."""
    record = json.loads(data)
    return {
        key: gzip.decompress(base64.b64decode(value["$gz"]))
        if isinstance(value, dict) and "$gz" in value
        else value
        for key, value in record.items()
    }


# -- the worker ---------------------------------------------------------------


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


class SkipStoredInRedisMiddleware:
    """A worker's :class:`~councilwatch.pipeline.middlewares.SkipStoredArticlesMiddleware`:
    do not fetch an article whose canonical URL is in the loader's ``:stored`` set.

    Switched off by ``COUNCILWATCH_REFRESH``; only requests marked ``meta["article"]``
    are checked.
    """

    def __init__(self, server: redis.Redis, key: str, stats) -> None:
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


# -- the loader -----------------------------------------------------------------


@dataclass
class LoadResult:
    """What one ``councilwatch load`` wrote."""

    run_id: int
    items: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_alias: int = 0
    errors: int = 0
    pages_fetched: int = 0


class ItemLoader:
    """Drain the Redis item list into a councilwatch database: the single writer.

    Items are read in batches with ``LRANGE`` and removed with ``LTRIM`` once
    stored, so a loader that dies mid-batch loses nothing (storing is idempotent:
    a replayed article is ``unchanged``). The loader also keeps the ``:stored`` set of
    canonical URLs the workers skip: replaced from the database when it starts (so a
    new or restored database is what counts), added to as it stores.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        server: redis.Redis,
        keys: RedisKeys,
        *,
        command: str = "councilwatch load",
        block_after: int = project.COUNCILWATCH_BLOCK_AFTER,
    ) -> None:
        self.conn = conn
        self.server = server
        self.keys = keys
        self.block_after = block_after
        self.tallies: dict[str, SourceTally] = {}
        self.known_sources: set[str] = set()
        self.workers: Counter[str] = Counter()
        self.result = LoadResult(run_id=store.start_run(conn, command))
        self.publish_stored()

    def publish_stored(self, chunk: int = 5000) -> None:
        """Replace the ``:stored`` set with the canonical URLs of every stored article
        (built under a temporary key, then renamed over the old set in one step)."""
        urls = sorted(stored_urls(self.conn))
        staging = f"{self.keys.stored}:staging:{worker_name()}"
        self.server.delete(staging)
        for i in range(0, len(urls), chunk):
            self.server.sadd(staging, *urls[i : i + chunk])
        if urls:
            self.server.rename(staging, self.keys.stored)
        else:
            self.server.delete(self.keys.stored)

    def _add_stored(self, article_ids: list[int]) -> None:
        """Add the URLs of just-stored articles (canonical, fetched, aliases) to the set."""
        if article_ids:
            self.server.sadd(self.keys.stored, *stored_urls(self.conn, article_ids))

    def drain(self, batch_size: int = 200, stop: threading.Event | None = None) -> int:
        """Store every item waiting in the list; return how many."""
        done = 0
        while not (stop and stop.is_set()):
            batch = self.server.lrange(self.keys.items, 0, batch_size - 1)
            if not batch:
                break
            items = [decode_item(data) for data in batch]
            for item in items:
                self.load_one(item)
            self._add_stored([item["article_id"] for item in items if "article_id" in item])
            self.server.ltrim(self.keys.items, len(batch), -1)
            done += len(batch)
        self.collect_pages()
        return done

    def load_one(self, item: dict) -> None:
        tally = self.tallies.setdefault(item.get("source") or "unknown", SourceTally())
        self.result.items += 1
        try:
            outcome = store_item(self.conn, self.result.run_id, item, tally, self.known_sources)
        except StoreFailed as exc:
            logger.warning("Not stored: %s", exc)
            return
        if outcome != "error":
            name = f"articles_{outcome}"
            setattr(self.result, name, getattr(self.result, name) + 1)

    def collect_pages(self) -> None:
        """Take the workers' page counts out of Redis into this run's figures."""
        with self.server.pipeline() as pipe:
            pipe.hgetall(self.keys.pages).delete(self.keys.pages)
            pipe.hgetall(self.keys.workers).delete(self.keys.workers)
            pages, _, workers, _ = pipe.execute()
        for source, count in pages.items():
            tally = self.tallies.setdefault(source.decode(), SourceTally())
            tally.pages_fetched += int(count)
        for worker, count in workers.items():
            self.workers[worker.decode()] += int(count)

    def finish(self, status: str = "finished") -> LoadResult:
        """Write the run's per-source rows and totals; return what was loaded."""
        rows, totals = save_tallies(self.conn, self.result.run_id, self.tallies, self.block_after)
        self.result.errors = totals["errors"]
        self.result.pages_fetched = totals["pages_fetched"]
        store.finish_run(
            self.conn,
            self.result.run_id,
            status=status,
            counts=totals,
            stats={
                "items_loaded": self.result.items,
                "workers": dict(self.workers),
                "blocked": [r["source"] for r in rows if r["blocked"]],
            },
        )
        return self.result


def load_items(
    db_path: str | Path,
    redis_url: str,
    *,
    follow: bool = False,
    stop: threading.Event | None = None,
    poll_seconds: float = 1.0,
    spider: str = "news",
) -> LoadResult:
    """Drain the workers' items from Redis into ``db_path``; one ``crawl_runs`` row.

    Returns when the list is empty, or with ``follow`` when ``stop`` is set
    (waiting ``poll_seconds`` between looks at an empty list).

    >>> load_items("data/x.db", "redis://127.0.0.1:6379/0")  # doctest: +SKIP
    LoadResult(run_id=1, items=517, articles_new=517, ...)
    """
    server = redis.Redis.from_url(redis_url, socket_timeout=30)
    server.ping()
    conn = connect(db_path)
    stop = stop or threading.Event()
    loader = ItemLoader(conn, server, RedisKeys.for_spider(spider))
    status = "failed"
    try:
        loader.drain(stop=stop)
        while follow and not stop.wait(poll_seconds):
            loader.drain(stop=stop)
        status = "finished"
    finally:
        result = loader.finish(status)
        conn.close()
        server.close()
    return result
