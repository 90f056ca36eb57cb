"""Plain values out of markup: text with entities unescaped and whitespace collapsed, meta tags."""

from __future__ import annotations

import html
import re
from typing import Any

from lxml.html import HtmlElement

__all__ = ["clean_text", "meta_tags"]

_SPACE = re.compile(r"\s+")


def clean_text(value: Any) -> str | None:
    """Unescape entities, collapse whitespace; None for empty/non-strings.

    A list gives its first non-empty string (JSON-LD writes one value or several).

    >>> clean_text("  Caf&eacute;\\n  news "), clean_text(["", "x"]), clean_text(3)
    ('Café news', 'x', None)
    """
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    text = _SPACE.sub(" ", html.unescape(value)).strip()
    return text or None


def meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    """The page's meta tags by lower-case name/property/itemprop, values in page order."""
    tags: dict[str, list[str]] = {}
    for element in tree.iterfind(".//meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        key = key or element.get("http-equiv")
        content = element.get("content")
        if key and content is not None and content.strip():
            tags.setdefault(key.strip().lower(), []).append(content)
    return tags
