"""The councils a document links, found again by their short names in its other sentences.

An arrangement needs all its councils in the sentence that shares; a council the linker
found elsewhere in the document ("Surrey's chief executive", "East Sussex's leader") is often
named there in a form it did not link ("Surrey CC and East Sussex CC have launched Orbis").
Within one document a name keeps its sense, so the short name (the register's ``nice_name``)
of each council linked anywhere counts in every sentence, where it does not overlap a linked
mention ("Suffolk" inside "Mid Suffolk"), is not part of a longer name ("Mid Kent Services":
a capitalised word follows that is no council word) and follows no direction word ("Mid and
East Devon"). So do the initials of its official name ("OCC and CDC have also shared legal
teams"; see :func:`initialisms`), where no other council linked there has the same.

Example:
    >>> names = NamesInDoc({"SRY": "Surrey", "ESX": "East Sussex", "SFK": "Suffolk",
    ...                     "KEN": "Kent"}, org_after=["CC"], not_after=["Mid"])
    >>> text = "Surrey CC and East Sussex CC launched it with Mid Suffolk and Mid Kent Services."
    >>> names.find(text, {"SRY", "ESX", "SFK", "KEN"}, 0, len(text), taken=[])
    [(0, 6, 'SRY'), (14, 25, 'ESX')]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from itertools import accumulate

__all__ = ["NamesInDoc", "initialisms", "whole_words"]

_NEXT_WORD = re.compile(r"[ \t]+([A-Z][\w&]*)")
_LAST_WORD = re.compile(r"\b([A-Z]\w*)[ \t]+$")


class NamesInDoc:
    """Short names of councils, searched for the codes a document links."""

    def __init__(
        self,
        short_names: dict[str, str],
        org_after: list[str],
        not_after: list[str],
        official_names: dict[str, str] | None = None,
        describers: tuple[list[str], list[str]] = ([], []),
    ) -> None:
        self.short = {code: name.removeprefix("The ") for code, name in short_names.items() if name}
        self.org_after = set(org_after)
        self.not_after = set(not_after)
        determiners, plurals = describers
        self.determiner_before = _words_at_end(determiners)
        self.plural_after = _words_at_start(plurals)
        self.plurals = {p.lower() for p in plurals}
        self.initials: dict[str, list[str]] = {
            code: initialisms(name) for code, name in (official_names or {}).items() if name
        }
        self._cache: tuple[tuple, list[str], dict[str, str], set[str]] | None = None

    def _names(
        self, codes: set[str], forms: dict[str, str]
    ) -> tuple[list[str], dict[str, str], set[str]]:
        """The names to look for (longest first), the code each stands for, and those of
        them that are words (not initials)."""
        key = (frozenset(codes), frozenset(forms.items()))
        if self._cache is None or self._cache[0] != key:
            by_name = {self.short[c]: c for c in sorted(codes) if c in self.short}
            for form, code in forms.items():  # "Kingston", linked where "upon Thames" is not
                by_name.setdefault(form, code)
            words = set(by_name)
            counts = Counter(i for c in codes for i in set(self.initials.get(c, ())))
            for c in sorted(codes):  # "OCC and CDC have also shared legal teams"
                for i in self.initials.get(c, ()):
                    if counts[i] == 1 and i not in by_name:
                        by_name[i] = c
            self._cache = (key, sorted(by_name, key=len, reverse=True), by_name, words)
        return self._cache[1], self._cache[2], self._cache[3]

    def find(
        self,
        text: str,
        codes: set[str],
        lo: int,
        hi: int,
        taken: list[tuple[int, int]],
        forms: dict[str, str] | None = None,
    ) -> list[tuple[int, int, str]]:
        """``(start, end, code)`` of the short names of ``codes`` in ``text[lo:hi]``, and of
        the bare ``forms`` the linker linked in the document (form -> code), that overlap
        none of the ``taken`` character ranges."""
        names, by_name, words = self._names(codes, forms or {})
        if not names:
            return []
        # Overlap test in log time: the taken ranges by start, and the furthest end so far.
        ranges = sorted(taken)
        starts = [a for a, _ in ranges]
        reach = list(accumulate((b for _, b in ranges), max))
        out = []
        for start, end, name in whole_words(text, names, lo, hi):
            before_end = bisect_left(starts, end)  # the ranges starting before this one ends
            if before_end and reach[before_end - 1] > start:
                continue
            after = _NEXT_WORD.match(text, end)
            if name in words and after and after.group(1) not in self.org_after:
                continue  # part of a longer name: "Mid Kent Services", "Haringey Mental Health"
            before = _LAST_WORD.search(text, max(0, start - 20), start)
            if before and before.group(1) in self.not_after:
                continue  # "Mid and East Devon", "North Northamptonshire"
            if self._describes(text, start, end) or self._of_place(text, start):
                continue
            if _label(text, start, end):
                continue
            out.append((start, end, by_name[name]))
        return out

    def _describes(self, text: str, start: int, end: int) -> bool:
        """Whether the name at ``text[start:end]`` says where the councils of a plural are,
        between a determiner or number and a plural council noun: "the two West Sussex
        councils", "both Kent districts" (no council of its own)."""
        if self.determiner_before is None or self.plural_after is None:
            return False
        if self.plural_after.match(text, end) is None:
            return False
        return self.determiner_before.search(text, max(0, start - 12), start) is not None

    def _of_place(self, text: str, start: int) -> bool:
        """Whether the name at ``text[start:]`` follows "of" as a place: "the streets of
        Kingston", "the University of Kent"; not "the councils of Adur and Worthing"."""
        m = _OF_BEFORE.search(text, max(0, start - 30), start)
        return m is not None and (m.group(1) is None or m.group(1).lower() not in self.plurals)


