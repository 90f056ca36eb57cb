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
from scrapy.utils.defer import deferred_from_coro

from councilwatch.db import store
from councilwatch.db.schema import DatabaseUnusable, connect
from councilwatch.spiders.refusals import REFUSAL_STATUSES
from councilwatch.spiders.urls import canonicalize

from .run_status import STORE_ERROR_KEY, STORE_FAILED, record_run_end, run_status

#: SQLite errors that say the database cannot take writes at all (full disk, I/O errors,
#: read-only or damaged file, locked past the busy timeout), not that one article is bad.
FATAL_SQLITE_ERRORS = (
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_READONLY",
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_CANTOPEN",
    "SQLITE_PERM",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
)


def is_fatal(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` means the database refuses writes altogether.

    >>> is_fatal(sqlite3.OperationalError("database or disk is full"))
    True
    >>> is_fatal(sqlite3.IntegrityError("NOT NULL constraint failed: articles.title"))
    False
    """
    name = getattr(exc, "sqlite_errorname", None)
    if name:
        return name.startswith(FATAL_SQLITE_ERRORS)
    message = str(exc)
    return isinstance(exc, sqlite3.OperationalError) and any(
        words in message for words in ("disk is full", "disk I/O error", "readonly", "locked")
    )


class StoreFailed(DropItem):
    """The database refused an article (recorded in crawl_errors when it still can be)."""

    def __init__(self, message: str, *, reason: str = "", fatal: bool = False) -> None:
        super().__init__(message)
        self.reason = reason or message
        self.fatal = fatal


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
        try:
            store.record_error(conn, run_id, item["url"], "store", reason)
        except sqlite3.Error:
            pass  # the database refuses the error row too: the crawl's outcome says so
        tally.errors += 1
        raise StoreFailed(f"{item['url']}: {reason}", reason=reason, fatal=is_fatal(exc)) from exc
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
            store.replace_facts_many(
                conn, [(i["article_id"], i["facts"], i["nlp_version"]) for i in analysed]
            )
    except sqlite3.Error:
        return


def tally_rows(tallies: dict[str, SourceTally], block_after: int) -> tuple[list[dict], dict]:
    """A run's ``crawl_run_sources`` rows and its totals."""
    rows = [t.row(name, block_after) for name, t in sorted(tallies.items())]
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("pages_fetched", "articles_new", "articles_updated", "errors")
    }
    return rows, totals


def save_tallies(
    conn: sqlite3.Connection, run_id: int, tallies: dict[str, SourceTally], block_after: int
) -> tuple[list[dict], dict]:
    """Write a run's ``crawl_run_sources`` rows; return them and the run's totals."""
    rows, totals = tally_rows(tallies, block_after)
    store.save_run_sources(conn, run_id, rows)
    return rows, totals


class StoreArticlePipeline:
    """Store articles (deduplicated on canonical URL and content hash) and crawl errors.

    Reads ``COUNCILWATCH_DB`` and ``COUNCILWATCH_RUN_ID`` (0: start a new run row);
    at the end writes the run's totals, its per-source figures and its status
    (:func:`councilwatch.pipeline.run_status.run_status`). When the database refuses
    writes altogether (full disk, I/O error, read-only file) the crawl is stopped:
    fetching more would only lose more. Articles are written
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
        self.conn: sqlite3.Connection | None = None
        self.stopping = False

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
        crawler.signals.connect(pipeline.finish, signal=signals.spider_closed)
        return pipeline

    def tally(self, source: str | None) -> SourceTally:
        return self.tallies.setdefault(source or "unknown", SourceTally())

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if source := request.meta.get("source"):  # robots.txt requests carry none
            self.tally(source).pages_fetched += 1

    def open_spider(self) -> None:
        try:
            self.conn = connect(self.db_path)
            if self.owns_run:
                command = f"scrapy crawl {self.crawler.spider.name}"
                self.run_id = store.start_run(self.conn, command)
        except (sqlite3.Error, DatabaseUnusable) as exc:
            self.give_up(f"cannot write to {self.db_path}: {type(exc).__name__}: {exc}")

    def give_up(self, reason: str) -> None:
        """Stop the crawl: the database takes no writes (the run's outcome says why)."""
        self.crawler.stats.set_value(STORE_ERROR_KEY, reason)
        if self.stopping:
            return
        self.stopping = True
        self.crawler.spider.logger.error("The database refuses writes (%s): stopping", reason)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORE_FAILED))

    def process_item(self, item: dict) -> dict:
        if self.conn is None:
            self.crawler.stats.inc_value("councilwatch/store_failed")
            raise StoreFailed(f"{item.get('url')}: not stored, the database is unusable")
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
        except StoreFailed as exc:
            self.crawler.stats.inc_value("councilwatch/errors")
            self.crawler.stats.inc_value("councilwatch/store_failed")
            self.crawler.stats.set_value(STORE_ERROR_KEY, exc.reason)
            if exc.fatal:
                self.give_up(exc.reason)
            raise
        except sqlite3.Error as exc:  # an error item the database would not take
            if not is_fatal(exc):
                raise
            self.give_up(f"{type(exc).__name__}: {exc}")
            raise StoreFailed(f"{item.get('url')}: {exc}", fatal=True) from exc
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
        if not items or self.conn is None:
            return
        try:
            records = [article_record(self.conn, item, self.known_sources) for item in items]
            outcomes = store.store_articles(self.conn, records)
        except sqlite3.Error:
            for item in items:
                try:
                    self.store_one(item)
                except StoreFailed as exc:
                    self.crawler.spider.logger.info("Not stored: %s", exc)
                    if exc.fatal:
                        break
            return
        for item, (outcome, article_id) in zip(items, outcomes, strict=True):
            count_outcome(self.tally(item.get("source")), item, outcome, article_id)
            self.count(outcome)
        store_facts(self.conn, items)

    def close_spider(self) -> None:
        """Store what waits and the per-source figures; the run's row is finished once
        the crawl's close reason is known (:meth:`finish`)."""
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.flush()
        self.crawler.stats.set_value("councilwatch/run_id", self.run_id)
        self.rows, self.totals = tally_rows(self.tallies, self.block_after)
        if self.conn is None:
            return
        try:
            store.save_run_sources(self.conn, self.run_id, self.rows)
        except sqlite3.Error as exc:
            self.crawler.spider.logger.error("Per-source figures not saved: %s", exc)

    def finish(self, spider: Spider, reason: str) -> None:
        """Write the run's status (finished, interrupted or failed) and counts."""
        if self.conn is None:
            return
        try:
            if self.owns_run:
                stats = self.crawler.stats.get_stats()
                blocked = [r["source"] for r in self.rows if r["blocked"]]
                status, _ = run_status(reason, stats)
                finish = {
                    "status": status,
                    "counts": self.totals,
                    "stats": {"scrapy": {**stats, "finish_reason": reason}, "blocked": blocked},
                }
                record_run_end(self.conn, self.run_id, **finish)
        except sqlite3.Error as exc:
            spider.logger.error("Run %s not recorded as ended: %s", self.run_id, exc)
        finally:
            self.conn.close()
            self.conn = None
