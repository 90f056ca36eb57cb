"""One article gate, one outcome per reason, in every path a page takes into the corpus:
a real crawl over loopback (the spider), a WARC import, and the item pipelines (items
that reach them without passing the spider's gate, e.g. replayed from Redis). Each
refused page is a ``crawl_errors`` row with stage ``extract`` and the gate's reason."""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from councilwatch.extraction.gate import STAGE, Refusal
from councilwatch.pipeline.store_items import StoreArticlePipeline
from councilwatch.pipeline.validate_items import ValidateArticlePipeline

from ..conftest import FAST_CRAWL, query, run_cli
from ..localsite import Page, serve_pages
from ..pipeline.test_crawl import BODY_A, article_page, rss
from .test_warc import write_warc

PARAGRAPHS = "".join(f"<article><p>{p}</p></article>" for p in BODY_A.split("\n\n")) * 3
#: A page for each refusal, the same bytes in every path (served as text/html).
REFUSED = {
    "no-title": (f"<html><head></head><body>{PARAGRAPHS}</body></html>", Refusal.no_title()),
    "index": (
        '<html><head><title>Latest news</title><meta property="og:type" content="website">'
        f"</head><body>{PARAGRAPHS}</body></html>",
        Refusal.not_an_article_page("website"),
    ),
    "empty": ("<html><head><title>x</title></head><body></body></html>", Refusal.no_body()),
    "pdf": ("%PDF-1.4 binary\x00\x01", Refusal.not_html("PDF document")),
}


def refusals(db) -> dict[str, tuple[str, str]]:
    rows = query(db, "SELECT url, stage, reason FROM crawl_errors")
    return {url.rstrip("/").rsplit("/", 1)[-1]: (stage, reason) for url, stage, reason in rows}


def expected(names=REFUSED) -> dict[str, tuple[str, str]]:
    return {name: (STAGE, REFUSED[name][1].reason) for name in names}


def test_a_crawl_records_each_refused_page_with_its_reason(db_path):
    pages: dict = {}
    with serve_pages(pages) as (base, _):
        paths = [f"/news/{name}/" for name in REFUSED] + ["/news/good/"]
        pages["/feed/"] = rss(base, paths)
        for name, (html, _) in REFUSED.items():
            pages[f"/news/{name}/"] = Page(html.encode("latin-1"))
        pages["/news/good/"] = article_page(base, "good", "Councils merge ICT", BODY_A)
        result = run_cli("crawl", "--db", str(db_path), "--start-url", f"{base}/feed/", *FAST_CRAWL)
    assert result.returncode == 0, result.stderr[-3000:]
    assert query(db_path, "SELECT title FROM articles") == [("Councils merge ICT",)]
    assert refusals(db_path) == expected()
    assert "4 errors recorded" in result.stdout


def test_a_warc_import_records_each_refused_page_with_the_same_reason(db_path, tmp_path):
    base = "https://press.example"
    records = [
        ((f"{base}/news/{name}/", html.encode("latin-1"), "text/html"), {})
        for name, (html, _) in REFUSED.items()
    ]
    write_warc(tmp_path / "refused.warc.gz", records)
    result = run_cli(
        "import-warc", str(tmp_path / "refused.warc.gz"), "--db", str(db_path), "--no-process"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # refused pages are recorded like a crawl's, and are not import errors (exit 0)
    assert "4 not an article" in result.stdout and "Errors: 0." in result.stdout
    assert refusals(db_path) == expected()
    assert query(db_path, "SELECT count(*) FROM articles") == [(0,)]


@pytest.mark.parametrize("name", ["no-title", "index", "empty"])
def test_the_item_pipelines_record_a_refused_article_item_the_same_way(db_path, name):
    """An article item that did not pass the spider's gate (its fields as extraction gave
    them) is turned into an error item and stored in crawl_errors, not dropped."""
    from councilwatch.extraction.extract import extract_article

    html, _ = REFUSED[name]
    url = f"http://127.0.0.1:1/news/{name}/"
    item = {"kind": "article", **extract_article(html.encode(), url).as_dict(), "source": "x"}
    settings = {"COUNCILWATCH_DB": str(db_path), "COUNCILWATCH_STORE_BATCH": 1}
    crawler = get_crawler(settings_dict=settings)
    crawler.spider = Spider(name="news")
    validate = ValidateArticlePipeline.from_crawler(crawler)
    store = StoreArticlePipeline.from_crawler(crawler)
    store.open_spider()
    try:
        store.process_item(validate.process_item(item))
    finally:
        store.close_spider()
    assert refusals(db_path) == expected([name])
    assert query(db_path, "SELECT count(*) FROM articles") == [(0,)]
    code = REFUSED[name][1].code
    assert crawler.stats.get_value(f"councilwatch/refused/{code}") == 1
