"""Crawl the public register (Contracts Finder, Find a Tender) in-process, then link it.

>>> sorted(SPIDERS)
['contracts-finder', 'find-a-tender']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess

from councilwatch.crawl import project_settings
from councilwatch.spiders.contracts_finder import ContractsFinderSpider
from councilwatch.spiders.find_a_tender import FindATenderSpider

SPIDERS = {spider.name: spider for spider in (ContractsFinderSpider, FindATenderSpider)}


@dataclass(frozen=True)
class RegisterCrawlFigures:
    """What one spider of a register crawl did, from its Scrapy stats."""

    source: str
    finish_reason: str
    pages: int
    releases_new: int
    releases_updated: int
    releases_unchanged: int
    windows_complete: int
    windows_incomplete: int
    errors: int
    resumed_from: str | None
    refused: int | None

    @classmethod
    def from_stats(cls, source: str, stats: Mapping) -> RegisterCrawlFigures:
        return cls(
            source=source,
            finish_reason=stats.get("finish_reason") or "finished",
            pages=int(stats.get("downloader/response_count", 0)),
            releases_new=int(stats.get("register/releases_new", 0)),
            releases_updated=int(stats.get("register/releases_updated", 0)),
            releases_unchanged=int(stats.get("register/releases_unchanged", 0)),
            windows_complete=int(stats.get("register/windows_complete", 0)),
            windows_incomplete=int(stats.get("register/windows_incomplete", 0)),
            errors=int(stats.get("councilwatch/errors", 0)),
            resumed_from=stats.get("register/resumed_from"),
            refused=stats.get("register/refused"),
        )


def run_register_crawl(
    db_path: str | Path,
    sources: Sequence[str] = tuple(SPIDERS),
    *,
    since: str | None = None,
    until: str | None = None,
    settings: Mapping | None = None,
) -> list[RegisterCrawlFigures]:
    """Crawl the register ``sources`` into ``db_path``, from ``since`` (default: where the
    stored releases of each source end) to ``until`` (default: now).

    The spiders run side by side (each API is its own host, each crawled one request at
    a time). Blocks until both end; runs a Twisted reactor, so once per process.
    """
    process = CrawlerProcess(project_settings(db_path, settings))
    crawlers = schedule_register_crawls(process, sources, since=since, until=until)
    process.start()
    return register_figures(crawlers)


def schedule_register_crawls(
    process: CrawlerProcess,
    sources: Sequence[str] = tuple(SPIDERS),
    *,
    since: str | None = None,
    until: str | None = None,
) -> list[tuple[str, Crawler]]:
    """Add a crawl of each register source to ``process`` (not started); return them."""
    unknown = [s for s in sources if s not in SPIDERS]
    if unknown:
        raise ValueError(f"unknown register source(s) {', '.join(unknown)}: {', '.join(SPIDERS)}")
    crawlers = []
    for source in sources:
        crawler = process.create_crawler(SPIDERS[source])
        process.crawl(crawler, since=since, until=until)
        crawlers.append((source, crawler))
    return crawlers


def register_figures(crawlers: Sequence[tuple[str, Crawler]]) -> list[RegisterCrawlFigures]:
    """The figures of finished register crawls."""
    return [RegisterCrawlFigures.from_stats(s, c.stats.get_stats()) for s, c in crawlers]