_OF_BEFORE = re.compile(r"(?:(\w+)[ \t]+)?\bof[ \t]+$")


def _words_at_end(words: list[str]) -> re.Pattern[str] | None:
    """A pattern for one of ``words`` and a space at the end of the searched text."""
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alts})[ \t]+$", re.IGNORECASE) if words else None


def _words_at_start(words: list[str]) -> re.Pattern[str] | None:
    """A pattern for a space and one of ``words`` (lower case) at the matched position."""
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"[ \t]+(?:{alts})(?![\w-])") if words else None


_LABEL_EDGE = re.compile(r"[ \t]*(?:[|>\u203a\u00bb]|\n|$)")
_LABEL_BEFORE = re.compile(r"(?:^|[|>\u203a\u00bb\n])[ \t]*$")


def _label(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` stands alone as a label of page furniture:
    a segment of a breadcrumb ("News & Star | Carlisle | Cumbria", "News > Kent") or a line
    of its own, a section's or a place's name rather than a council doing anything.

    >>> _label("News | Carlisle | Cumbria", 7, 15), _label("Carlisle and Eden", 0, 8)
    (True, False)
    """
    if _LABEL_EDGE.match(text, end) is None:
        return False
    return _LABEL_BEFORE.search(text, max(0, start - 4), start) is not None


#: A character that continues a name: a match must have none just before or just after it.
_NAME_CHAR = re.compile(r"[\w&-]")


def whole_words(text: str, names: list[str], lo: int, hi: int) -> list[tuple[int, int, str]]:
    """``(start, end, name)`` of the non-overlapping occurrences of ``names`` in
    ``text[lo:hi]`` with no word character, "&" or "-" on either side, leftmost first and
    the longest at a place: what a regex of the names would find, without compiling one for
    every document's names (a compile costs more than the search).

    >>> whole_words("Kent and Kent County, Kentish", ["Kent County", "Kent"], 0, 29)
    [(0, 4, 'Kent'), (9, 20, 'Kent County')]
    """
    found = []
    for name in names:
        start = text.find(name, lo, hi)
        while start != -1:
            end = start + len(name)
            if not (start and _NAME_CHAR.match(text, start - 1)) and not (
                end < hi and _NAME_CHAR.match(text, end)
            ):
                found.append((start, -len(name), name))
            start = text.find(name, start + 1, hi)
    found.sort()
    out, reached = [], lo
    for start, minus_length, name in found:
        if start >= reached:
            reached = start - minus_length
            out.append((start, reached, name))
    return out


_MINOR = {"of", "upon", "on", "the", "in"}


def initialisms(official_name: str) -> list[str]:
    """The initials the press writes for a council's official name, three letters or more:
    every word's capital, minor words ("of", "upon") left out, "and" as "a", "&" or nothing;
    with "and" written, also without the last word's ("CWaC").

    >>> initialisms("Oxfordshire County Council")
    ['OCC']
    >>> initialisms("Cheshire West and Chester Council")
    ['CWaCC', 'CWaC', 'CW&CC', 'CW&C', 'CWCC']
    """
    words = [w for w in official_name.replace("-", " ").split() if w.lower() not in _MINOR]
    if len(words) < 2 or not all(w[0].isalpha() for w in words):
        return []
    found: list[str] = []
    for joiner in ("a", "&", ""):
        letters = [joiner if w.lower() == "and" else w[0].upper() for w in words]
        full = "".join(letters)
        cuts = [full, full[:-1]] if joiner and len(full) > 4 else [full]  # "CWaC"
        found += [n for n in cuts if len(n) >= 3 and n not in found]
    return found
