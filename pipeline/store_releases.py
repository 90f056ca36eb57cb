"""Item pipeline of the register spiders: releases, awards, windows and errors into SQLite.

Reads ``COUNCILWATCH_DB`` and ``COUNCILWATCH_RUN_ID`` (0: the pipeline starts a
``crawl_runs`` row of its own and finishes it). On opening it tells the spider where
the stored releases of its source end (:func:`councilwatch.db.register_store.resume_point`),
so a crawl without ``since`` asks only from there. Each release is written with its
awards in one transaction (an upsert: a re-crawl duplicates nothing); errors go to
``crawl_errors``, windows to ``ocds_crawl_windows``.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from councilwatch.db import register_store, store
from councilwatch.db.schema import connect

from .run_status import run_status


class StoreReleasesPipeline:
    def __init__(self, crawler: Crawler, db_path: str, run_id: int) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.run_id = run_id
        self.owns_run = run_id == 0
        self.counts = {"new": 0, "updated": 0, "unchanged": 0, "errors": 0, "awards": 0}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreReleasesPipeline:
        settings = crawler.settings
        return cls(crawler, settings.get("COUNCILWATCH_DB"), settings.getint("COUNCILWATCH_RUN_ID"))

    def open_spider(self) -> None:
        self.conn = connect(self.db_path)
        spider = self.crawler.spider
        if self.owns_run:
            self.run_id = store.start_run(self.conn, f"scrapy crawl {spider.name}")
        resume_from = getattr(spider, "resume_from", None)
        if resume_from is not None:
            resume_from(register_store.resume_point(self.conn, spider.name))

    def process_item(self, item: dict) -> dict:
        kind = item.get("kind")
        stats = self.crawler.stats
        if kind == "release":
            outcome = register_store.store_release(self.conn, item["release"], item["awards"])
            self.counts[outcome] += 1
            self.counts["awards"] += len(item["awards"])
            stats.inc_value(f"register/releases_{outcome}")
        elif kind == "window":
            register_store.save_window(self.conn, self.run_id, item)
        elif kind == "error":
            store.record_error(self.conn, self.run_id, item["url"], item["stage"], item["reason"])
            self.counts["errors"] += 1
            stats.inc_value("councilwatch/errors")
        return item

    def close_spider(self) -> None:
        stats = self.crawler.stats.get_stats()
        if self.owns_run:
            store.finish_run(
                self.conn,
                self.run_id,
                status=run_status(stats.get("finish_reason"), stats)[0],
                counts={
                    "pages_fetched": stats.get("response_received_count", 0),
                    "errors": self.counts["errors"],
                },
                stats={"scrapy": stats, "register": self.counts},
            )
        self.crawler.stats.set_value("councilwatch/run_id", self.run_id)
        self.conn.close()
