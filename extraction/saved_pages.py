"""Saved pages read from disk (``councilwatch extract``): plain or gzipped, never unbounded.

A gzipped page is decompressed as a stream and refused as soon as it inflates
beyond :data:`MAX_PAGE_BYTES`, so a "gzip bomb" (a few MB that inflate to GBs)
costs a fraction of a second and about that much memory, not gigabytes.

>>> import gzip, os, tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     p = os.path.join(d, "a.html.gz")
...     _ = open(p, "wb").write(gzip.compress(b"<p>Hi</p>"))
...     read_saved_page(p)
b'<p>Hi</p>'
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from .extract import MAX_BYTES, extract_article

__all__ = ["MAX_PAGE_BYTES", "PageTooLarge", "extract_file", "read_saved_page"]

#: The largest saved page read, after decompression: the size beyond which page
#: extraction truncates pages anyway (20 MB).
MAX_PAGE_BYTES = MAX_BYTES
_GZIP_MAGIC = b"\x1f\x8b"


class PageTooLarge(ValueError):
    """The saved page is, or decompresses to, more than the limit.

    >>> str(PageTooLarge(20_000_000))
    'more than 20,000,000 bytes once decompressed, the limit of a saved page: refused'
    """

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"more than {limit:,} bytes once decompressed, the limit of a saved page: refused"
        )
        self.limit = limit


def read_saved_page(path: str | Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """The bytes of a saved page (``.html`` or ``.html.gz``, or gzip data by its magic).

    Raises :class:`PageTooLarge` beyond ``limit`` bytes, ValueError for a broken
    ``.gz`` and OSError for an unreadable file.
    """
    path = Path(path)
    with path.open("rb") as file:
        gzipped = path.suffix == ".gz" or file.read(2) == _GZIP_MAGIC
    if gzipped:
        try:
            with gzip.open(path, "rb") as file:
                data = file.read(limit + 1)  # streams: never more than limit + 1 in memory
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise ValueError(f"not a gzip file ({exc})") from exc
    else:
        if path.stat().st_size > limit:
            raise PageTooLarge(limit)
        data = path.read_bytes()
    if len(data) > limit:
        raise PageTooLarge(limit)
    return data


def extract_file(path: str | Path) -> dict:
    """Run page extraction on a saved page (``.html`` or ``.html.gz``).

    Returns ``{"file", "url", "title", "authors", "published", "body"}``; ``url``
    is the page's canonical/og:url when it names one, else None. Raises
    NotAnArticle for non-HTML files, :class:`PageTooLarge` for pages beyond
    :data:`MAX_PAGE_BYTES`, ValueError for a broken ``.gz`` and OSError for
    unreadable ones.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "a.html")
    ...     _ = open(p, "wb").write(b'<link rel="canonical" href="https://e.org/a"><p>Hi</p>')
    ...     extract_file(p)["url"]
    'https://e.org/a'
    """
    article = extract_article(read_saved_page(path), "")
    return {
        "file": str(path),
        "url": article.canonical_url,
        "title": article.title,
        "authors": article.authors,
        "published": article.published,
        "body": article.body,
    }
