"""Distributed crawling: many workers share a Redis frontier; one loader writes SQLite.

A crawl with ``REDIS_URL`` set is a worker: ``scrapy crawl news -s REDIS_URL=...``, a
Scrapyd job with ``setting=REDIS_URL=...`` and ``councilwatch crawl --redis URL`` all
switch on the same Scrapy add-on, :class:`RedisAddon` (in ``ADDONS`` of the project
settings; without ``REDIS_URL`` it stays off). A worker's scheduler queue and duplicate
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

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from councilwatch.pipeline.conditional_get import ConditionalGetMiddleware
from councilwatch.pipeline.redis_idle import CloseWhenFrontierIdle
from councilwatch.pipeline.redis_keys import RedisKeys
from councilwatch.pipeline.redis_push import PushToRedisPipeline
from councilwatch.pipeline.redis_scheduler import RedisScheduler
from councilwatch.pipeline.redis_skip_stored import SkipStoredInRedisMiddleware
from councilwatch.pipeline.skip_stored import SkipStoredArticlesMiddleware
from councilwatch.pipeline.store_items import StoreArticlePipeline

#: Where the worker's own components sit when the ones they replace are not configured.
SKIP_STORED_ORDER = 50
PUSH_ORDER = 300
IDLE_EXTENSION_ORDER = 500


class RedisAddon:
    """Scrapy add-on: make this crawl one worker of a shared Redis crawl.

    Switched on by ``REDIS_URL`` (off without it: ``NotConfigured``). The SQLite-reading
    components give way (a worker may have no database: the shared duplicate filter
    stops refetches within a crawl, the loader's set of stored URLs those of earlier
    crawls, and the loader keeps stored articles unique): skip-stored reads the
    loader's set in Redis instead, conditional GET is off, and items are pushed to
    Redis instead of stored. The frontier and duplicate filter are scrapy-redis'.

    >>> from scrapy.utils.test import get_crawler
    >>> crawler = get_crawler(settings_dict={"ADDONS": {RedisAddon: 0},
    ...     "REDIS_URL": "redis://127.0.0.1:6379/0"})
    >>> crawler.settings["SCHEDULER"].__name__
    'RedisScheduler'
    >>> get_crawler(settings_dict={"ADDONS": {RedisAddon: 0}}).settings["SCHEDULER"]
    'scrapy.core.scheduler.Scheduler'
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisAddon:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured  # an ordinary crawl into SQLite
        return cls()

    def update_settings(self, settings: BaseSettings) -> None:
        keys = RedisKeys.for_spider("%(spider)s")
        for name, value in {
            "SCHEDULER": RedisScheduler,
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            # Shared state outlives any one worker; the last worker out clears the filter.
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_QUEUE_KEY": keys.requests,
            "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        }.items():
            settings.set(name, value, priority="addon")
        _replace(
            settings, "DOWNLOADER_MIDDLEWARES",
            SkipStoredArticlesMiddleware, SkipStoredInRedisMiddleware, SKIP_STORED_ORDER,
        )  # fmt: skip
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", ConditionalGetMiddleware, None
        )
        _replace(settings, "ITEM_PIPELINES", StoreArticlePipeline, PushToRedisPipeline, PUSH_ORDER)
        settings.set_in_component_priority_dict(
            "EXTENSIONS", CloseWhenFrontierIdle, IDLE_EXTENSION_ORDER
        )


def _replace(settings: BaseSettings, name: str, old: type, new: type, default: int) -> None:
    """Put ``new`` where ``old`` was in the ``name`` component dict (at ``default`` if
    ``old`` was not there), and switch ``old`` off."""
    try:
        settings.replace_in_component_priority_dict(name, old, new)
    except KeyError:  # not configured, or switched off by the user
        settings.set_in_component_priority_dict(name, new, default)
    settings.set_in_component_priority_dict(name, old, None)
