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
from collections.abc import Callable, Iterator

__all__ = ["Folded", "WordPhrases", "fold", "foldable", "is_word", "trie_alternation"]

# characters that re.IGNORECASE matches to an ASCII letter although str.lower() does not
# map them to it one-for-one: dotted/dotless i, long s, Kelvin sign
_FOLD_SPECIAL = re.compile("[\u0130\u0131\u017f\u212a]")
_WORD = re.compile(r"\w")


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


def is_word(char: str) -> bool:
    """Whether ``char`` is a word character (``\\w``)."""
    return _WORD.match(char) is not None


def fold(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset and case-sensitive matching of lower-case
    ASCII patterns on it equals ``re.IGNORECASE`` matching on ``text``; else ``None``.

    >>> fold("Kent SAVED"), fold("\u212aent")
    ('kent saved', None)
    """
    low = text.lower()
    if len(low) != len(text) or (not text.isascii() and _FOLD_SPECIAL.search(text)):
        return None
    return low


class Folded:
    """``slow.finditer(text, lo, hi)`` for an IGNORECASE pattern that starts with a one-character
    look-behind (``\\b`` or ``(?<![\\w£])``), run as ``fast`` (the same pattern, lower-case,
    case-sensitive, without the look-behind) on the folded text, with the look-behind checked
    here. Without a leading assertion or IGNORECASE, ``re`` skips to candidate first
    characters instead of trying every alternative at every position. Matches found the fast
    way are matches on the folded text (their groups are lower-case)."""

    def __init__(
        self,
        fast: re.Pattern[str],
        slow: re.Pattern[str],
        behind: Callable[[str], bool],
        need: re.Pattern[str] | None = None,
    ) -> None:
        self.fast, self.slow, self.behind, self.need = fast, slow, behind, need

    def search(self, text: str, low: str | None, pos: int, hi: int) -> re.Match[str] | None:
        """The first match in ``text[pos:hi]``; ``low`` is ``fold(text)``."""
        if low is None:
            return self.slow.search(text, pos, hi)
        while (m := self.fast.search(low, pos, hi)) is not None:
            start = m.start()
            if start == 0 or not self.behind(text[start - 1]):
                return m
            pos = start + 1  # the look-behind fails here: try the next position
        return None

    def finditer(self, text: str, low: str | None, lo: int, hi: int) -> Iterator[re.Match[str]]:
        """The matches in ``text[lo:hi]``; ``low`` is ``fold(text)``."""
        if low is None:
            yield from self.slow.finditer(text, lo, hi)
            return
        if self.need is not None and self.need.search(low, lo, hi) is None:
            return  # every match of ``fast`` contains a match of ``need``
        pos = lo
        while (m := self.search(text, low, pos, hi)) is not None:
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1


def _is_word_or_hyphen(char: str) -> bool:
    return char == "-" or _WORD.match(char) is not None


class WordPhrases:
    """Whole-word phrases, matched ignoring case: ``(?<![\\w-])(?:phrases)(?![\\w-])``
    (``.pattern``), searched the :class:`Folded` way when lower-casing keeps its matches.

    >>> share = WordPhrases(["share", "shared services"])
    >>> share.search("They SHARED SERVICES.").span(), share.search("time-share") is None
    ((5, 20), True)
    """

    def __init__(self, phrases: list[str]) -> None:
        if foldable(phrases):  # the same matches, as a trie
            alts = trie_alternation([p.lower() for p in phrases])
        else:
            ordered = sorted(phrases, key=len)[::-1]
            alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
        self.pattern = re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.IGNORECASE)
        fast = re.compile(rf"(?:{alts})(?![\w-])") if foldable(phrases) else None
        self._folded = fast and Folded(fast, self.pattern, _is_word_or_hyphen)

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match[str]]:
        """Matches in ``text`` (``low``: ``fold(text)`` if the caller has it)."""
        if self._folded is None:
            return self.pattern.finditer(text)
        return self._folded.finditer(text, fold(text) if low is None else low, 0, len(text))

    def search(self, text: str, low: str | None = None) -> re.Match[str] | None:
        """The first match in ``text``, or ``None``."""
        if self._folded is None:
            return self.pattern.search(text)
        return self._folded.search(text, fold(text) if low is None else low, 0, len(text))

    def sub(self, repl: str, text: str) -> str:
        """``text`` with every match replaced by ``repl`` (``re.sub``)."""
        pieces, pos = [], 0
        for m in self.finditer(text):
            pieces += [text[pos : m.start()], repl]
            pos = m.end()
        return "".join(pieces) + text[pos:] if pieces else text
