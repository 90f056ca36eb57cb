"""Item pipeline: store articles (and crawl errors) in SQLite; the one store path for
crawl items, shared by the crawl, the Redis loader and the WARC import."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import asdict, dataclass

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import Request, Response
from scrapy.spiders import Spider
from scrapy.utils.asyncio import create_looping_call

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.spiders.refusals import REFUSAL_STATUSES
from councilwatch.spiders.urls import canonicalize

#: Crawl finish reasons that mean the run ended normally.
FINISHED_REASONS = (None, "finished", "max_articles")


class StoreFailed(DropItem):
    """The database refused an article (recorded in crawl_errors)."""


@dataclass
class SourceTally:
    """What one source gave (or refused) in a run: a ``crawl_run_sources`` row."""

    pages_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_alias: int = 0
    errors: int = 0
    refusals: int = 0
    newest_published: str | None = None

    def row(self, source: str, block_after: int) -> dict:
        return {
            "source": source,
            **asdict(self),
            "blocked": int(self.refusals >= block_after),
        }


def store_item(
    conn: sqlite3.Connection,
    run_id: int,
    item: dict,
    tally: SourceTally,
    known_sources: set[str],
) -> str:
    """Store one crawl item (an article or an error) and count it in ``tally``.

    Returns the article's outcome (``new``, ``updated``, ``unchanged``, ``alias``) or
    ``error`` for an error item; sets ``article_id`` and ``outcome`` on an article
    item. Raises :class:`StoreFailed` (after recording the error) when the database
    refuses the article. Shared by :class:`StoreArticlePipeline` and ``councilwatch
    load`` (items drained from Redis).

    >>> from councilwatch.db.schema import connect
    >>> conn, tally = connect(":memory:"), SourceTally()
    >>> item = {"kind": "article", "url": "http://x/news/a", "title": "T", "body": "B"}
    >>> store_item(conn, 0, item, tally, set()), tally.articles_new
    ('new', 1)
    """
    if item.get("kind") == "error":
        store.record_error(conn, run_id, item["url"], item["stage"], item["reason"])
        tally.errors += 1
        if item.get("status") in REFUSAL_STATUSES:
            tally.refusals += 1
        return "error"
    record = article_record(conn, item, known_sources)
    try:
        outcome, article_id = store.store_article(
            conn,
            record,
            raw_html=item.get("raw_html"),
            content_type=item.get("content_type"),
        )
    except sqlite3.Error as exc:
        reason = f"{type(exc).__name__}: {exc}"
        store.record_error(conn, run_id, item["url"], "store", reason)
        tally.errors += 1
        raise StoreFailed(f"{item['url']}: {reason}") from exc
    count_outcome(tally, item, outcome, article_id)
    return outcome


def article_record(conn: sqlite3.Connection, item: dict, known_sources: set[str]) -> dict:
    """The record to store for an article item: canonical URL normalised, source known."""
    record = dict(item)
    record["canonical_url"] = canonicalize(item.get("canonical_url") or item["url"])
    if item.get("source") and item["source"] not in known_sources:
        store.ensure_source(conn, item["source"])
        known_sources.add(item["source"])
    return record


def count_outcome(tally: SourceTally, item: dict, outcome: str, article_id: int) -> None:
    """Count a stored article in ``tally``; set ``article_id`` and ``outcome`` on the item."""
    setattr(tally, f"articles_{outcome}", getattr(tally, f"articles_{outcome}") + 1)
    published = item.get("published")
    if published and (tally.newest_published or "") < published:
        tally.newest_published = published
    item["article_id"] = article_id
    item["outcome"] = outcome


def store_facts(conn: sqlite3.Connection, items: list[dict]) -> None:
    """Write the facts that stored articles carry from the NLP stage (analysed in worker
    processes while crawling), one transaction; articles without facts, and all of them if
    the database refuses the facts, stay pending for ``councilwatch process``."""
    analysed = [
        item
        for item in items
        if item.get("facts") is not None and item.get("outcome") in ("new", "updated")
    ]
    if not analysed:
        return
    try:
        with conn:
            for item in analysed:
                store.replace_facts(conn, item["article_id"], item["facts"], item["nlp_version"])
    except sqlite3.Error:
        return


def save_tallies(
    conn: sqlite3.Connection, run_id: int, tallies: dict[str, SourceTally], block_after: int
) -> tuple[list[dict], dict]:
    """Write a run's ``crawl_run_sources`` rows; return them and the run's totals."""
    rows = [t.row(name, block_after) for name, t in sorted(tallies.items())]
    store.save_run_sources(conn, run_id, rows)
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("pages_fetched", "articles_new", "articles_updated", "errors")
    }
    return rows, totals


class StoreArticlePipeline:
    """Store articles (deduplicated on canonical URL and content hash) and crawl errors.

    Reads ``COUNCILWATCH_DB`` and ``COUNCILWATCH_RUN_ID`` (0: start a new run row);
    at the end writes the run's totals and its per-source figures. Articles are written
    ``COUNCILWATCH_STORE_BATCH`` to a transaction, and at least every
    ``COUNCILWATCH_STORE_INTERVAL`` seconds (an article waiting for its batch when the
    crawl is killed is not lost: it is not stored, so a resumed crawl fetches it again).
    """

    def __init__(
        self,
        crawler: Crawler,
        db_path: str,
        run_id: int,
        block_after: int,
        batch_size: int = 1,
        interval: float = 1.0,
    ) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.run_id = run_id
        self.owns_run = run_id == 0
        self.block_after = block_after
        self.batch_size = max(batch_size, 1)
        self.interval = interval
        self.tallies: dict[str, SourceTally] = {}
        self.known_sources: set[str] = set()
        self.pending: list[dict] = []
        self.flushed_at = time.monotonic()
        self.timer = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreArticlePipeline:
        settings = crawler.settings
        pipeline = cls(
            crawler,
            settings.get("COUNCILWATCH_DB"),
            settings.getint("COUNCILWATCH_RUN_ID"),
            settings.getint("COUNCILWATCH_BLOCK_AFTER"),
            settings.getint("COUNCILWATCH_STORE_BATCH", 1),
            settings.getfloat("COUNCILWATCH_STORE_INTERVAL", 1.0),
        )
        crawler.signals.connect(pipeline.response_received, signal=signals.response_received)
        crawler.signals.connect(pipeline.start_timer, signal=signals.spider_opened)
        return pipeline

    def tally(self, source: str | None) -> SourceTally:
        return self.tallies.setdefault(source or "unknown", SourceTally())

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if source := request.meta.get("source"):  # robots.txt requests carry none
            self.tally(source).pages_fetched += 1

    def open_spider(self) -> None:
        self.conn = connect(self.db_path)
        if self.owns_run:
            self.run_id = store.start_run(self.conn, f"scrapy crawl {self.crawler.spider.name}")

    def process_item(self, item: dict) -> dict:
        if self.batch_size > 1 and item.get("kind") == "article":
            self.pending.append(item)
            self.flush_if_due()
            return item
        self.store_one(item)
        return item

    def store_one(self, item: dict) -> None:
        """Store one item in its own transaction (raises StoreFailed if refused)."""
        tally = self.tally(item.get("source"))
        try:
            outcome = store_item(self.conn, self.run_id, item, tally, self.known_sources)
        except StoreFailed:
            self.crawler.stats.inc_value("councilwatch/errors")
            raise
        store_facts(self.conn, [item])
        self.count(outcome)

    def count(self, outcome: str) -> None:
        if outcome == "error":
            self.crawler.stats.inc_value("councilwatch/errors")
        else:
            self.crawler.stats.inc_value(f"councilwatch/articles_{outcome}")

    def start_timer(self) -> None:
        """Check every ``interval`` seconds whether waiting articles are due."""
        if self.batch_size > 1:
            self.timer = create_looping_call(self.flush_if_due)
            self.timer.start(self.interval, now=False)

    def flush_if_due(self) -> None:
        """Flush when a batch is full, or when articles have waited ``interval`` seconds."""
        if len(self.pending) >= self.batch_size or (
            self.pending and time.monotonic() - self.flushed_at >= self.interval
        ):
            self.flush()

    def flush(self) -> None:
        """Store the pending articles in one transaction. If the database refuses the
        batch, store them one by one so only the refused articles become errors."""
        items, self.pending = self.pending, []
        self.flushed_at = time.monotonic()
        if not items:
            return
        try:
            records = [article_record(self.conn, item, self.known_sources) for item in items]
            outcomes = store.store_articles(self.conn, records)
        except sqlite3.Error:
            for item in items:
                try:
                    self.store_one(item)
                except StoreFailed as exc:
                    self.crawler.spider.logger.warning("Not stored: %s", exc)
            return
        for item, (outcome, article_id) in zip(items, outcomes, strict=True):
            count_outcome(self.tally(item.get("source")), item, outcome, article_id)
            self.count(outcome)
        store_facts(self.conn, items)

    def close_spider(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.flush()
        stats = self.crawler.stats.get_stats()
        rows, totals = save_tallies(self.conn, self.run_id, self.tallies, self.block_after)
        if self.owns_run:
            reason = stats.get("finish_reason")
            store.finish_run(
                self.conn,
                self.run_id,
                status="finished" if reason in FINISHED_REASONS else "failed",
                counts=totals,
                stats={"scrapy": stats, "blocked": [r["source"] for r in rows if r["blocked"]]},
            )
        self.crawler.stats.set_value("councilwatch/run_id", self.run_id)
        self.conn.close()
