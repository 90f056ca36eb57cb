"""Decode fetched HTML bytes to text, robustly.

Order of evidence: a byte-order mark (it wins, as in the WHATWG encoding
sniffing algorithm), then the charset of the HTTP ``Content-Type`` header, then
``<meta charset>`` / ``<meta http-equiv="Content-Type">`` in the first few KB,
then strict UTF-8, then charset_normalizer, then cp1252 with replacement. A
declared charset that fails to decode the bytes is ignored (pages often lie).

>>> decode_html("Caf\\xe9".encode("cp1252"), "text/html; charset=windows-1252")
('Café', 'cp1252')
>>> decode_html(b"<meta charset=utf-8>\\xc2\\xa3")[0][-1]
'£'
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# WHATWG: these labels all mean windows-1252 in practice.
_LATIN1_ALIASES = {"latin_1", "iso8859-1", "ascii", "cp1252", "windows-1252", "us-ascii"}
_SNIFF_BYTES = 4096


def normalise_encoding(label: str | None) -> str | None:
    """Return Python's codec name for a charset label, or None if unknown.

    >>> normalise_encoding("ISO-8859-1"), normalise_encoding("utf8"), normalise_encoding("nope")
    ('cp1252', 'utf-8', None)
    """
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    if name in _LATIN1_ALIASES:
        return "cp1252"
    return name


def charset_from_content_type(content_type: str | None) -> str | None:
    """Charset named in an HTTP Content-Type header value.

    >>> charset_from_content_type("text/html; charset=UTF-8")
    'utf-8'
    """
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalise_encoding(match.group(1)) if match else None


def _try(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding used)``; never raises on bytes."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return text, encoding
    declared = [charset_from_content_type(content_type)]
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if match:
        declared.append(normalise_encoding(match.group(1).decode("ascii", "ignore")))
    is_ascii = data.isascii()
    for encoding in declared:
        if not encoding or encoding.startswith("utf-16") or encoding.startswith("utf-32"):
            continue  # a UTF-16 label on bytes without a BOM is almost always wrong
        if encoding == "cp1252" and not is_ascii:
            # Pages labelled latin-1 that are really UTF-8 are common; UTF-8 is
            # self-validating, so clean UTF-8 wins over the label.
            text = _try(data, "utf-8")
            if text is not None:
                return text, "utf-8"
        text = _try(data, encoding)
        if text is not None:
            return text, encoding
    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        encoding = normalise_encoding(best.encoding) if best else None
    except Exception:  # detection is best effort
        encoding = None
    encoding = encoding or "cp1252"
    return data.decode(encoding, errors="replace"), encoding
