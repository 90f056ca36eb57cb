"""Article data of the sample site: loading, validation and the plain-text body.

The articles live as one JSON file each in ``articles/`` (package data). Rendering
(:mod:`councilwatch.sample_site.render`) takes any list of such dicts, so generated
articles can be added to the shipped ones.

>>> articles = sample_articles()
>>> articles[0]["slug"] == sorted(articles, key=lambda a: a["published"])[-1]["slug"]
True
>>> body_text({"body": ["One.", {"type": "subheading", "text": "Two"}, {"type": "figure"}]})
'One.\\n\\nTwo'
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

SampleArticle = dict[str, Any]

REQUIRED_KEYS = ("slug", "section", "title", "standfirst", "authors", "published", "modified")
BODY_TEXT_TYPES = ("paragraph", "subheading")


class ArticleDataError(ValueError):
    """An article file is missing a field or has a malformed value."""


def parse_datetime(value: str) -> datetime:
    """Parse an ISO 8601 timestamp that must carry a timezone.

    >>> parse_datetime("2015-11-02T12:41:00+00:00").year
    2015
    """
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ArticleDataError(f"timestamp without timezone: {value!r}")
    return parsed


def validate_article(article: SampleArticle) -> SampleArticle:
    """Check one article dict and return it; raise :class:`ArticleDataError` if malformed.

    >>> try:
    ...     validate_article({"slug": "a"})
    ... except ArticleDataError as error:
    ...     print(error)
    article 'a' lacks 'section'
    """
    slug = article.get("slug", "?")
    for key in REQUIRED_KEYS:
        if not article.get(key):
            raise ArticleDataError(f"article {slug!r} lacks {key!r}")
    if not isinstance(article["authors"], list):
        raise ArticleDataError(f"article {slug!r}: authors must be a list")
    if parse_datetime(article["modified"]) < parse_datetime(article["published"]):
        raise ArticleDataError(f"article {slug!r}: modified before published")
    if not body_text(article):
        raise ArticleDataError(f"article {slug!r} has an empty body")
    return article


def block_type(block: str | dict[str, Any]) -> str:
    """The type of one body block: ``paragraph`` (a plain string), ``subheading`` or ``figure``.

    >>> block_type("Text."), block_type({"type": "figure", "caption": "A"})
    ('paragraph', 'figure')
    """
    return "paragraph" if isinstance(block, str) else str(block.get("type", "paragraph"))


def block_text(block: str | dict[str, Any]) -> str:
    """The text of a paragraph or subheading block (figures have none)."""
    return block if isinstance(block, str) else str(block.get("text", ""))


def body_text(article: SampleArticle) -> str:
    """The article body as plain text: paragraphs and subheadings joined by blank lines.

    Figure captions are not body text. This is the text the gold annotations in
    ``tests/gold/sample-site.jsonl`` refer to.
    """
    blocks = article.get("body") or []
    return "\n\n".join(block_text(b) for b in blocks if block_type(b) in BODY_TEXT_TYPES)


@cache
def _load_shipped() -> tuple[SampleArticle, ...]:
    folder = resources.files("councilwatch.sample_site") / "articles"
    articles = []
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            articles.append(validate_article(json.loads(entry.read_text(encoding="utf-8"))))
    slugs = [a["slug"] for a in articles]
    if len(set(slugs)) != len(slugs):
        raise ArticleDataError("duplicate article slugs")
    return tuple(sort_articles(articles))


def sort_articles(articles: list[SampleArticle]) -> list[SampleArticle]:
    """Newest first (by publication time), then by slug."""
    by_slug = sorted(articles, key=lambda a: a["slug"])
    return sorted(by_slug, key=lambda a: parse_datetime(a["published"]), reverse=True)


def sample_articles() -> list[SampleArticle]:
    """The articles shipped with the sample site, newest first (fresh copies).

    >>> seed = [a for a in sample_articles() if a["published"].startswith("2015-11-02")][0]
    >>> seed["authors"]
    ['Tom Jowitt']
    """
    return copy.deepcopy(list(_load_shipped()))
