"""Page extraction on a hand-written tech-press page: metadata fields and a clean body."""

from __future__ import annotations

from pathlib import Path

import pytest

from councilwatch.extraction.article import Article
from councilwatch.extraction.extract import extract_article
from councilwatch.extraction.saved_pages import extract_file

PAGES = Path(__file__).parent / "fixtures" / "pages"
URL = "https://techpublic.example/news/2015/11/02/three-london-councils-shared-ict/?utm_source=x"


@pytest.fixture(scope="module")
def article() -> Article:
    return extract_article((PAGES / "techpress-article.html").read_bytes(), URL)


def test_title_prefers_json_ld_headline_without_site_suffix(article: Article) -> None:
    assert article.title == "Three London councils agree shared ICT service"


def test_authors_resolve_json_ld_references_and_dedupe(article: Article) -> None:
    assert article.authors == ["Jane Bloggs", "Sam Smith"]


def test_published_keeps_zone(article: Article) -> None:
    assert article.published == "2015-11-02T09:30:00+00:00"


def test_modified_normalises_z(article: Article) -> None:
    assert article.modified == "2015-11-03T11:00:00+00:00"


def test_canonical_is_resolved_against_url(article: Article) -> None:
    assert article.canonical_url == (
        "https://techpublic.example/news/2015/11/02/three-london-councils-shared-ict/"
    )
    assert article.url == URL


def test_standfirst_section_tags_language(article: Article) -> None:
    assert article.standfirst == "Islington, Camden and Haringey will run one ICT service."
    assert article.section == "Local government"
    assert article.tags == ["Shared services", "ICT", "London"]
    assert article.language == "en-GB"


def test_body_keeps_article_paragraphs(article: Article) -> None:
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("Islington, Camden and Haringey councils have agreed")
    assert "£4 million a year" in article.body
    assert paragraphs[-1].startswith("A spokesperson for the councils")
    assert len(paragraphs) == 4


@pytest.mark.parametrize(
    "leak",
    [
        "Birmingham",  # related-story teaser
        "£100m",
        "Salford",
        "Kent County Council",  # newsletter sign-up
        "£5bn",
        "Surrey",  # comment
        "£9 million",
        "Leeds",  # cookie banner
        "Westminster",  # sidebar
        "£2m",
        "Share on",  # share buttons
        "Registered in England",  # footer
        "Home",  # navigation
    ],
)
def test_boilerplate_does_not_leak_into_body(article: Article, leak: str) -> None:
    assert leak not in article.body


def test_date_from_url_when_page_has_none() -> None:
    page = (
        b"<html><body><article><p>"
        + b"Text about councils. " * 20
        + b"</p></article></body></html>"
    )
    assert extract_article(page, "https://e.org/2019/07/31/story/").published == "2019-07-31"


def test_naive_dates_stay_naive() -> None:
    page = b'<html><head><meta name="date" content="2015-11-02 09:30"></head><body></body></html>'
    assert extract_article(page, "https://e.org/a").published == "2015-11-02T09:30:00"


def test_extract_file_reads_gzip_and_uses_canonical(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress((PAGES / "techpress-article.html").read_bytes()))
    result = extract_file(path)
    assert set(result) == {"file", "url", "title", "authors", "published", "body"}
    assert (
        result["url"]
        == "https://techpublic.example/news/2015/11/02/three-london-councils-shared-ict/"
    )
    assert result["title"] == "Three London councils agree shared ICT service"


def test_extract_file_without_canonical_has_no_url(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"<html><body><p>Just text.</p></body></html>")
    assert extract_file(path)["url"] is None
