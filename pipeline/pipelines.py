"""Item pipelines: validate article items, then store them (and crawl errors) in SQLite."""

from __future__ import annotations

import sqlite3
from collections import Counter

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.spiders.urls import canonicalize
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

#: Crawl finish reasons that mean the run ended normally.
FINISHED_REASONS = (None, "finished", "max_articles")


class EmptyArticle(DropItem):
    """An article item without a title or body."""


class StoreFailed(DropItem):
    """The database refused an article (recorded in crawl_errors)."""


class ValidateArticlePipeline:
    """Drop article items that cannot be stored; let error items through."""

    def process_item(self, item: dict) -> dict:
        if item.get("kind") != "article":
            return item
        if not (item.get("body") or "").strip():
            raise EmptyArticle(f"no body text: {item.get('url')}")
        if not (item.get("title") or "").strip():
            raise EmptyArticle(f"no title: {item.get('url')}")
        return item


class StoreArticlePipeline:
    """Store articles (deduplicated on canonical URL and content hash) and crawl errors.

    Reads ``COUNCILWATCH_DB`` and ``COUNCILWATCH_RUN_ID`` (0: start a new run row).
    """

    def __init__(self, crawler: Crawler, db_path: str, run_id: int) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.run_id = run_id
        self.owns_run = run_id == 0
        self.counts: Counter[str] = Counter()
        self.per_source: dict[str, Counter[str]] = {}
        self.known_sources: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreArticlePipeline:
        settings = crawler.settings
        return cls(crawler, settings.get("COUNCILWATCH_DB"), settings.getint("COUNCILWATCH_RUN_ID"))

    def open_spider(self) -> None:
        self.conn = connect(self.db_path)
        if self.owns_run:
            self.run_id = store.start_run(self.conn, f"scrapy crawl {self.crawler.spider.name}")

    def process_item(self, item: dict) -> dict:
        source = item.get("source") or "unknown"
        per_source = self.per_source.setdefault(source, Counter())
        if item.get("kind") == "error":
            store.record_error(self.conn, self.run_id, item["url"], item["stage"], item["reason"])
            self.counts["errors"] += 1
            per_source["errors"] += 1
            self.crawler.stats.inc_value("councilwatch/errors")
            return item
        record = dict(item)
        record["canonical_url"] = canonicalize(item.get("canonical_url") or item["url"])
        if item.get("source") and item["source"] not in self.known_sources:
            store.ensure_source(self.conn, item["source"])
            self.known_sources.add(item["source"])
        try:
            outcome, article_id = store.store_article(
                self.conn,
                record,
                raw_html=item.get("raw_html"),
                content_type=item.get("content_type"),
            )
        except sqlite3.Error as exc:
            reason = f"{type(exc).__name__}: {exc}"
            store.record_error(self.conn, self.run_id, item["url"], "store", reason)
            self.counts["errors"] += 1
            self.crawler.stats.inc_value("councilwatch/errors")
            raise StoreFailed(f"{item['url']}: {reason}") from exc
        self.counts[f"articles_{outcome}"] += 1
        per_source[f"articles_{outcome}"] += 1
        self.crawler.stats.inc_value(f"councilwatch/articles_{outcome}")
        item["article_id"] = article_id
        item["outcome"] = outcome
        return item

    def close_spider(self) -> None:
        stats = self.crawler.stats.get_stats()
        pages = stats.get("downloader/response_count", 0)
        failed = self.crawler.stats.get_value("finish_reason") not in FINISHED_REASONS
        counts = {
            "pages_fetched": pages,
            "articles_new": self.counts["articles_new"],
            "articles_updated": self.counts["articles_updated"],
            "errors": self.counts["errors"],
        }
        if self.owns_run:
            store.finish_run(
                self.conn,
                self.run_id,
                status="failed" if failed else "finished",
                counts=counts,
                stats={"scrapy": stats, "sources": self.per_source},
            )
        self.crawler.stats.set_value("councilwatch/run_id", self.run_id)
        self.conn.close()
