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

from spacy.tokens import Doc


def register_extensions() -> None:
    """Register ``published``, ``money``, ``services`` and ``arrangements`` on Doc (idempotent)."""
    if not Doc.has_extension("published"):
        Doc.set_extension("published", default=None)
    for name in ("money", "arrangements"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=None, default=None)


register_extensions()
