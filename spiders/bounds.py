"""How much one crawl may ask of one source: nested sitemap depth and URL budgets.

A site can hand out work without end (an index of sitemap indexes generated on the fly,
an endless chain of "next" pages); these bounds end such a crawl, and the ``run`` lock
with it. Each is a setting (``-s`` overrides it) and every bound hit is recorded in
``crawl_errors`` once per source.

>>> budgets = URLBudgets({"discover": 2, "fetch": 10})
>>> [budgets.take("site", "discover") for _ in range(4)]
[None, None, 'URL budget spent: 2 discovery URLs (COUNCILWATCH_MAX_DISCOVERY_URLS); further ones not requested', '']
>>> budgets.refused("site", "discover")
2
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

#: Sitemap indexes nested below a start URL or robots.txt that are followed
#: (``COUNCILWATCH_MAX_SITEMAP_DEPTH``); real sites use one or two levels.
DEFAULT_MAX_SITEMAP_DEPTH = 5
#: Feeds, sitemaps and index pages fetched per source and crawl
#: (``COUNCILWATCH_MAX_DISCOVERY_URLS``): ten years of daily sitemaps fit.
DEFAULT_MAX_DISCOVERY_URLS = 5000
#: Article pages requested per source and crawl (``COUNCILWATCH_MAX_ARTICLE_URLS``).
DEFAULT_MAX_ARTICLE_URLS = 100_000

#: Budget kind (a request's stage) -> (what is counted, the setting that bounds it).
KINDS = {
    "discover": ("discovery URLs", "COUNCILWATCH_MAX_DISCOVERY_URLS"),
    "fetch": ("article URLs", "COUNCILWATCH_MAX_ARTICLE_URLS"),
}


def depth_refusal(depth: int, max_depth: int, nested: int) -> str:
    """The reason recorded for nested sitemaps not followed below ``max_depth``.

    >>> depth_refusal(6, 5, 3)
    'sitemap index nested 6 deep, deeper than COUNCILWATCH_MAX_SITEMAP_DEPTH (5): 3 nested sitemaps not followed'
    """
    return (
        f"sitemap index nested {depth} deep, deeper than COUNCILWATCH_MAX_SITEMAP_DEPTH "
        f"({max_depth}): {nested} nested sitemaps not followed"
    )


class URLBudgets:
    """Per-source counts of the URLs requested, against a limit per kind."""

    def __init__(self, limits: Mapping[str, int]) -> None:
        self.limits = dict(limits)
        self.spent: Counter[tuple[str, str]] = Counter()
        self._refused: Counter[tuple[str, str]] = Counter()

    def take(self, source: str, kind: str) -> str | None:
        """Count one more URL of ``kind`` for ``source``.

        ``None`` when it is within the budget. Past it: the reason to record for the
        first URL refused, then ``''`` for the others (counted, not recorded again).
        """
        key = (source, kind)
        if self.spent[key] < self.limits[kind]:
            self.spent[key] += 1
            return None
        self._refused[key] += 1
        if self._refused[key] > 1:
            return ""
        what, setting = KINDS[kind]
        return (
            f"URL budget spent: {self.limits[kind]} {what} ({setting}); further ones not requested"
        )

    def refused(self, source: str, kind: str) -> int:
        """How many URLs of ``kind`` the budget kept ``source`` from requesting."""
        return self._refused[(source, kind)]
