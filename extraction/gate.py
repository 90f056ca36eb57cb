"""The article gate: is an extracted page an article, and if not, why not.

One decision for every path a page takes into the corpus (the spider, the
archive import, the item pipeline): each refusal has one :class:`Refusal` with a
short ``code`` (for counters) and the ``reason`` recorded in ``crawl_errors``.

>>> from councilwatch.extraction.article import Article
>>> refusal(Article(url="u", title="Councils share IT", body="Text.")) is None
True
>>> refusal(Article(url="u", body="Text.")).reason
'no title'
>>> refusal({"page_type": "website", "title": "Latest news", "body": "Text."}).code
'not_an_article_page'
>>> judge_page(b"%PDF-1.7 ...", "https://example.org/a.pdf").refusal.reason
'not HTML: PDF document'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .article import Article
from .extract import NotAnArticle, extract_article

__all__ = ["Refusal", "Verdict", "judge_page", "refusal"]

#: The stage under which a refused page is recorded in ``crawl_errors``.
STAGE = "extract"


@dataclass(frozen=True)
class Refusal:
    """Why a page is not stored as an article.

    >>> Refusal.no_body().reason
    'no article body found'
    """

    code: str
    reason: str

    @classmethod
    def not_html(cls, what: str) -> Refusal:
        """The bytes are clearly not an HTML page (a PDF, an image, JSON, ...)."""
        return cls("not_html", f"not HTML: {what}")

    @classmethod
    def not_an_article_page(cls, page_type: str) -> Refusal:
        """The page declares itself something else (og:type ``website``: an index page)."""
        return cls("not_an_article_page", f"not an article page (og:type {page_type})")

    @classmethod
    def no_body(cls) -> Refusal:
        return cls("no_body", "no article body found")

    @classmethod
    def no_title(cls) -> Refusal:
        return cls("no_title", "no title")

    @classmethod
    def extraction_failed(cls, exc: BaseException) -> Refusal:
        """Extraction itself raised (a bug): the page is refused, the crawl goes on."""
        return cls("extraction_failed", f"extraction failed: {type(exc).__name__}: {exc}")


def refusal(page: Article | Mapping[str, Any]) -> Refusal | None:
    """None when ``page`` (an :class:`Article`, or an article item's fields) is an article;
    otherwise the one :class:`Refusal` that says why not, checked in this order: declared
    not an article, no body, no title."""
    if isinstance(page, Mapping):
        page_type, title, body = page.get("page_type"), page.get("title"), page.get("body")
    else:
        page_type, title, body = page.page_type, page.title, page.body
    if page_type not in (None, "article"):
        return Refusal.not_an_article_page(page_type)
    if not (body or "").strip():
        return Refusal.no_body()
    if not (title or "").strip():
        return Refusal.no_title()
    return None


@dataclass(frozen=True)
class Verdict:
    """The gate's answer for one fetched page: the article, or the refusal."""

    article: Article | None
    refusal: Refusal | None

    @property
    def is_article(self) -> bool:
        return self.refusal is None


def judge_page(html: bytes, url: str, *, content_type: str | None = None) -> Verdict:
    """Extract ``html`` (fetched from ``url``) and pass it through the gate.

    Never raises: a page that is not HTML, and a bug in extraction, are refusals too.
    A top-level function, so it runs in worker processes as well.
    """
    try:
        article = extract_article(html, url, content_type=content_type)
    except NotAnArticle as exc:
        return Verdict(None, Refusal.not_html(exc.reason))
    except Exception as exc:  # a bug in extraction must cost one page only
        return Verdict(None, Refusal.extraction_failed(exc))
    reason = refusal(article)
    return Verdict(article if reason is None else None, reason)
