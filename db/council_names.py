"""Find a council by what an analyst types: a register code or a name as the press writes it.

"CMD", "Camden", "camden council", "LB Camden" and "London Borough of Camden"
all find Camden. Names are compared after a small normalisation (case, ``&``,
punctuation, a leading "the"), then, if nothing matched, with the words that
only say what kind of council it is ("council", "borough", "LB", "city of", ...)
left out, then as the start of a name. Used by the Datasette pages (council
search, canned queries that take a council) and by ``councilwatch export
--council``; it reads only the ``councils`` table.

>>> index = CouncilIndex([("CMD", "London Borough of Camden", "Camden", None),
...                       ("KTT", "Royal Borough of Kingston upon Thames", "Kingston upon Thames", None),
...                       ("KHL", "Hull City Council", "Kingston upon Hull", None)])
>>> [c.code for c in index.find("LB Camden")], [c.code for c in index.find("camden council")]
(['CMD'], ['CMD'])
>>> [c.code for c in index.find("Kingston")]
['KHL', 'KTT']
>>> index.find("Atlantis")
[]
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

#: Words that say what kind of authority a name is, not which one.
KIND_WORDS = frozenset(
    "the council councils borough boroughs london royal city county district metropolitan"
    " of lb rb rbc mbc bc cbc cc dc mdc authority combined corporation and".split()
)
_PUNCTUATION = re.compile(r"[^\w\s]")
_CODE = re.compile(r"^[A-Za-z]{3}$")


@dataclass(frozen=True)
class Council:
    """A council as the search lists it."""

    code: str
    official_name: str
    nice_name: str
    end_date: str | None = None

    @property
    def label(self) -> str:
        """``Camden (CMD)``; an abolished council says when it ended."""
        ended = f", abolished {self.end_date}" if self.end_date else ""
        return f"{self.nice_name} ({self.code}{ended})"


def light_key(text: str) -> str:
    """Lower case, accents and punctuation off, ``&`` as "and", no leading "the".

    >>> light_key("  The Royal Borough of Kensington & Chelsea ")
    'royal borough of kensington and chelsea'
    """
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = _PUNCTUATION.sub(" ", text.lower().replace("&", " and "))
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def heavy_key(text: str) -> str:
    """:func:`light_key` without the words that only name a kind of council.

    >>> heavy_key("London Borough of Hammersmith & Fulham"), heavy_key("LB Camden")
    ('hammersmith fulham', 'camden')
    """
    return " ".join(w for w in light_key(text).split() if w not in KIND_WORDS)


class CouncilIndex:
    """Every council's code and name keys, for :meth:`find`."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str | None]]) -> None:
        self.councils = [Council(*row) for row in rows]
        self.by_code = {c.code.upper(): c for c in self.councils}
        self.keys = {
            key: [(c, {key(c.nice_name), key(c.official_name)}) for c in self.councils]
            for key in (light_key, heavy_key)
        }

    @classmethod
    def from_connection(cls, conn: sqlite3.Connection) -> CouncilIndex:
        """The index of the ``councils`` table on ``conn`` (empty when there is none)."""
        try:
            rows = conn.execute(
                "select code, official_name, nice_name, end_date from councils order by code"
            ).fetchall()
        except sqlite3.Error:
            rows = []
        return cls(tuple(row) for row in rows)

    def find(self, query: str) -> list[Council]:
        """Councils ``query`` names: one for a code or an unambiguous name, several when
        the name fits more than one, none when it fits none."""
        query = (query or "").strip()
        if not query:
            return []
        if _CODE.match(query) and query.upper() in self.by_code:
            return [self.by_code[query.upper()]]
        for key in (light_key, heavy_key):
            wanted = key(query)
            if not wanted:
                continue
            found = [c for c, names in self.keys[key] if wanted in names]
            if found:
                return self._current_first(found)
        wanted = heavy_key(query)
        if len(wanted) < 3:
            return []
        found = [
            c
            for c, names in self.keys[heavy_key]
            if any(name == wanted or name.startswith(wanted + " ") for name in names)
        ]
        return self._current_first(found)

    def code_for(self, query: str) -> str | None:
        """The one council ``query`` names, as a code; None when it names none or several."""
        found = self.find(query)
        return found[0].code if len(found) == 1 else None

    @staticmethod
    def _current_first(found: list[Council]) -> list[Council]:
        """Current councils before abolished ones, then by name."""
        return sorted(found, key=lambda c: (c.end_date is not None, c.nice_name, c.code))
