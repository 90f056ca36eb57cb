"""The register spiders' common part: an OCDS search API asked in date windows, each
window paged to its end by ``links.next``, one request at a time.

Windows are asked oldest first, one after another (the next window's first page only
once the current window's last page is in), so a crawl that stops part-way leaves
every window before the current one complete. For each window the spider yields a
``window`` item when it starts and when it ends (``complete``, or ``incomplete``
with the reason), a ``release`` item per release (its ``ocds_releases`` row and its
flattened awards) and an ``error`` item per failure. A page without ``links.next``
that is full (``limit`` releases) is asked again (``COUNCILWATCH_REGISTER_NEXT_RETRIES``
times), since Find a Tender has been seen to drop the link mid-sequence.

Where a crawl starts: ``since`` (spider argument), else where the store pipeline says
the stored releases end (:meth:`OcdsSearchSpider.resume_from`), else the API's first
day. It ends at ``until``, else now. The subclasses (``contracts_finder``,
``find_a_tender``) name the endpoint, its parameters and their politeness.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from .news import CrawlItem, error_item
from .ocds_awards import NotARelease, award_rows, release_row
from .ocds_json import NotOcdsJson, parse_ocds
from .ocds_windows import duration, moment, stamp, windows
from .refusals import REFUSAL_STATUSES

#: Project components the register spiders do without (they are for news articles),
#: and the ones they add; merged into the project's component dicts (see
#: :meth:`OcdsSearchSpider.update_settings`).
REGISTER_COMPONENTS = {
    "DOWNLOADER_MIDDLEWARES": {
        "councilwatch.pipeline.skip_stored.SkipStoredArticlesMiddleware": None,
        "councilwatch.pipeline.blocked_sources.SkipBlockedSourcesMiddleware": None,
        "councilwatch.pipeline.conditional_get.ConditionalGetMiddleware": None,
        "councilwatch.pipeline.forbidden_wait.ForbiddenWaitMiddleware": 540,
    },
    "ITEM_PIPELINES": {
        "councilwatch.pipeline.validate_items.ValidateArticlePipeline": None,
        "councilwatch.pipeline.store_items.StoreArticlePipeline": None,
        "councilwatch.pipeline.store_releases.StoreReleasesPipeline": 300,
    },
}
#: Politeness both APIs ask for: one request at a time, a fixed delay (not randomised:
#: half of it would break a limit of so many requests a minute), no AutoThrottle.
POLITE = {
    "CONCURRENT_REQUESTS": 1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "RANDOMIZE_DOWNLOAD_DELAY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_HTTP_CODES": [429, 500, 502, 503, 504],
    "RETRY_TIMES": 5,
    "DOWNLOAD_TIMEOUT": 120,
}


class OcdsSearchSpider(scrapy.Spider):
    """Arguments (``-a``): ``since`` and ``until`` (ISO dates or datetimes, UTC unless they
    say otherwise)."""

    #: The search endpoint's path, and its names for the start and end of a window.
    search_path = ""
    from_parameter = ""
    to_parameter = ""
    #: Settings naming the API's base URL, the window length, the first day and the delay
    #: between requests.
    url_setting = ""
    window_setting = ""
    start_setting = ""
    delay_setting = ""

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """``custom_settings`` (politeness), :data:`REGISTER_COMPONENTS` merged into the
        project's middlewares and pipelines (a dict in ``custom_settings`` would replace
        the project's whole dict, its retry policy included), and the API's own delay
        between requests (``-s DOWNLOAD_DELAY`` still overrides it)."""
        super().update_settings(settings)
        for name, components in REGISTER_COMPONENTS.items():
            settings.set(name, {**settings.getdict(name), **components}, priority="spider")
        settings.set("DOWNLOAD_DELAY", settings.getfloat(cls.delay_setting), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> OcdsSearchSpider:
        """The spider with its settings read once (``-s`` and Scrapyd settings included)."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.base_url = settings.get(cls.url_setting).rstrip("/")
        # the configured API may be on a private address (the demo's mimic): it is allowed
        spider.api_hosts = frozenset({(urlsplit(spider.base_url).hostname or "").lower()})
        spider.window = duration(settings.get(cls.window_setting))
        spider.first_day = settings.get(cls.start_setting)
        spider.page_size = settings.getint("COUNCILWATCH_REGISTER_PAGE_SIZE")
        spider.stages = settings.get("COUNCILWATCH_REGISTER_STAGES") or ""
        spider.fallback_encoding = settings.get("COUNCILWATCH_REGISTER_ENCODING")
        spider.next_retries = settings.getint("COUNCILWATCH_REGISTER_NEXT_RETRIES")
        return spider

    def __init__(
        self, since: str | None = None, until: str | None = None, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.since = stamp(moment(since)) if since else None
        self.until = stamp(moment(until)) if until else None
        self.resumed = False
        self.pending: deque[tuple[str, str]] = deque()
        self.current: dict[str, Any] | None = None
        self.refused = False

    def resume_from(self, when: str | None) -> None:
        """Start from ``when`` (the stored releases' end) unless ``since`` was given."""
        if self.since is None and when:
            self.since = stamp(moment(when))
            self.resumed = True
            self.crawler.stats.set_value("register/resumed_from", self.since)

    # -- windows -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request | CrawlItem]:
        end = self.until or stamp(datetime.now(UTC))
        self.pending = deque(windows(self.since or self.first_day, end, self.window))
        self.crawler.stats.set_value("register/windows_planned", len(self.pending))
        for output in self.next_window():
            yield output

    def next_window(self) -> Iterator[Request | CrawlItem]:
        """Start the next window, if any is left and the API has not refused us."""
        if self.refused or not self.pending:
            self.current = None
            return
        start, end = self.pending.popleft()
        self.current = {"start": start, "end": end, "pages": 0, "ids": set()}
        yield self.window_item("started")
        yield self.page_request(self.search_url(start, end))

    def finish_window(
        self, status: str, reason: str | None = None
    ) -> Iterator[Request | CrawlItem]:
        """End the current window as ``complete`` or ``incomplete``, then start the next."""
        if self.current is not None:
            self.crawler.stats.inc_value(f"register/windows_{status}")
            yield self.window_item(status, reason)
        yield from self.next_window()

    def window_item(self, status: str, reason: str | None = None) -> CrawlItem:
        window = self.current or {}
        return CrawlItem(
            kind="window",
            source=self.name,
            url=self.search_url(window["start"], window["end"]),
            start=window["start"],
            end=window["end"],
            status=status,
            pages=window["pages"],
            releases=len(window["ids"]),
            reason=reason,
        )

    def search_url(self, start: str, end: str) -> str:
        query = {self.from_parameter: self.format_moment(start)}
        query[self.to_parameter] = self.format_moment(end)
        if self.stages:
            query["stages"] = self.stages
        query["limit"] = str(self.page_size)
        return f"{self.base_url}{self.search_path}?{urlencode(query)}"

    def format_moment(self, when: str) -> str:
        """A window bound as the API takes it (``YYYY-MM-DDTHH:MM:SSZ`` here)."""
        return when

    # -- pages ---------------------------------------------------------------------------

    def page_request(self, url: str, next_retries: int = 0) -> Request:
        return Request(
            url,
            callback=self.parse,
            errback=self.on_error,
            dont_filter=True,
            meta={"source": self.name, "next_retries": next_retries},
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request | CrawlItem]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        try:
            package = parse_ocds(response.body, content_type, self.fallback_encoding)
        except NotOcdsJson as exc:
            yield error_item(response.url, "parse", str(exc), self.name)
            yield from self.finish_window("incomplete", f"unreadable page: {exc}")
            return
        releases = package.get("releases")
        if not isinstance(releases, list):
            yield error_item(response.url, "parse", "no releases list in the package", self.name)
            yield from self.finish_window("incomplete", "a page without releases")
            return
        assert self.current is not None
        self.current["pages"] += 1
        fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        for release in releases:
            yield from self.release_items(release, response.url, fetched_at)
        links = package.get("links") if isinstance(package.get("links"), dict) else {}
        next_url = links.get("next")
        retries = response.meta.get("next_retries", 0)
        if next_url:
            yield self.page_request(response.urljoin(str(next_url)))
        elif len(releases) >= self.page_size and retries < self.next_retries:
            self.crawler.stats.inc_value("register/next_missing")
            self.logger.info("A full page without links.next; asking again: %s", response.url)
            yield self.page_request(response.url, retries + 1)
        else:
            yield from self.finish_window("complete")

    def release_items(self, release: Any, url: str, fetched_at: str) -> Iterator[CrawlItem]:
        if not isinstance(release, dict):
            yield error_item(url, "parse", "a release that is not a JSON object", self.name)
            return
        try:
            row = release_row(release, self.name, url, fetched_at)
            awards = award_rows(release, self.name, row["date_utc"])
        except NotARelease as exc:
            yield error_item(url, "parse", str(exc), self.name)
            return
        assert self.current is not None
        self.current["ids"].add((row["ocid"], row["id"]))
        yield CrawlItem(kind="release", source=self.name, url=url, release=row, awards=awards)

    def on_error(self, failure: Failure) -> Iterator[Request | CrawlItem]:
        request = failure.request  # type: ignore[attr-defined]
        status = None
        if failure.check(HttpError):
            response = failure.value.response
            status = response.status
            reason = f"HTTP {status}: {_error_text(response)}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        yield error_item(request.url, "fetch", reason, self.name, status)
        if status in REFUSAL_STATUSES:
            # The API still refuses after the waits: ask no more of it in this crawl.
            self.refused = True
            self.crawler.stats.set_value("register/refused", status)
        yield from self.finish_window("incomplete", reason)


def _error_text(response: Response, limit: int = 300) -> str:
    """What an error response says: the ``exception`` or ``message`` of a JSON error body,
    else the start of its text."""
    text = response.body[:4000].decode("utf-8", errors="replace")
    try:
        body = json.loads(text)
        if isinstance(body, dict):
            text = str(body.get("exception") or body.get("message") or text)
    except ValueError:
        text = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    return text[:limit]
