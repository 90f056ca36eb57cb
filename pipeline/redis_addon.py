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

from councilwatch.pipeline import settings as project
from councilwatch.pipeline.redis_keys import DEFAULT_IDLE_TIMEOUT, RedisKeys


def redis_settings(redis_url: str, idle_timeout: float = DEFAULT_IDLE_TIMEOUT) -> dict:
    """Scrapy setting overrides that make a crawl a worker of a shared Redis crawl.

    The SQLite-reading middlewares are switched off (a worker may have no database:
    the shared duplicate filter stops refetches within a crawl, the loader's set of
    stored URLs those of earlier crawls, see :class:`SkipStoredInRedisMiddleware`, and
    the loader keeps stored articles unique) and the store pipeline is replaced by
    :class:`PushToRedisPipeline`.

    >>> s = redis_settings("redis://127.0.0.1:6379/0", idle_timeout=5)
    >>> s["SCHEDULER"], s["COUNCILWATCH_IDLE_TIMEOUT"]
    ('councilwatch.pipeline.redis_scheduler.RedisScheduler', 5.0)
    """
    keys = RedisKeys.for_spider("%(spider)s")
    skip_stored = "councilwatch.pipeline.skip_stored.SkipStoredArticlesMiddleware"
    middlewares = {
        **project.DOWNLOADER_MIDDLEWARES,
        skip_stored: None,
        "councilwatch.pipeline.redis_skip_stored.SkipStoredInRedisMiddleware": (
            project.DOWNLOADER_MIDDLEWARES[skip_stored]
        ),
        "councilwatch.pipeline.conditional_get.ConditionalGetMiddleware": None,
    }
    pipelines = {
        **project.ITEM_PIPELINES,
        "councilwatch.pipeline.store_items.StoreArticlePipeline": None,
        "councilwatch.pipeline.redis_push.PushToRedisPipeline": 300,
    }
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "councilwatch.pipeline.redis_scheduler.RedisScheduler",
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
            "councilwatch.pipeline.redis_idle.CloseWhenFrontierIdle": 500,
        },
        "COUNCILWATCH_IDLE_TIMEOUT": float(idle_timeout),
    }
