"""Press forms of council names, generated from the gazetteer's own records (spec §1).

The press rarely writes a council's official name: "Barnsley Metropolitan Borough Council" is
"Barnsley MBC", "Barnsley Metropolitan Council" or "Barnsley Council"; "London Borough of
Camden" is "LB Camden" or "Camden Council"; "City of Doncaster Council" is "Doncaster City
Council". The forms are made here, in one place, from each record's official and common
names, its type and the words of its official name (the rules are in
``data/council_forms.json``), so a form that fits a type fits every authority of that type.

Each form is ``(text, kind)``: ``org`` names the organisation on its own and is matched
ignoring case ("WIRRAL COUNCIL", "wyre forest district council"); ``cased`` is an
organisation form with an abbreviation ("Kent CC", "LB Camden"), matched as written;
``place`` is the bare name ("Camden"), a council only in an organisational role.

Example:
    >>> rules = FormRules.load()
    >>> rec = {"official_name": "Barnsley Metropolitan Borough Council",
    ...        "nice_name": "Barnsley", "type": "Metropolitan district"}
    >>> forms = dict(press_forms(rec, [], rules))
    >>> forms["Barnsley MBC"], forms["Barnsley Metropolitan Council"], forms["Barnsley"]
    ('cased', 'org', 'place')
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .coordination import DIRECTIONS

DATA_DIR = Path(__file__).parent / "data"
_CAPS_WORD = re.compile(r"\b[A-Z]{2,}\b")
_SPACES = re.compile(r"\s+")

__all__ = ["FormRules", "form_kind", "press_forms", "short_forms", "short_places", "stems"]
_FIRST_PART = re.compile(r"^(.+?)(?:,| and | & | with |[ -]upon[ -]|[ -]on[ -]|-under-)")
_TOWN_TAIL = re.compile(r"^(.+?)(?: with |[ -]upon[ -]|[ -]on[ -]|-under-)")  # not lists


@dataclass(frozen=True)
class FormRules:
    """The form rules of ``council_forms.json``."""

    type_suffixes: dict[str, list[str]]
    evidence_suffixes: dict[str, list[str]]
    type_prefixes: dict[str, list[str]]
    evidence_prefixes: dict[str, list[str]]
    city_evidence: list[str]
    city_forms: list[str]
    city_places: list[str]
    evidence_places: dict[str, list[str]]
    strip_prefixes: list[str]
    strip_suffixes: list[str]
    org_types_only: list[str]

    @classmethod
    def load(cls, data_dir: Path | None = None) -> FormRules:
        """Read the rules from ``council_forms.json`` in ``data_dir`` (default: the package's)."""
        path = Path(data_dir or DATA_DIR) / "council_forms.json"
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        data.pop("about", None)
        by_length = {
            k: sorted(data[k], key=len, reverse=True) for k in ("strip_prefixes", "strip_suffixes")
        }
        return cls(**{**data, **by_length})


def form_kind(text: str) -> str:
    """``cased`` for a form with an abbreviation in capitals, else ``org``.

    >>> form_kind("Kent CC"), form_kind("Kent County Council")
    ('cased', 'org')
    """
    return "cased" if _CAPS_WORD.search(text) else "org"


def _clean(name: str) -> str:
    return _SPACES.sub(" ", name).strip()


def stems(record: dict[str, Any], rules: FormRules) -> list[str]:
    """The council's names without prefixes and suffixes: from its common and official names.

    >>> rules = FormRules.load()
    >>> stems({"official_name": "Durham County Council", "nice_name": "County Durham"}, rules)
    ['County Durham', 'Durham']
    >>> stems({"official_name": "City of Doncaster Council", "nice_name": "Doncaster"}, rules)
    ['Doncaster']
    """
    out: list[str] = []
    nice = _clean(record["nice_name"] or "").removeprefix("The ").removesuffix(" Council")
    if nice.startswith("City of "):  # "City of Edinburgh", besides "Edinburgh"
        out.append(nice)
    for name in (record["nice_name"], record["official_name"]):
        name = _clean(name or "")
        changed = True
        while changed and name:
            changed = False
            for prefix in rules.strip_prefixes:
                if name.startswith(prefix + " "):
                    name, changed = name[len(prefix) + 1 :], True
                    break
            for suffix in rules.strip_suffixes:
                if name.endswith(" " + suffix):
                    name, changed = name[: -len(suffix) - 1].rstrip(" ,"), True
                    break
        if name and name not in out:
            out.append(name)
    return out


_SWAPS = ((" and ", " & "), (" & ", " and "), (" upon ", "-upon-"), ("-upon-", " upon "),
          (" on ", "-on-"), ("-on-", " on "))  # fmt: skip


def _swaps(name: str) -> list[str]:
    """The name with "and" and "&", " upon " and "-upon-" both ways ("Brighton & Hove",
    "Kingston-upon-Thames"), and without "City" inside a list-like name ("Derry and Strabane").

    >>> _swaps("Derry City and Strabane")
    ['Derry City and Strabane', 'Derry and Strabane', 'Derry City & Strabane', 'Derry & Strabane']
    """
    out = [name]
    inner = re.sub(r" City(?=,| and )", "", name)
    if inner != name:
        out.append(inner)
    for a, b in _SWAPS:
        out += [n.replace(a, b) for n in out if a in n]
    return list(dict.fromkeys(out))


_PLAIN_WORD = re.compile(r"^[A-Z][a-z]+$")
_TYPE_WORDS = frozenset({"City", "District", "Borough", "County", "Royal"})


def _list_variants(base: str) -> list[str]:
    """A name that joins places, written as the press writes lists: the two places the other
    way round ("North Down and Ards" for Ards and North Down), with commas or without them
    ("Bournemouth Christchurch and Poole", "Rhondda, Cynon, Taff").

    >>> _list_variants("Ards and North Down"), _list_variants("Rhondda Cynon Taff")
    (['North Down and Ards'], ['Rhondda, Cynon, Taff'])
    >>> _list_variants("Bournemouth, Christchurch and Poole")
    ['Bournemouth Christchurch and Poole']
    """
    out = []
    parts = base.split(" and ")
    if (
        len(parts) == 2
        and "," not in base
        and all(_PLAIN_WORD.match(w) and w not in _TYPE_WORDS for w in base.split() if w != "and")
    ):
        out.append(f"{parts[1]} and {parts[0]}")
    if len(parts) == 2 and ", " in parts[0]:
        out.append(base.replace(", ", " "))
    words = base.split()
    if len(words) == 3 and all(_PLAIN_WORD.match(w) and w not in DIRECTIONS for w in words):
        out.append(", ".join(words))
    return out


def press_forms(
    record: dict[str, Any], alt_names: Iterable[str], rules: FormRules
) -> list[tuple[str, str]]:
    """``(text, kind)`` for every generated press form of one authority.

    ``alt_names`` are the authority's other place names (from ``council_variants.csv``); they
    get the organisation forms too ("Hull" -> "Hull City Council").

    >>> rules = FormRules.load()
    >>> rec = {"official_name": "London Borough of Camden", "nice_name": "Camden",
    ...        "type": "London borough"}
    >>> sorted(t for t, k in press_forms(rec, [], rules) if k == "cased")
    ['Camden BC', 'Camden LBC', 'LB Camden', 'LB of Camden']
    """
    official = _clean(record["official_name"] or "")
    forms: dict[str, str] = {}

    def add(text: str, kind: str | None = None) -> None:
        for t in _swaps(text):
            forms.setdefault(t, kind or form_kind(t))

    add(official)
    kind_type = record.get("type") or ""
    if kind_type in rules.org_types_only:
        return list(forms.items())
    if official.endswith(" Council") and official.startswith("The "):
        add(official[4:])
    nice = _clean(record.get("nice_name") or "")
    if nice.endswith(" Council"):
        add(nice)
    suffixes = list(rules.type_suffixes.get(kind_type, []))
    prefixes = list(rules.type_prefixes.get(kind_type, []))
    for evidence, more in rules.evidence_suffixes.items():
        if evidence in official:
            suffixes += more
        if official.endswith(" " + evidence):  # "St Albans City and DC"
            for suffix in more:
                add(f"{official[: -len(evidence)]}{suffix}")
    for evidence, more in rules.evidence_prefixes.items():
        if evidence in official:
            prefixes += more
    city = any(e in official for e in rules.city_evidence)
    # the official name's own prefix fits the other names too: "Borough Council of King's Lynn
    # and West Norfolk" (official: "... of Kings Lynn and West Norfolk")
    prefixes += [p for p in rules.strip_prefixes if "Borough" in p and official.startswith(p + " ")]
    bases = stems(record, rules)
    bases += [a for a in alt_names if a not in bases]
    own = stems(record, rules)
    bases += [v for base in own for v in _list_variants(base) if v not in bases]
    for base in bases:
        add(base, "place")  # also "Down": the linker asks more of a name that is a word
        add(f"{base} Council")
        for suffix in suffixes:
            add(f"{base} {suffix}")
        for prefix in prefixes:
            add(f"{prefix} {base}")
        places = [p for e, more in rules.evidence_places.items() if e in official for p in more]
        if city and not base.endswith(" City"):
            for pattern in rules.city_forms:
                add(pattern.format(base))
            places += rules.city_places
        for pattern in places:
            if not base.startswith(("City of ", "County ")):
                add(pattern.format(base), "place")
    return list(forms.items())


def _first_parts(record: dict[str, Any], rules: FormRules, pattern: re.Pattern[str]) -> list[str]:
    """The first parts of the record's stems before what ``pattern`` ends with, but not a
    direction or a prefix alone ("Mid" of Mid and East Antrim)."""
    if (record.get("type") or "") in rules.org_types_only:
        return []
    out = []
    for base in stems(record, rules):
        found = pattern.match(base)
        if found:
            part = found.group(1)
            if part not in rules.strip_prefixes and part not in DIRECTIONS and part not in out:
                out.append(part)
    return out


def short_forms(record: dict[str, Any], rules: FormRules) -> list[str]:
    """ "X Council" for the first part of a compound name ("Redcar Council" for Redcar and
    Cleveland, "Stoke Council" for Stoke-on-Trent). The caller keeps only the forms that no
    other authority makes (not "Newcastle Council": Newcastle upon Tyne or -under-Lyme).

    >>> rules = FormRules.load()
    >>> short_forms({"official_name": "Blackburn with Darwen Borough Council",
    ...              "nice_name": "Blackburn with Darwen", "type": "Unitary authority"}, rules)
    ['Blackburn Council']
    """
    return [f"{part} Council" for part in _first_parts(record, rules, _FIRST_PART)]


def short_places(record: dict[str, Any], rules: FormRules) -> list[str]:
    """The bare town of a name that qualifies it ("Blackburn" for Blackburn with Darwen,
    "Stoke" for Stoke-on-Trent), not the first of a list-like name ("Redcar" is not Redcar
    and Cleveland). The caller keeps only the names that no other authority makes.

    >>> rules = FormRules.load()
    >>> short_places({"official_name": "Blackburn with Darwen Borough Council",
    ...               "nice_name": "Blackburn with Darwen", "type": "Unitary authority"}, rules)
    ['Blackburn']
    """
    # Here, not at the top: loading the reference data (the crawl, ``process``) reads the
    # gazetteer through this module, and importing spaCy there would cost a second of CPU.
    from spacy.lang.en.stop_words import STOP_WORDS

    return [
        town
        for town in _first_parts(record, rules, _TOWN_TAIL)
        if " " not in town and town.lower() not in STOP_WORDS
    ]
