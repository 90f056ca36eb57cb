"""Downloader middleware: fetch feeds and sitemaps with conditional GET."""

from __future__ import annotations

from contextlib import closing

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.statscollectors import StatsCollector

from councilwatch.db import store
from councilwatch.db.schema import connect


class ConditionalGetMiddleware:
    """Fetch feeds and sitemaps with ``If-None-Match`` / ``If-Modified-Since``.

    Validators are kept in the ``feed_state`` table; a ``304 Not Modified``
    reaches the spider, which then has nothing new to follow. Switched off by
    ``COUNCILWATCH_REFRESH``.
    """

    def __init__(self, db_path: str, stats: StatsCollector) -> None:
        self.db_path = db_path
        self.stats = stats
        with closing(connect(db_path)) as conn:
            self.state = store.feed_states(conn)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        if crawler.settings.getbool("COUNCILWATCH_REFRESH"):
            raise NotConfigured
        return cls(crawler.settings.get("COUNCILWATCH_DB"), crawler.stats)

    def process_request(self, request: Request) -> None:
        if request.meta.get("stage") != "discover":
            return
        etag, last_modified = self.state.get(request.url, (None, None))
        if etag:
            request.headers.setdefault("If-None-Match", etag)
        if last_modified:
            request.headers.setdefault("If-Modified-Since", last_modified)
        request.meta.setdefault("handle_httpstatus_list", [304])

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("stage") != "discover":
            return response
        if response.status == 304:
            self.stats.inc_value("councilwatch/feeds_not_modified")
            return response
        if response.status == 200:
            etag = response.headers.get("ETag", b"").decode("latin-1") or None
            modified = response.headers.get("Last-Modified", b"").decode("latin-1") or None
            if etag or modified:
                with closing(connect(self.db_path)) as conn:
                    store.save_feed_state(conn, request.url, etag, modified, response.status)
        return response
