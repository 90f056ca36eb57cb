"""Documents of the register-driven evaluation: the register's names in sentence frames.

Every document is a dict ``{"id", "text", "published", "expect", "form", "frame", "family",
"type", "kind", "name"}``: ``expect`` is the set of council codes a linker must find (empty
for negatives), ``form`` the name form under test, ``frame`` the sentence frame and
``family`` its family, ``type`` the register type of the authority (``mixed`` for lists of
several types), ``name`` the name or names put in the frame, and ``kind`` the category:

- ``form``: category 1, one council in a press form that fits its type (register_forms.py);
- ``list`` and ``elliptical``: category 2, coordinated names of real neighbouring councils
  that existed at the same time, and shared-head ellipsis ("North and South Ayrshire");
- ``lookalike``: names with "and" or commas that are one council ("Mid and East Antrim");
- ``date``: category 4, a name that served two authorities with a date inside one's lifetime,
  and every abolished authority by its official name, undated;
- ``negative``: category 5, organisations and places named after council areas (NHS trusts,
  police, "a Kent-based supplier", namesakes abroad): no council at all.

Names come from the register (register_data.py) and the frames from register_frames.json;
choices are made by ``random.Random`` seeded with the run's seed and the document's own key,
so an authority's documents do not depend on which other authorities are in the sample.

Example:
    >>> from register_data import load_register
    >>> docs = generate(load_register(), codes=["CMD"], seed=0)
    >>> sorted({d["form"] for d in docs if d["kind"] == "form"})[:4]
    ['bare', 'council_possessive', 'lb', 'london_borough_of']
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from register_data import Authority, common_lifetime, day_within, neighbours, positions
from register_forms import NameIndex, all_forms, base_name, city_base, possessive, suffix_base
from spacy.lang.en.stop_words import STOP_WORDS

FRAMES_FILE = Path(__file__).with_name("register_frames.json")

#: Places abroad that share a UK council's name, with a region that says where they are.
#: (place, state / province / country, currency prefix). Places that name no authority of
#: the register are left out when documents are made.
FOREIGN_NAMESAKES = (
    ("Aberdeen", "South Dakota", "$"), ("Belfast", "Maine", "$"),
    ("Birmingham", "Alabama", "$"), ("Boston", "Massachusetts", "$"),
    ("Bristol", "Connecticut", "$"), ("Cambridge", "Massachusetts", "$"),
    ("Camden", "New Jersey", "$"), ("Carlisle", "Pennsylvania", "$"),
    ("Chelmsford", "Massachusetts", "$"), ("Colchester", "Vermont", "$"),
    ("Derby", "Kansas", "$"), ("Dover", "Delaware", "$"), ("Dudley", "Massachusetts", "$"),
    ("Durham", "North Carolina", "$"), ("Exeter", "New Hampshire", "$"),
    ("Glasgow", "Kentucky", "$"), ("Gloucester", "Massachusetts", "$"),
    ("Lancaster", "Pennsylvania", "$"), ("Lincoln", "Nebraska", "$"),
    ("Manchester", "New Hampshire", "$"), ("Medway", "Massachusetts", "$"),
    ("Newport", "Rhode Island", "$"), ("Norwich", "Connecticut", "$"),
    ("Oxford", "Mississippi", "$"), ("Plymouth", "Massachusetts", "$"),
    ("Portsmouth", "New Hampshire", "$"), ("Reading", "Pennsylvania", "$"),
    ("Wakefield", "Massachusetts", "$"), ("Warwick", "Rhode Island", "$"),
    ("Worcester", "Massachusetts", "$"), ("York", "Pennsylvania", "$"),
    ("Peterborough", "Ontario", "C$"),
    ("Newcastle", "New South Wales", "A$"), ("Ipswich", "Queensland", "A$"),
    ("Melton", "Victoria", "A$"), ("Preston", "Victoria", "A$"),
    ("Stirling", "Western Australia", "A$"), ("Swansea", "New South Wales", "A$"),
    ("Canterbury", "New Zealand", "NZ$"), ("Hastings", "Hawke's Bay, New Zealand", "NZ$"),
)  # fmt: skip

NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five"}
HEAD = re.compile(r"^(.+) (District|Borough|County|City) Council$")


@dataclass(frozen=True)
class Frame:
    id: str
    family: str
    text: str


def load_frames(path: Path = FRAMES_FILE) -> dict[str, Any]:
    """The frames file, with the organisational frames as ``Frame`` objects."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ("org", "possessive"):
        data[key] = [Frame(f["id"], f["family"], f["text"]) for f in data[key]]
    return data


