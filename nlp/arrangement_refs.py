"""Which councils a sentence's plural reference points back to (spec §4, adjacent sentences).

"The two councils have shared a chief executive since 2011" names no council: the councils
are the ones named before. A number picks that many ("the five councils": back through the
earlier sentences until five are found; from the sentence that completes the count, the first
ones, the subject's, or with "those"/"these" the last ones); a plain plural ("the councils",
"both", "they") takes the last sentence that named two or more.

Example:
    >>> refs = CouncilRefs({"plural_refs": ["the two", "the councils", "those two"],
    ...     "numbers": {"two": 2, "five": 5}, "ref_nouns": ["councils"],
    ...     "recent_determiners": ["those"], "ref_determiners": ["the", "those"],
    ...     "general_quantifiers": ["most", "many", "all"]})
    >>> refs.reference(["the", "two", "new", "councils", "will"])
    (2, False, True)
    >>> refs.reference(["for", "the", "two", "east", "kent", "councils"])[0]
    2
    >>> history = [["BKM"], ["AYL", "CHN", "SBU", "WYO"]]
    >>> refs.resolve(history, refs.reference(["the", "five", "councils", "had"]))
    ['BKM', 'AYL', 'CHN', 'SBU', 'WYO']
    >>> refs.resolve([["BAB", "MSU", "SFK"]], refs.reference(["the", "two", "councils"]))
    ['BAB', 'MSU']
    >>> refs.resolve([["BEX", "HAV", "NWM"]], refs.reference(["those", "two", "councils"]))
    ['HAV', 'NWM']
    >>> refs.resolve([["EAY"]], refs.reference(["the", "two", "councils"]), ["NAY"])
    ['EAY', 'NAY']
    >>> refs.introduces(["five", "kent", "councils", "have"])
    (5, False)
    >>> refs.introduces(["belfast", "and", "five", "neighbouring", "councils"])
    (5, True)
    >>> [refs.in_general(t) for t in ("Most councils share services.",
    ...  "It is recognised by councils.", "The two councils share it.",
    ...  "Adur and Worthing councils share it.", "All five councils agreed.")]
    [True, True, False, False, False]
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["CouncilRefs", "Reference"]

#: Possessives that make a plural "councils" some councils in particular ("their councils").
_POSSESSIVES = ("their", "its", "our")
#: Characters that end the words before a plural: "With cuts ahead, councils need ...".
_BREAKS = ',;:.!?"“”('

#: ``(number of councils or None, whether the last-named ones are meant, whether successor
#: councils are: "the new councils")``
Reference = tuple[int | None, bool, bool]


class CouncilRefs:
    """Plural references to councils, from ``arrangement_cues.json``."""

    def __init__(self, cues: dict[str, Any]) -> None:
        self.plain: dict[str, list[tuple[str, ...]]] = {}  # by first word, longest first
        for p in sorted((tuple(p.lower().split()) for p in cues["plural_refs"]), key=len)[::-1]:
            self.plain.setdefault(p[0], []).append(p)
        self.numbers = {k.lower(): int(v) for k, v in cues["numbers"].items()}
        self.nouns = set(cues["ref_nouns"])
        self.recent = set(cues["recent_determiners"])
        self.definite = set(cues["ref_determiners"])
        quantifiers = "|".join(re.escape(q) for q in cues["general_quantifiers"])
        numbers = "|".join(re.escape(n) for n in self.numbers)
        self.general = re.compile(  # a quantifier, and at most one word that is no number
            rf"\b(?:{quantifiers})\s+(?:(?!(?:{numbers})\b)[\w-]+\s+)?(?:councils|authorities)\b",
            re.IGNORECASE,
        )
        self.before_reference = {*self.definite, *self.numbers, *_POSSESSIVES}

    def in_general(self, text: str) -> bool:
        """Whether ``text`` speaks of councils in general, not of ones named before: after a
        quantifier ("most councils", "many local authorities"), or bare, with no
        determiner, number, possessive or name before it ("recognised by councils",
        "councils need to innovate")."""
        if self.general.search(text):
            return True
        for m in re.finditer(r"\b(?:councils|authorities)\b", text, re.IGNORECASE):
            words = text[: m.start()].split()[-2:]
            if not words or words[-1][-1:] in _BREAKS:
                return True
            if words[-1].lower() in self.before_reference or words[-1][:1].isupper():
                continue  # "the councils", "two councils", "Adur and Worthing councils"
            if len(words) == 2 and words[0].lower() in self.before_reference:
                continue  # "the neighbouring councils"
            return True
        return False

    def reference(self, words: list[str], head: int = 8) -> Reference | None:
        """The reference in a sentence's lower-cased ``words``: a number before a council
        noun anywhere ("the three councils"), or a plural in its first ``head`` words."""
        numbers = self.numbers
        for i, w in enumerate(words):
            if w not in numbers:
                continue
            n = numbers[w]
            if i + 1 >= len(words) or (w not in self.definite and i == 0):
                continue
            if w not in self.definite and words[i - 1] not in self.definite:
                continue  # "three Kent councils" introduces councils; "the three" refers back,
                # and so does "both districts" anywhere ("provides IT to both districts")
            # "the two councils", "the two London boroughs", "the two east London boroughs"
            noun = next((w for w in words[i + 1 : i + 4] if w in self.nouns), None)
            if noun is not None:
                new = "new" in words[max(0, i - 1) : i + 3]
                return n, i > 0 and words[i - 1] in self.recent, new
        first = words[:head]
        for j, w in enumerate(first):
            for p in self.plain.get(w, ()):
                if tuple(first[j : j + len(p)]) == p:
                    return None, p[0] in self.recent, "new" in first[j : j + len(p) + 1]
        return None

    def introduces(self, words: list[str]) -> tuple[int | None, bool]:
        """The number of councils an indefinite "three Kent councils" introduces, to be named
        in the next sentence ("Three councils have renewed it. The councils are A, B and C"),
        and whether they are more than a council named just before ("X and five other
        councils"); ``(None, False)`` when it introduces none."""
        for i, w in enumerate(words):
            n = self.numbers.get(w)
            if n is None or (i > 0 and words[i - 1] in self.definite):
                continue
            if any(x in self.nouns for x in words[i + 1 : i + 3]):
                return n, i > 0 and words[i - 1] == "and"
        return None, False

    @staticmethod
    def resolve(
        history: list[list[str]], ref: Reference | None, own: list[str] | None = None
    ) -> list[str]:
        """The councils ``ref`` points to, from the council codes of the sentences before
        (``history``, oldest first); empty when they cannot be told. A number that the
        councils before fall short of is made up by the sentence's ``own`` ("a service
        covering all three authorities, but North Ayrshire pulled out": the two named
        before and North Ayrshire)."""
        if ref is None or not history:
            return []
        n, recent, _ = ref
        if n is None:
            last = next((codes for codes in reversed(history) if len(codes) >= 2), [])
            return list(last)
        got: list[str] = []
        for codes in reversed(history):
            new = [c for c in dict.fromkeys(codes) if c not in got]
            need = n - len(got)
            if len(new) >= need:
                return (new[-need:] if recent else new[:need]) + got
            got = new + got
        if len(got) < n and own:
            got += [c for c in dict.fromkeys(own) if c not in got]
        return got if len(got) == n else []
