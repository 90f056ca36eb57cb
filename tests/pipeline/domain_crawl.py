"""Crawl start URLs as one source with registry domains of the caller's choosing.

A registry entry (``spiders/sources.json``) gives a source its ``allowed_domains``; tests
cannot add one, so this runs the news spider with the domains given here instead, in a
real crawl (``python -m tests.pipeline.domain_crawl DB SOURCE DOMAINS URL... [-s N=V]``).
It lets a test reach a name that is on-site for its source yet resolves to a private
address, as a registry domain pointed at an internal host would.
"""

from __future__ import annotations

import sys
from typing import Any

from scrapy.crawler import CrawlerProcess

from councilwatch.crawl import project_settings
from councilwatch.spiders.hosts import SourceHosts
from councilwatch.spiders.news import NewsSpider


class DomainsSpider(NewsSpider):
    """The news spider, its start URLs' source allowed ``domains`` (comma-separated)."""

    name = "news-with-domains"

    def __init__(self, domains: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        source = kwargs["source"]
        self.hosts = SourceHosts({source: domains.split(",")}, self.starts)
        self.allowed_domains = list(self.hosts.all_domains)


def main(argv: list[str]) -> None:
    db, source, domains, *rest = argv
    urls, overrides = [], {}
    args = iter(rest)
    for arg in args:
        if arg == "-s":
            name, _, value = next(args).partition("=")
            overrides[name] = value
        else:
            urls.append(arg)
    settings = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "WARNING"}
    process = CrawlerProcess(project_settings(db, {**settings, **overrides}))
    process.crawl(DomainsSpider, start_urls=urls, source=source, domains=domains)
    process.start()


if __name__ == "__main__":
    main(sys.argv[1:])
