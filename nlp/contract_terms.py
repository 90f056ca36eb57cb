"""A contract's term in years from its sentence: "a ten-year deal", "for three years",
"an 18-month contract" (extraction contract §7.2, gold rule 11).

An extension's length ("extended by two years", "a further two years") and inexact spans
("at least 15 years") are not the term; "up to ten years" is 10.

Example:
    >>> terms = ContractTerms.load()
    >>> [(t.years, t.start) for t in terms.find("a ten-year deal, extended by two years")]
    [(10.0, 2)]
    >>> [t.years for t in terms.find("an 18-month pilot and at least 15 years")]
    [1.5]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .gazetteer import load_json
from .numwords import WORD_PATTERN, parse_number

_NUM = rf"(?:\d+(?:\.\d+)?|{WORD_PATTERN})"


@dataclass(frozen=True)
class Term:
    """A term found in a text: its characters and its length in years."""

    start: int
    end: int
    years: float


class ContractTerms:
    """Find contract terms, with the words of ``contract_cues.json`` that rule one out."""

    def __init__(self, cues: dict) -> None:
        self.pattern = re.compile(
            rf"\b(?P<n>{_NUM})[\s-](?P<unit>year|month)(?!s?[\s-]old)\b"
            rf"|\b(?:over|for|of|lasting)\s+(?:the\s+next\s+)?(?P<n2>{_NUM})\s+(?P<unit2>years|months)\b",
            re.IGNORECASE,
        )
        self.not_before = _ending(cues["years_not"] + cues["extension_before"])

    @classmethod
    def load(cls, data_dir: Path | None = None) -> ContractTerms:
        return cls(load_json("contract_cues.json", data_dir))

    def find(self, text: str) -> list[Term]:
        """The terms stated in ``text``, in text order."""
        out = []
        for m in self.pattern.finditer(text):
            number, unit = (m["n"], m["unit"]) if m["n"] else (m["n2"], m["unit2"])
            if self.not_before.search(text[max(0, m.start() - 30) : m.start()]):
                continue
            if re.match(r"\s*early\b", text[m.end() :]):
                continue  # "four years early": how early, not how long
            if number.lower() in ("a", "an"):
                continue  # "£12m a year": a rate, not a term
            value = parse_number(number)
            if not value or value > 60:
                continue
            years = value / 12 if unit.lower().startswith("month") else value
            out.append(Term(m.start(), m.end(), round(years, 2)))
        return out


def _ending(phrases: list[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len)[::-1])
    return re.compile(rf"(?<![\w-])(?:{alts})\s+(?:a\s+|an\s+)?$", re.IGNORECASE)
