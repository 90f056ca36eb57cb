"""The project's gazetteer of UK local authorities and their press name variants.

Example:
    >>> from councilwatch.nlp.gazetteer import load_councils
    >>> camden = next(c for c in load_councils() if c["code"] == "CMD")
    >>> camden["official_name"]
    'London Borough of Camden'
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .name_forms import FormRules, form_kind, press_forms, short_forms, short_places

DATA_DIR = Path(__file__).parent / "data"

COUNCIL_FIELDS = (
    "code",
    "gss_code",
    "official_name",
    "nice_name",
    "type",
    "nation",
    "region",
    "start_date",
    "end_date",
    "replaced_by",
    "lat",
    "lon",
)


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    """Yield the rows of a CSV file whose leading ``#`` lines are comments."""
    with path.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(line for line in f if not line.startswith("#"))


def _or_none(value: str) -> str | None:
    return value or None


@lru_cache(maxsize=4)
def _load_councils(data_dir: Path) -> tuple[dict[str, Any], ...]:
    out = []
    for row in _csv_rows(data_dir / "councils.csv"):
        rec: dict[str, Any] = {k: _or_none(row[k]) for k in COUNCIL_FIELDS}
        rec["lat"] = float(row["lat"]) if row["lat"] else None
        rec["lon"] = float(row["lon"]) if row["lon"] else None
        out.append(rec)
    return tuple(out)


def load_councils(data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Return every authority in the gazetteer as a dict (empty fields are ``None``).

    Keys: code, gss_code, official_name, nice_name, type, nation, region, start_date,
    end_date, replaced_by, lat, lon.

    Example:
        >>> len([c for c in load_councils() if c["code"] == "AYL"])
        1
    """
    return [dict(c) for c in _load_councils(Path(data_dir or DATA_DIR))]


def load_variants(data_dir: Path | None = None) -> list[tuple[str, str, str]]:
    """Return ``(code, variant, kind)`` rows; kind is ``org`` or ``place``.

    Example:
        >>> ("KEC", "RBKC", "org") in load_variants()
        True
    """
    seen: set[tuple[str, str, str]] = set()
    out = []
    for row in _csv_rows(Path(data_dir or DATA_DIR) / "council_variants.csv"):
        key = (row["code"], row["variant"], row["kind"])
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def load_json(name: str, data_dir: Path | None = None) -> Any:
    """Load a JSON data file from the data directory.

    Example:
        >>> "council_words" in load_json("council_context.json")
        True
    """
    return json.loads((Path(data_dir or DATA_DIR) / name).read_text(encoding="utf-8"))


@dataclass
class Gazetteer:
    """Councils by code, and a date-aware choice among same-named authorities.

    Example:
        >>> gaz = Gazetteer.load()
        >>> gaz.choose(["SOM", "SMT"], "2015-06-01"), gaz.choose(["SOM", "SMT"], None)
        ('SOM', 'SMT')
    """

    councils: dict[str, dict[str, Any]] = field(default_factory=dict)
    org: dict[str, list[str]] = field(default_factory=dict)  # matched ignoring case
    place: dict[str, list[str]] = field(default_factory=dict)  # matched as written
    cased: dict[str, list[str]] = field(default_factory=dict)  # org forms matched as written

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Gazetteer:
        """Build the gazetteer: the generated press forms of every authority
        (:mod:`.name_forms`) and the irregular ones of ``council_variants.csv``.

        >>> gaz = Gazetteer.load()
        >>> gaz.cased["Barnsley MBC"], gaz.org["Wirral Metropolitan Council"], gaz.place["H&F"]
        (['BNS'], ['WRL'], ['HMF'])
        """
        gaz = cls({c["code"]: c for c in load_councils(data_dir)})
        listed: dict[str, list[tuple[str, str]]] = {}
        for code, variant, kind in load_variants(data_dir):
            if code in gaz.councils:
                listed.setdefault(code, []).append((variant, kind))
        rules = FormRules.load(data_dir)
        for code, rec in gaz.councils.items():
            rows = listed.get(code, [])
            alt = [v for v, kind in rows if kind == "place"]
            generated = press_forms(rec, alt, rules)
            for variant, kind in generated + [
                (v, k if k == "place" else form_kind(v)) for v, k in rows
            ]:
                gaz._add(code, variant, kind)
        shorts: dict[str, set[str]] = {}
        for code, rec in gaz.councils.items():
            for form in short_forms(rec, rules):
                shorts.setdefault(form, set()).add(code)
        known = {name.lower() for name in gaz.org}
        for form, codes in shorts.items():
            if len(codes) == 1 and form.lower() not in known:
                gaz._add(codes.pop(), form, "org")
        towns: dict[str, set[str]] = {}
        for code, rec in gaz.councils.items():
            for town in short_places(rec, rules):
                towns.setdefault(town, set()).add(code)
        for town, codes in towns.items():
            if len(codes) == 1 and town not in gaz.place:
                gaz._add(codes.pop(), town, "place")
        return gaz

    def _add(self, code: str, variant: str, kind: str) -> None:
        table = {"org": self.org, "place": self.place, "cased": self.cased}[kind]
        codes = table.setdefault(variant, [])
        if code not in codes:
            codes.append(code)

    def choose(self, codes: Iterable[str], published: str | None) -> str:
        """Pick the authority that existed on ``published`` (ISO date); else the current one."""
        codes = list(codes)
        if len(codes) == 1:
            return codes[0]

        def alive(code: str, day: str) -> bool:
            c = self.councils[code]
            return (c["start_date"] or "0000") <= day and day <= (c["end_date"] or "9999")

        if published:
            day = published[:10]
            living = [c for c in codes if alive(c, day)]
            if living:
                return living[0]
        current = [c for c in codes if not self.councils[c]["end_date"]]
        return (current or codes)[0]
