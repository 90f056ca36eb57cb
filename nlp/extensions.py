"""Custom Doc attributes shared by the NLP components.

Example:
    >>> import spacy
    >>> from councilwatch.nlp.extensions import register_extensions
    >>> register_extensions()
    >>> doc = spacy.blank("en")("text")
    >>> doc._.published is None
    True
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc


def _key(name: str) -> tuple[str, str, None, None]:
    return ("._.", name, None, None)  # where ``doc._.name`` keeps its value


def get_extension(doc: Doc, name: str) -> Any:
    """``doc._.name`` (``None`` when unset), read without building ``doc._`` each time.

    >>> import spacy
    >>> doc = spacy.blank("en")("text")
    >>> doc._.money = [1]
    >>> get_extension(doc, "money"), get_extension(doc, "arrangements")
    ([1], None)
    """
    return doc.user_data.get(_key(name))


def set_extension(doc: Doc, name: str, value: Any) -> None:
    """``doc._.name = value``, without building ``doc._``.

    >>> import spacy
    >>> doc = spacy.blank("en")("text")
    >>> set_extension(doc, "published", "2015-01-01")
    >>> doc._.published
    '2015-01-01'
    """
    doc.user_data[_key(name)] = value


def register_extensions() -> None:
    """Register ``published``, ``money``, ``arrangements``, ``suppliers`` and ``contracts`` on
    Doc (idempotent)."""
    if not Doc.has_extension("published"):
        Doc.set_extension("published", default=None)
    for name in ("money", "arrangements", "suppliers", "contracts"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=None, default=None)


register_extensions()
