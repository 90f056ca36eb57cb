"""The sources registry: the publications councilwatch crawls (``sources.json``).

>>> names = [s.name for s in load_sources()]
>>> "computerweekly" in names and "theregister" in names
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable

#: Read through importlib.resources so it is found inside a zipped egg (Scrapyd) too.
REGISTRY_FILE: Traversable = files("councilwatch.spiders").joinpath("sources.json")


class UnknownSource(KeyError):
    def __str__(self) -> str:
        return f"unknown source {self.args[0]!r}; `councilwatch sources` lists them"


@dataclass(frozen=True)
class Source:
    """One publication: where to discover its articles and what their URLs look like."""

    name: str
    title: str
    homepage: str
    allowed_domains: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_patterns: tuple[str, ...] = ()
    #: ``(regex, replacement)`` pairs turning feed links (e.g. through a click-tracking
    #: redirector) into the article's own URL before it is matched and fetched.
    link_rewrites: tuple[tuple[str, str], ...] = ()
    notes: str = ""

    @cached_property
    def article_regexes(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.article_patterns)

    def rewrite_link(self, url: str) -> str:
        """The article's own URL for a feed link.

        >>> register = select_sources(["theregister"])[0]
        >>> register.rewrite_link("https://go.theregister.com/feed/www.theregister.com/2025/01/22/x/")
        'https://www.theregister.com/2025/01/22/x/'
        """
        for pattern, replacement in self.link_rewrites:
            url = re.sub(pattern, replacement, url)
        return url

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` looks like one of this source's articles (any URL without patterns)."""
        return not self.article_regexes or any(r.search(url) for r in self.article_regexes)

    @property
    def start_urls(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps

    def as_row(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "homepage": self.homepage,
            "notes": self.notes,
        }


def _source(entry: dict) -> Source:
    unknown = sorted(set(entry) - set(Source.__dataclass_fields__))
    if unknown:
        raise ValueError(f"source {entry.get('name')!r}: unknown field(s) {', '.join(unknown)}")
    values = {
        k: tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) else v
        for k, v in entry.items()
    }
    return Source(**values)


def load_sources(path: Traversable = REGISTRY_FILE) -> list[Source]:
    """Every source in the registry, in file order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [_source(entry) for entry in data["sources"]]


def select_sources(names: Iterable[str], path: Traversable = REGISTRY_FILE) -> list[Source]:
    """The named sources; raises :class:`UnknownSource` for a name not in the registry."""
    by_name = {s.name: s for s in load_sources(path)}
    try:
        return [by_name[name] for name in names]
    except KeyError as exc:
        raise UnknownSource(exc.args[0]) from None
