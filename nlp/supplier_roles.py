"""Which supplier mentions name a party to a contract, and which something else (§7.2).

A supplier named in a sentence about a council's contract is not always the council's
supplier: "the joint venture it formed with IBM" (an owner), "Amey, owned by Ferrovial",
"IBM-led Southwest One", "a rival bid from Ricoh", "Civica, which also bid" (losers), "had
considered Google", "the Oracle specialist", "the SAP system" (a supplier named to describe
something else). The words are in ``contract_cues.json`` (``not_party``).

Example:
    >>> roles = SupplierRoles.load()
    >>> text = "Southwest One, the joint venture it formed with IBM, runs it."
    >>> roles.party(text, 0, 13), roles.party(text, 48, 51)
    (True, False)
"""

from __future__ import annotations

import re
from pathlib import Path

from .gazetteer import load_json


class SupplierRoles:
    """Tell a party to a contract from an owner, a loser, a considered supplier or a maker."""

    def __init__(self, cues: dict) -> None:
        roles = cues["not_party"]
        self.before = _phrases(roles["before"], r"(?:[^\s,;]+\s+){0,3}$")
        self.secondary = _phrases(roles["secondary"], r"(?:[^\s,;]+\s+){0,3}$")
        self.after = _phrases(roles["after"], "", anchor="^")
        self.modifiers = _phrases(roles["modifier_nouns"], "", anchor="^")

    @classmethod
    def load(cls, data_dir: Path | None = None) -> SupplierRoles:
        return cls(load_json("contract_cues.json", data_dir))

    def secondary_to(self, text: str, start: int) -> bool:
        """Whether a supplier named at ``text[start:]`` is named as another supplier's
        partner or subcontractor ("Capita, working with Microsoft, ..."); the caller checks
        that another supplier comes before it."""
        return bool(self.secondary.search(text[max(0, start - 60) : start]))

    def party(self, text: str, start: int, end: int) -> bool:
        """Whether the supplier named at ``text[start:end]`` (a clause) can be a party."""
        if self.before.search(text[max(0, start - 60) : start]):
            return False
        rest = text[end:]
        if self.after.search(rest.lstrip(" ,")) or self.after.search(rest):
            return False
        # "the SAP system", "the Oracle specialist": named to describe something else
        return not (rest[:1] == " " and self.modifiers.search(rest[1:]))


def _phrases(phrases: list[str], tail: str, anchor: str = "") -> re.Pattern[str]:
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len)[::-1])
    if anchor:
        return re.compile(rf"^(?:{alts})(?![\w])", re.IGNORECASE)
    return re.compile(rf"(?<![\w-])(?:{alts})\s+{tail}", re.IGNORECASE)
