"""Coordinated council names over the token sequence: shared heads, shared suffixes, lists.

A small grammar over the gazetteer matches of one Doc (spec §1, "coordinated names"):

- **shared head** (ellipsis): "North and South Ayrshire", "Mid and East Devon district
  councils", "North and North East Lincolnshire": a direction word before "and" or a comma
  borrows the rest of the next name, when the borrowed name is an authority's too;
- **shared suffix**: "Bromsgrove District and Redditch Borough Councils": the names of a
  list may each carry type words ("District", "Borough", "City") before one plural head;
- **lists**: names joined by commas, "and", "&", "or", "nor" or "/" form one group ("Harborough,
  Hinckley and Bosworth, and Melton"), a name after the joiner with its article too ("Cardiff,
  Bridgend and the Vale of Glamorgan"). The gazetteer matches are made longest first, so a
  council whose name looks like a list ("Mid and East Antrim", "Armagh City, Banbridge and
  Craigavon") is one element.

Whether a group names councils is decided by the linker (:mod:`.councils`) from the group's
context; this module only finds the groups.

Example:
    >>> words = "North and South Ayrshire have agreed".split()
    >>> cands = [Cand(2, 4, "place", ["SAY"])]
    >>> names = {"North Ayrshire": ["NAY"], "South Ayrshire": ["SAY"]}
    >>> [(c.start, c.end, c.codes) for c in expand_ellipsis(words, cands, names, DIRECTIONS)]
    [(0, 1, ['NAY']), (2, 4, ['SAY'])]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: Words that start the names of neighbouring authorities ("North", "Mid", "North East").
DIRECTIONS = frozenset({"North", "South", "East", "West", "Mid", "Central"})
JOINERS = frozenset({",", "and", "&", "or"})
#: What joins the names of one group: also "nor" and a slash ("Neither A nor B", "A/B").
_LIST_JOINERS = JOINERS | {"nor", "/"}

__all__ = ["DIRECTIONS", "JOINERS", "Cand", "expand_ellipsis", "groups"]


class Cand:
    """A council-name candidate: token range, kind (``org``/``place``) and register codes."""

    __slots__ = ("start", "end", "kind", "codes", "borrowed")

    def __init__(
        self, start: int, end: int, kind: str, codes: list[str], borrowed: bool = False
    ) -> None:
        self.start, self.end, self.kind, self.codes = start, end, kind, codes
        self.borrowed = borrowed  # a shared-head name made by ellipsis

    def __repr__(self) -> str:
        return f"Cand({self.start}, {self.end}, {self.kind!r}, {self.codes!r})"


def _lead(words: Sequence[str], start: int, end: int, directions: frozenset[str]) -> int:
    """How many direction words the name ``words[start:end]`` starts with (0, 1 or 2)."""
    n = 0
    while n < 2 and start + n < end - 1 and words[start + n] in directions:
        n += 1
    return n


def expand_ellipsis(
    words: Sequence[str],
    cands: list[Cand],
    names: Mapping[str, list[str]],
    directions: frozenset[str],
) -> list[Cand]:
    """``cands`` with the shared-head names before each one: in "North, South and East
    Ayrshire", "North" and "South" become candidates for North and South Ayrshire.

    ``names`` maps a place name ("North Ayrshire") to its codes; a borrowed name is made only
    when it is an authority's name and not the candidate's own.
    """
    taken = {i for c in cands for i in range(c.start, c.end)}
    out: list[Cand] = []
    for cand in cands:
        lead = _lead(words, cand.start, cand.end, directions)
        made: list[Cand] = []
        for drop in range(lead, 0, -1):  # "North and North East Lincolnshire": drop both
            rest = " ".join(words[cand.start + drop : cand.end])
            i = cand.start - 1
            made = []
            while i >= 1 and words[i] in JOINERS:
                j = i - 1
                while j >= 0 and j not in taken and words[j] in directions and i - j <= 2:
                    j -= 1
                head = " ".join(words[j + 1 : i])
                if j + 1 >= i or head == " ".join(words[cand.start : cand.start + drop]):
                    break
                codes = names.get(f"{head} {rest}")
                if not codes or codes == cand.codes:
                    break
                made.append(Cand(j + 1, i, cand.kind, codes, borrowed=True))
                i = j
                if i >= 1 and words[i] == "," and words[i - 1] in JOINERS:
                    i -= 1
            if made:
                break
        out += made[::-1]
        out.append(cand)
    return out


def groups(
    words: Sequence[str], cands: list[Cand], type_words: frozenset[str] | set[str]
) -> list[list[Cand]]:
    """Group candidates coordinated by commas, "and", "&", "or", each name allowed up to two
    type words of its own ("South Holland District, Boston Borough and ...").

    >>> words = "Bromsgrove District and Redditch Borough Councils".split()
    >>> [[c.start for c in g] for g in groups(words, [Cand(0, 1, "place", []),
    ...     Cand(3, 4, "place", [])], {"District", "Borough"})]
    [[0, 3]]
    """
    out: list[list[Cand]] = []
    for cand in cands:
        if out:
            last = out[-1][-1]
            i = last.end
            while i < cand.start and i - last.end < 3:
                if words[i] in type_words:
                    i += 1
                elif (
                    words[i] == "and"
                    and (i > last.end or words[i - 1] in type_words)
                    and words[i + 1] in type_words
                    and i + 2 <= cand.start  # not "Dundee City and City of Edinburgh"
                ):
                    i += 2  # "St Albans City and District, ..."
                else:
                    break
            gap = [*words[i : cand.start]]
            if gap and gap[-1] == "the" and len(gap) > 1:
                gap.pop()  # "Cardiff, Bridgend and the Vale of Glamorgan councils"
            if 0 < len(gap) <= 2 and all(w in _LIST_JOINERS for w in gap):
                out[-1].append(cand)
                continue
        out.append([cand])
    return [
        part
        for g in out
        for fronted in _fronted_place(words, g)
        for part in _comma_pair(words, fronted)
    ]


#: Prepositions of place that open a clause: "In Devon, South Hams and West Devon merged".
LOCATIVES = frozenset({"in", "across", "around", "throughout", "outside", "near", "elsewhere"})
_CLAUSE_OPENERS = frozenset({",", ".", ";", ":", "while", "whereas", "and", "but", "meanwhile"})


def _fronted_place(words: Sequence[str], group: list[Cand]) -> list[list[Cand]]:
    """A place after a preposition that opens a clause, then a comma, is the clause's setting,
    not the first of a list: "In Suffolk, Babergh and Mid Suffolk merged their staff", "...,
    while in Warwickshire, Stratford-on-Avon and Warwick district councils ...".

    >>> words = "In Devon , South Hams and West Devon merged".split()
    >>> [len(g) for g in _fronted_place(words, [Cand(1, 2, "place", []),
    ...     Cand(3, 5, "place", []), Cand(6, 8, "place", [])])]
    [1, 2]
    >>> [len(g) for g in _fronted_place("councils in Kent , Medway and Swale".split(),
    ...     [Cand(2, 3, "place", []), Cand(4, 5, "place", []), Cand(6, 7, "place", [])])]
    [3]
    """
    if len(group) < 3 or group[0].borrowed:
        return [group]
    first, second = group[0], group[1]
    if first.start == 0 or [*words[first.end : second.start]] != [","]:
        return [group]
    prep = words[first.start - 1]
    if prep.lower() not in LOCATIVES:
        return [group]
    before = words[first.start - 2] if first.start >= 2 else "."
    if not (prep[:1].isupper() or before.lower() in _CLAUSE_OPENERS or before.isspace()):
        return [group]
    return [[first], group[1:]]


def _comma_pair(words: Sequence[str], group: list[Cand]) -> list[list[Cand]]:
    """Two names joined by a comma alone are no list: "Elsewhere in Kent, Ashford has ...".

    >>> [len(g) for g in _comma_pair("in Kent , Ashford has".split(),
    ...     [Cand(1, 2, "place", []), Cand(3, 4, "place", [])])]
    [1, 1]
    """
    if len(group) != 2 or group[0].borrowed:
        return [group]
    first, second = group
    if any(w != "," for w in words[first.end : second.start]):
        return [group]
    if second.end < len(words) and words[second.end] in JOINERS:
        return [group]  # "Cardiff, Bridgend and the Vale of Glamorgan": the list goes on
    return [[first], [second]]
