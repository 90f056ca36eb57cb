"""The crawl floor: a bare Scrapy spider that fetches a list of URLs and does nothing else.

No councilwatch middlewares, pipelines or extraction: Scrapy's defaults, robots.txt
obeyed, politeness switched off the same way as for the benchmarked crawl. Used by
``bench/e2e.py`` to measure how fast Scrapy alone fetches the same article pages.

Usage (from the repo root; one URL per line in URLS_FILE):
    .venv/bin/python bench/bare_spider.py URLS_FILE [-s NAME=VALUE ...]

Prints one JSON line: ``{"responses": N, "items": 0, "crawl_s": S}`` (S: the crawl alone).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Request, Response

#: The politeness-off settings shared with the benchmarked ``councilwatch crawl``.
FAST_SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "LOG_LEVEL": "INFO",
}


class BareSpider(scrapy.Spider):
    """Fetch every URL in ``urls_file`` once; ignore the responses."""

    name = "bare"

    def __init__(self, urls_file: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.urls = Path(urls_file).read_text(encoding="utf-8").split()

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, callback=self.parse)

    def parse(self, response: Response) -> None:
        """Do nothing with the page."""
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls_file")
    parser.add_argument("-s", "--set", dest="overrides", action="append", default=[])
    args = parser.parse_args()
    settings = dict(FAST_SETTINGS)
    for pair in args.overrides:
        name, _, value = pair.partition("=")
        settings[name] = value
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    started = time.perf_counter()
    process.crawl(crawler, urls_file=args.urls_file)
    process.start()
    seconds = time.perf_counter() - started
    responses = crawler.stats.get_value("downloader/response_count", 0)
    print(json.dumps({"responses": responses, "items": 0, "crawl_s": seconds}))


if __name__ == "__main__":
    main()
