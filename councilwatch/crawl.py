"""Run the news spider in-process and store what it finds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from councilwatch import __version__
from councilwatch.pipeline.run_status import CRAWL_ERROR, CRAWL_ERROR_KEY
from councilwatch.spiders.news import NewsSpider


def project_settings(db_path: str | Path, overrides: Mapping | None = None) -> Settings:
    """councilwatch's Scrapy settings with the database path and any overrides applied."""
    settings = Settings()
    settings.setmodule("councilwatch.pipeline.settings", priority="project")
    settings.set("COUNCILWATCH_DB", str(db_path), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    if settings.getpriority("USER_AGENT") < settings.getpriority("COUNCILWATCH_CONTACT_URL"):
        settings.set("USER_AGENT", user_agent(settings["COUNCILWATCH_CONTACT_URL"]), "project")
    return settings


def user_agent(contact_url: str) -> str:
    """The crawler's User-Agent: councilwatch, its version and how to reach its operator.

    >>> user_agent("https://example.org/about-our-crawler")
    'councilwatch/0.1.0 (+https://example.org/about-our-crawler)'
    """
    return f"councilwatch/{__version__} (+{contact_url})"


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
    alongside: Callable[[CrawlerProcess], object] | None = None,
) -> dict:
    """Crawl registry ``sources`` and ``start_urls`` (feeds, sitemaps, robots.txt or
    index pages) into ``db_path``.

    ``jobdir`` keeps the crawl's state on disk so a stopped crawl resumes where it
    was. ``alongside`` may schedule other crawls in the same process (the demo's
    register crawl). Blocks until the crawls end and returns the news crawl's Scrapy
    stats (a crawl that could not start, its database unusable say, has
    ``finish_reason`` ``crawl_error`` and the error under ``councilwatch/crawl_error``).
    Runs a Twisted reactor, so it can be called once per process.
    """
    overrides = {"COUNCILWATCH_REFRESH": refresh, **(settings or {})}
    if jobdir:
        overrides["JOBDIR"] = str(jobdir)
    process = CrawlerProcess(project_settings(db_path, overrides))
    crawler = process.create_crawler(NewsSpider)
    failures: list[Failure] = []
    done = process.crawl(
        crawler,
        start_urls=list(start_urls),
        sources=list(sources),
        source=source,
        since=since,
        max_articles=max_articles,
    )
    done.addErrback(failures.append)  # said in the outcome, not as "Unhandled error"
    if alongside is not None:
        alongside(process)
    process.start()
    stats = dict(crawler.stats.get_stats())
    if failures:
        error = failures[0].value
        stats["finish_reason"] = CRAWL_ERROR
        stats[CRAWL_ERROR_KEY] = f"{type(error).__name__}: {error}"
    return stats
