"""Page extraction: HTML bytes + URL -> Article. A pure function, no network.

Bad input never raises except for input that is clearly not an HTML page
(a PDF, an image, an archive, JSON, or a non-HTML Content-Type): that raises
:class:`NotAnArticle` with the reason, so callers can drop it explicitly.
Empty bytes, broken markup or undecodable text give an Article whose fields
are empty (``body == ""``).

>>> page = b'''<html lang="en"><head><title>Councils share IT | Example</title>
... <meta property="og:site_name" content="Example"></head>
... <body><article><p>Islington and Camden will share ICT services, saving money.</p>
... </article></body></html>'''
>>> article = extract_article(page, "https://example.org/2015/11/02/councils-share/")
>>> article.title, article.published, article.language
('Councils share IT', '2015-11-02', 'en')
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from .article import Article
from .body import extract_body
from .encoding import decode_html
from .metadata import Metadata, extract_metadata
from .parser import HTML_PARSER

__all__ = ["NotAnArticle", "extract_article", "parse_html"]

MAX_BYTES = 20_000_000  # pages beyond this are truncated before parsing
_MAGIC = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"PK\x03\x04": "ZIP archive (or office document)",
    b"\x1f\x8b": "gzip data (decompress first)",
    b"RIFF": "RIFF media",
    b"\x00\x00\x01\x00": "icon",
}
#: Control bytes that do not occur in text (all below 32 except tab, newlines, form feed).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)
#: Bytes are "binary data" when more than this share of their first 4 KB are control
#: bytes (NUL included), and more than this many: text has almost none.
MAX_CONTROL_SHARE = 0.05
MAX_CONTROL_BYTES = 8
#: Control bytes XML 1.0 does not allow (all below 32 but tab and newlines), dropped
#: from the decoded text.
_NOT_IN_XML = bytes(c for c in range(32) if c not in (9, 10, 13))
_NON_HTML_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")


class NotAnArticle(ValueError):
    """The input is clearly not an HTML page; ``reason`` says why.

    >>> try:
    ...     extract_article(b"%PDF-1.7 ...", "https://example.org/a.pdf")
    ... except NotAnArticle as err:
    ...     err.reason
    'PDF document'
    """

    def __init__(self, reason: str, url: str | None = None) -> None:
        super().__init__(
            f"not an article ({reason}): {url}" if url else f"not an article: {reason}"
        )
        self.reason = reason
        self.url = url

    def __reduce__(self) -> tuple:  # pickled as built, e.g. back from a worker process
        return type(self), (self.reason, self.url)


def _check_input(data: bytes, url: str | None, content_type: str | None) -> None:
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and any(mime.startswith(t) for t in _NON_HTML_TYPES):
        raise NotAnArticle(f"content type {mime}", url)
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise NotAnArticle(what, url)
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if mime == "application/json" or (head[:1] in (b"{", b"[") and b"<" not in head[:200]):
        raise NotAnArticle("JSON, not HTML", url)
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with a BOM: NULs are expected
    # Binary by share, not by a single byte: a stray NUL or control character in a
    # page is noise its decoding drops, a binary file is full of them.
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > MAX_CONTROL_BYTES and controls > len(sample) * MAX_CONTROL_SHARE:
        raise NotAnArticle("binary data", url)


def parse_html(data: bytes, content_type: str | None = None) -> lxml.html.HtmlElement | None:
    """Decode and parse page bytes once; None when nothing parseable is left.

    >>> parse_html(b"<p>Hello</p>").text_content()
    'Hello'
    >>> parse_html(b"") is None
    True
    """
    if not data or not data.strip():
        return None
    text, _ = decode_html(data[:MAX_BYTES], content_type)
    # Parse UTF-8 bytes (not str) so an in-page encoding declaration cannot make lxml
    # reject or re-decode the already decoded text. Control bytes go (trafilatura's
    # XML cannot hold them); in UTF-8 they are never part of another character.
    utf8 = text.encode("utf-8", "replace").translate(None, _NOT_IN_XML)
    if not utf8.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(utf8, parser=HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None
    return tree


def extract_article(html: bytes, url: str, *, content_type: str | None = None) -> Article:
    """Extract metadata and clean body text of one fetched page.

    ``url`` is the URL the page was fetched from (it resolves relative links and
    is the last-resort source of the date); ``content_type`` is the HTTP header
    value, whose charset, when present, decodes the bytes.
    """
    if isinstance(html, str):
        html = html.encode("utf-8")
    _check_input(html or b"", url, content_type)
    tree = parse_html(html or b"", content_type)
    if tree is None:
        return Article(url=url)
    meta = extract_metadata(tree, url)
    body = extract_body(tree, url, meta.json_ld_body, title=meta.title)
    return _article(url, meta, body)


def _article(url: str, meta: Metadata, body: str) -> Article:
    return Article(
        url=url,
        canonical_url=meta.canonical_url,
        title=meta.title,
        standfirst=meta.standfirst,
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        section=meta.section,
        tags=meta.tags,
        language=meta.language,
        body=body,
        page_type=meta.page_type,
    )
