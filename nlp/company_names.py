"""Company names as a register writes them, reduced to compare with the supplier table.

Registers write a supplier's legal name in any case and with its legal form: "CAPITA
BUSINESS SERVICES LIMITED", "Civica UK Ltd", "British Telecommunications plc". The key
of a name is its text case-folded, "&" as "and", punctuation as spaces, and the legal
and regional words of ``company_names.json`` dropped from its end.

>>> names = CompanyNames.load()
>>> names.key("CAPITA BUSINESS SERVICES LIMITED") == names.key("Capita Business Services Ltd.")
True
>>> names.key("Civica UK Limited"), names.key("Marks & Spencer P.L.C.")
('civica', 'marks and spencer')
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from .gazetteer import load_json

_PUNCTUATION = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class CompanyNames:
    trailing: frozenset[str]

    @classmethod
    def load(cls, data_dir: Path | None = None) -> CompanyNames:
        words = load_json("company_names.json", data_dir)["trailing_words"]
        return cls(frozenset(w.replace(" ", "") for w in words))

    def key(self, name: str | None) -> str:
        """The name as it is compared ('' for none)."""
        text = html.unescape(name or "").replace("&", " and ").casefold()
        words = _PUNCTUATION.sub(" ", text.replace(".", "")).split()  # P.L.C. is plc
        while len(words) > 1 and words[-1] in self.trailing:
            words.pop()
        return " ".join(words)
