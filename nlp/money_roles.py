"""The role of a pound amount from the clause that governs it (spec §2).

The cues are tried in order of how closely they govern the amount, all inside the amount's own
clause (:class:`~councilwatch.nlp.clauses.ClauseFinder`):

1. the noun the amount modifies: "a £5m contract", "a £300k grant", "£2m of savings",
   "a £585m cut in government funding" (a relational noun such as "cut" or "share" passes
   the role on to its complement), or the funder it comes from ("£7.5m from Broadband
   Delivery UK", a complement: a verb before the amount still comes first);
2. the head that takes it in an of-phrase: "savings of £2m", "a cost of", "a penalty of",
   "a deal worth", "budgeted at"; a relational head passes the role on to the complement
   after the amount ("cuts of £3.2m to the public health grant": ``funding``); a value set
   off by a comma describes the sentence's main noun phrase ("two contracts ..., worth");
3. the head of the subject that a linking verb joins to the amount ("the cost of the system
   could pass £100m", "the penalty will be reduced to"), or of the object before "at", "to"
   or "from" ("put the cost of migrating at £1.2m"); a head that points back ("the figure")
   is :data:`ANAPHORIC`, for the caller to give the role of the amount before;
4. the verb that takes it as object or complement: "saved £2m", "spent", "fined the council",
   "awarded" (``funding`` when a funder gives it: "awarded £2m by the government", "the Welsh
   Government has contributed £2m"); paid under a contract or to a supplier is ``contract``;
   a complement that names the money beats a verb of paying ("paid £2m in fines"); a
   reduction of funding is ``funding`` ("its core funding was cut by £160m"); with no verb
   before it, the verb that takes the amount as subject ("£1.9m has been set aside", "£4.1m
   of it went on agency staff");

each of which is *strong*; then the nearest cue word of the clause (``money_cues.json``
``roles``), then a compound whose noun is no cue ("a £38m project": ``spend``, *weak*).

Example:
    >>> import json
    >>> from councilwatch.nlp.gazetteer import DATA_DIR
    >>> cues = json.loads((DATA_DIR / "money_cues.json").read_text(encoding="utf-8"))
    >>> roles = RoleResolver(cues)
    >>> text = "The council will save £2m, while a £5m contract went to Capita."
    >>> [roles.governing(text, text.index(a), text.index(a) + 3, 0, len(text))
    ...  for a in ("£2m", "£5m")]
    [('saving', 'verb'), ('contract', 'noun')]
"""

from __future__ import annotations

import re
from typing import Any

from .clauses import ClauseFinder

__all__ = ["ANAPHORIC", "NEUTRAL", "RoleResolver", "STRONG", "WEAK"]

#: how the role was found: the three governing cues, then a cue word, then a bare compound
STRONG = ("noun", "of", "verb")
WEAK = "compound"
#: the "role" of a noun phrase that holds a cue word but names no money ("housing benefit")
NEUTRAL = "neutral"
#: the "role" of a head that points back to an amount before it ("the figure", "the total"):
#: the caller gives it that amount's role
ANAPHORIC = "anaphoric"

_WORDS = re.compile(r"[a-z0-9](?:[a-z0-9'&-]|[.,](?=[a-z0-9]))*|[^\sa-z0-9]")
_CASED_WORDS = re.compile(_WORDS.pattern, re.IGNORECASE)
_NAME_INNER = {"of", "and", "upon", "on", "&", "the", "de", "le"}
# "$2.4m (about £1.9m)", "A$12m (£6.6m)": a conversion in brackets stands for the amount before
_CONVERTED_BEFORE = re.compile(
    r"(?:[A-Z]{0,3}\$|€|¥)\s?\d[\d.,]*\s?(?:[mbk]n?|million|billion|thousand)?\s*\(\s*"
    r"(?:about|around|approximately|roughly|some|c\.|or)?\s*$",
    re.IGNORECASE,
)
_CONVERTED_AFTER = re.compile(r"\s*\)")
_AT_RATES = re.compile(
    r"\s*,?\s*at\s+(?:current|today'?s|present|the\s+current)\s+(?:exchange\s+)?rates?",
    re.IGNORECASE,
)
_FOREIGN = re.compile(
    r"(?:[A-Z]{0,3}\$|€|¥)\s?\d[\d.,]*(?:\s?(?:[mbk]n?|million|billion|thousand)\b)?", re.I
)
_PERIOD_LEAD = re.compile(
    r"^\s*(?:-\s*)?(?:a[\s-]year|per\s+(?:year|annum)|a[\s-]annum|annually|yearly|each\s+year)"
    r"(?![a-z])[\s,-]*"
)
_IT = re.compile(r"\bIT\b")
_SPAN_WORD = re.compile(r"^(?:\d+|[a-z]+)-(?:year|month|week)s?$")


