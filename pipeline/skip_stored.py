"""Downloader middleware: do not fetch an article already in the database."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.spiders.urls import canonicalize


class AlreadyStored(IgnoreRequest):
    """The article is in the database already (not an error)."""


def stored_urls(conn: sqlite3.Connection, article_ids: list[int] | None = None) -> set[str]:
    """Canonical forms of every stored article URL (or those of ``article_ids``), as the
    skip-stored middlewares compare them."""
    return {canonicalize(url) for url in store.known_urls(conn, article_ids)}


class SkipStoredArticlesMiddleware:
    """Do not fetch an article already stored (by canonical URL or alias).

    Switched off by ``COUNCILWATCH_REFRESH``. Only requests marked
    ``meta["article"]`` are checked: feeds and sitemaps are always fetched.
    """

    def __init__(self, db_path: str) -> None:
        with closing(connect(db_path)) as conn:
            self.stored = stored_urls(conn)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredArticlesMiddleware:
        if crawler.settings.getbool("COUNCILWATCH_REFRESH"):
            raise NotConfigured
        middleware = cls(crawler.settings.get("COUNCILWATCH_DB"))
        middleware.stats = crawler.stats
        return middleware

    def process_request(self, request: Request) -> None:
        if request.meta.get("article") and canonicalize(request.url) in self.stored:
            self.stats.inc_value("councilwatch/skipped_stored")
            raise AlreadyStored(f"already stored: {request.url}")
