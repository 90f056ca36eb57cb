"""Clause bounds inside a sentence, from punctuation and clause words (no parser).

A clause ends at ``;``, ``:``, brackets, a spaced dash, a comma before a clause word
(", which", ", while", ", and", ", with" ...), a bare clause word (" which ", " but ", ...),
or " and " before a word that starts a new verb phrase (the caller's ``verbs``).

Example:
    >>> finder = ClauseFinder(["which", "with", "and"], ["which", "but"], ["save", "spent"])
    >>> text = "It spent £2m on laptops, with savings of £1m, and save £3m"
    >>> lo, hi = finder.bounds(text, text.index("£2m"), text.index("£2m") + 3)
    >>> text[lo:hi]
    'It spent £2m on laptops'
    >>> lo, hi = finder.bounds(text, text.index("£3m"), text.index("£3m") + 3)
    >>> text[lo:hi]
    ' save £3m'
"""

from __future__ import annotations

import re

__all__ = ["ClauseFinder"]


def _alts(words: list[str]) -> str:
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


class ClauseFinder:
    """Find the clause around a stretch of a sentence.

    ``comma_words`` start a new clause after a comma; ``bare_words`` start one anywhere;
    ``verbs`` start one after a bare "and" ("a spend of £1bn and save £9m").
    """

    def __init__(self, comma_words: list[str], bare_words: list[str], verbs: list[str]) -> None:
        self.boundary = re.compile(
            r"[;:()\[\]\u201c\u201d\"]|\s[-\u2013\u2014]+\s|\u2014"
            rf"|,\s+(?:{_alts(comma_words)})\b"
            rf"|\s(?:{_alts(bare_words)})\b"
            rf"|\sand\s+(?=(?:{_alts(verbs)})\b)",
            re.IGNORECASE,
        )

    def bounds(
        self, text: str, start: int, end: int, lo: int = 0, hi: int | None = None
    ) -> tuple[int, int]:
        """``(clause start, clause end)`` around ``text[start:end]``, within ``lo:hi``."""
        hi = len(text) if hi is None else hi
        left = lo
        for m in self.boundary.finditer(text, lo, start):
            left = m.end()
        right = hi
        m = self.boundary.search(text, end, hi)
        if m is not None:
            right = m.start()
        return left, right
