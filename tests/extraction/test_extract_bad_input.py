"""Bad input: extraction never crashes; clearly non-HTML input raises NotAnArticle."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from councilwatch.extraction.encoding import decode_html
from councilwatch.extraction.extract import NotAnArticle, extract_article

PAGES = Path(__file__).parent / "fixtures" / "pages"
URL = "https://e.org/news/a"


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n", b"<", b"<html>", b"<<<>>><p", b"</div></p><p>x", b"\xff\xfe\xfd garbage \x80"],
)
def test_degenerate_input_gives_empty_or_small_article(data: bytes) -> None:
    article = extract_article(data, URL)
    assert article.url == URL
    assert isinstance(article.body, str)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b'{"title": "Not HTML", "body": "x"}', "JSON"),
        (bytes(range(256)) * 40, "binary"),
    ],
)
def test_non_html_raises_not_an_article(data: bytes, reason: str) -> None:
    with pytest.raises(NotAnArticle) as err:
        extract_article(data, URL)
    assert reason in err.value.reason
    assert isinstance(err.value, ValueError)


def test_non_html_content_type_raises() -> None:
    with pytest.raises(NotAnArticle):
        extract_article(b"<html></html>", URL, content_type="image/png")


def test_no_charset_declared_utf8_is_detected() -> None:
    page = "<html><body><p>Haringey saves £4m – café</p></body></html>".encode()
    assert "£4m – café" in decode_html(page)[0]


def test_wrong_charset_declaration_falls_back() -> None:
    # The page says utf-8 but its bytes are cp1252.
    article = extract_article((PAGES / "wrong-charset-cp1252.html").read_bytes(), URL)
    assert "£300,000" in article.body
    assert article.title == "Café culture at Hackney"


def test_header_charset_wins_over_meta() -> None:
    page = '<meta charset="utf-8"><p>Café</p>'.encode("cp1252")
    assert decode_html(page, "text/html; charset=windows-1252") == (
        '<meta charset="utf-8"><p>Café</p>',
        "cp1252",
    )


def test_bom_wins() -> None:
    page = codecs.BOM_UTF16_LE + "<p>£5</p>".encode("utf-16-le")
    assert decode_html(page, "text/html; charset=iso-8859-1")[0] == "<p>£5</p>"


def test_latin1_label_on_utf8_bytes_reads_utf8() -> None:
    page = '<meta charset="iso-8859-1"><p>£5</p>'.encode()
    assert decode_html(page)[0].endswith("<p>£5</p>")


def test_str_input_is_accepted() -> None:
    assert extract_article("<html><title>T</title></html>", URL).title == "T"  # type: ignore[arg-type]


def test_giant_page_does_not_raise() -> None:
    paragraphs = b"".join(
        b"<p>Council %d shares IT services and saves money. " % i * 20 + b"</p>"
        for i in range(1000)
    )
    page = b"<html><body><article>" + paragraphs + b"</article></body></html>"
    article = extract_article(page, URL)
    assert len(article.body) > 100_000  # about 1 MB of text in


def test_deeply_nested_markup_does_not_raise() -> None:
    page = b"<html><body>" + b"<div>" * 5000 + b"<p>deep</p>" + b"</div>" * 5000 + b"</body></html>"
    extract_article(page, URL)
