"""Retries with exponential backoff that honour ``Retry-After``.

Replaces Scrapy's RetryMiddleware: a response with a retryable status (429, 5xx)
is retried after the delay the server asked for (``Retry-After`` in seconds or
as an HTTP date, capped by ``COUNCILWATCH_RETRY_AFTER_MAX``), or else after
``COUNCILWATCH_RETRY_BACKOFF_BASE * 2 ** attempt`` seconds (capped by
``COUNCILWATCH_RETRY_BACKOFF_MAX``). Network errors back off the same way, and so do
bodies that did not decode (a corrupt or truncated Content-Encoding, flagged by
:mod:`councilwatch.pipeline.decompression`): once their retries are spent the request
fails with that reason, recorded in ``crawl_errors``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

from .decompression import TRANSFER_FAILED


class TransferFailed(IgnoreRequest):
    """Every attempt's body failed to decode; the message is the last reason."""


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value; ``None`` when absent or unreadable.

    >>> retry_after_seconds(b"120")
    120.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=datetime(2015, 10, 21, 7, 27, tzinfo=UTC))
    60.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(
        self, settings: BaseSettings, *, base: float, backoff_max: float, retry_after_max: float
    ) -> None:
        super().__init__(settings)
        self.base = base
        self.backoff_max = backoff_max
        self.retry_after_max = retry_after_max

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        settings = crawler.settings
        middleware = cls(
            settings,
            base=settings.getfloat("COUNCILWATCH_RETRY_BACKOFF_BASE"),
            backoff_max=settings.getfloat("COUNCILWATCH_RETRY_BACKOFF_MAX"),
            retry_after_max=settings.getfloat("COUNCILWATCH_RETRY_AFTER_MAX"),
        )
        middleware.crawler = crawler
        return middleware

    def delay_for(self, request: Request, response: Response | None = None) -> float:
        asked = retry_after_seconds(response.headers.get("Retry-After")) if response else None
        if asked is not None:
            return min(asked, self.retry_after_max)
        attempt = request.meta.get("retry_times", 0)
        return min(self.base * 2**attempt, self.backoff_max)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if failed := request.meta.get(TRANSFER_FAILED):
            return await self.retry_transfer(request, failed)
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        if request.meta.get("retry_times", 0) >= request.meta.get(
            "max_retry_times", self.max_retry_times
        ):
            return self._retry(request, response_status_message(response.status)) or response
        delay = self.delay_for(request, response)
        if delay > 0:
            self.crawler.stats.inc_value("councilwatch/retry_wait_seconds", delay)
            await asyncio.sleep(delay)
        return self._retry(request, response_status_message(response.status)) or response

    async def retry_transfer(self, request: Request, reason: str) -> Request:
        """The retry of a request whose body did not decode; :class:`TransferFailed`
        (recorded with ``reason``) once its retries are spent."""
        retry = None
        if not request.meta.get("dont_retry", False):
            if request.meta.get("retry_times", 0) < request.meta.get(
                "max_retry_times", self.max_retry_times
            ):
                await asyncio.sleep(self.delay_for(request))
            retry = self._retry(request, reason)
        if retry is None:
            raise TransferFailed(reason)
        retry.meta.pop(TRANSFER_FAILED, None)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        delay = self.delay_for(request)
        if delay > 0 and request.meta.get("retry_times", 0) < self.max_retry_times:
            await asyncio.sleep(delay)
        return self._retry(request, exception)
