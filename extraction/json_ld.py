"""The JSON-LD of a page, read leniently: one stray character must not lose the block.

Pages hand-write or template their ld+json, and browsers forgive what a strict
JSON parser does not: HTML comment or CDATA wrappers, trailing commas, a stray
character or a second object after the first, an unescaped quote inside a
headline. :func:`load_json_ld` tries the strict reading first, then repairs;
when the block still does not parse it salvages the plain string fields that
matter here (``@type``, ``headline``, the dates) with their own pattern.

>>> load_json_ld('{"@type": "NewsArticle", "datePublished": "2019-11-18",}')
{'@type': 'NewsArticle', 'datePublished': '2019-11-18'}
>>> load_json_ld('{"@type": "NewsArticle", "headline": "A "quoted" word", "datePublished": "2019-11-18"}')
{'@type': 'NewsArticle', 'datePublished': '2019-11-18'}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

__all__ = ["json_ld_objects", "load_json_ld"]

_WRAPPERS = re.compile(
    r"^\s*(?:<!--|//\s*<!\[CDATA\[|/\*\s*<!\[CDATA\[\s*\*/)|(?:-->|//\s*\]\]>|/\*\s*\]\]>\s*\*/)\s*$"
)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_ESCAPE = re.compile(r"\\([^\"\\/bfnrtu])")
#: The string fields salvaged from a block that does not parse at all.
SALVAGED = ("@type", "headline", "datePublished", "dateCreated", "dateModified")
_FIELD = {
    key: re.compile(rf'"{re.escape(key)}"\s*:\s*"((?:[^"\\]|\\.)*)"\s*(?=[,}}\]])')
    for key in SALVAGED
}
_DECODER = json.JSONDecoder(strict=False)


def _values(text: str) -> list[Any] | None:
    """Every JSON value written one after another in ``text`` ("{...}{...}", "{...} junk")."""
    values = []
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    while 0 <= start < len(text):
        try:
            value, end = _DECODER.raw_decode(text, start)
        except ValueError:
            break
        values.append(value)
        nxt = [i for i in (text.find("{", end), text.find("[", end)) if i >= 0]
        start = min(nxt) if nxt else -1
    return values or None


def _salvage(text: str) -> dict | None:
    found = {}
    for key, pattern in _FIELD.items():
        match = pattern.search(text)
        if match:
            try:
                found[key] = json.loads(f'"{match[1]}"', strict=False)
            except ValueError:
                found[key] = match[1]
    return found if ("@type" in found and len(found) > 1) else None


def load_json_ld(text: str) -> Any:
    """The value of one ld+json script, repaired if need be; None if nothing is left.

    >>> load_json_ld('<!-- {"@type": "Article"} -->')
    {'@type': 'Article'}
    >>> load_json_ld('{"@type": "Article", "name": "x"} }')
    {'@type': 'Article', 'name': 'x'}
    """
    text = _WRAPPERS.sub("", text).strip().rstrip(";").strip()
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    repaired = _BAD_ESCAPE.sub(r"\1", _CONTROL.sub(" ", _TRAILING_COMMA.sub(r"\1", text)))
    try:
        return json.loads(repaired, strict=False)
    except ValueError:
        pass
    values = _values(repaired)
    if values is not None:
        return values[0] if len(values) == 1 else values
    return _salvage(repaired)


def walk(node: Any) -> Iterator[dict]:
    """Every object of a JSON value, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def json_ld_objects(tree: HtmlElement) -> list[dict]:
    """Every JSON object found in the page's ld+json scripts, depth first."""
    objects: list[dict] = []
    for script in tree.iterfind(".//script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = load_json_ld(script.text or "")
        if data is not None:
            objects.extend(walk(data))
    return objects
