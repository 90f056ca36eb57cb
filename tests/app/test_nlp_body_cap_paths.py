"""The NLP stage's body cap on the paths that analyse pages away from ``process``: a crawl's
worker processes and an archive import leave an article over the cap unanalysed, and
``process`` (run by ``import-warc`` and ``run`` afterwards) analyses it up to the cap and
records the cut, the same way for every path."""

from __future__ import annotations

from councilwatch.page_batches import Page, analyse_pages
from councilwatch.process import MAX_BODY_CHARS

from ..conftest import query, run_cli
from .test_warc import BASE, write_warc

HEAD = "<p>Kent County Council will save £2m a year by sharing its IT service with Medway.</p>"
TAIL = "<p>Leeds City Council spent £300k on a new CRM system for its housing service.</p>"


def page(paragraphs: int) -> bytes:
    """An article page: a council at the start, another at the end, filler between."""
    filler = "".join(
        f"<p>Paragraph {i} of the minutes: the committee noted item {i} without comment.</p>"
        for i in range(paragraphs)
    )
    return (
        "<html><head><title>Long minutes</title></head><body><article>"
        f"{HEAD}{filler}{TAIL}</article></body></html>"
    ).encode()


def test_an_article_over_the_cap_gets_no_facts_from_a_batch():
    pages = [Page(f"{BASE}/news/long/", page(40), "text/html"),
             Page(f"{BASE}/news/short/", page(0), "text/html")]  # fmt: skip
    (long_verdict, long_facts), (_, short_facts) = analyse_pages(pages, max_body_chars=1_000)
    assert len(long_verdict.article.body) > 1_000
    assert "facts" not in long_facts  # left to process, which cuts and records it
    assert set(long_facts) == {"html_gz", "content_hash"}  # the page is still stored
    assert {m["code"] for m in short_facts["facts"]["councils"]} == {"KEN", "MDW", "LDS"}


def test_import_warc_analyses_a_huge_article_up_to_the_cap_and_records_it(tmp_path):
    huge = page(14_000)  # about 1.1 million characters of body
    warc = tmp_path / "a.warc.gz"
    write_warc(warc, [((f"{BASE}/news/huge-minutes/", huge, "text/html"), {})])
    db = tmp_path / "c.db"
    result = run_cli("import-warc", str(warc), "--db", str(db), "--domain", "samplepress.example")
    assert result.returncode == 0, result.stderr[-2000:]
    ((length,),) = query(db, "SELECT length(body) FROM articles")
    assert length > MAX_BODY_CHARS
    codes = {c for (c,) in query(db, "SELECT code FROM council_mentions")}
    assert "KEN" in codes and "LDS" not in codes  # Leeds is past the cap
    ((stage, reason),) = query(db, "SELECT stage, reason FROM crawl_errors")
    assert stage == "nlp"
    assert reason.endswith(f"body cut to {MAX_BODY_CHARS:,} of {length:,} characters for NLP")
