"""Downloader middleware: every request stays on its source's domains, redirect hops included.

Replaces Scrapy's OffsiteMiddleware, with three differences:

* it checks each source against its own domains (its registry ``allowed_domains`` and
  the hosts of its start URLs, :class:`councilwatch.spiders.hosts.SourceHosts`), not
  the union of every source's;
* ``dont_filter`` does not exempt a request: Scrapy sets it on start requests, retries
  and redirect hops to skip the *duplicate* filter, and its offsite check used to let
  all of those through, so a redirect (on a start URL above all) could lead anywhere.
  Only ``allow_offsite`` (set by the host map on the local copy of a request already
  checked) exempts one;
* it checks when a request is about to be downloaded, not when it is scheduled, so a
  refusal reaches the request's errback and is recorded in ``crawl_errors``.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.spiders import Spider

from councilwatch.spiders.hosts import host_of


class OffsiteRefused(IgnoreRequest):
    """The request would leave its source's domains."""


class SourceOffsiteMiddleware(OffsiteMiddleware):
    """Refuse requests (and redirect hops) to hosts outside their source's domains.

    >>> from scrapy.utils.test import get_crawler
    >>> from councilwatch.spiders.news import NewsSpider
    >>> crawler = get_crawler(NewsSpider)
    >>> crawler.spider = NewsSpider(start_urls="http://127.0.0.1:8000/feed/", source="local")
    >>> mw = SourceOffsiteMiddleware.from_crawler(crawler)
    >>> request = Request("http://127.0.0.2:8000/news/a/", meta={"source": "local"}, dont_filter=True)
    >>> try:
    ...     mw.process_request(request)
    ... except OffsiteRefused as exc:
    ...     print(exc)
    off-site: 127.0.0.2 is not a domain of source 'local' (127.0.0.1)
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceOffsiteMiddleware:
        middleware = cls(crawler.stats)
        middleware.crawler = crawler
        return middleware  # no request_scheduled hook: a refusal there would go unrecorded

    def should_follow(self, request: Request, spider: Spider) -> bool:
        hosts = getattr(spider, "hosts", None)
        if hosts is None:  # another spider: Scrapy's own rule
            return super().should_follow(request, spider)
        return hosts.allows(request.meta.get("source"), host_of(request.url))

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        if request.meta.get("allow_offsite") or self.should_follow(request, spider):
            return
        self.stats.inc_value("offsite/filtered")
        self.stats.inc_value("councilwatch/refused/offsite")
        source = request.meta.get("source")
        hosts = getattr(spider, "hosts", None)
        allowed = ", ".join(hosts.domains(source)) if hosts else ""
        whose = f"source {source!r}" if source else "any source"
        host = host_of(request.url) or request.url
        raise OffsiteRefused(f"off-site: {host} is not a domain of {whose} ({allowed or 'none'})")