def render(template: str, name: str, slot: str = "{name}") -> str:
    """``template`` with ``name`` in ``slot``; a name starting with "the" is capitalised at
    the start of a sentence and "The" put in lower case inside one.

    >>> render("A spokesperson for {name} said.", "The Highland Council")
    'A spokesperson for the Highland Council said.'
    >>> render("{name} has agreed.", "the London borough of Camden")
    'The London borough of Camden has agreed.'
    """
    before = template.split(slot, 1)[0]
    at_start = not before.strip() or before.endswith((". ", "? ", '"'))
    if at_start and name.startswith("the "):
        name = "T" + name[1:]
    elif not at_start and name.startswith("The "):
        name = "t" + name[1:]
    return template.replace(slot, name)


def join(names: list[str]) -> str:
    """ "A, B and C".

    >>> join(["Kent"]), join(["Kent", "Medway"]), join(["A", "B", "C"])
    ('Kent', 'Kent and Medway', 'A, B and C')
    """
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def head(auth: Authority) -> tuple[str, str] | None:
    """``(X, head)`` for an official name "X District / Borough / County / City Council".

    >>> from register_data import load_register
    >>> a = load_register()
    >>> head(a["NKE"]), head(a["CAY"]), head(a["CMD"])
    (('North Kesteven', 'District'), None, None)
    """
    found = HEAD.match(auth.official)
    if (
        not found
        or found[1].startswith("City of ")
        or found[1].endswith((" County", " Metropolitan"))
    ):
        return None
    return found[1], found[2]


