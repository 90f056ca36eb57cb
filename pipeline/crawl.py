"""Run the news spider in-process and store what it finds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from councilwatch.spiders.news import NewsSpider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings


def project_settings(db_path: str | Path, overrides: Mapping | None = None) -> Settings:
    """councilwatch's Scrapy settings with the database path and any overrides applied."""
    settings = Settings()
    settings.setmodule("councilwatch.pipeline.settings", priority="project")
    settings.set("COUNCILWATCH_DB", str(db_path), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    db_path: str | Path,
    start_urls: Sequence[str] = (),
    *,
    sources: Sequence[str] = (),
    source: str | None = None,
    since: str | None = None,
    max_articles: int | None = None,
    refresh: bool = False,
    jobdir: str | Path | None = None,
    settings: Mapping | None = None,
) -> dict:
    """Crawl registry ``sources`` and ``start_urls`` (feeds, sitemaps, robots.txt or
    index pages) into ``db_path``.

    ``jobdir`` keeps the crawl's state on disk so a stopped crawl resumes where it
    was. Blocks until the crawl ends and returns Scrapy's stats. Runs a Twisted
    reactor, so it can be called once per process.
    """
    overrides = {"COUNCILWATCH_REFRESH": refresh, **(settings or {})}
    if jobdir:
        overrides["JOBDIR"] = str(jobdir)
    process = CrawlerProcess(project_settings(db_path, overrides))
    crawler = process.create_crawler(NewsSpider)
    process.crawl(
        crawler,
        start_urls=list(start_urls),
        sources=list(sources),
        source=source,
        since=since,
        max_articles=max_articles,
    )
    process.start()
    return dict(crawler.stats.get_stats())
