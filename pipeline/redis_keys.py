"""Redis keys, worker names and the connection of a distributed crawl."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import redis
from scrapy.settings import BaseSettings

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


def redis_from_settings(settings: BaseSettings) -> redis.Redis:
    """A client of the Redis that ``REDIS_URL`` names."""
    return redis.Redis.from_url(settings.get("REDIS_URL"), socket_timeout=30)