def _phrase_map(groups: dict[str, list[str]]) -> dict[tuple[str, ...], str]:
    return {tuple(p.lower().split()): role for role, ps in groups.items() for p in ps}


def _longest_at(
    words: list[str], i: int, phrases: dict[tuple[str, ...], str], most: int
) -> tuple[int, str] | None:
    """The longest phrase of ``phrases`` starting at ``words[i]``: ``(length, role)``."""
    for n in range(min(most, len(words) - i), 0, -1):
        role = phrases.get(tuple(words[i : i + n]))
        if role is not None:
            return n, role
    return None


def _longest_ending(
    words: list[str], i: int, phrases: dict[tuple[str, ...], str], most: int
) -> tuple[int, str] | None:
    """The longest phrase of ``phrases`` ending at ``words[i]``: ``(length, role)``."""
    for n in range(min(most, i + 1), 0, -1):
        role = phrases.get(tuple(words[i - n + 1 : i + 1]))
        if role is not None:
            return n, role
    return None


class RoleResolver:
    """Money roles from the governing clause; built from ``money_cues.json``'s ``clause``."""

    def __init__(self, cues: dict[str, Any]) -> None:
        c = cues["clause"]
        self.nouns = _phrase_map(c["nouns"])
        self.verbs = _phrase_map(c["verbs"])
        self.longest = max(len(p) for p in [*self.nouns, *self.verbs])
        self.relational = set(c["relational_nouns"])
        self.reduction = set(c["reduction_verbs"])
        self.funding_subjects = _phrase_map({"funding": c["funding_subjects"]})
        self.funding_sources = _phrase_map({"funding": c["funding_sources"]})
        self.auxiliaries = sorted(
            (tuple(p.split()) for p in c["passive_auxiliaries"]), key=len, reverse=True
        )
        self.links = sorted((tuple(p.split()) for p in c["links"]), key=len, reverse=True)
        self.premods: dict[str, list[tuple[str, ...]]] = {}  # by last word, longest first
        for p in sorted((tuple(p.split()) for p in c["premodifiers"]), key=len, reverse=True):
            self.premods.setdefault(p[-1], []).append(p)
        self.stops = set(c["compound_stops"])
        self.preps = {"of", "in", "on", "for", "from", "with", "at", "into", "about"}
        self.copulas = set(c["copular_verbs"])
        self.after_amount = {tuple(k.lower().split()): v for k, v in c["after_amount"].items()}
        self.after_longest = max(len(p) for p in self.after_amount)
        self.subject_roles = False
        self.supplier_nouns = set(c["supplier_nouns"])
        self.giving_verbs = set(c["giving_verbs"])
        self.removal_verbs = set(c["removal_verbs"])
        self.announcing = set(c["announcing_verbs"])
        self.reductions = set(c["reduction_nouns"])
        self.appositions = [tuple(p.split()) for p in c["apposition_links"]]
        self.funders = _phrase_map({"funding": c["funders"]})
        self.agents = _phrase_map({"funding": c["funders"] + c["funding_sources"]})
        verbs = sorted({p[0] for p in self.verbs if len(p) == 1})
        s = c["subjects"]
        self.subject_links = sorted((tuple(p.split()) for p in s["links"]), key=len, reverse=True)
        self.subject_auxiliaries = set(s["auxiliaries"])
        self.object_verbs = set(s["object_verbs"])
        nouns = {p[0] for p in self.nouns}  # "costs", and "pay" of "pay package"
        self.np_stops = set(s["np_stops"]) | (set(verbs) - nouns) | self.subject_auxiliaries
        self.determiners = set(s["determiners"])
        self.chain_preps = set(s["chain_preps"])
        self.clauses = ClauseFinder(c["clause_words"], c["bare_clause_words"], verbs)

    def clause(self, text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
        """The bounds of the amount's clause inside ``lo:hi``."""
        return self.clauses.bounds(text, start, end, lo, hi)

    def governing(
        self, text: str, start: int, end: int, lo: int, hi: int
    ) -> tuple[str, str] | None:
        """``(role, how)`` from the cues that govern ``text[start:end]`` (``how`` one of
        :data:`STRONG` or :data:`WEAK`), or ``None`` when nothing does."""
        conv = _CONVERTED_BEFORE.search(text, max(lo, start - 40), start)
        close = conv and _CONVERTED_AFTER.match(text, end, hi)
        if conv and close:
            start, end = conv.start(), close.end()
        elif _AT_RATES.match(text, end, hi):  # "up to €20m or 4% of turnover - about £17m at
            # current exchange rates": the figure converts the foreign one before it
            foreign = next(reversed(list(_FOREIGN.finditer(text, lo, start))), None)
            if foreign is not None:
                start, end = foreign.start(), foreign.end()
        clo, chi = self.clause(text, start, end, lo, hi)
        left = self._names_as_one(_CASED_WORDS.findall(text[clo:start]))
        unstripped = self._names_as_one(_CASED_WORDS.findall(text[lo:start]))
        before = self._strip_premods(unstripped)
        right_text = _IT.sub("ict", text[end:chi]).lower()  # "a £4m IT overhaul"
        lead = _PERIOD_LEAD.match(right_text)
        right = _WORDS.findall(right_text[lead.end() if lead else 0 :][:120])
        found = self._noun(right)
        if found is not None and found[0] == "spend" and self._funder_possessor(text, lo, start):
            return "funding", "noun"  # "the government's £42m programme"
        if found is not None and found[1] != WEAK and found[2]:
            return found[:2]
        core = self._strip_premods(left)
        if self._apposition(before):  # "signed two contracts ..., under its programme, worth"
            heads = [h for h in self._heads(before) if h[1] not in (NEUTRAL, ANAPHORIC)]
            if heads:
                return heads[0][1], "of"
        head = self._of_head(core)
        if head is not None:
            role, relational = head
            if relational and self._funding_complement(right):
                return "funding", "of"  # "cuts of £3.2m to the public health grant"
            return role, "of"
        from_ = unstripped[-1:] == ["from"]  # "cut the penalty from £1m to £400,000"
        subject = self._subject(before) or self._object(unstripped if from_ else before)
        if subject is not None:
            return subject, "of"
        if right[:2] == ["out", "of"] and core and core[-1] in self.removal_verbs:
            return "saving", "verb"  # "has taken £386m out of its spending"
        if core[-1:] == ["for"]:  # a price: "buying out BT's share for £16m"
            verb = self._verb(core[:-1], left[:-1], right, 8)
        else:
            verb = self._verb(core, left, right)
        if verb is not None and found and verb[1] and found[1] != WEAK:
            return found[:2]  # "could be worth £4m in net income": the complement says what
        if verb is not None and verb[0] in ("spend", "funding") and self._under_contract(right):
            return "contract", "verb"
        if verb is not None and verb[0] == "contract" and found and found[0] == "funding":
            return found[:2]  # "was awarded £5m in government funding"
        if verb is not None and verb[0] == "funding" and found and found[0] == "contract":
            return found[:2]  # "won £80m of contracts"
        if verb is not None and verb[0] == "spend":
            if found and found[1] != WEAK and found[0] in ("funding", "contract", "fine"):
                return found[:2]  # "contributing £10m in funding", "paid £2m in fines"
            if len(verb) > 2 and self._funder_subject(text, lo, start, verb[2]):
                return "funding", "verb"  # "the Welsh Government has contributed £2m"
        if verb is not None and verb[0] == "contract" and len(verb) > 2:
            if self._funder_subject(text, lo, start, verb[2]):
                return "funding", "verb"  # "Innovate UK has awarded the consortium £800,000"
        if verb is not None:
            return verb[0], "verb"
        if (
            core
            and core[-1] in self.announcing
            and self._funder_subject(text, lo, start, core[-1:])
        ):
            return "funding", "verb"  # "ministers announced £100m for ..."
        passive = self._passive(right) if found is None else None
        if passive is not None:
            return passive, "verb"
        return found[:2] if found else None

    def _subject(self, before: list[str]) -> str | None:
        """The role of the subject's head when a linking verb joins it to the amount: "the
        cost of the system could pass", "one-off costs, including redundancy, are estimated
        at", "the penalty will be reduced to"."""
        for link in self.subject_links:
            n = len(link)
            if n <= len(before) and tuple(before[-n:]) == link:
                i = len(before) - n
                while i > 0 and before[i - 1] in self.subject_auxiliaries:
                    i -= 1
                if i > 0 and before[i - 1] == ",":  # a comma-bounded insertion before the verb
                    k = i - 2
                    while k >= 0 and before[k] != ",":
                        k -= 1
                    if k >= 0:
                        i = k
                return self._np_head(before, i)
        return None

    def _object(self, before: list[str]) -> str | None:
        """The role of the object's head when the amount is its value after "at", "to" or
        "from": "put the cost of the move at", "lift the total to", "cut the fine from"."""
        if not before or before[-1] not in ("at", "to", "from"):
            return None
        start = self._np_start(before, len(before) - 1)
        if start is None or start == 0 or before[start - 1] not in self.object_verbs:
            return None
        return self._np_head(before, len(before) - 1)

    def _np_start(self, words: list[str], end: int) -> int | None:
        """Where the noun phrase ending before ``words[end]`` starts, across of-phrases and
        gerunds ("the cost of migrating its caseload"), or ``None`` when there is none."""
        i = end
        first: int | None = None
        while i > 0 and end - i < 30:
            j = i
            while j > 0 and self._in_np(words[j - 1]):
                j -= 1
                if words[j] in self.determiners:
                    break
            if j == i:
                break
            first = j
            k = j - 1
            if k > 0 and words[k].endswith("ing") and words[k - 1] in self.chain_preps:
                k -= 1  # "of closing the consortium"
            if k > 0 and words[k] in self.chain_preps:
                i = k
                continue
            break
        return first

    def _in_np(self, word: str) -> bool:
        return word[0].isalnum() and word not in self.np_stops and word not in self.chain_preps

    def _np_head(self, words: list[str], end: int) -> str | None:
        """The role of the head of the noun phrase before ``words[end]``: the last cue noun
        of its first part ("the average cost to a council of recovering" -> cost)."""
        start = self._np_start(words, end)
        if start is None:
            return None
        stop = start
        while stop < end and words[stop] not in self.chain_preps:
            stop += 1
        heads = self._heads(words[start:stop])
        if not heads or heads[-1][1] == NEUTRAL:
            return None
        return heads[-1][1]

    def _funding_complement(self, right: list[str]) -> bool:
        """Whether ``right`` opens with a complement naming funding: "to the public health
        grant", "in core funding"."""
        if not right or right[0] not in ("to", "in", "from", "of"):
            return False
        return _any_phrase(right[1:5], self.funding_subjects)

    def _passive(self, right: list[str]) -> str | None:
        """The role of the verb that takes the amount as its subject: "£1.9m has been set
        aside", "£3m was saved", "£4.1m went on agency staff" (an auxiliary or none, then the
        verb)."""
        if right[:2] in (["of", "it"], ["of", "that"], ["of", "this"]):
            right = right[2:]  # "£4.1m of it went on temporary staff"
        elif right[:3] in (["of", "the", "money"], ["of", "the", "cash"]):
            right = right[3:]
        source = next((i for i, w in enumerate(right[:4]) if w == "from"), None)
        if source is not None and right[source - 1 : source] in (["comes"], ["came"], ["come"]):
            if _any_phrase(right[source + 1 : source + 8], self.funding_sources):
                return "funding"  # "£6m of the money comes from the European ... Fund"
        for aux in [*self.auxiliaries, ()]:
            n = len(aux)
            if tuple(right[:n]) == aux:
                hit = _longest_at(right, n, self.verbs, self.longest)
                return hit[1] if hit is not None else None
        return None

    def _names_as_one(self, words: list[str]) -> list[str]:
        """Lower-cased words, each run of capitalised words that are no cue ("City of
        Bradford Metropolitan District Council") as one word, ``"name"``: a verb then still
        governs the amount across its indirect object ("saved X Council £300k")."""
        out: list[str] = []
        run: list[str] = []  # the pending run's inner words ("of", "and") not yet kept
        for w in words:
            low = w.lower()
            cue = (low,) in self.nouns or (low,) in self.verbs
            if w[:1].isupper() and not cue:
                if not (out and out[-1] == "name" and not run) or run:
                    if out and out[-1] == "name" and run:
                        run = []  # "Borough of Poole": the inner words join the name
                    else:
                        out += run
                        run = []
                        out.append("name")
                continue
            if low in _NAME_INNER and out and out[-1] == "name":
                run.append(low)
                continue
            out += run
            run = []
            out.append(low)
        return out + run

    def reduces_funding(self, text: str, lo: int, start: int) -> bool:
        """Whether ``text[lo:start]`` names funding ("its core funding ... cut by")."""
        return _any_phrase(_WORDS.findall(text[lo:start].lower()), self.funding_subjects)

    def _noun(self, right: list[str]) -> tuple[str, str, bool] | None:
        """The compound the amount modifies, or its of/in complement: ``(role, how, direct)``;
        a complement of the bare amount ("£2m in costs") is not direct (a verb comes first)."""
        after = _longest_at(right, 0, self.after_amount, self.after_longest)
        if after is not None:  # "knock £5m off", "£2m cheaper", "£900,000 over budget"
            return after[1], "noun", True
        compound: list[str] = []
        for w in right:
            if w in self.stops or not w[0].isalpha() and not _SPAN_WORD.match(w):
                break
            compound.append(w)
            if len(compound) == 5:
                break
        heads = self._heads(compound)
        head = heads[-1] if heads else None
        rest = right[len(compound) :]
        relational = bool(compound) and compound[-1] in self.relational
        if relational and head is not None and head[0] == len(compound) - 1:
            if any(role == "funding" for _, role in heads[:-1]):
                return "funding", "noun", True  # "a £300m funding cut"
        links = ("of", "in", "to", "from") if relational else ("of", "in")
        if not compound and rest[:1] == ["from"] and _any_phrase(rest[1:6], self.funding_sources):
            return "funding", "noun", False  # "£7.5m from Broadband Delivery UK"
        if (relational or not compound) and rest[:1] and rest[0] in links:
            np: list[str] = []
            for w in rest[1:5]:
                if w in self.stops and w not in self.determiners or not w[0].isalnum():
                    break
                np.append(w)
            heads = self._heads(np)  # the last, "a cut in its revenue support grant"
            role = heads[-1][1] if heads else None
            if role is not None and role not in (NEUTRAL, ANAPHORIC):
                if role == "spend" and relational and compound[-1] in self.reductions:
                    return "saving", "noun", True  # "a £1.2m reduction in licence costs"
                return role, "noun", relational
        if head is not None and head[1] == NEUTRAL:
            return None
        if head is not None:
            return head[1], "noun", True
        if compound and not all(_SPAN_WORD.match(w) for w in compound):
            return "spend", WEAK, False
        return None

    def _heads(self, words: list[str]) -> list[tuple[int, str]]:
        """The cue nouns of ``words``, longest first and not overlapping: ``(last index, role)``
        ("Belfast Region City Deal" has one, "city deal"; "housing benefit" is neutral)."""
        out: list[tuple[int, str]] = []
        i = 0
        while i < len(words):
            hit = _longest_at(words, i, self.nouns, self.longest)
            if hit is None:
                i += 1
                continue
            out.append((i + hit[0] - 1, hit[1]))
            i += hit[0]
        return out

    def _strip_premods(self, left: list[str]) -> list[str]:
        words = list(left)
        changed = True
        while changed and words:
            changed = False
            for p in self.premods.get(words[-1], ()):
                if len(p) <= len(words) and tuple(words[-len(p) :]) == p:
                    del words[-len(p) :]
                    changed = True
                    break
        return words

    def _apposition(self, before: list[str]) -> bool:
        """Whether the amount is the value in an apposition set off by a comma (", worth",
        ", valued at"), which describes the main noun phrase, not the nearest noun."""
        return any(tuple(before[-len(link) - 1 :]) == (",", *link) for link in self.appositions)

    def _of_head(self, core: list[str]) -> tuple[str, bool] | None:
        """ "savings of", "a deal worth", "budget is": the role of the head before the link,
        and whether that head is a relational noun ("cuts of")."""
        for link in self.links:
            n = len(link)
            if n <= len(core) and tuple(core[-n:]) == link:
                np = self._strip_premods(core[:-n])[-4:]
                last = max(
                    (i for i, w in enumerate(np) if w in self.stops and w not in ("in", "of")),
                    default=-1,
                )
                heads = self._heads(np[last + 1 :])  # "a cost of the move ... at": past a stop
                if not heads or heads[-1][1] == NEUTRAL:
                    return None
                end, role = heads[-1]
                relational = np[last + 1 + end] in self.relational
                return role, relational
        return None

    def _verb(
        self, core: list[str], left: list[str], right: list[str], most: int = 5
    ) -> tuple[Any, ...] | None:
        """The verb taking the amount, and whether it is a copula ("cost", "worth"): the last
        verb of the last ``most`` words, with no preposition between it and the amount ("by"/"to"
        after a verb are fine, and so is the "of" of its object: "paid a ransom of"). A verb
        of giving ("contributed") comes with its words, for the caller to look at its
        subject."""
        tail = core[-most:]
        for i in range(len(tail) - 1, -1, -1):
            hit = _longest_ending(tail, i, self.verbs, self.longest)
            if hit is None:
                if i == len(tail) - 1 and tail[i] == "of":
                    continue
                if tail[i] in self.preps or tail[i] in (",", "."):
                    return None
                continue
            role = hit[1]
            i -= hit[0] - 1  # where the verb phrase starts ("was ordered to pay")
            before = left[: len(left) - len(tail) + i]
            copula = tail[i] in self.copulas
            if tail[i] in self.reduction and _any_phrase(before, self.funding_subjects):
                return "funding", copula  # "core funding from government was cut by £160m"
            if role == "contract" and not copula and self._funding_agent(left + right):
                return "funding", copula  # "awarded £2m by the government"
            phrase = tuple(tail[i : i + hit[0]])
            between = tail[i + hit[0] :]
            if role == "spend" and any(w in self.supplier_nouns for w in between):
                return "contract", copula  # "pays its outgoing supplier £6m a year"
            if role in ("spend", "contract") and " ".join(phrase) in self.giving_verbs:
                return role, copula, phrase  # the caller looks at the subject
            return role, copula
        return None

    def _funding_agent(self, words: list[str]) -> bool:
        """Whether ``words`` name a funder after "by" or "from" ("by the government")."""
        return any(
            w in ("by", "from") and _any_phrase(words[i + 1 : i + 7], self.agents)
            for i, w in enumerate(words)
        )

    def _funder_subject(self, text: str, lo: int, start: int, phrase: tuple[str, ...]) -> bool:
        """Whether a funder is the subject of the verb ``phrase`` before ``text[start]``: "the
        Welsh Government has contributed", "the chancellor also set aside"."""
        low = text[lo:start].lower()
        at = low.rfind(phrase[0])
        words = _WORDS.findall(low[:at]) if at > 0 else []
        i = len(words)
        while i > 0 and words[i - 1] in self.subject_auxiliaries:
            i -= 1
        if i > 0 and words[i - 1] == ",":  # "the Welsh Government, which has ..., contributed"
            i = max((k for k in range(i - 1) if words[k] == ","), default=i)
        j = i
        while j > 0 and words[j - 1][0].isalnum() and words[j - 1] not in self.np_stops:
            j -= 1
            if words[j] in self.determiners:
                break
        return _any_phrase(words[j:i], self.funders)

    def _funder_possessor(self, text: str, lo: int, start: int) -> bool:
        """Whether the amount follows a funder's possessive: "the government's £5m", "the
        Department for Transport's £40m"."""
        words = _WORDS.findall(text[max(lo, start - 100) : start].lower())
        if not words or not words[-1].endswith(("'s", "\u2019s")) and words[-1] not in ("'", "s"):
            return False
        words[-1] = words[-1].removesuffix("'s").removesuffix("\u2019s")
        return _any_phrase(words[-10:], self.funders)

    def _under_contract(self, right: list[str]) -> bool:
        """Whether the amount is paid under a contract: "£26m a year under a managed service
        deal", "a further £10m under the contract"."""
        if not right or right[0] not in ("under", "through"):
            return False
        heads = self._heads([w for w in right[1:7] if w not in self.stops])
        return bool(heads) and heads[0][1] == "contract"


def _any_phrase(words: list[str], phrases: dict[tuple[str, ...], str]) -> bool:
    longest = max(len(p) for p in phrases)
    return any(_longest_at(words, i, phrases, longest) for i in range(len(words)))
