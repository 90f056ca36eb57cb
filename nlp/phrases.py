"""Phrase-list alternations compiled as prefix tries, for faster scanning with ``re``.

``re`` tries the alternatives of ``(?:save|saved|savings|...)`` one after another at every
candidate position; the same phrases folded into a trie (``sav(?:e(?:d|)|ings)``) are
checked one character at a time. The set of matches is the same: the phrase lists are
ordered longest first, and the trie tries longer continuations before ending, so where
several phrases fit at a position (and pass the pattern's trailing look-ahead) both pick
the longest.

Example:
    >>> trie_alternation(["cut", "cut costs", "cuts"])
    'cut(?:\\\\s+costs|s|)'
"""

from __future__ import annotations

import re

__all__ = ["trie_alternation"]


def _tokens(phrase: str) -> list[str]:
    return [r"\s+" if c == " " else re.escape(c) for c in phrase]


def trie_alternation(phrases: list[str]) -> str:
    """A regex matching what ``"|".join(phrases)`` (space -> ``\\s+``, longest first) matches,
    as a trie. The caller lower-cases the phrases when the pattern is IGNORECASE."""
    root: dict = {}
    end = object()
    for phrase in phrases:
        node = root
        for tok in _tokens(phrase):
            node = node.setdefault(tok, {})
        node[end] = True

    def render(node: dict) -> str:
        alts = [tok + render(child) for tok, child in node.items() if tok is not end]
        if end in node:
            alts.append("")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    return render(root)


def foldable(phrases: list[str]) -> bool:
    """Whether lower-casing the phrases keeps an IGNORECASE pattern's matches: no cased
    non-ASCII character (whose case variants ``re`` may treat differently)."""
    return all(c.isascii() or (c.lower() == c and c.upper() == c) for p in phrases for c in p)
