"""Context cues that make a bare council name an organisation, or something else (spec §1).

A place name ("Sefton", "North and South Ayrshire") names a council only in an
organisational role; the cues are read from ``data/council_context.json`` and checked over
the tokens around a coordinated group of names (:mod:`.coordination`):

- a council head after the group ("Kingston and Sutton councils", "... Borough Councils");
- a cue before it: "the London boroughs of", "the councils are", "involving", "the
  districts of" (lists), "a spokesperson for", "on behalf of", "led by" (any name);
- a verb after it: "Havering and Newham have brought together ...", "Breckland said",
  "Sefton signs ...", "South Holland and Breckland to end ...", and "have had" with a joint
  noun ("Babergh and Mid Suffolk have had a similar arrangement");
- a possessive with an organisation's noun: "Sefton's cabinet", "Kent's new app";
- an apposition: "Medway, a separate unitary, ...", "Harrogate, which runs its own ...";
- a comparison with its peers: "Unlike Adur, the other partners ...";
- the answer to a question about an authority: "Which authority will host it? Adur, ...";
- the complement of an agent's copula: "The first to sign up was Adur";
- inside a quotation that a council office holder speaks: '"a first for Adur", the leader
  said'.

False friends are checked over the run of capitalised words after and before the group: a
head such as "NHS", "Trust", "Police", "University", "Integrated Care Board" makes the name
part of another organisation's ("Barnet, Enfield and Haringey Mental Health NHS Trust").

Example:
    >>> from councilwatch.nlp.gazetteer import load_json
    >>> cues = RoleCues(load_json("council_context.json"))
    >>> words = "A spokesperson for Sefton said".split()
    >>> cues.before(words, [w.lower() for w in words], 3, single=True)
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_AUX = frozenset(
    "have has had will would are were also both already jointly now to recently previously "
    "'ve is was each could should may might must did does do not yet still finally been be being "
    "all too".split()
)
_CAPITALISED_FUNCTION_WORDS = frozenset(
    "The A An This That These Those Our Its Their His Her My Your And But Or For With From In "
    "On At By To Of As If When While".split()
)  # capitalised after a quotation mark or in a title-case headline, not part of a name
_CLOSERS = frozenset({",", ".", "?", "!", "…"})
_HAVE = frozenset({"have", "has", "had"})
_DEAL_NOUNS = frozenset({"deal", "contract", "agreement", "merger", "talks"})
_DEAL_HEADS = frozenset({"deal", "deals", "contract", "contracts", "agreement", "merger"})
_BUDGETS = frozenset({"budget", "budgets", "outsourcing"})
_IT_WORDS = frozenset({"IT", "ICT"})
_COUNTS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_POSSESSIVE_MARKS = frozenset({"'s", "’s", "'", "’"})
_LOCATIVE = frozenset("in at near across around outside within throughout from to visit".split())
_MONEY_VERBS = frozenset(
    "save saves saved saving cost costs costing earn earns earned earning".split()
)
_BY_PLACES = frozenset(
    "near close surrounded passing passed drive driving stand standing lies lying sits sitting "
    "bordered flanked go going went".split()
)  # "by" before a place: "a village by Kent's border", "surrounded by Surrey"
_COPULAS = frozenset(
    {"is", "was", "be", "been", "are", "were", "become", "becomes", "became"}
)  # possession, after the auxiliaries: "have had a"
_RELATIVE = frozenset({"which", "who", "whose", "that"})
_DETERMINERS = frozenset({"a", "an", "the", "its", "their"})
_RUN_GLUE = frozenset({"and", "&", "of", "for", "the", "-"})
_QUOTES = frozenset({'"', "”", "“", "'", "’", ",”", '."', "”,"})


def _phrases(items: list[list[str]]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases indexed by their last word, for matching backwards from a position."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in items:
        out.setdefault(phrase[-1], []).append(tuple(phrase))
    return out


def _ends_with(lower: Sequence[str], i: int, index: dict[str, list[tuple[str, ...]]]) -> bool:
    """Whether ``lower[:i]`` ends with one of the indexed phrases."""
    if i <= 0:
        return False
    for phrase in index.get(lower[i - 1], ()):
        n = len(phrase)
        if i >= n and tuple(lower[i - n : i]) == phrase:
            return True
    return False


class RoleCues:
    """The cue lexicons of ``council_context.json`` and the checks made with them."""

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.council_words = set(ctx["council_words"])
        self.type_words = set(ctx["type_words"])
        self.list_cues = _phrases(ctx["list_cues"])
        self.single_cues = _phrases(ctx["single_cues"])
        self.group_verbs = set(ctx["org_verbs"]) - _AUX
        self.single_verbs = set(ctx["single_verbs"])
        self.active_verbs = set(ctx["active_verbs"])  # an act only in the active voice
        self.possessive_nouns = set(ctx["possessive_nouns"])
        self.apposition_nouns = set(ctx["apposition_nouns"])
        self.office_nouns = set(ctx["office_nouns"])
        self.provide_verbs = set(ctx["provide_verbs"])
        self.buy_verbs = set(ctx["buy_verbs"])
        self.predicate_nouns = set(ctx["predicate_nouns"])
        self.heads_after = set(ctx["non_council_heads"])
        self.heads_before = set(ctx["non_council_before"])
        self.place_only_next = set(ctx["place_only_next"])
        self.place_only_prev = set(ctx["place_only_prev"])
        self.indefinite = set(ctx["indefinite"])
        self.place_nouns = set(ctx["place_nouns"])
        self.group_nouns = set(ctx["group_nouns"])
        self.openers = set(ctx["openers"])
        self.time_words = set(ctx["time_words"])
        self.parentheticals = set(ctx["parentheticals"])
        self.not_verbs = set(ctx["not_verbs"])
        self.place_verbs = set(ctx["place_verbs"])
        self.council_text = re.compile(ctx["council_text"], re.IGNORECASE)
        self.comparison_words = set(ctx["comparison_words"])
        self.peer_nouns = set(ctx["peer_nouns"])
        self.peer_determiners = set(ctx["peer_determiners"])
        self.question_words = set(ctx["question_words"])
        self.ordinals = set(ctx["ordinals"])
        self.copulas = set(ctx["copulas"])
        self.offices = _phrases(ctx["council_offices"])
        self.speech_verbs = set(ctx["speech_verbs"])
        self.sport_words = set(ctx["sport_words"])
        self.area_nouns = set(ctx["area_nouns"])
        self.area_premodifiers = set(ctx["area_premodifiers"])
        self.part_nouns = set(ctx["part_nouns"])
        self.for_heads = set(ctx["for_heads"])
        self.route_nouns = set(ctx["route_nouns"])

    def suffix(self, words: Sequence[str], end: int) -> bool:
        """A council head after the group, past up to three type words ("District Councils")."""
        i = self.type_run(words, end)
        return i < len(words) and words[i] in self.council_words

    def type_run(self, words: Sequence[str], end: int) -> int:
        """The end of the type words after ``end``: "District", "City and District"."""
        i, n, types = end, len(words), self.type_words
        while i < n and i - end < 3:
            if words[i] in types:
                i += 1
            elif (
                words[i] == "and"
                and (i > end or (end > 0 and words[end - 1] in types))  # "St Albans City and"
                and i + 1 < n
                and words[i + 1] in types
            ):
                i += 2
            else:
                break
        return i

    def before(self, words: Sequence[str], lower: Sequence[str], start: int, single: bool) -> bool:
        """A cue before the group: list cues for groups, single cues for any."""
        if start > 1 and lower[start - 1] == "the":  # "on behalf of the City of Derby"
            start -= 1
        if _ends_with(lower, start, self.single_cues):
            return True
        if single:
            return False
        if start > 1 and lower[start - 1] in (
            ",",
            ":",
            "-",
            "–",
            "—",
            "(",
        ):  # "its predecessors, A and B"
            start -= 1
        if self.among_places(lower, start):
            return False
        return _ends_with(lower, start, self.list_cues)

    def among_places(self, lower: Sequence[str], start: int) -> bool:
        """ "the road between Sefton and Knowsley", "visitors from Kent and Surrey": places
        that a way joins or people come from, not the parties of a deal ("a deal between")
        or the councils a new one is made from ("formed from")."""
        if start < 2 or lower[start - 1] not in ("between", "from"):
            return False
        return lower[start - 2] in self.route_nouns or lower[start - 2] in self.place_nouns

    def part_of(self, words: Sequence[str], lower: Sequence[str], span: tuple[int, int]) -> bool:
        """ "the IT services at Croydon", "the work of Corby, Kettering and Wellingborough":
        the name after "of" or "at" that follows a part of an organisation (its staff, budget,
        services, functions), as "Croydon's IT services" would.

        >>> words = "the IT staff at Sefton".split()
        >>> _cues().part_of(words, [w.lower() for w in words], (4, 5))
        True
        """
        start, end = span
        if end < len(words) and words[end] in _POSSESSIVE_MARKS:
            return False  # "the systems of Cornwall's rivers"
        if start > 2 and lower[start - 1] == "the":  # "the budget of the City of Derby"
            start -= 1
        if start < 2 or lower[start - 1] not in ("of", "at"):
            return False
        return words[start - 2] in self.part_nouns or lower[start - 2] in self.part_nouns

    def named_on(self, words: Sequence[str], end: int) -> bool:
        """A capitalised word after the name, not in capitals: the name begins a longer one
        ("a deal with Cambridge Analytics"), unlike "Sefton IT" or a council's own head.

        >>> _cues().named_on("a deal with Wigan Analytics".split(), 4)
        True
        """
        if end >= len(words):
            return False
        word = words[end]
        if word in self.council_words or word in self.type_words:
            return False  # "staff at the Dorset Councils Partnership"
        return word.isalpha() and word[:1].isupper() and not word.isupper()

    def recounted(
        self, lower: Sequence[str], span: tuple[int, int], sent_end: int, size: int
    ) -> bool:
        """The sentence goes on to count the names as councils: "... Merton and Croydon ...
        as the boroughs' joint contract went live", "Adur and Worthing ... the two councils",
        "both authorities" (a number, when given, is the list's own); not names after "in",
        "at" or "from" ("data centres in A and B"), which place things there.

        >>> _cues().recounted("for adur and worthing , the two councils".split(), (1, 4), 8, 2)
        True
        >>> _cues().recounted("for adur and worthing , the three councils".split(), (1, 4), 8, 2)
        False
        >>> _cues().recounted("in adur and worthing , the two councils".split(), (1, 4), 8, 2)
        False
        """
        start, end = span
        if start > 0 and lower[start - 1] in _LOCATIVE:
            return False
        for i in range(end, sent_end - 1):
            if lower[i] not in ("the", "both", "all"):
                continue
            j = i + 1
            count = _COUNTS.index(lower[j]) + 2 if lower[j] in _COUNTS else None
            if count is not None:
                j += 1
            if j >= sent_end or lower[j] not in self.area_nouns:
                continue
            if count is not None:
                return count == size
            if lower[i] == "both":
                return size == 2
            return j + 1 < sent_end and lower[j + 1] in _POSSESSIVE_MARKS
        return False

    def org_compound(self, words: Sequence[str], lower: Sequence[str], end: int) -> bool:
        """The name before a noun phrase of the organisation's, within three words: a deal or
        a budget past any nouns of what is dealt in ("Capita wins Wigan IT deal", "the Barnet
        broadband contract", "Sefton budget approved"), a part of it past nouns of its
        business ("the Sefton IT team", "Sefton finance department"), or its IT at the end
        ("Capita to run Sefton IT"); not a place's things ("a Kent IT firm", "Leeds bus
        service", "Sefton coast erosion").

        >>> words = "Capita wins Wigan IT deal".split()
        >>> _cues().org_compound(words, [w.lower() for w in words], 3)
        True
        >>> words = "Sefton IT firm wins award".split()
        >>> _cues().org_compound(words, [w.lower() for w in words], 1)
        False
        """
        n = len(words)
        business = True  # every noun so far is one of the organisation's business
        for i in range(end, min(end + 3, n)):
            word, low = words[i], lower[i]
            if low in _DEAL_HEADS or low in _BUDGETS:
                return True
            if i > end and business and (word in self.part_nouns or low in self.part_nouns):
                return True
            if not (word.isalpha() and (word.islower() or word.isupper())):
                return False
            if low in self.place_nouns or low in self.not_verbs:
                return False
            if word in _IT_WORDS and (i + 1 == n or not words[i + 1].isalpha()):
                return True
            business = business and (word in self.possessive_nouns or low in self.possessive_nouns)
        return False

    def headline_for(
        self,
        words: Sequence[str],
        lower: Sequence[str],
        span: tuple[int, int],
        bounds: tuple[int, int],
    ) -> bool:
        """A headline that ends with "for" the name after a deal or a new officer: "Deal for
        Sefton", "New CIO for Croydon" (not "Jobs boost for Leeds").

        >>> words = "Deal for Sefton".split()
        >>> _cues().headline_for(words, [w.lower() for w in words], (2, 3), (0, 3))
        True
        """
        (start, end), (sent_start, sent_end) = span, bounds
        if start < sent_start + 2 or lower[start - 1] != "for":
            return False
        if end < sent_end and not (words[end] in _CLOSERS or words[end].isspace()):
            return False
        heads = self.for_heads
        return any(
            w in heads or lw in heads
            for w, lw in zip(
                words[sent_start : start - 1], lower[sent_start : start - 1], strict=True
            )
        )

    def verb(self, words: Sequence[str], lower: Sequence[str], end: int, single: bool) -> bool:
        """An organisation's verb after the group, past auxiliaries ("have agreed", "to end")."""
        n = len(words)
        i = end
        if single and i < n and words[i] == ",":
            return False
        start = i
        while i < n and i - start < 3 and lower[i] in _AUX:
            i += 1
        if i >= n:
            return False
        word = words[i]
        if not single and i > start and word.islower() and word.endswith(("ing", "ed")):
            return True  # "Denbighshire and Wrexham are watching"
        if i > start and lower[i - 1] in _HAVE and lower[i] in _DETERMINERS:
            if any(w in self.group_nouns for w in lower[i + 1 : i + 4]):
                return True  # "Babergh and Mid Suffolk have had a similar arrangement"
        if lower[i] in self.active_verbs:  # "Sefton postponed", not "Ferries were cancelled"
            return i == start or lower[i - 1] in _HAVE
        return lower[i] in (self.single_verbs if single else self.group_verbs | self.single_verbs)

    def possessive(self, words: Sequence[str], lower: Sequence[str], end: int) -> bool:
        """ "Camden's IT chief", "Kent's new app": an organisation's noun within three words."""
        if end + 1 >= len(words) or words[end] not in ("'s", "’s", "'", "’"):
            return False
        nouns = self.possessive_nouns
        return any(
            w in nouns or lw in nouns
            for w, lw in zip(words[end + 1 : end + 4], lower[end + 1 : end + 4], strict=False)
        )

    def area_of(self, lower: Sequence[str], end: int) -> bool:
        """ "Northamptonshire's councils were reorganised": a possessive before a plural
        council noun makes the name the area whose councils are meant, not one of them."""
        if end + 1 >= len(lower) or lower[end] not in ("'s", "’s", "'", "’"):
            return False
        i = end + 1
        if i + 1 < len(lower) and lower[i] in self.area_premodifiers:
            i += 1  # "Kent's district councils", "Surrey's two"
        return lower[i] in self.area_nouns

    def apposition(self, lower: Sequence[str], end: int) -> bool:
        """ "Medway, a separate unitary,", "North Ayrshire, which left talks ..."."""
        n = len(lower)
        if end + 2 >= n or lower[end] not in (",", "("):
            return False
        i = end + 1
        if lower[i] in _RELATIVE:  # also "X (which joined last year)"
            i += 1
            while i < n and i - end < 5 and lower[i] in _AUX:
                i += 1
            return i < n and (lower[i] in self.group_verbs or lower[i] in self.single_verbs)
        i = _past_one_of(lower, i)
        if lower[i] not in _DETERMINERS:
            return False
        return any(w in self.apposition_nouns for w in lower[i + 1 : i + 6])

    def modifies_place_noun(self, words: Sequence[str], lower: Sequence[str], end: int) -> bool:
        """The name before a noun of the place's people or things: "Kent businesses", "Leeds
        residents" (the place, not the council)."""
        return end < len(words) and words[end].islower() and lower[end] in self.place_nouns

    def agent(self, words: Sequence[str], lower: Sequence[str], start: int, end: int) -> bool:
        """ "It follows a similar move by Gateshead": the name after "by", as an agent, not a
        place passed or bordered ("surrounded by Surrey", "by Kent Police")."""
        if start < 2 or lower[start - 1] != "by" or not lower[start - 2].isalpha():
            return False
        if lower[start - 2] in self.place_verbs or lower[start - 2] in _BY_PLACES:
            return False
        if self.modifies_place_noun(words, lower, end):
            return False
        return not (end < len(words) and words[end][:1].isupper())

    def served(
        self, words: Sequence[str], lower: Sequence[str], span: tuple[int, int], sent_start: int
    ) -> bool:
        """The name after "to" or "for" with a verb of providing before it, or after "from"
        with a verb of buying, and a service between: "provides IT services to Rutland",
        "Rutland buys its ICT service from Leicestershire" (not "offers a train to Leeds")."""
        start, end = span
        if start < 2 or (end < len(words) and words[end][:1].isupper()):
            return False
        prep = lower[start - 1]
        verbs = (
            self.provide_verbs
            if prep in ("to", "for")
            else self.buy_verbs
            if prep == "from"
            else None
        )
        if verbs is None:
            return False
        if end < len(lower) and lower[end] in self.place_nouns:
            return False  # "complaints from Kent residents"
        window = lower[max(sent_start, start - 8) : start - 1]
        verb = next((k for k, w in enumerate(window) if w in verbs), None)
        if verb is None or any(w in _CLOSERS for w in window[verb:]):
            return False
        nouns = self.possessive_nouns  # what is provided is a service: "IT services", "payroll"
        return any(w in nouns for w in words[max(sent_start, start - 8) : start - 1][verb + 1 :])

    def office(self, lower: Sequence[str], end: int) -> bool:
        """ "A Camden spokesperson said", "Cornwall councillors voted": the name before the
        noun of one who speaks or sits for the organisation, even after "a"."""
        return end < len(lower) and lower[end] in self.office_nouns

    def predicate(self, lower: Sequence[str], end: int) -> bool:
        """ "Wigan is the lead authority", "Bolton will be the host council", "Sefton is one of
        12 councils", "Leeds became the latest authority": the name is the subject of a copula
        whose complement is a council noun (not "a large county")."""
        n = len(lower)
        i = end
        while i < n and i - end < 3 and (lower[i] in _AUX or lower[i] in _COPULAS):
            i += 1
        if i == end or lower[i - 1] not in _COPULAS or i >= n:
            return False
        i = _past_one_of(lower, i)
        if lower[i] not in _DETERMINERS and not lower[i].isdigit():
            return False
        j = i + 1
        while (
            j < n
            and j - i <= 3
            and lower[j].isalpha()
            and lower[j] not in self.predicate_nouns
            and lower[j] not in self.place_nouns
            and lower[j] != "to"
        ):  # not "the first city to host", "the host city"
            j += 1
        return j < n and lower[j] in self.predicate_nouns

    def compared(self, lower: Sequence[str], start: int, end: int) -> bool:
        """ "Unlike Adur, the other partners ...", "Like Camden, many councils ...": the name
        compared with organisations of its kind."""
        if start > 1 and lower[start - 1] == "the":  # "Unlike the City of Derby, ..."
            start -= 1
        if start == 0 or lower[start - 1] not in self.comparison_words:
            return False
        n = len(lower)
        if end >= n or lower[end] != ",":
            return False
        i = end + 1
        while i < n and i - end <= 3 and lower[i] in self.peer_determiners:
            i += 1
        return i < n and lower[i] in self.peer_nouns

    def answer(self, lower: Sequence[str], start: int, sent_start: int) -> bool:
        """ "Which authority will host the data centre? Adur, according to the plans.": the
        name opens the answer to a question whose subject is an authority."""
        i = start - 1 if start > 0 and lower[start - 1] == "the" else start
        if i == 0 or lower[i - 1] != "?":
            return False
        j = i - 2
        while j >= 0 and i - j <= 15 and lower[j] not in _CLOSERS:
            if lower[j] in self.question_words and j + 1 < i:
                nxt = lower[j + 1 : j + 3]
                return any(w in self.apposition_nouns for w in nxt)
            j -= 1
        return False

    def complement(self, lower: Sequence[str], start: int, sent_start: int) -> bool:
        """ "The first to sign up was Adur", "the last council to join is Adur": the name
        completes a copula whose subject is an agent ("the first to ...")."""
        i = start - 1 if start > 0 and lower[start - 1] == "the" else start
        if i <= sent_start + 2 or lower[i - 1] not in self.copulas:
            return False
        for j in range(max(sent_start + 1, i - 9), i - 1):
            if lower[j] != "to":
                continue
            if lower[j - 1] in self.ordinals:
                return True
            if j >= 2 and lower[j - 2] in self.ordinals and lower[j - 1] in self.apposition_nouns:
                return True
        return False

    def quoted_by_office(
        self, words: Sequence[str], lower: Sequence[str], start: int, bounds: tuple[int, int]
    ) -> bool:
        """The name inside quotation marks that a council office holder speaks in the same
        sentence: 'Calling the plan "a first for Adur", the cabinet member said ...'."""
        sent_start, sent_end = bounds
        marks = [i for i in range(sent_start, sent_end) if words[i] in _QUOTE_MARKS]
        before = sum(1 for i in marks if i < start)
        after = [i for i in marks if i >= start]
        if before % 2 == 0 or not after:
            return False  # not inside a quotation
        close = after[0]
        rest = list(lower[close + 1 : sent_end])
        if not any(w in self.speech_verbs for w in rest):
            return False
        return any(_ends_with(rest, k + 1, self.offices) for k in range(len(rest)))

    def sporting(self, lower: Sequence[str], bounds: tuple[int, int]) -> bool:
        """The sentence speaks of sport: "Hull City" there is the club, not the council."""
        return any(w in self.sport_words for w in lower[bounds[0] : bounds[1]])

    def mere_place(self, words: Sequence[str], lower: Sequence[str], start: int, end: int) -> bool:
        """A place, not the organisation: "Camden Town", "in Kent", "a Kent-based firm"."""
        if end < len(words) and words[end] in self.place_only_next:
            return True
        if start > 0 and (
            words[start - 1] in self.place_only_prev or lower[start - 1] in self.indefinite
        ):
            return True
        return self.among_places(lower, start)

    def in_longer_name(self, words: Sequence[str], start: int, sent_start: int) -> bool:
        """The name follows another capitalised word inside a sentence: part of a person's or
        another body's name ("Mary Stafford said", "the Horowitz and Durham reports")."""
        if start <= sent_start + 1:
            return False  # the first word of a sentence is capitalised anyway
        prev = words[start - 1]
        if prev in _CAPITALISED_FUNCTION_WORDS or prev.lower() in self.time_words:
            return False  # "In March Camden agreed ..."
        if prev == "”" or (prev in _QUOTES and prev != "“" and words[start - 2] in _CLOSERS):
            return True  # '"... a first," York said': a person quoted
        return prev[:1].isupper() and prev.isalpha() and not prev.isupper()

    def false_friend(self, words: Sequence[str], start: int, end: int) -> bool:
        """The group is part of another body's name: a non-council head in the run of
        capitalised words after it ("... Mental Health NHS Trust", "... Integrated Care
        Board") or before it ("NHS Kent and Medway", "University of Kent")."""
        n = len(words)
        i = end
        while i < n and i - end < 7:
            w = words[i]
            if w in self.council_words:
                return False
            if w in self.heads_after:
                return True
            if not (w[:1].isupper() or w in _RUN_GLUE):
                break
            i += 1
        i = start - 1
        while i >= 0 and start - i <= 4:
            w = words[i]
            if w in self.heads_before:
                return True
            if not (w[:1].isupper() or w in _RUN_GLUE):
                break
            i -= 1
        return False

    def weak(
        self,
        words: Sequence[str],
        lower: Sequence[str],
        span: tuple[int, int],
        sent_start: int,
        size: int,
        headline: bool = False,
    ) -> bool:
        """Cues that count only in a document that speaks of councils (``span``: the token
        range of the group; ``headline``: its sentence is a line with no closing stop):

        - the subject of a sentence with a verb: "Brent will host the service", "Lichfield
          runs it on behalf of both", "Cumbria is to be split" (the name first in its
          sentence, or after an opening adverb: "Meanwhile, Barnet ...");
        - a possessive that is not of the place: "Bexley's exit", "North Yorkshire's £38m
          challenge", but not "Kent's coast";
        - a relative clause: "Thurrock, which is under government intervention, ...";
        - "with Lewisham buying its IT support";
        - two names before a joint noun: "the Adur and Worthing partnership";
        - three or more names in a list: "Allerdale, Carlisle and Copeland", but not at the
          end of a list of other things ("Tags: shared services, Breckland, Boston, Lincolnshire");
        - the agent after "by": "a similar move by Gateshead", "plans drawn up by Bolton";
        - a name before a deal after "the" ("the Barnet deal"; "the West Suffolk partnership"
          names a partnership), or between a verb of saving or costing and an amount ("will
          save Barnet £2m");
        - the subject of a headline's verb in the present tense, whatever follows it:
          "Hackney rebuilds after ransomware", "West Sussex looks again at ...".
        """
        start, end = span
        n = len(words)
        if end < n and words[end] in ("'s", "’s", "'", "’"):
            nxt = [w for w in lower[end + 1 : end + 3]]
            return bool(nxt) and not any(w in self.place_nouns for w in nxt)
        if end + 1 < n and words[end] == "," and lower[end + 1] in ("which", "whose"):
            return True
        if start > 0 and lower[start - 1] == "with" and end < n and lower[end].endswith("ing"):
            return lower[end].isalpha() and words[end].islower()
        if self.agent(words, lower, start, end):
            return True
        if start > 0 and lower[start - 1] == "the" and end < n and lower[end] in _DEAL_NOUNS:
            return True  # "the Barnet deal", not "the West Suffolk partnership" (a name)
        if self.money_object(words, lower, start, end):
            return True
        if (size >= 3 and not self.mixed_list(words, start)) or (
            size == 2 and end < n and lower[end] in self.group_nouns
        ):
            return True  # "Allerdale, Carlisle and Copeland", "the Adur and Worthing partnership"
        if not self.subject(words, lower, start, sent_start) or end >= n:
            return False
        i = after = self.past_time(lower, self.past_parenthetical(lower, end))
        while i < n and i - after < 4 and lower[i] in _AUX:
            i += 1
        if i >= n or not words[i].isalpha() or not words[i].islower():
            return False
        if headline and i == after and self._headline_predicate(words, lower, i):
            return True
        if lower[i] in self.not_verbs:
            return False
        if i > after:  # "Brent will host", "Cumbria is to be split"
            return True
        if lower[i] in self.place_verbs:  # "Kingston upon Thames hosts Surrey's county hall"
            return False
        if lower[i] in self.group_verbs or lower[i] in self.single_verbs:
            return True
        if headline and self._present_verb(lower[i]):
            return True
        return (
            (size > 1 or lower[i].endswith(("s", "ed")))
            and i + 1 < n
            and (lower[i + 1] in _OBJECT_STARTS or words[i + 1][:1].isupper())
        )  # "Somerset brings IT back", "Cheshire East and Cheshire West and Chester use the"

    @staticmethod
    def mixed_list(words: Sequence[str], start: int) -> bool:
        """The names end a list of other things: "Tags: shared services, chief executives,
        Breckland, South Holland, Lincolnshire" (a list of topics, not of councils)."""
        return start >= 2 and words[start - 1] == "," and words[start - 2].islower()

    @staticmethod
    def _headline_predicate(words: Sequence[str], lower: Sequence[str], i: int) -> bool:
        """ "Wigan in £2m IT deal", "Wigan, Bolton in shared IT talks": a headline that says
        its subject is in an amount or a deal, with no verb."""
        if lower[i] != "in":
            return False
        nxt = lower[i + 1 : i + 5]
        return bool(nxt) and (nxt[0].startswith("£") or any(w in _DEAL_NOUNS for w in nxt))

    def _present_verb(self, word: str) -> bool:
        """A word of the third person present ("rebuilds", "counts", "looks"), not a plural
        noun that follows a place name ("Kent residents", "Leeds schools", "West Suffolk
        councils'") or another ending
        in -s ("business", "bonus", "its")."""
        return (
            len(word) > 3
            and word.endswith("s")
            and not word.endswith(("ss", "us", "is", "'s", "’s"))
            and word not in self.place_nouns
            and word not in self.not_verbs
            and word not in self.peer_nouns  # "Worcestershire districts to share ..."
        )

    def subject(
        self, words: Sequence[str], lower: Sequence[str], start: int, sent_start: int
    ) -> bool:
        """The name starts its sentence's subject: first, or after an opening adverb, a date
        or a comma ("In 2020 Croydon ...", "Last week Camden ...", "Both A and B ...")."""
        if start == sent_start:
            return True
        if start - sent_start > 4:
            return False
        prev = words[start - 1]
        if (
            prev in (",", ":", "|", "-", "–", "—")
            or prev.isdigit()
            or lower[start - 1] in self.time_words
        ):
            return True
        return start - sent_start == 1 and prev in self.openers

    def past_time(self, lower: Sequence[str], end: int) -> int:
        """The token after a time phrase that follows a subject: "Barnet last year signed",
        "Barnet in 2019 signed", "Barnet on Monday approved" (else ``end``)."""
        n = len(lower)
        if end + 2 < n:
            w, nxt = lower[end], lower[end + 1]
            if w in ("last", "this", "next", "earlier", "later") and nxt in self.time_words:
                return end + 2
            if w in ("in", "on", "since") and (nxt.isdigit() or nxt in self.time_words):
                return end + 2
        return end

    def money_object(
        self, words: Sequence[str], lower: Sequence[str], start: int, end: int
    ) -> bool:
        """ "The move will save Barnet £2m", "It cost Barnet £400,000": the name between a verb
        of saving or costing and an amount."""
        return (
            start > 0
            and end < len(words)
            and lower[start - 1] in _MONEY_VERBS
            and words[end].startswith("£")
        )

    def past_parenthetical(self, lower: Sequence[str], end: int) -> int:
        """The token after ", for example," or ", however," that follows a name (else ``end``)."""
        n = len(lower)
        if end < n and lower[end] == ",":
            i = end + 1
            while i < n and i - end <= 3 and lower[i] in self.parentheticals:
                i += 1
            if i > end + 1 and i < n and lower[i] == ",":
                return i + 1
        return end


def _past_one_of(lower: Sequence[str], i: int) -> int:
    """The token after "one of" at ``i`` ("Sefton, one of the first councils"), else ``i``.

    >>> _past_one_of("is one of 12 councils".split(), 1)
    3
    """
    if i + 2 < len(lower) and lower[i] == "one" and lower[i + 1] == "of":
        return i + 2
    return i


def _cues() -> RoleCues:
    """The package's cue lexicons (for the examples)."""
    from .gazetteer import load_json

    return RoleCues(load_json("council_context.json"))


_QUOTE_MARKS = frozenset({'"', "“", "”"})
_OBJECT_STARTS = frozenset(
    {"its", "their", "a", "an", "the", "it", "up", "off", "back", "out", "over"}
)
