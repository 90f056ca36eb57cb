"""OCDS API bytes to JSON, as Kingfisher Collect reads them.

Two habits of the live APIs are handled here, before parsing:

- Contracts Finder's bytes may be ISO-8859-1 rather than UTF-8. Bytes that are not
  valid UTF-8 are transcoded from the declared charset, else from ``fallback``
  (Windows-1252 when they decode as it, which is what ISO-8859-1 labels mean in
  practice, so a bullet or a euro sign survives; ISO-8859-1 otherwise).
- Find a Tender sometimes writes numbers JSON does not allow: ``1e9999`` (rewritten
  ``9999999``) and leading zeros (`` 000,`` rewritten `` 0,``).

>>> parse_ocds(b'{"releases": [{"maximumLotsBidPerSupplier": 1e9999, "n": 000, "x": "\\xa3"}]}')
{'releases': [{'maximumLotsBidPerSupplier': 9999999, 'n': 0, 'x': '£'}]}
"""

from __future__ import annotations

import json
from typing import Any

from w3lib.encoding import http_content_type_encoding, resolve_encoding

#: Kingfisher Collect's byte rewrites for Find a Tender's invalid JSON.
INVALID_JSON_REWRITES = ((b"1e9999", b"9999999"), (b" 000,", b" 0,"))


class NotOcdsJson(ValueError):
    """The body is not a JSON object, even after the rewrites."""


def decode_body(body: bytes, content_type: str | None = None, fallback: str = "iso-8859-1") -> str:
    """The body as text: UTF-8 when it is, else the declared charset or ``fallback``.

    >>> decode_body("£5".encode("utf-8"))
    '£5'
    >>> decode_body("£5 • x".encode("cp1252"), "application/json")
    '£5 • x'
    >>> decode_body(b"\\xa3\\x81", "application/json; charset=iso-8859-1")
    '£\\x81'
    """
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = http_content_type_encoding(content_type)  # ISO-8859-1 labels read as cp1252
    label = declared if declared and declared != "utf-8" else resolve_encoding(fallback)
    if label in (None, "cp1252"):
        try:
            return body.decode("cp1252")
        except UnicodeDecodeError:
            return body.decode("iso-8859-1")
    return body.decode(label, errors="replace")  # type: ignore[arg-type]


def rewrite_invalid_json(body: bytes) -> bytes:
    """Apply :data:`INVALID_JSON_REWRITES`.

    >>> rewrite_invalid_json(b'{"a": 000, "b":1e9999}')
    b'{"a": 0, "b":9999999}'
    """
    for bad, good in INVALID_JSON_REWRITES:
        body = body.replace(bad, good)
    return body


def parse_ocds(
    body: bytes, content_type: str | None = None, fallback: str = "iso-8859-1"
) -> dict[str, Any]:
    """A release or record package from the API's bytes; :class:`NotOcdsJson` if it is none."""
    text = decode_body(rewrite_invalid_json(body), content_type, fallback)
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        raise NotOcdsJson(f"not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise NotOcdsJson(f"not a JSON object but a {type(document).__name__}")
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
