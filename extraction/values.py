"""Plain values out of markup: text with entities unescaped and runs of whitespace collapsed."""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["clean_text"]

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
