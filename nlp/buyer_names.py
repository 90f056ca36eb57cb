"""A public register's name for a buyer, read as a council's register code.

Registers write councils formally and with extras: "LONDON BOROUGH OF HAVERING",
"Borough Council of King&#039;s Lynn &amp; West Norfolk", "Hertfordshire County Council -
Public Health", "Kent County Council (t/a KCS)". The name is normalised (entities
unescaped, case folded, "&" as "and", dots and hyphens as spaces), then tried against
the gazetteer's organisation names (``council_variants.csv``, kind ``org``), then again
after each rule of ``buyer_names.json``: a leading "The" dropped, a department or
trading name after a dash or in brackets dropped, "Borough Council of X" read as "X
Borough Council", a type word the register adds ("Cheshire East Borough Council")
dropped. Names of bodies that are not councils (parish and town councils, the
British Council, "... on behalf of ...") are never linked. Of several authorities of
one name the one that existed on the given date is chosen.

>>> names = BuyerNames.load()
>>> names.code("LONDON BOROUGH OF HAVERING"), names.code("Borough Council of King&#039;s Lynn &amp; West Norfolk")
('HAV', 'KIN')
>>> names.code("Hertfordshire County Council - Public Health"), names.code("British Council")
('HRT', None)
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from .gazetteer import Gazetteer, load_json

_DASH = re.compile(r"\s*[-‐–—]\s+|\s+[-‐–—]\s*")
_SPACES = re.compile(r"[\s.\-‐]+")


def normalise(name: str) -> str:
    """A name as the lookup compares it: a dash between words kept as " – ", hyphens and
    dots inside words as spaces.

    >>> normalise("  St.Helens &amp; Kingston-upon-Hull - Parks ")
    'st helens and kingston upon hull – parks'
    """
    text = html.unescape(html.unescape(name)).replace("&", " and ").replace("’", "'")
    text = _DASH.sub(" – ", text)
    text = _SPACES.sub(" ", text).strip(" ,;:'\"–").casefold()
    return " ".join(text.split())


@dataclass
class BuyerNames:
    """Organisation names of the gazetteer, normalised, and the register's rules."""

    gazetteer: Gazetteer
    names: dict[str, list[str]] = field(default_factory=dict)
    heads: tuple[str, ...] = ()
    tails: tuple[re.Pattern, ...] = ()
    rewrites: tuple[tuple[re.Pattern, str], ...] = ()
    not_councils: tuple[str, ...] = ()

    @classmethod
    def load(cls, data_dir: Path | None = None) -> BuyerNames:
        gazetteer = Gazetteer.load(data_dir)
        rules = load_json("buyer_names.json", data_dir)
        names: dict[str, list[str]] = {}
        for variant, codes in gazetteer.org.items():
            known = names.setdefault(normalise(variant), [])
            known.extend(c for c in codes if c not in known)
        return cls(
            gazetteer,
            names,
            tuple(rules["drop_heads"]),
            tuple(re.compile(p) for p in rules["drop_tails"]),
            tuple((re.compile(p), r) for p, r in rules["rewrites"]),
            tuple(rules["not_councils"]),
        )

    def code(self, name: str | None, date: str | None = None) -> str | None:
        """The register code of the council ``name`` names (on ``date``), else None."""
        if not name:
            return None
        text = normalise(name)
        if any(word in text for word in self.not_councils):
            return None
        for form in self.forms(text):
            if codes := self.names.get(form):
                return self.gazetteer.choose(codes, date)
        return None

    def forms(self, text: str) -> list[str]:
        """The name as written, then as the rules read it: heads and tails dropped one
        after another, then each rewrite applied to every form so far."""
        forms = [text]
        for head in self.heads:
            if text.startswith(head):
                text = text[len(head) :]
                forms.append(text)
        for tail in self.tails:
            shorter = tail.sub("", text)
            if shorter and shorter != text:
                text = shorter
                forms.append(text)
        for pattern, replacement in self.rewrites:
            forms += [pattern.sub(replacement, f) for f in forms if pattern.fullmatch(f)]
        return list(dict.fromkeys(forms))
