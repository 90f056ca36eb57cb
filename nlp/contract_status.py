"""Contract statuses from cue words (extraction contract §7.2): tendered, awarded, extended,
ended, terminated, disputed, insourced.

Every cue phrase and pattern of ``contract_cues.json`` is found in a text; where two overlap
the longer wins, so "decided not to exercise a break clause" (extended) is not "exercise a
break clause" (terminated); a cue after a hedge ("in talks about extending", "could end") is
only considered and left out. A contract's status is the one its cues rank highest: the later
events of a story rank above the earlier (``status_order``: in-house above terminated above
ended ... above tendered), and with no cue it is ``default_status`` (a running contract).

Example:
    >>> cues = StatusCues.load()
    >>> [s for _, _, s in cues.find("The council decided not to exercise a break clause.")]
    ['extended']
    >>> cues.rank(["awarded", "disputed", "terminated"])
    'terminated'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .gazetteer import load_json
from .phrases import WordPhrases, fold


class StatusCues:
    """Find status cues in text and rank statuses."""

    def __init__(self, cues: dict) -> None:
        self.order: list[str] = cues["status_order"]
        self.default: str = cues["default_status"]
        self.phrases = [(s, WordPhrases(cues["status"][s]["phrases"])) for s in self.order]
        hedges = "|".join(
            re.escape(h).replace(r"\ ", r"\s+") for h in sorted(cues["hedges"], key=len)[::-1]
        )
        # "in talks about extending", "could end": considered, not done
        self.hedged = re.compile(rf"(?<![\w-])(?:{hedges})\s+(?:\S+\s+)?$", re.IGNORECASE)
        self.patterns = [
            (s, re.compile(p, re.IGNORECASE))
            for s in self.order
            for p in cues["status"][s]["patterns"]
        ]

    @classmethod
    def load(cls, data_dir: Path | None = None) -> StatusCues:
        return cls(load_json("contract_cues.json", data_dir))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, status)`` of each cue in ``text``, longest first where they overlap,
        in text order."""
        low = fold(text)
        found = [(m.start(), m.end(), s) for s, ph in self.phrases for m in ph.finditer(text, low)]
        found += [(m.start(), m.end(), s) for s, rx in self.patterns for m in rx.finditer(text)]
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        kept: list[tuple[int, int, str]] = []
        for f in found:
            if all(f[1] <= k[0] or f[0] >= k[1] for k in kept):
                kept.append(f)
        return sorted(k for k in kept if not self.hedged.search(text[max(0, k[0] - 40) : k[0]]))

    def rank(self, statuses: Iterable[str]) -> str:
        """The highest-ranked of ``statuses``, or the default when there are none."""
        present = set(statuses)
        return next((s for s in self.order if s in present), self.default)
