"""Downloader middleware: after a 403, wait, then ask again (the register spiders).

Contracts Finder answers a client over its rate limit with a 403 page and asks for
no further requests for five minutes; Kingfisher Collect retries after 300 seconds.
This middleware holds the request for ``COUNCILWATCH_REGISTER_FORBIDDEN_WAIT``
seconds and sends it again, up to ``COUNCILWATCH_REGISTER_FORBIDDEN_RETRIES`` times;
then the 403 goes to the spider, which stops asking. The register spiders crawl one
request at a time, so nothing else is sent while it waits.
"""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler
from scrapy.http import Request, Response


class ForbiddenWaitMiddleware:
    def __init__(self, crawler: Crawler, wait: float, retries: int) -> None:
        self.crawler = crawler
        self.wait = wait
        self.retries = retries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ForbiddenWaitMiddleware:
        settings = crawler.settings
        return cls(
            crawler,
            settings.getfloat("COUNCILWATCH_REGISTER_FORBIDDEN_WAIT"),
            settings.getint("COUNCILWATCH_REGISTER_FORBIDDEN_RETRIES"),
        )

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        waited = request.meta.get("forbidden_waits", 0)
        if response.status != 403 or request.meta.get("dont_retry") or waited >= self.retries:
            return response
        stats = self.crawler.stats
        stats.inc_value("register/forbidden_waits")
        stats.inc_value("register/forbidden_wait_seconds", self.wait)
        self.crawler.spider.logger.warning(
            "403 from %s: waiting %.0f s before asking again", request.url, self.wait
        )
        await asyncio.sleep(self.wait)
        meta = {**request.meta, "forbidden_waits": waited + 1}
        return request.replace(dont_filter=True, meta=meta)
