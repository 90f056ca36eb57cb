"""Press forms of a council's name, made from the register's own names (category 1).

Each rule below is the way the press writes one kind of council ("X CC" for a county, "LB X"
for a London borough, "X MBC" for a metropolitan borough ...). Which rules fit an authority is
read from the register: its type and the words of its official name and name variants
("District Council", "Metropolitan Borough", "City of ..."), never from the linker's data.

Example:
    >>> from register_data import load_register
    >>> authorities = load_register()
    >>> forms = dict(press_forms(authorities["WRL"]))
    >>> forms["mbc"], forms["metropolitan_council"], forms["possessive"]
    ('Wirral MBC', 'Wirral Metropolitan Council', "Wirral's")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from register_data import Authority, clean
from spacy.lang.en.stop_words import STOP_WORDS

#: Words that any council name may hold besides the place names of the register.
GENERIC_WORDS = frozenset(
    "the of and with upon on in council city county borough district metropolitan london "
    "royal corporation authority combined mayoral region islands".split()
)
#: Endings of register labels that are not names the press writes (ONS and register labels).
LABEL_ENDINGS = (" ua", " ca", " mca", " cca", " boro", " district", " county", " county borough")
LABEL = re.compile(r"\(|,? (city|county) of$")
#: Characters of mis-decoded text in the register's alt-names.
MOJIBAKE = re.compile("[\u00ef\u00bf\u00bd\u00be\ufffd]")
SMALL_WORDS = frozenset({"of", "and", "the", "upon", "on", "in", "with", "under", "nan", "ar", "y"})

#: (evidence, pattern over a casefolded name). Order matters: the first match wins.
EVIDENCE = (
    ("metropolitan_borough", re.compile(r"\bmetropolitan borough\b")),
    ("metropolitan_district", re.compile(r"\bmetropolitan district\b")),
    ("county_borough", re.compile(r" county borough( council)?$")),
    ("county", re.compile(r" county council$")),
    ("district", re.compile(r" district council$")),
    ("borough", re.compile(r"( borough council$|^borough (council )?of )")),
    ("london_borough", re.compile(r"^london borough of ")),
    ("royal_borough", re.compile(r"^royal borough of ")),
)
#: Suffix rules: evidence -> [(form, suffix)], and the suffix whose base the forms share.
SUFFIX_FORMS = {
    "county": [("county_council", "County Council"), ("cc", "CC")],
    "district": [("district_council", "District Council"), ("dc", "DC")],
    "borough": [("borough_council", "Borough Council"), ("bc", "BC")],
    "county_borough": [("county_borough_council", "County Borough Council"), ("cbc", "CBC")],
    "metropolitan_district": [
        ("metropolitan_district_council", "Metropolitan District Council"),
        ("mdc", "MDC"),
    ],
}
METROPOLITAN_BOROUGH_FORMS = [
    ("metropolitan_council", "Metropolitan Council"),
    ("borough_council", "Borough Council"),
    ("mbc", "MBC"),
    ("metropolitan_borough_council", "Metropolitan Borough Council"),
]
CITY_PATTERNS = (
    re.compile(r"^(?:the )?city of (.+?)(?: council| district| metropolitan district council)?$"),
    re.compile(r"^city and county of (.+?)(?: council)?$"),
    re.compile(r"^(.+?) city(?: council| and district council)?$"),
)


def base_name(auth: Authority) -> str:
    """The place name the press uses bare: the nice name without "The" or "Council".

    >>> from register_data import load_register
    >>> a = load_register()
    >>> base_name(a["VGL"]), base_name(a["DST"]), base_name(a["SHN"])
    ('Vale of Glamorgan', 'Dorset', 'St. Helens')
    """
    name = auth.nice
    if name.startswith("The "):
        name = name[4:]
    if name.endswith(" Council"):
        name = name[: -len(" Council")]
    return name


def city_base(auth: Authority) -> str | None:
    """``X`` of "X City Council" when the register says the authority is a city: its official
    name is "X City Council" or "City of X ...", or a name variant is "city of X", "X city" ...
    for its own place name.

    >>> from register_data import load_register
    >>> a = load_register()
    >>> city_base(a["YOR"]), city_base(a["EDH"]), city_base(a["KHL"]), city_base(a["CMD"])
    ('York', 'Edinburgh', 'Hull', None)
    """
    if not auth.is_council:
        return None
    plain = base_name(auth)
    plain = plain[8:] if plain.startswith("City of ") else plain
    plain = plain[:-5] if plain.endswith(" City") else plain
    for pattern in CITY_PATTERNS:
        found = pattern.match(auth.official.casefold())
        if found:
            start, end = found.span(1)
            return auth.official[start:end]
    for name in (auth.nice, *auth.variants):
        for pattern in CITY_PATTERNS:
            found = pattern.match(name.casefold())
            if found and found.group(1) == plain.casefold():
                return plain
    return None


def evidence(auth: Authority) -> set[str]:
    """What the register's names say about the kind of council ("district", "borough",
    "county", "metropolitan_borough", "london_borough" ...)."""
    found = set()
    for name in (auth.official, *auth.variants):
        for tag, pattern in EVIDENCE:
            if pattern.search(name.casefold()):
                found.add(tag)
                break
    return found


def suffix_base(auth: Authority, suffix: str) -> str:
    """``X`` of "X <suffix>": the official name without the suffix when it ends with it
    (so "Durham County Council" gives "Durham"), else the bare name."""
    official = auth.official
    if official.casefold().endswith(" " + suffix.casefold()):
        stem = official[: -len(suffix) - 1]
        if not stem.startswith("City of "):
            return stem
    return base_name(auth)


def possessive(name: str) -> str:
    """ "Sefton" -> "Sefton's"; a name ending in s takes only the apostrophe."""
    return name + ("'" if name.endswith("s") else "'s")


def ampersand(name: str) -> str:
    return name.replace(" and ", " & ")


def press_forms(auth: Authority) -> list[tuple[str, str]]:
    """``(form, text)`` of every rule-made press form that fits the authority."""
    if not auth.is_council and auth.kind != "CC":
        return [("official", auth.official), ("upper", auth.official.upper()),
                ("lower", auth.official.lower())]  # fmt: skip
    base = base_name(auth)
    council = f"{base} Council"
    forms = [("official", auth.official), ("bare", base), ("possessive", possessive(base))]
    if auth.kind == "CC":
        return [*forms, ("upper", auth.official.upper()), ("lower", auth.official.lower())]
    forms += [("nice_council", council), ("lower_c", f"{base} council"),
              ("council_possessive", possessive(council))]  # fmt: skip
    tags = evidence(auth)
    if auth.kind == "MD" and tags & {"metropolitan_borough", "borough"}:
        stem = suffix_base(auth, "Metropolitan Borough Council")
        forms += [(form, f"{stem} {suffix}") for form, suffix in METROPOLITAN_BOROUGH_FORMS]
        tags -= {"borough"}
    for tag, rules in SUFFIX_FORMS.items():
        if tag in tags:
            stem = suffix_base(auth, rules[0][1])
            forms += [(form, f"{stem} {suffix}") for form, suffix in rules]
    if "london_borough" in tags:
        forms += [("lb", f"LB {base}"), ("london_borough_of", f"London Borough of {base}"),
                  ("the_london_borough_of", f"the London borough of {base}")]  # fmt: skip
    if "royal_borough" in tags:
        forms += [("royal_borough_of", f"Royal Borough of {base}"),
                  ("the_royal_borough_of", f"the royal borough of {base}")]  # fmt: skip
    city = city_base(auth)
    if city:
        forms.append(("city_council", f"{city} City Council"))
    forms += [("ampersand", ampersand(n)) for n in (auth.official, council) if " and " in n]
    forms += [("upper", f"{base.upper()} Council"), ("upper", auth.official.upper()),
              ("lower", auth.official.lower())]  # fmt: skip
    if base.casefold() in STOP_WORDS:  # "Down" has no bare or possessive use as a council
        forms = [(f, t) for f, t in forms if f not in ("bare", "possessive")]
    return list(dict.fromkeys(forms))


def title_case(name: str) -> str:
    """A lower-case register name as the press writes it.

    >>> title_case("stockton on tees"), title_case("kingston-upon-hull city council")
    ('Stockton on Tees', 'Kingston-upon-Hull City Council')
    """
    if name != name.lower():
        return name
    words = re.split(r"([ -])", name)
    return "".join(
        w if i and w in SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def _words(text: str) -> str:
    """The words of a name, lower case, space-padded: ``" st helens council "``."""
    return f" {' '.join(re.findall(r'[a-z]+', text.casefold()))} "


@dataclass(frozen=True)
class NameIndex:
    """What deciding on a lookup name needs to know about the whole register."""

    authorities: dict[str, Authority]
    vocabulary: frozenset[str]  # every word of the official and nice names, and generic ones
    owners: dict[str, frozenset[str]]  # casefolded official or bare name -> codes
    padded: tuple[tuple[str, frozenset[str]], ...]  # the same names as ``_words`` gives them

    @classmethod
    def of(cls, authorities: dict[str, Authority]) -> NameIndex:
        words = set(GENERIC_WORDS)
        owners: dict[str, set[str]] = {}
        for auth in authorities.values():
            words.update(_words(f"{auth.official} {auth.nice}").split())
            owners.setdefault(auth.official.casefold(), set()).add(auth.code)
            if auth.is_council:
                owners.setdefault(base_name(auth).casefold(), set()).add(auth.code)
        frozen = {name: frozenset(codes) for name, codes in owners.items()}
        padded = tuple((_words(name), codes) for name, codes in frozen.items())
        return cls(authorities, frozenset(words), frozen, padded)


def usable_variants(auth: Authority, index: NameIndex) -> list[str]:
    """The authority's lookup names that are names of it alone and that the press writes.

    Left out: mis-decoded text; register labels ("Bristol UA", "bexley london boro",
    "basildon district", "kent county", "Edinburgh, City of"); misspellings (a lower-case
    variant with a word found nowhere in the register's names and no capitalised twin); names
    of another authority; names that hold another authority's place name that the
    authority's own names do not hold (a shared service's "adur and worthing borough
    council" under Worthing).
    """
    cased = {v.casefold() for v in auth.variants if v != v.lower()}
    own = _words(f"{auth.official} {auth.nice}")
    mine = {auth.nice.casefold(), base_name(auth).casefold()}
    out: dict[str, str] = {}
    for variant in auth.variants:
        variant = clean(re.sub(r"\s*,\s*", ", ", variant))
        folded = variant.casefold()
        if MOJIBAKE.search(variant) or folded.endswith(LABEL_ENDINGS) or LABEL.search(folded):
            continue
        if folded not in cased and not set(_words(folded).split()) <= index.vocabulary:
            continue
        if index.owners.get(folded, {auth.code}) - {auth.code} and folded not in mine:
            continue
        padded = _words(folded)
        others = (name for name, codes in index.padded if auth.code not in codes)
        if any(name in padded and name not in own for name in others):
            continue
        out.setdefault(folded, title_case(variant))  # a cased twin comes first in the lookup
    if not auth.is_council:  # a combined authority is named as an authority, not as a region
        return [v for v in out.values() if "authority" in v.casefold()]
    return list(out.values())


def lookup_forms(auth: Authority, index: NameIndex) -> list[tuple[str, str]]:
    """``("lookup", name)`` for each usable lookup name that no rule already makes."""
    made = {text.casefold() for _, text in press_forms(auth)}
    return [("lookup", v) for v in usable_variants(auth, index) if v.casefold() not in made]


def all_forms(auth: Authority, index: NameIndex) -> list[tuple[str, str]]:
    """Rule-made press forms, then the lookup's other names."""
    return press_forms(auth) + lookup_forms(auth, index)
