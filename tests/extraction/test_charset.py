"""Charset and hostile bytes: a stray byte keeps the declared charset, a stray NUL is not binary."""

from __future__ import annotations

from pathlib import Path

import pytest

from councilwatch.extraction.encoding import decode_html
from councilwatch.extraction.extract import NotAnArticle, extract_article

PAGES = Path(__file__).parent / "fixtures" / "pages"
REAL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "real-pages"
URL = "https://e.org/news/a"
GUARDIAN = REAL / "guardian" / "commentisfree-2019-nov-18-hong-kong-editorial.html"
DIGITALHEALTH = REAL / "digitalhealth" / "digitalhealth-aintree-system-c-2009.html"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared absent")

MONEY = "Haringey’s contract with Capita is worth £2m a year."


def _page(paragraph: bytes, charset: str = "utf-8") -> bytes:
    filler = b"<p>Councils across London have been sharing services for years now.</p>" * 3
    return (
        (
            f'<html><head><meta charset="{charset}"><title>Haringey signs IT deal</title></head>'
            "<body><article><h1>Haringey signs IT deal</h1>"
        ).encode()
        + b"<p>"
        + paragraph
        + b"</p>"
        + filler
        + b"</article></body></html>"
    )


def test_declared_utf8_with_one_stray_byte_keeps_the_money() -> None:
    data = _page(MONEY.encode() + b" Stray \xe9 byte.")
    article = extract_article(data, URL)
    assert "worth £2m a year" in article.body
    assert "Haringey’s" in article.body
    assert "ÂŁ" not in article.body and "â€" not in article.body


def test_declared_utf8_with_stray_bytes_in_the_header_too() -> None:
    # the stray byte comes before any other non-ASCII character
    data = _page(b"Stray \x92 quote. " + MONEY.encode())
    text, encoding = decode_html(data)
    assert encoding == "utf-8"
    assert MONEY in text


def test_a_charset_that_fails_on_most_of_its_bytes_is_a_lie() -> None:
    # the existing fixture: labelled UTF-8, written in cp1252
    article = extract_article((PAGES / "wrong-charset-cp1252.html").read_bytes(), URL)
    assert "£300,000" in article.body
    assert article.title == "Café culture at Hackney"


def test_unlabelled_cp1252_is_guessed() -> None:
    data = (
        "<html><body><p>The café in Hackney costs £300,000 a year, the council’s report says;"
        " the café’s rent is paid by the borough.</p></body></html>"
    ).encode("cp1252")
    text, encoding = decode_html(data)
    assert "café in Hackney costs £300,000" in text
    assert encoding == "cp1252"


@pytest.mark.parametrize("where", [200, 1500, 4000])
def test_a_single_nul_in_the_first_4_kb_is_not_binary(where: int) -> None:
    data = _page(MONEY.encode() + b" " + b"x" * 4000)
    data = data[:where] + b"\x00" + data[where:]
    article = extract_article(data, URL)
    assert "worth £2m a year" in article.body
    assert "\x00" not in article.body and "\x00" not in (article.title or "")


def test_a_few_control_bytes_are_not_binary() -> None:
    data = _page(MONEY.encode() + b"\x01\x02\x1b" + b" More text." * 100)
    assert "worth £2m a year" in extract_article(data, URL).body


def test_binary_data_is_still_refused() -> None:
    noise = bytes(range(256)) * 16
    with pytest.raises(NotAnArticle, match="binary"):
        extract_article(b"<html>" + noise, URL)


@needs_real
@pytest.mark.parametrize("path", [GUARDIAN, DIGITALHEALTH], ids=lambda p: p.stem)
def test_real_page_with_a_stray_byte_and_a_nul_reads_as_before(path: Path) -> None:
    data = path.read_bytes()
    clean = extract_article(data, URL)
    first = clean.body.split("\n\n")[0][20:40].encode()
    at = data.index(first, data.index(b"<body")) + len(first) // 2  # in the first paragraph
    hostile = data[:at] + b"\xff" + data[at:]
    hostile = hostile[:1000] + b"\x00" + hostile[1000:]
    article = extract_article(hostile, URL)
    assert article.title == clean.title
    assert article.body.replace("\ufffd", "") == clean.body
    assert article.body.count("\ufffd") == 1