class Generator:
    """Makes the documents for a register, a seed and a number of frames per name."""

    def __init__(
        self, authorities: dict[str, Authority], seed: int = 0, frames: int = 2,
        frames_file: Path = FRAMES_FILE,
    ) -> None:  # fmt: skip
        self.authorities = authorities
        self.index = NameIndex.of(authorities)
        self.seed = seed
        self.per_name = frames
        self.frames = load_frames(frames_file)
        self.forms = {code: all_forms(a, self.index) for code, a in authorities.items()}
        self.owners: dict[str, set[str]] = defaultdict(set)
        for code, forms in self.forms.items():
            for _, text in forms:
                self.owners[text.casefold()].add(code)
        self.reused = self.reused_names()
        for code, names in self.reused.items():
            for name in names:  # "Bournemouth" of Bournemouth, Christchurch and Poole Council
                for text in (
                    name,
                    f"{name} Council",
                    possessive(name),
                    possessive(f"{name} Council"),
                ):
                    self.owners[text.casefold()].add(code)
        self.count = 0
        self.where = positions(authorities)
        self._near: dict[str, list[Authority]] = {}

    def reused_names(self) -> dict[str, list[str]]:
        """Code -> the pieces of its register alt-names that are another council's bare name
        (a successor that kept a predecessor's name: "Bournemouth" for Bournemouth,
        Christchurch and Poole, "Armagh City" for Armagh City, Banbridge and Craigavon)."""
        bare: dict[str, set[str]] = defaultdict(set)
        for auth in self.authorities.values():
            if auth.is_council:
                bare[base_name(auth).casefold()].add(auth.code)
        out: dict[str, list[str]] = {}
        for auth in self.authorities.values():
            for piece in auth.alt_names if auth.is_council else ():
                for code in sorted(bare.get(piece.casefold(), set()) - {auth.code}):
                    out.setdefault(auth.code, []).append(base_name(self.authorities[code]))
        return {code: list(dict.fromkeys(names)) for code, names in out.items()}

    # -- shared helpers ---------------------------------------------------------------

    def rng(self, *key: object) -> random.Random:
        return random.Random(":".join(map(str, (self.seed, *key))))

    def pick(self, frames: list, *key: object) -> list[tuple[int, Any]]:
        """``per_name`` of ``frames`` with their 1-based numbers, chosen by ``key``."""
        chosen = self.rng(*key).sample(range(len(frames)), min(self.per_name, len(frames)))
        return [(i + 1, frames[i]) for i in chosen]

    def others(self, texts: Iterable[str], group: list[Authority]) -> list[Authority]:
        """Authorities outside ``group`` that one of ``texts`` also names."""
        codes = {a.code for a in group}
        found = {c for t in texts for c in self.owners.get(t.casefold(), set())} - codes
        return [self.authorities[c] for c in sorted(found)]

    def clash(self, texts: Iterable[str], group: list[Authority]) -> bool:
        """Whether a name also belongs to an authority that existed at the same time: no
        date can then say which is meant, and no document is made."""
        return any(a.coexists(o) for o in self.others(texts, group) for a in group)

    def date_for(
        self, texts: Iterable[str], group: list[Authority], share: float = 0.5
    ) -> str | None:
        """A day inside the group's common lifetime when a name also served an authority of
        another time, else ``None`` (undated)."""
        if not self.others(texts, group):
            return None
        return day_within(*common_lifetime(group), share).isoformat()

    def doc(self, kind: str, form: str, frame: str, text: str, expect: list[str], **extra) -> dict:
        self.count += 1
        return {
            "id": f"{kind}-{form}-{self.count}", "text": text, "published": None,
            "expect": sorted(expect), "form": form, "frame": frame, "kind": kind, **extra,
        }  # fmt: skip

    def named(
        self,
        auth: Authority,
        kind: str,
        form: str,
        name: str,
        dates: list[str | None] | None = None,
    ) -> list[dict]:
        """One council named ``name`` in ``per_name`` organisational frames. ``dates`` (one per
        frame) default to what ``date_for`` says."""
        if self.clash([name], [auth]):
            return []
        pool = self.frames["possessive" if form in ("possessive", "council_possessive") else "org"]
        frames = self.pick(pool, auth.code, form, name)
        if dates is None:
            dates = [
                self.date_for([name], [auth], (i + 1) / (len(frames) + 1))
                for i in range(len(frames))
            ]
        return [
            self.doc(kind, form, frame.id, render(frame.text, name), [auth.code], type=auth.kind,
                     name=name, published=date, family=frame.family)
            for (_, frame), date in zip(frames, dates, strict=False)
        ]  # fmt: skip

    # -- category 1: press forms --------------------------------------------------------

    def press_forms(self, auth: Authority) -> Iterator[dict]:
        for form, name in self.forms[auth.code]:
            yield from self.named(auth, "form", form, name)

    # -- category 2: lists of neighbours and ellipsis ------------------------------------

    def listable(self, auth: Authority) -> bool:
        """A council whose bare name can stand in a list."""
        return auth.is_council and base_name(auth).casefold() not in STOP_WORDS

    def group(
        self, anchor: Authority, size: int, accept: Callable[[Authority, list[Authority]], bool]
    ) -> list[Authority] | None:
        """``anchor`` and its nearest co-existing neighbours that ``accept(other, chosen)``
        takes, or ``None`` when there are not enough."""
        if anchor.code not in self._near:
            self._near[anchor.code] = neighbours(anchor, self.authorities, self.where)
        chosen = [anchor]
        for other in self._near[anchor.code]:
            if len(chosen) == size:
                break
            if (
                self.listable(other)
                and all(o.coexists(other) for o in chosen)
                and accept(other, chosen)
            ):
                chosen.append(other)
        return chosen if len(chosen) == size else None

    def list_group(self, form: str, anchor: Authority, size: int) -> list[Authority] | None:
        """The group of ``size`` councils that a list form takes around ``anchor``."""
        own = head(anchor)
        if form == "same_head":
            return own and self.group(anchor, size, lambda o, _: (head(o) or ("", ""))[1] == own[1])
        if form == "mixed_heads":  # the last place goes to a second kind of head if none yet

            def accept(other: Authority, chosen: list[Authority]) -> bool:
                heads = {head(a)[1] for a in chosen}  # type: ignore[index]
                mine = head(other)
                return mine is not None and (len(chosen) < size - 1 or len(heads | {mine[1]}) > 1)

            return own and self.group(anchor, size, accept)
        if form == "districts_of":
            return (
                self.group(anchor, size, lambda o, _: o.kind == "NMD")
                if anchor.kind == "NMD"
                else None
            )
        return self.group(anchor, size, lambda o, _: True)

    def list_items(self, form: str, group: list[Authority]) -> tuple[list[str], dict[str, str]]:
        """The names as the list form writes them, and the heads to put after the list."""
        pairs = [head(a) or (base_name(a), "") for a in group]
        if form == "same_head":
            plural = f"{pairs[0][1]} Councils"
            return [x for x, _ in pairs], {"Heads": plural, "heads": plural.lower()}
        if form == "mixed_heads":
            *first, (x, last) = pairs
            return [f"{x} {h}" for x, h in first] + [f"{x} {last} Councils"], {}
        return [base_name(a) for a in group], {}

    def lists(self, anchor: Authority, seen: set) -> Iterator[dict]:
        if not self.listable(anchor):
            return
        for form, spec in self.frames["lists"].items():
            for size in spec["sizes"] if form != "elliptical" else ():
                group = self.list_group(form, anchor, size)
                key = (form, frozenset(a.code for a in group or ()))
                if not group or key in seen:
                    continue
                seen.add(key)
                self.rng(anchor.code, form, size).shuffle(group)
                items, heads = self.list_items(form, group)
                if self.clash(items, group):
                    continue
                published = self.date_for(items, group)
                number = NUMBERS[len(group)]
                for n, template in self.pick(spec["frames"], form, *sorted(key[1])):
                    text = template.format(
                        list=join(items), number=number, Number=number.capitalize(), **heads
                    )
                    yield self.doc("list", form, f"{form}-{n}", text, [a.code for a in group],
                                   published=published, name=items, type=group_type(group), family=form)  # fmt: skip

    def elliptical_groups(self) -> list[tuple[str, list[Authority]]]:
        """Councils whose bare names are "<modifier> <the same rest>", where the modifier is a
        first word that begins at least four bare names of the register ("North", "East"...),
        of one nation and alive at the same time, as pairs and triples with their shared-head
        text ("North and South Ayrshire"); texts that are a council's own name are left out."""
        councils = [a for a in self.authorities.values() if self.listable(a)]
        firsts = Counter(base_name(a).split()[0] for a in councils if " " in base_name(a))
        modifiers = {w for w, n in firsts.items() if n >= 4}
        by_rest: dict[tuple[str, str], list[Authority]] = defaultdict(list)
        for auth in councils:
            first, _, rest = base_name(auth).partition(" ")
            if first in modifiers and rest and not rest.startswith(("of ", "and ")):
                by_rest[(rest, auth.nation)].append(auth)
        out = []
        for (rest, _), members in sorted(by_rest.items()):
            for size in (2, 3):
                ordered = sorted(members, key=lambda a: modifier_order(base_name(a).split()[0]))
                for combo in itertools.combinations(ordered, size):
                    if all(a.coexists(b) for a, b in itertools.combinations(combo, 2)):
                        text = f"{join([base_name(a).split()[0] for a in combo])} {rest}"
                        if text.casefold() not in self.owners:
                            out.append((text, list(combo)))
        return out

    def ellipses(self, codes: set[str]) -> Iterator[dict]:
        frames = self.frames["lists"]["elliptical"]["frames"]
        for text, group in self.elliptical_groups():
            if not codes & {a.code for a in group}:
                continue
            heads = {(head(a) or ("", ""))[1] for a in group}
            plural = (
                f"{heads.pop().lower()} councils"
                if len(heads) == 1 and "" not in heads
                else "councils"
            )
            published = self.date_for([base_name(a) for a in group], group)
            for n, template in self.pick(frames, text):
                yield self.doc("elliptical", f"elliptical_{len(group)}", f"elliptical-{n}",
                               template.format(list=text, heads=plural), [a.code for a in group],
                               published=published, name=text, type=group_type(group), family="elliptical")  # fmt: skip

    # -- look-alike single councils ------------------------------------------------------

    def lookalikes(self, auth: Authority) -> Iterator[dict]:
        base = base_name(auth)
        if auth.is_council and re.search(r" and |, | & ", base):
            yield from self.named(auth, "lookalike", "lookalike_bare", base)
            yield from self.named(auth, "lookalike", "lookalike_council", f"{base} Council")

    # -- category 4: dates ---------------------------------------------------------------

    def shared_names(self) -> list[tuple[str, list[Authority]]]:
        """Bare, nice or official names (or reused names) that the register gives to more
        than one authority, none of them alive at the same time as another."""
        by_name: dict[str, dict[str, Authority]] = defaultdict(dict)
        for auth in self.authorities.values():
            for name in (
                base_name(auth),
                auth.nice,
                auth.official,
                *self.reused.get(auth.code, ()),
            ):
                by_name[name].setdefault(auth.code, auth)
        out = []
        for name, members in sorted(by_name.items()):
            group = sorted(members.values(), key=lambda a: a.code)
            if len(group) > 1 and not any(
                a.coexists(b) for a, b in itertools.combinations(group, 2)
            ):
                out.append((name, group))
        return out

    def dates(self, codes: set[str]) -> Iterator[dict]:
        for name, group in self.shared_names():
            for auth in group:
                if auth.code in codes:
                    for text in (name, f"{name} Council"):
                        dates = [day_within(auth.start, auth.end, (i + 1) / (self.per_name + 1)).isoformat()
                                 for i in range(self.per_name)]  # fmt: skip
                        yield from self.named(auth, "date", "dated_shared_name", text, dates)

    def abolished(self, auth: Authority) -> Iterator[dict]:
        if auth.end is not None:
            yield from self.named(
                auth, "date", "abolished_official", auth.official, [None] * self.per_name
            )

    # -- category 5: negatives -----------------------------------------------------------

    def negatives(self, auth: Authority) -> Iterator[dict]:
        place = city_base(auth) or base_name(auth)
        if not (auth.is_council or auth.kind == "CC") or place.casefold() in STOP_WORDS:
            return
        compound = bool(re.search(r" and |, | & ", place))
        for kind, spec in self.frames["negatives"].items():
            if auth.kind in spec.get("types", [auth.kind]) and not (
                compound and spec.get("single_place")
            ):
                org = re.sub(r"\ba ([AEIOU])", r"an \1", spec["org"].format(place=place))
                for n, template in self.pick(spec["frames"], auth.code, kind):
                    yield self.doc("negative", kind, f"{kind}-{n}", render(template, org, "{org}"), [],
                                   type=auth.kind, name=org, family="negative")  # fmt: skip

    def namesake(self, place: str) -> Authority | None:
        """The council of the register whose place name is ``place``, if any."""
        suffixes = ("County Council", "Borough Council", "District Council", "City Council")
        for auth in self.authorities.values():
            names = {base_name(auth), city_base(auth), *(suffix_base(auth, s) for s in suffixes)}
            if auth.is_council and place in names:
                return auth
        return None

    def places_abroad(self, codes: set[str]) -> Iterator[dict]:
        frames = self.frames["foreign"]
        for place, region, currency in FOREIGN_NAMESAKES:
            auth = self.namesake(place)
            if auth is None or auth.code not in codes:
                continue
            rng = self.rng("foreign", place, "money")
            for n, template in self.pick(frames, "foreign", place):
                money = f"{currency}{rng.choice(['1.2', '2.5', '4', '7.5', '12'])} million"
                text = template.format(place=place, region=region, money=money)
                yield self.doc("negative", "foreign_namesake", f"foreign-{n}", text, [], type=auth.kind,
                               name=f"{place}, {region}", family="negative")  # fmt: skip

    # -- everything ----------------------------------------------------------------------

    def generate(self, codes: Iterable[str] | None = None) -> list[dict]:
        """Every document for the authorities ``codes`` (default: the whole register)."""
        wanted = set(self.authorities if codes is None else codes)
        docs: list[dict] = []
        seen: set = set()
        for code in sorted(wanted):
            auth = self.authorities[code]
            docs.extend(self.press_forms(auth))
            docs.extend(self.lookalikes(auth))
            docs.extend(self.abolished(auth))
            docs.extend(self.lists(auth, seen))
            docs.extend(self.negatives(auth))
        docs.extend(self.ellipses(wanted))
        docs.extend(self.dates(wanted))
        docs.extend(self.places_abroad(wanted))
        return docs


#: The order in which the press puts shared-head modifiers ("Mid and East Devon", "North and
#: South Ayrshire", "East and West Lothian"); other first words follow, alphabetically.
MODIFIER_ORDER = ("Mid", "North", "South", "East", "West", "Central")


def modifier_order(word: str) -> tuple[int, str]:
    return (MODIFIER_ORDER.index(word) if word in MODIFIER_ORDER else len(MODIFIER_ORDER), word)


def group_type(group: list[Authority]) -> str:
    """The register type shared by every council of ``group``, else ``mixed``."""
    kinds = {a.kind for a in group}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def generate(
    authorities: dict[str, Authority], codes: Iterable[str] | None = None, seed: int = 0,
    frames: int = 2,
) -> list[dict]:  # fmt: skip
    """The evaluation's documents for ``codes`` (default: every authority)."""
    return Generator(authorities, seed=seed, frames=frames).generate(codes)
