"""Extraction in worker processes (``COUNCILWATCH_EXTRACT_PROCESSES``) stores exactly what
in-process extraction stores, refusals and non-articles included."""

from __future__ import annotations

import gzip
import json
import pickle

from councilwatch.extraction.extract import NotAnArticle

from ..conftest import FAST_CRAWL, query, run_cli
from ..localsite import Page, serve_pages
from .test_crawl import BODY_A, BODY_B, article_page, rss

ARTICLES = 8


def test_a_refusal_survives_the_trip_back_from_a_worker():
    again = pickle.loads(pickle.dumps(NotAnArticle("PDF document", "https://x/a.pdf")))
    assert (again.reason, again.url, str(again)) == (
        "PDF document",
        "https://x/a.pdf",
        "not an article (PDF document): https://x/a.pdf",
    )


def crawl_and_read(db, base: str, processes: int) -> tuple[list, list]:
    result = run_cli(
        "crawl", "--db", str(db), "--start-url", f"{base}/feed/", *FAST_CRAWL,
        "-s", f"COUNCILWATCH_EXTRACT_PROCESSES={processes}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    articles = query(
        db,
        "SELECT canonical_url, title, body, published, content_hash, r.html_gz "
        "FROM articles JOIN raw_pages r ON r.article_id = articles.id ORDER BY canonical_url",
    )  # the page as fetched, whether the store or a worker compressed it
    articles = [(*row[:-1], gzip.decompress(row[-1])) for row in articles]
    errors = query(db, "SELECT url, stage, reason FROM crawl_errors ORDER BY url")
    (stats,) = query(db, "SELECT stats FROM crawl_runs")[0]
    in_workers = json.loads(stats)["scrapy"].get("councilwatch/extracted_in_workers", 0)
    assert in_workers == (ARTICLES + 2 if processes else 0)
    return articles, errors


def test_worker_processes_store_the_same_as_in_process_extraction(tmp_path):
    pages: dict = {}
    with serve_pages(pages) as (base, _):
        paths = [f"/news/{i}/" for i in range(ARTICLES)] + ["/news/report.pdf", "/news/tag/"]
        pages["/feed/"] = rss(base, paths)
        for i in range(ARTICLES):
            body = f"{BODY_A if i % 2 else BODY_B}\n\nStory number {i}."
            pages[f"/news/{i}/"] = article_page(base, str(i), f"Story {i}", body)
        pages["/news/report.pdf"] = Page(b"%PDF-1.7 ...", content_type="application/pdf")
        pages["/news/tag/"] = Page(
            '<html><head><meta property="og:type" content="website"></head>'
            "<body><p>Tag page</p></body></html>"
        )
        here = crawl_and_read(tmp_path / "here.db", base, 0)
        elsewhere = crawl_and_read(tmp_path / "elsewhere.db", base, 2)
    articles, errors = elsewhere
    assert len(articles) == ARTICLES
    assert all(html.startswith(b"<!doctype html>") for *_, html in articles)
    assert [stage for _, stage, _ in errors] == ["extract", "extract"]
    assert elsewhere == here
