"""``councilwatch load``: drain the Redis workers' items into SQLite, the single writer."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import redis

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.pipeline.redis_keys import RedisKeys, worker_name
from councilwatch.pipeline.redis_serialization import decode_item
from councilwatch.pipeline.skip_stored import stored_urls
from councilwatch.pipeline.store_items import (
    SourceTally,
    StoreFailed,
    save_tallies,
    store_item,
)
from councilwatch.spiders.refusals import DEFAULT_BLOCK_AFTER

logger = logging.getLogger(__name__)


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
        block_after: int = DEFAULT_BLOCK_AFTER,
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
    block_after: int = DEFAULT_BLOCK_AFTER,
) -> LoadResult:
    """Drain the workers' items from Redis into ``db_path``; one ``crawl_runs`` row.

    Returns when the list is empty, or with ``follow`` when ``stop`` is set
    (waiting ``poll_seconds`` between looks at an empty list). A source whose workers
    were refused ``block_after`` times is recorded as blocked, as in a crawl.

    >>> load_items("data/x.db", "redis://127.0.0.1:6379/0")  # doctest: +SKIP
    LoadResult(run_id=1, items=517, articles_new=517, ...)
    """
    server = redis.Redis.from_url(redis_url, socket_timeout=30)
    server.ping()
    conn = connect(db_path)
    stop = stop or threading.Event()
    loader = ItemLoader(conn, server, RedisKeys.for_spider(spider), block_after=block_after)
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
