"""Decode fetched HTML bytes to text: w3lib reads the labels, bs4 guesses the rest.

The evidence, in the order browsers (and Scrapy, through w3lib) take it: a
byte-order mark, which wins; the charset of the HTTP ``Content-Type`` header;
the page's ``<meta charset>`` / ``<meta http-equiv>`` (w3lib's
``read_bom``, ``http_content_type_encoding``, ``html_body_declared_encoding``,
with its WHATWG reading of labels: ``iso-8859-1`` means cp1252, ``utf-7`` is
refused). A page without a usable label is read as UTF-8 when it is UTF-8, else
bs4's ``UnicodeDammit`` guesses (with charset_normalizer).

Two rules of our own:

- **A declared charset that decodes with a stray byte is kept**, the stray byte
  replaced by U+FFFD: a UTF-8 page with one bad byte keeps "£2m" as "£2m" (a
  guess would read the whole page as another charset). The declaration is taken
  for a lie only when it fails on more bytes than it decodes well — a cp1252 page
  labelled UTF-8 — and then the next label, or the guess, decides.
- A latin-1 label on bytes that are valid UTF-8 (a common CMS mistake) reads
  UTF-8: UTF-8 is self-validating, latin-1 decodes anything.

>>> decode_html("Caf\\xe9".encode("cp1252"), "text/html; charset=windows-1252")
('Café', 'cp1252')
>>> decode_html(b"<meta charset=utf-8><p>\\xc2\\xa32m \\xff</p>")[0]
'<meta charset=utf-8><p>£2m \\ufffd</p>'
"""

from __future__ import annotations

from bs4.dammit import UnicodeDammit
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

__all__ = ["decode_html"]

GUESS_BYTES = 200_000  # the guess reads this much of a page
WESTERN_DEFAULT = "cp1252"
LATIN_SINGLE_BYTE = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "latin-1", "mac-roman", "cp850", "cp437"}
    | {f"iso8859-{n}" for n in (1, 2, 3, 4, 9, 10, 13, 14, 15, 16)}
)
_REPLACEMENT = "\ufffd"
_UTF8_REPLACEMENT = _REPLACEMENT.encode()


def _decoded(data: bytes, encoding: str) -> str | None:
    """``data`` in ``encoding``: strictly, or with U+FFFD for stray bytes when they are
    no more than the characters beyond ASCII it decodes well; None otherwise."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    text = to_unicode(data, encoding)
    errors = text.count(_REPLACEMENT)
    if encoding == "utf-8":
        errors -= data.count(_UTF8_REPLACEMENT)  # U+FFFD written in the page itself
    well_decoded = len(text) - len(text.encode("ascii", "ignore")) - errors
    return text if errors <= max(1, well_decoded) else None


def _guess(data: bytes, exclude: list[str]) -> str:
    """bs4's guess of the charset of unlabelled (or mislabelled) bytes."""
    sample = data[:GUESS_BYTES]
    if len(data) > GUESS_BYTES:  # do not cut a multi-byte character in two
        sample = sample[: max(sample.rfind(b"<"), sample.rfind(b"\n"), 1)]
    dammit = UnicodeDammit(sample, exclude_encodings=exclude)  # no markup reading: done above
    found = dammit.original_encoding
    encoding = (resolve_encoding(found) if found else None) or WESTERN_DEFAULT
    # Among the single-byte Latin charsets the guess cannot tell cp1250 from cp1252 on
    # a short English text ("£" reads "Ł"); an unlabelled Western page is cp1252, as
    # browsers read it.
    return WESTERN_DEFAULT if encoding in LATIN_SINGLE_BYTE else encoding


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding used)``; never raises on bytes.

    >>> decode_html(b"\\xef\\xbb\\xbf<p>\\xc2\\xa35</p>", "text/html; charset=iso-8859-1")
    ('<p>£5</p>', 'utf-8')
    """
    bom, mark = read_bom(data)
    if bom is not None and mark is not None:
        return to_unicode(data[len(mark) :], bom), bom
    is_ascii = data.isascii()
    lying: list[str] = []
    for label in (http_content_type_encoding(content_type), html_body_declared_encoding(data)):
        if not label or label in lying or label.startswith(("utf-16", "utf-32")):
            continue  # a UTF-16 label on bytes without a byte-order mark is always wrong
        if label == "cp1252" and not is_ascii:
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        text = _decoded(data, label)
        if text is not None:
            return text, label
        lying.append(label)
    text = _decoded(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    encoding = _guess(data, lying + ["utf-8"])
    return to_unicode(data, encoding), encoding
