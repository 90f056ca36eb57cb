"""Dates in a contract's sentence: what they say (ISO, or partial) and whether they are a start.

A date is a day ("1 September 2013"), a month ("April 2015", "next April") or a year
("2013", "last year"); a month or relative year without a year of its own is resolved
against the article's ``published`` date and dropped when there is none (extraction
contract §7.2, gold rule 12). The words before a date say what it is: "from", "since",
"began in" make a start, "until", "to", "expires in" an end; a bare "in 2013" is a start
after an award ("signed it in 2013", "took over in 2013") and an end after an ending
("expires in 2018"), and nothing after a renewal (a renewal year is an event).

Example:
    >>> dates = ContractDates.load()
    >>> [(d.kind, d.value) for d in dates.find("It began in April 2012 and runs until 2027.", None)]
    [('start', '2012-04'), ('end', '2027')]
    >>> [(d.kind, d.value) for d in dates.find("It expires next April.", "2021-08-17")]
    [('end', '2022-04')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .gazetteer import load_json
from .phrases import WordPhrases

_YEAR = r"(?:19[5-9]\d|20\d\d)"


@dataclass(frozen=True)
class FoundDate:
    """A date in a text: its characters, its value and ``kind`` (start, end or event)."""

    start: int
    end: int
    value: str
    kind: str


class ContractDates:
    """Find dates and tell starts from ends, with the words of ``contract_cues.json``."""

    def __init__(self, cues: dict) -> None:
        self.months = {m: i + 1 for i, m in enumerate(cues["months"])}
        names = "|".join(m.capitalize() for m in cues["months"])
        abbrevs = "|".join(m[:3].capitalize() for m in cues["months"])
        self.pattern = re.compile(
            rf"\b(?:(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+)?"
            rf"(?P<month>{names}|(?:{abbrevs})\.?)(?:\s+(?P<year>{_YEAR}))?\b"
            rf"|\b(?P<rel>(?:next|last|this)\s+year)\b"
            rf"|(?<![\d£$,.])(?P<bare>{_YEAR})(?![\d%]|[.,]\d)",
        )
        self.relative_years = cues["relative_years"]
        self.start_before = _ending_phrases(cues["start_before"])
        self.end_before = _ending_phrases(cues["end_before"])
        order = cues["status_order"]
        self.end_cues = WordPhrases(cues["end_cues"])
        self.cue_kinds = []
        for status in order:
            kind = {"awarded": "start", "extended": "event", "tendered": "start"}.get(status, "end")
            self.cue_kinds.append((kind, WordPhrases(cues["status"][status]["phrases"])))

    @classmethod
    def load(cls, data_dir: Path | None = None) -> ContractDates:
        return cls(load_json("contract_cues.json", data_dir))

    def find(self, text: str, published: str | None) -> list[FoundDate]:
        """Every date in ``text`` with its kind, in text order (unresolvable ones left out)."""
        out = []
        for m in self.pattern.finditer(text):
            value = self._value(m, text, published)
            if value is None:
                continue
            out.append(FoundDate(m.start(), m.end(), value, self._kind(text, m.start(), m.end())))
        return out

    def _value(self, m: re.Match[str], text: str, published: str | None) -> str | None:
        if m["bare"]:
            return m["bare"]
        pub_year = int(published[:4]) if published else None
        if m["rel"]:
            if pub_year is None:
                return None
            return str(pub_year + self.relative_years[" ".join(m["rel"].lower().split())])
        month = self.months.get(m["month"].rstrip(".").lower())
        if month is None:
            month = next(v for k, v in self.months.items() if k.startswith(m["month"][:3].lower()))
        if m["year"]:
            year = int(m["year"])
        elif m["month"][:3] == "May" and not m["day"] and m.start() > 0 and _may_verb(text, m):
            return None  # "it may end": the verb
        elif pub_year is None:
            return None
        else:
            year = self._year_of(text[: m.start()], month, published)
        day = int(m["day"]) if m["day"] and m["year"] else None
        if m["day"] and not m["year"]:
            day = int(m["day"])
        if day is not None and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
        return f"{year:04d}-{month:02d}"

    @staticmethod
    def _year_of(before: str, month: int, published: str) -> int:
        """The year of a month named without one: "last April" the one before ``published``,
        otherwise the next one from it ("next April", "in May")."""
        year, pub_month = int(published[:4]), int(published[5:7] or 1)
        if re.search(r"\blast\s+$", before, re.IGNORECASE):
            return year if month < pub_month else year - 1
        return year if month >= pub_month else year + 1

    def _kind(self, text: str, start: int, end: int) -> str:
        before = text[max(0, start - 40) : start]
        if self.start_before.search(before):
            return "start"
        if self.end_before.search(before):
            return "end"
        best: tuple[int, str] | None = None
        for kind, phrases in self.cue_kinds:  # the nearest status word before the date
            for m in phrases.finditer(text[:start]):
                if best is None or m.end() > best[0]:
                    best = (m.end(), kind)
        if best and start - best[0] <= 120:
            return best[1]
        near = text[max(0, start - 60) : start] + " " + text[end : end + 60]
        return "end" if self.end_cues.search(near) else "event"  # "next April, when it expires"


def _ending_phrases(phrases: list[str]) -> re.Pattern[str]:
    """A pattern for text that ends with one of ``phrases`` (then optionally "the"/"on")."""
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len)[::-1])
    return re.compile(rf"(?<![\w-])(?:{alts})\s+(?:the\s+(?:end\s+of\s+)?)?$", re.IGNORECASE)


def _may_verb(text: str, m: re.Match[str]) -> bool:
    """ "may" used as a verb, not the month ("could end in May" is the month)."""
    word = text[m.start() : m.end()]
    return word == "may" or not re.search(
        r"\b(?:in|by|from|until|since|of|to|on)\s+$", text[: m.start()]
    )
