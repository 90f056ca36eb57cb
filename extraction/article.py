"""The Article record: what page extraction produces from one fetched page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Article:
    """Metadata and clean body text of one news article.

    >>> a = Article(url="https://example.org/a", title="Councils share IT", body="Text.")
    >>> a.as_dict()["title"]
    'Councils share IT'
    """

    url: str
    canonical_url: str | None = None
    title: str | None = None
    standfirst: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601, timezone-aware where the page says so
    modified: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    body: str = ""  # paragraphs separated by blank lines
    #: "article" when the page declares itself one (JSON-LD or og:type), else the
    #: og:type it declares ("website" for an index page), else None (not said);
    #: the article gate (``gate.refusal``) refuses the others.
    page_type: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)
