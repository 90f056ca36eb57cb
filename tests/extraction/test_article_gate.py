"""The article gate on its own: one refusal per reason, checked in a fixed order."""

from __future__ import annotations

import pytest

from councilwatch.extraction import gate
from councilwatch.extraction.article import Article
from councilwatch.extraction.gate import Refusal, judge_page, refusal


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"title": "Councils share IT", "body": "Text."}, None),
        ({"title": "Councils share IT", "body": "Text.", "page_type": "article"}, None),
        ({"title": "Latest", "body": "Text.", "page_type": "website"}, "not_an_article_page"),
        ({"title": "Councils share IT", "body": "  \n"}, "no_body"),
        ({"title": " ", "body": "Text."}, "no_title"),
        ({"page_type": "website"}, "not_an_article_page"),  # the first reason wins
        ({}, "no_body"),
    ],
)
def test_one_refusal_per_reason_for_articles_and_items_alike(fields, expected):
    from_article = refusal(Article(url="http://x/a", **fields))
    from_item = refusal({"kind": "article", "url": "http://x/a", **fields})
    assert from_article == from_item
    assert (from_article.code if from_article else None) == expected


def test_judge_page_turns_every_failure_into_a_refusal(monkeypatch):
    verdict = judge_page(b"\x89PNG\r\n", "http://x/logo.png")
    assert verdict.refusal == Refusal.not_html("PNG image") and verdict.article is None

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(gate, "extract_article", broken)
    verdict = judge_page(b"<p>Hi</p>", "http://x/a")
    assert verdict.refusal == Refusal("extraction_failed", "extraction failed: RuntimeError: a bug")


def test_an_article_passes_with_its_fields():
    page = (
        b"<html><head><title>Councils share IT</title></head><body><article>"
        + b"<p>Islington and Camden councils will merge their ICT services next year.</p>" * 4
        + b"</article></body></html>"
    )
    verdict = judge_page(page, "https://example.org/news/2015/11/02/share/")
    assert verdict.is_article and verdict.article.title == "Councils share IT"
