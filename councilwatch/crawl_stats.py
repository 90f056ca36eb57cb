"""What a crawl did, read from Scrapy's stats in one place.

The store pipeline, the Redis push pipeline and the spider count into Scrapy's
stats under ``councilwatch/...``; :class:`CrawlFigures` reads them for the
commands' reports and the run rows.

>>> figures = CrawlFigures.from_stats({"downloader/response_count": 9,
...     "councilwatch/articles_new": 3, "councilwatch/skipped_stored": 2})
>>> figures.pages, figures.articles_new, figures.already_stored
(9, 3, 2)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def _count(stats: Mapping[str, Any], name: str) -> int:
    return int(stats.get(f"councilwatch/{name}", 0))


@dataclass(frozen=True)
class CrawlFigures:
    """A crawl's figures, from its Scrapy stats."""

    finish_reason: str
    pages: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    articles_alias: int
    skipped_stored: int
    errors: int
    items_pushed: int
    run_id: int | None

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> CrawlFigures:
        return cls(
            finish_reason=stats.get("finish_reason") or "finished",
            pages=int(stats.get("downloader/response_count", 0)),
            articles_new=_count(stats, "articles_new"),
            articles_updated=_count(stats, "articles_updated"),
            articles_unchanged=_count(stats, "articles_unchanged"),
            articles_alias=_count(stats, "articles_alias"),
            skipped_stored=_count(stats, "skipped_stored"),
            errors=_count(stats, "errors"),
            items_pushed=_count(stats, "items_pushed"),
            run_id=stats.get("councilwatch/run_id"),
        )

    @property
    def already_stored(self) -> int:
        """Articles found stored already: skipped before fetching, unchanged, or aliases."""
        return self.skipped_stored + self.articles_unchanged + self.articles_alias

    def run_counts(self) -> dict[str, int]:
        """The counts a ``crawl_runs`` row keeps."""
        return {
            "pages_fetched": self.pages,
            "articles_new": self.articles_new,
            "articles_updated": self.articles_updated,
            "errors": self.errors,
        }
