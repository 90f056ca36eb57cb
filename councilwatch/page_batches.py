"""The work done on fetched pages away from the single writer, a batch at a time: page
extraction, the article gate and the NLP stage. The same function serves a crawl's worker
processes, an archive import's and a Dask task, and returns plain picklable values.

Example:
    >>> html = (b"<html><head><title>Kent shares IT</title></head><body><article>"
    ...         + b"<p>Kent County Council will save \\xc2\\xa32m a year by sharing its IT "
    ...         + b"service with Medway Council, officials said on Monday. </p>" * 4
    ...         + b"</article></body></html>")
    >>> [(verdict, facts)] = analyse_pages([Page("https://press.example/news/kent/", html, "text/html")])
    >>> verdict.article.title, sorted({m["code"] for m in facts["facts"]["councils"]})
    ('Kent shares IT', ['KEN', 'MDW'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from councilwatch.extraction.gate import Verdict, judge_page


class Page(NamedTuple):
    """A fetched page: what extraction needs of it."""

    url: str
    body: bytes
    content_type: str | None


#: What a page's article carries to the single writer, worked out here so that the writer
#: does not: the page compressed as it is stored (``html_gz``) and the body's
#: ``content_hash``, and from the NLP stage ``facts`` and ``nlp_version`` (none with NLP off,
#: for an article the NLP stage failed on, or for one whose body is over the NLP stage's
#: cap, which the next ``councilwatch process`` takes up). Nothing for a refused page.
Analysis = dict[str, Any]


def analyse_pages(
    pages: Sequence[Page], *, nlp: bool = True, max_body_chars: int | None = None
) -> list[tuple[Verdict, Analysis]]:
    """The gate's verdict on each page and, with ``nlp``, its article's facts, in order.

    Never raises for one bad page: extraction failures are refusals, and an article the
    NLP stage fails on gets no facts. Neither does an article whose body is longer than
    ``max_body_chars`` (default ``process.MAX_BODY_CHARS``): it is stored unanalysed, and
    ``process`` (which ``run`` and ``import-warc`` call afterwards) analyses it up to its
    cap and records the cut, in one place for every path.
    """
    from councilwatch.db.store import compress_page, content_hash

    verdicts = [judge_page(p.body, p.url, content_type=p.content_type) for p in pages]
    analyses: list[Analysis] = [
        {"html_gz": compress_page(page.body), "content_hash": content_hash(v.article.body or "")}
        if v.article is not None
        else {}
        for page, v in zip(pages, verdicts, strict=True)
    ]
    articles = [(i, v.article) for i, v in enumerate(verdicts) if v.article is not None]
    if nlp and articles:
        from councilwatch.nlp.analyse import NLP_VERSION
        from councilwatch.process import MAX_BODY_CHARS, analyse_batch

        limit = MAX_BODY_CHARS if max_body_chars is None else max_body_chars
        articles = [(i, a) for i, a in articles if len(a.body or "") <= limit]
        batch = [(i, a.body, a.published) for i, a in articles]
        for (i, _), facts in zip(articles, analyse_batch(batch), strict=True):
            if "error" not in facts:
                analyses[i].update(facts=facts, nlp_version=NLP_VERSION)
    return list(zip(verdicts, analyses, strict=True))


def warm_up(nlp: bool = True) -> None:
    """Load what :func:`analyse_pages` needs in this process (page extraction, and with
    ``nlp`` the NLP pipeline), so a worker started before the first page has paid its
    start-up by then.

    >>> warm_up(nlp=False)
    """
    judge_page(b"<html><body><p>Warming up.</p></body></html>", "http://warm.up/")
    if nlp:
        from councilwatch.process import analyse_batch

        analyse_batch([])
