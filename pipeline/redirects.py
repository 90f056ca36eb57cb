"""Downloader middleware: redirects that run into their limit instead of the duplicate filter."""

from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Request


class RedirectLoopAwareMiddleware(RedirectMiddleware):
    """Scrapy's redirects, with each hop exempt from the duplicate filter.

    Otherwise the second visit of a redirect loop (A -> B -> A) is dropped
    silently as a duplicate; this way the loop runs into ``REDIRECT_MAX_TIMES``
    and is recorded as a crawl error.

    A hop is followed only where a new request would be: it goes through the whole
    downloader chain again, where the address check (``pipeline/addresses.py``), the
    offsite check (``pipeline/offsite.py``, which, unlike Scrapy's, does not take
    ``dont_filter`` as a pass) and robots.txt of the target host all apply to it, and a
    refusal is recorded against the URL the crawl asked for.
    """

    def _redirect(self, redirected: Request, request: Request, reason: str | int) -> Request:
        redirected = super()._redirect(redirected, request, reason)
        redirected.dont_filter = True  # REDIRECT_MAX_TIMES still bounds a loop
        return redirected
