"""Shared-service arrangements: two or more councils sharing, merging or pooling services (§4).

Results are dicts in ``doc._.arrangements``.

Example:
    >>> from councilwatch.nlp.language import build_pipeline
    >>> doc = build_pipeline()("Islington and Camden Councils plan to merge their ICT services.")
    >>> a = doc._.arrangements[0]
    >>> a["councils"], a["services"], a["status"]
    (['ISL', 'CMD'], ['ict'], 'proposed')
"""

from __future__ import annotations

import re
from bisect import bisect_left
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .arrangement_names import NamesInDoc
from .arrangement_refs import CouncilRefs
from .coordination import JOINERS
from .councils import LABEL as COUNCIL
from .councils import RECORDS_KEY as COUNCILS_KEY
from .docindex import DocIndex, filter_ranges
from .extensions import get_extension, register_extensions, set_extension
from .gazetteer import load_councils, load_json
from .phrases import WordPhrases, fold
from .services import RECORDS_KEY as SERVICES_KEY


class ArrangementExtractor:
    """Find sentences where ≥2 linked councils share services; attach services, money, status."""

    def __init__(self, nlp: Language, data_dir: str | None = None) -> None:
        where = Path(data_dir) if data_dir else None
        cues = load_json("arrangement_cues.json", where)
        self.share = WordPhrases(cues["share"])
        self.statuses = [(s, WordPhrases(cues["status"][s])) for s in cues["status_order"]]
        # one search for all of them: most arrangements have none (and get the default)
        self.any_status = WordPhrases([p for s in cues["status_order"] for p in cues["status"][s]])
        self.default_status = cues["default_status"]
        self.vehicle_generic = set(cues["vehicle_generic"])
        self.tail_starts = set(cues["vehicle_tail_starts"])
        self.partners = [(re.compile(p["pattern"]), p["markers"]) for p in cues["partner_patterns"]]
        self.not_share = WordPhrases(cues["share_noun_contexts"])
        self.reorg = WordPhrases(cues["reorganisation"])
        self.successor_before = [tuple(p.split()) for p in cues["successor_before"]]
        self.former_before = [tuple(p.split()) for p in cues["former_before"]]
        self.refs = CouncilRefs(cues)
        self.with_words = set(cues["with_words"])
        self.negation = WordPhrases(cues["negations"])
        self.county_ref = re.compile(r"\bthe county(?: council)?\b(?!\s+[A-Z])")
        self.county_listed = re.compile(r"\bthe county council and\b")
        self.counties = {
            c["code"] for c in load_councils(where)
            if c["type"] == "County" or "County Council" in (c["official_name"] or "")
        }  # fmt: skip
        self.join = WordPhrases(cues["join_phrases"])
        self.buy = WordPhrases(cues["buy_verbs"])
        self.funding_participles = set(cues["funding_participles"])
        self.bought_from = re.compile(r"\bfrom (?:the )?([A-Za-z][\w&-]*(?: [A-Z][\w&-]*)*)")
        nouns = sorted(cues["vehicle_ref_nouns"] + cues["called_vehicle_nouns"], key=len)[::-1]
        self.called_vehicle = "(?:" + "|".join(re.escape(n) for n in nouns) + r")\b"
        self.apposed = re.compile(
            r"(?<![\w-])((?:[A-Z][\w&-]*|[a-z]+[A-Z][\w&-]*)(?: [A-Z0-9][\w&-]*){0,3}), "
            rf"(?:the|a|an) (?:[\w'-]+ ){{0,4}}{self.called_vehicle}"
        )
        breaks = "|".join(re.escape(w) for w in cues["clause_breaks"])
        times = "|".join(re.escape(w) for w in cues["time_clause_words"])
        self.clause_break = re.compile(
            rf",\s+(?:{breaks})\b|;|\s(?:whereas|whilst|while)\b|\s(?:{times})\b"
        )
        register = load_councils(where)
        self.replaced_by = {c["code"]: c["replaced_by"] for c in register if c["replaced_by"]}
        self.official = {c["code"]: c["official_name"] or "" for c in register}
        self.short_names = {c["code"]: c["nice_name"] for c in register}
        self.names = NamesInDoc(
            self.short_names,
            cues["short_name_org_after"],
            cues["short_name_not_after"],
            self.official,
            ([*cues["ref_determiners"], *cues["numbers"]], cues["ref_nouns"]),
        )
        self.status_as = cues.get("status_as", {})
        self.provider_verbs = WordPhrases(cues["provider_verbs"])
        self.provider_links = [tuple(p.split()) for p in cues["provider_links"]]
        self.provider_verb_words = [tuple(p.split()) for p in cues["provider_verbs"]]
        self.letting_verbs = set(cues["letting_verbs"])
        self.client_words = frozenset(cues["client_service_words"])
        self.share_negation = WordPhrases(cues["share_negations"])
        self.negation_kept = WordPhrases(cues["share_negations_kept"])
        self.contract_nouns = set(cues["contract_nouns"])
        self.leave = WordPhrases(cues["leave_phrases"])
        self.gone_after = WordPhrases(cues["gone_after"])
        self.successor_after = WordPhrases(cues["successor_after"])
        self.vehicle_verbs = set(cues["vehicle_verbs"])
        self.vehicle_nouns = {n for n in cues["vehicle_nouns"] if " " not in n}
        self.continuation = WordPhrases(cues["continuation_heads"])
        self.tag_heads = tuple(cues["tag_line_heads"])
        self.relative = WordPhrases(cues["relative_words"])
        self.vehicle_refs = set(cues["vehicle_ref_nouns"])
        self.kept_apart = WordPhrases(cues["kept_apart"])
        self.mentions = WordPhrases(cues["arrangement_mentions"])
        self.brand_verbs = set(cues["brand_verbs"])
        self.time_since = set(cues["time_since"])
        self.not_brand = {w.lower() for w in cues["not_brand"]}
        self.not_brand_names = set(cues["not_brand"])
        self.locative = set(cues["locative_before"])
        self.clause_openers = {",", ";", ":", *cues["clause_breaks"]}
        self.place_closers = {",", ".", ";", ":", *cues["locative_after"]}
        self.org_words = set(cues["short_name_org_after"])
        self.org_lower = {w.lower() for w in self.org_words}
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        results: list[dict[str, Any]] = []
        councils = _councils(doc)
        if len({code for _, _, code in councils}) < 2:
            set_extension(doc, "arrangements", results)
            return doc
        ix = DocIndex.of(doc)
        councils = self._named_again(ix, councils)
        facts = _Facts(doc, councils, self.client_words)
        by_sent: dict[int, list[tuple[int, int, str]]] = {}
        named: dict[int, list[str]] = {}  # every council each sentence names, less former ones
        successors: dict[int, list[str]] = {}  # the successor councils ("the new X Council")
        gone, prev = None, None
        for e in councils:
            k = ix.sent_of_token(e[0])
            listed = prev is not None and _joined(ix.lower, prev[1], e[0])
            place = self._place(ix, e)  # "In Devon, South Hams and West Devon merged ..."
            if place or (gone == "place" and listed and ix.lower[prev[1]] in ("and", "or")):
                gone = "place"  # "began in Kingston and Sutton": both places
            else:
                kept = gone if listed and gone != "place" else None
                gone = self._former_or_successor(ix, e) or kept
            prev = e  # "the former Allerdale, Carlisle and Copeland areas": all three gone
            if gone not in ("former", "place"):  # "the two councils" later are not those
                named.setdefault(k, []).append(e[2])
            if not gone:
                by_sent.setdefault(k, []).append(e)
            elif gone == "successor":
                successors.setdefault(k, []).append(e[2])
        counties = sorted({c for _, _, c in councils if c in self.counties})
        history: list[list[str]] = []  # the council codes of each earlier sentence naming any
        new_ones: list[list[str]] = []  # and of the successor councils it names
        explicit: list[bool] = []  # per result: whether a status word set its status
        last: tuple[int, int] | None = None  # (result, sentence) of the last sharing sentence
        order = _content_order(ix)  # sentences apart, not counting blank ones between paragraphs
        for k in range(len(ix.sent_tokens)):
            split = self._separate_arrangements(ix, k, by_sent.get(k, []))
            for group, bounds in split:  # "A and B run X, while C and D are exploring Y"
                arrangement, said = self._arrangement(ix, facts, k, group, bounds)
                last = _merge(results, explicit, arrangement, said), k
            if split:
                self._remember(k, named, successors, history, new_ones)
                continue
            ents = self._sharing_clauses(ix, k, by_sent.get(k, []))
            codes = list(dict.fromkeys(code for _, _, code in ents)) if ents else []
            ref = self._reference(ix, k, len(codes)) if history else None
            if ref is not None:  # "The two councils have shared ...", "They also run X with Y"
                back = self.refs.resolve(new_ones if ref[2] else history, ref, codes)
                back = self._scattered_to_known(back, ref, history, results)
                named_as = ref[0] is not None and len(codes) == ref[0]
                named_as = named_as and (
                    not self._with(ix, ents) or self._refers_within(ix, k, ents)
                )
                if back and not named_as:  # not "The two councils, A and B, ..."
                    codes = list(dict.fromkeys(back + codes))
            joins = len(codes) == 1 and bool(results) and self._joins(ix, k)
            if not joins and len(codes) == 1 and results:  # "Bexley will buy ... from oneSource"
                joins = self._buys_from_vehicle(ix, k, results[-1].get("vehicle"))
            if joins:  # "Brighton and Hove City Council will join next year"
                codes = list(dict.fromkeys(results[-1]["councils"] + codes))
            if codes and counties:  # "a waste partnership with the county", "on behalf of
                # the county council and the four district councils - A, B, C and D -"
                codes = self._the_county(ix, k, codes, counties, len(codes) > 1) or codes
            if len(codes) < 2 and ref is None:  # "Three councils renewed it. They are A, B, C";
                # "Belfast and five neighbouring councils ... The councils involved are A, ..."
                nxt, more = self._named_next(ix, k, named)
                codes = list(dict.fromkeys(codes + nxt)) if more else nxt or codes
            whole = None if ref is not None or joins else self._whole(ix, k, codes, ents, results)
            if whole is not None:  # "The ICT service is hosted by A, while legal services
                self._add_services(ix, facts, k, results[whole])  # are hosted by B"
                last = whole, k
                history.append(list(results[whole]["councils"]))  # "the councils" next: all
                continue
            merged = self._merged_into(ents, successors.get(k, []))
            if len(codes) >= 2 and (joins or self._shares(ix, facts, k, ents, merged)):
                arrangement, said = self._arrangement(ix, facts, k, codes)
                last = _merge(results, explicit, arrangement, said), k
            else:
                if ref is not None and len(codes) >= 2:  # "The two councils approved the plan"
                    self._restate(ix, k, codes, results, explicit)
                    self._refers_back(ix, facts, k, codes, named.get(k, []), results)
                if last is not None and order[k] - order[last[1]] <= 2:
                    a = results[last[0]]
                    more = self._serves_more(ix, k, by_sent.get(k, []), a)
                    if more:  # "The unit also handles procurement for Rutland and Melton"
                        arrangement, said = self._arrangement(ix, facts, k, a["councils"] + more)
                        last = _merge(results, explicit, arrangement, said), k
                    elif self._continues(ix, facts, k, named.get(k, []), a):
                        last = last[0], k
                elif results and not ents:  # "Southwest One was born in 2007 ... / It took
                    i = self._named_by_vehicle(ix, k, results)  # over finance, HR and IT"
                    if i is not None:
                        self._add_services(ix, facts, k, results[i])
                        last = i, k
            self._remember(k, named, successors, history, new_ones)
        self._leavers(ix, by_sent, results)
        set_extension(doc, "arrangements", results)
        return doc

    @staticmethod
    def _remember(
        k: int,
        named: dict[int, list[str]],
        successors: dict[int, list[str]],
        history: list[list[str]],
        new_ones: list[list[str]],
    ) -> None:
        """Add sentence ``k``'s councils, and its successor councils, to those named before."""
        if k in named:
            history.append(list(dict.fromkeys(named[k])))
        if k in successors:
            new_ones.append(list(dict.fromkeys(successors[k])))

    def _separate_arrangements(
        self, ix: DocIndex, k: int, ents: list[tuple[int, int, str]]
    ) -> list[tuple[list[str], tuple[int, int]]]:
        """ "Angus, Dundee and Perth and Kinross own Tayside Contracts, while East and West
        Lothian are exploring a joint procurement team": two or more clauses that each share
        and name two or more councils of their own, every council of the sentence in one of
        them, are as many arrangements: ``(codes, token bounds)`` of each, less a clause that
        merges whole councils ("..., while X and Y plan to merge into a single council");
        else empty."""
        if len({code for _, _, code in ents}) < 4:
            return []
        lo, hi = ix.sent_char_bounds(k)
        text = ix.text
        cuts = [m.start() for m in self.clause_break.finditer(text, lo, hi)]
        groups: list[tuple[list[str], tuple[int, int]]] = []
        seen: set[str] = set()
        merging: list[bool] = []  # per group: whether its clause merges whole councils
        for a, b in zip([lo, *cuts], [*cuts, hi], strict=True):
            codes = list(dict.fromkeys(c for s, _, c in ents if a <= ix.starts[s] < b))
            if not codes:
                continue
            span = ix.char_span_expand(a, b)
            if len(codes) < 2 or seen & set(codes) or span is None:
                return []
            if self.share.search(text[a:b]) is None:
                return []
            seen |= set(codes)
            groups.append((codes, span))
            merging.append(self.reorg.search(text[a:b]) is not None)
        if len(groups) < 2:
            return []  # "..., while X and Y have begun planning to merge into a single
        return [g for g, whole in zip(groups, merging, strict=True) if not whole]  # council"

    def _named_again(
        self, ix: DocIndex, councils: list[tuple[int, int, str]]
    ) -> list[tuple[int, int, str]]:
        """The linked councils plus their short names elsewhere in the text (see
        :class:`~councilwatch.nlp.arrangement_names.NamesInDoc`), in text order."""
        taken = [(ix.starts[s], ix.ends[e - 1]) for s, e, _ in councils]
        codes = {code for _, _, code in councils}
        forms = self._bare_forms(ix, councils)
        more = []
        for a, b, code in self.names.find(ix.text, codes, 0, len(ix.text), taken, forms):
            span = ix.char_span_expand(a, b)
            if span is not None:
                more.append((span[0], span[1], code))
        return sorted(councils + more) if more else councils

    def _bare_forms(self, ix: DocIndex, councils: list[tuple[int, int, str]]) -> dict[str, str]:
        """The bare names (no council word) the linker linked, each to the one code it
        linked them to, of the councils whose short name the text never writes: "Kingston"
        for the Royal Borough of Kingston upon Thames."""
        forms: dict[str, set[str]] = {}
        written: dict[str, bool] = {}
        for s, e, code in councils:
            if code not in written:
                written[code] = (self.short_names.get(code) or "").removeprefix("The ") in ix.text
            if written[code]:
                continue
            if not any(w in self.org_words for w in ix.words[s:e]):
                forms.setdefault(ix.span_text(s, e), set()).add(code)
        return {form: next(iter(c)) for form, c in forms.items() if len(c) == 1}

    def _place(self, ix: DocIndex, e: tuple[int, int, str]) -> bool:
        """Whether a council's bare name stands for its area after a locative preposition
        (locative_before) at the head of a clause ("In Devon, South Hams and West Devon
        ..."), or before punctuation or a preposition ("offices in Ipswich, the county town",
        "based in Ipswich since 2017"; locative_after): the place frames the sentence and is
        no party to what it says. A name with a council word stays a council."""
        start, end, _ = e
        lower = ix.lower
        if start == 0 or lower[start - 1] not in self.locative:
            return False
        if any(w in self.org_words for w in ix.words[start:end]):
            return False
        sstart, send = ix.sent_token_bounds(ix.sent_of_token(start))
        opens = start - 1 == sstart or lower[start - 2] in self.clause_openers
        closes = end >= send or lower[end] in self.place_closers
        return opens or closes  # not "our colleagues in Cheshire East say": a place sets
        # a scene, at a clause's head, or ends at punctuation or the next preposition

    def _former_or_successor(self, ix: DocIndex, e: tuple[int, int, str]) -> str | None:
        """ "successor": "when they become X Council", "the new X Council", "X Council took
        over from"; "former": "after X Council was abolished", "replaced X Council"; else
        ``None``."""
        start, end, _ = e
        lower = ix.lower
        for p in self.successor_before:
            if start >= len(p) and tuple(lower[start - len(p) : start]) == p:
                return "successor"
        for p in self.former_before:  # "which will absorb South Northamptonshire"
            if start >= len(p) and tuple(lower[start - len(p) : start]) == p:
                return "former"
        send = ix.sent_token_bounds(ix.sent_of_token(start))[1]
        tail = ix.span_text(end, min(end + 4, send))
        if self.successor_after.pattern.match(tail):
            return "successor"
        return "former" if self.gone_after.pattern.match(tail) else None

    def _reference(self, ix: DocIndex, k: int, named: int) -> tuple[int | None, bool] | None:
        """The sentence's plural reference to councils named before: anywhere when it names
        fewer than two itself, else only at its head ("The two councils also run X with Y")."""
        start, end = ix.sent_token_bounds(k)
        words = list(ix.lower[start : min(end, start + 40)])
        ref = self.refs.reference(words, head=8 if named < 2 else 3)
        if ref is not None and named >= 2 and ref[0] is None:
            return None  # "both X and Y", "their": the sentence names its own councils
        return ref

    def _refers_within(self, ix: DocIndex, k: int, ents: list[tuple[int, int, str]]) -> bool:
        """Whether a plural reference with a number comes after all the councils sentence
        ``k`` names, and so points to them: "Richmond works with Kingston through AfC, the
        company the two boroughs set up in 2014"."""
        send = ix.sent_token_bounds(k)[1]
        after = self.refs.reference(list(ix.lower[ents[-1][1] : min(send, ents[-1][1] + 40)]))
        return after is not None and after[0] is not None

    @staticmethod
    def _scattered_to_known(
        back: list[str], ref: tuple, history: list[list[str]], results: list[dict[str, Any]]
    ) -> list[str]:
        """ "The two remaining authorities ...": a number of councils that no one earlier
        sentence named together (gathered from "Glasgow declined", "East Dunbartonshire said")
        means rather the councils of the latest arrangement of that many, when there is one;
        so does a number picked out of a sentence that named more ("South Holland will join
        Boston and East Lindsey ... / the partnership saved £12m for the two authorities":
        the two of the partnership, not two of those three)."""
        n = ref[0]
        if n is None or not back or any(set(back) == set(codes) for codes in history):
            return back
        known = [a["councils"] for a in results if len(a["councils"]) == n]
        return list(known[-1]) if known else back

    def _the_county(
        self, ix: DocIndex, k: int, codes: list[str], counties: list[str], listed: bool
    ) -> list[str]:
        """ "the county (council)" in a sentence naming one council (or, ``listed``, several,
        with the county council joined to them: "the county council and the districts"): the
        one county council the document links, when there is one and it is not one of them."""
        others = [c for c in counties if c not in codes]
        if len(others) != 1:
            return []
        text = ix.sent_text(k)
        ref = (self.county_listed if listed else self.county_ref).search(text)
        if ref is None or self.negation.search(text) is not None:
            return []  # "Oxford City Council, which is not part of the partnership, ..."
        return codes + others

    def _with(self, ix: DocIndex, ents: list[tuple[int, int, str]]) -> bool:
        """Whether a council of the sentence follows "with" ("run X with Croydon")."""
        lower = ix.lower
        return any(s > 0 and lower[s - 1] in self.with_words for s, _, _ in ents)

    def _joins(self, ix: DocIndex, k: int) -> bool:
        """ "Brighton and Hove City Council has said it will join next year": one council
        joins the arrangement before; not after a negation within three words ("said it
        had no plans to join", "declined to join")."""
        text = ix.sent_text(k)
        m = self.join.search(text)
        if m is None:
            return False
        before = " ".join(text[: m.start()].split()[-3:])
        return self.negation.search(before) is None

    def _buys_from_vehicle(self, ix: DocIndex, k: int, vehicle: str | None) -> bool:
        """ "From this month Bexley will buy its finance and ICT services from oneSource": one
        council buying from a vehicle joins the arrangement before; the vehicle is that
        arrangement's, or a name the text calls a vehicle ("oneSource, the back-office joint
        venture of two east London boroughs")."""
        text = ix.sent_text(k)
        m = self.buy.search(text)
        if m is None or self.negation.search(text[: m.start()]) is not None:
            return False
        source = self.bought_from.search(text, m.end())
        if source is None:
            return False
        name = source.group(1)
        if name.islower():
            return False  # "from the council"
        if name == vehicle:
            return True
        called = rf"(?<![\w-]){re.escape(name)}, (?:the|a|an) [^.,;]{{0,60}}?{self.called_vehicle}"
        return re.search(called, ix.text) is not None

    def _sharing_clauses(
        self, ix: DocIndex, k: int, ents: list[tuple[int, int, str]]
    ) -> list[tuple[int, int, str]]:
        """The sentence's councils less those of a clause after the first sharing one that
        does not share ("..., while Devon County Council runs its own IT", "..., which will
        absorb X"); "X and Y, which share IT" keeps X and Y; less a funder of theirs ("...,
        with the Liverpool City Region Combined Authority contributing £10m")."""
        if len(ents) > 2:
            ents = [e for e in ents if not self._funds(ix.lower, e)] or ents
        if len(ents) < 2:
            return ents
        lo, hi = ix.sent_char_bounds(k)
        text = ix.text
        cuts = [m.start() for m in self.clause_break.finditer(text, lo, hi)]
        if not cuts:
            return ents
        bounds = list(zip([lo, *cuts], [*cuts, hi], strict=True))
        masked = _masked(ix, ents, lo, hi)  # "Combined Authority" shares nothing
        sharing = [self._clause_shares(masked[a - lo : b - lo]) for a, b in bounds]
        if all(sharing) or not any(sharing):
            return ents
        first = sharing.index(True)
        a, b = bounds[first]
        own = {c for s, _, c in ents if a <= ix.starts[s] < b}
        if len(own) < 2 or _CONTRAST_OPEN.match(text, a) is None:
            # "X and Y, which share IT": the clauses before are its subject; not before
            # "..., while Salford and Bolton will pilot a shared platform", which has its own
            sharing = [i <= first or shares for i, shares in enumerate(sharing)]
        closed = _relative_closed(text[a:b])
        until = hi
        if len(closed) > 1 and self.share.search(closed[1]) is not None:
            if self.reorg.search(text[a + len(closed[1]) : hi]) is not None:
                until = a + len(closed[1])  # "X and Y, which share staff, opposed the
                # reorganisation, which would merge A and B into one council": not A and B
        aside = [self._aside(masked, a - lo, b - lo) for a, b in bounds]
        aside = [(a + lo, b + lo) for a, b in aside]
        kept, main = [], []
        for e in ents:
            at = ix.starts[e[0]]
            if at >= until:
                continue
            i = next(j for j, (a, b) in enumerate(bounds) if a <= at < b or j == len(bounds) - 1)
            if sharing[i]:
                kept.append(e)
                if not aside[i][0] <= at < aside[i][1]:
                    main.append(e)
        return main if len({c for _, _, c in main}) >= 2 else kept

    def _clause_shares(self, clause: str) -> bool:
        """Whether a clause shares: a sharing word, and in a contrast clause no word for
        what a council keeps apart ("..., while Neath Port Talbot intends to provide its
        own support to schools"; kept_apart)."""
        if self.share.search(clause) is None:
            return False
        return _CONTRAST_OPEN.match(clause) is None or self.kept_apart.search(clause) is None

    def _aside(self, text: str, a: int, b: int) -> tuple[int, int]:
        """The characters of a relative clause set off by commas that neither shares nor
        provides, inside a clause that goes on to share after it: "Kirklees, Calderdale and
        Wakefield councils, which with Leeds and Bradford make up the combined authority, are
        sharing a cyber centre" (Leeds and Bradford are an aside); else an empty range."""
        closed = _relative_closed(text[a:b])
        if len(closed) < 2:
            return 0, 0
        inner, rest = closed[1], text[a + len(closed[1]) : b]
        if self.share.search(inner) is not None or self.provider_verbs.search(inner) is not None:
            return 0, 0
        return (a, a + len(inner)) if self.share.search(rest) is not None else (0, 0)

    def _funds(self, lower: list[str], e: tuple[int, int, str]) -> bool:
        """A council in an absolute "with" clause that funds: "with the Liverpool City Region
        Combined Authority contributing £10m in funding"."""
        start, end, _ = e
        i = start - 1 if start > 0 and lower[start - 1] == "the" else start
        if i == 0 or lower[i - 1] != "with":
            return False
        return end < len(lower) and lower[end] in self.funding_participles

    def _named_next(
        self, ix: DocIndex, k: int, named: dict[int, list[str]]
    ) -> tuple[list[str], bool]:
        """The councils of the next sentence naming any, when this one introduces that many;
        and whether they come on top of the council this one names ("Belfast City Council
        and five neighbouring councils")."""
        start, end = ix.sent_token_bounds(k)
        n, more = self.refs.introduces(list(ix.lower[start : min(end, start + 40)]))
        if n is None:
            return [], False
        later = [j for j in named if k < j <= k + 3]
        nxt = list(dict.fromkeys(named[min(later)])) if later else []
        return (nxt, more) if len(nxt) == n else ([], False)

    def _restate(
        self, ix: DocIndex, k: int, codes: list[str], results: list, explicit: list[bool]
    ) -> None:
        """A sentence that refers back to an arrangement's councils says its status, when
        none had ("... to share ICT" / "The two councils approved the plan")."""
        for i, a in enumerate(results):
            if set(a["councils"]) == set(codes) and not explicit[i]:
                status, said = self._status(ix.sent_text(k))
                if said:
                    a["status"], explicit[i] = status, True

    def _refers_back(
        self,
        ix: DocIndex,
        facts: _Facts,
        k: int,
        codes: list[str],
        named: list[str],
        results: list[dict[str, Any]],
    ) -> None:
        """ "oneSource runs finance, HR and ICT for the two east London boroughs": a sentence
        whose plural reference points to an arrangement's councils, naming no other, and says
        what is done for them (a provider verb) adds its services to the arrangement's."""
        if named or self.provider_verbs.search(ix.sent_text(k)) is None:
            return
        for a in results:
            if set(a["councils"]) == set(codes):
                sstart, send = ix.sent_token_bounds(k)
                found = facts.services_within(sstart, send)
                a["services"] = list(dict.fromkeys(a["services"] + found))

    def _continues(
        self, ix: DocIndex, facts: _Facts, k: int, named: list[str], a: dict[str, Any]
    ) -> bool:
        """ "The partnership already runs finance, HR and procurement": a sentence soon after
        an arrangement's, opening with a word for it (its vehicle's name, "the partnership",
        "it"), naming all its councils, or sharing with nothing kept apart ("Social work
        will remain a shared service", "Sutton will also host the joint payroll team"), and
        naming no other council, adds its services to it, less those of a clause that says
        what each council keeps apart ("The councils will keep separate applications").
        Whether it continues it."""
        if not set(named) <= set(a["councils"]):
            return False
        text = ix.sent_text(k).lstrip()
        all_named = len(set(named)) >= 2 and set(named) == set(a["councils"])
        if not all_named and not self._opens_with_it(text, a["vehicle"]):
            shares = self.kept_apart.search(text) is None  # "each keeps its own"
            shares = shares and self.share.search(self.not_share.sub(" ", text)) is not None
            shares = shares and not self.refs.in_general(text)  # "most councils"
            if not shares and not self._mentions_it(ix, text, a["vehicle"]):
                return False
        self._add_services(ix, facts, k, a)
        return True

    def _named_by_vehicle(self, ix: DocIndex, k: int, results: list[dict[str, Any]]) -> int | None:
        """The latest arrangement whose vehicle sentence ``k`` names (at any distance: a
        vehicle's name keeps its sense through a story), or None."""
        text = ix.sent_text(k)
        for i in range(len(results) - 1, -1, -1):
            vehicle = results[i]["vehicle"]
            if vehicle and any(_word_in(v, text) for v in _vehicle_names(ix.text, vehicle)):
                return i
        return None

    def _whole(
        self,
        ix: DocIndex,
        k: int,
        codes: list[str],
        ents: list[tuple[int, int, str]],
        results: list[dict[str, Any]],
    ) -> int | None:
        """The latest arrangement that sentence ``k`` tells of, naming only some of its
        councils (see :meth:`_part_of`), or None."""
        for i in range(len(results) - 1, -1, -1):
            if self._part_of(ix, k, codes, ents, results[i]):
                return i
        return None

    def _part_of(
        self,
        ix: DocIndex,
        k: int,
        codes: list[str],
        ents: list[tuple[int, int, str]],
        a: dict[str, Any],
    ) -> bool:
        """Whether sentence ``k``, naming two or more but not all of arrangement ``a``'s
        councils and no other, tells of ``a`` rather than of an arrangement of its own: it
        opens with a word for ``a`` itself ("The partnership's contracts began in Kingston
        and Sutton and will extend to Croydon"; arrangement_mentions, or the vehicle), or
        each of its clauses names one council at most ("The ICT service is hosted by A,
        while legal services are hosted by B") and no two stand together, in one list ("run
        by A and B only") or one "with" or "for" the other ("Barnet transferred its legal
        team to Harrow")."""
        if len(set(codes)) < 2 or not set(codes) < set(a["councils"]) or len(ents) < 2:
            return False
        text = ix.sent_text(k).lstrip()
        said = self.mentions.search(text[:40])
        if (said is not None and said.start() == 0) or (
            a["vehicle"] and text.startswith(a["vehicle"])
        ):
            return True
        lower, sstart = ix.lower, ix.sent_token_bounds(k)[0]
        for x, y in zip(ents[:-1], ents[1:], strict=True):
            between = lower[x[1] : y[0]]
            if len(between) <= 3 and all(w in JOINERS or w in self.org_lower for w in between):
                return False
        if self._with(ix, ents) or any(self._after_link(ix, sstart, e[0]) for e in ents[1:]):
            return False
        lo, hi = ix.sent_char_bounds(k)
        cuts = [m.start() for m in self.clause_break.finditer(ix.text, lo, hi)]
        clauses = [bisect_left(cuts, ix.starts[start]) for start, _, _ in ents]
        return len(set(clauses)) == len(clauses)

    def _add_services(self, ix: DocIndex, facts: _Facts, k: int, a: dict[str, Any]) -> None:
        """Add the services of sentence ``k`` to arrangement ``a``'s, less those of a clause
        that says what each council keeps apart (kept_apart): "The arrangement covers finance
        and IT, although each borough keeps its own planning team"."""
        lo, hi = ix.sent_char_bounds(k)
        cuts = [m.start() for m in self.clause_break.finditer(ix.text, lo, hi)]
        for a_, b_ in zip([lo, *cuts], [*cuts, hi], strict=True):
            if self.kept_apart.search(ix.text[a_:b_]) is not None:
                continue
            if self._denies(ix.text[a_:b_]):
                continue
            span = ix.char_span_expand(a_, b_)
            if span is not None:
                found = facts.services_within(*span)
                a["services"] = list(dict.fromkeys(a["services"] + found))

    def _serves_more(
        self, ix: DocIndex, k: int, ents: list[tuple[int, int, str]], a: dict[str, Any]
    ) -> list[str]:
        """The councils outside arrangement ``a`` that a sentence opening with a word for it
        says it serves: after a provider verb and a link ("The unit also handles procurement
        for Rutland County Council"); empty when there are none. Not a sentence opening with
        the vehicle's own name: a company selling to a client council takes no new member
        ("HB Public Law will provide legal advice to Hounslow")."""
        text = ix.sent_text(k).lstrip()
        outside = [e for e in ents if e[2] not in a["councils"]]
        if not outside or not self._opens_with_it(text, None):
            return []
        if self.provider_verbs.search(text) is None:
            return []
        if not self._after_link(ix, ix.sent_token_bounds(k)[0], outside[0][0]):
            return []
        return list(dict.fromkeys(code for _, _, code in outside))

    def _mentions_it(self, ix: DocIndex, text: str, vehicle: str | None) -> bool:
        """Whether ``text`` names the arrangement anywhere: its vehicle's name (or the short
        form the story gives it), or a definite word for it ("staff will move into the
        partnership", "extending the arrangement to internal audit"; arrangement_mentions)."""
        if vehicle and any(_word_in(v, text) for v in _vehicle_names(ix.text, vehicle)):
            return True
        return self.mentions.search(text) is not None

    def _opens_with_it(self, text: str, vehicle: str | None) -> bool:
        """Whether ``text`` opens with the vehicle's name or a word for the arrangement."""
        head = self.continuation.search(text[:40])
        return (head is not None and head.start() == 0) or bool(
            vehicle and text.startswith(vehicle)
        )

    def _leavers(
        self, ix: DocIndex, by_sent: dict[int, list[tuple[int, int, str]]], results: list
    ) -> None:
        """ "Bexley is to withdraw from oneSource": an arrangement of a council that leaves
        it has ended (a sentence naming one council, before the leaving words)."""
        for k, ents in by_sent.items():
            codes = {code for _, _, code in ents}
            if len(codes) != 1 or not results:
                continue
            lo, hi = ix.sent_char_bounds(k)
            m = self.leave.search(ix.text[lo:hi])
            if m is None or ix.starts[ents[0][0]] > lo + m.start():
                continue
            (code,) = codes
            for a in results:
                if code in a["councils"] and len(a["councils"]) > 2:
                    a["status"] = "ended"

    def _shares(
        self,
        ix: DocIndex,
        facts: _Facts,
        k: int,
        ents: list[tuple[int, int, str]],
        merged: bool = False,
    ) -> bool:
        """Whether sentence ``k`` says its councils ``ents`` share; not when it reorganises
        whole councils: a word for it without a service ("will merge into one council"), or
        (``merged``) the council they all become named ("racing to move payroll onto a single
        platform before the new Lisburn and Castlereagh City Council takes over"), unless a
        clause of its own shares ("X and Y, which already share a chief executive, will
        merge ...")."""
        sstart, send = ix.sent_token_bounds(k)
        lo, hi = ix.sent_char_bounds(k)
        if ix.text[lo:hi].lstrip().startswith(self.tag_heads):
            return False  # "Tags: shared services, Orbis, Surrey": page furniture, no statement
        named = facts.councils_within(sstart, send)  # former and successor ones too
        text = self.not_share.sub(" ", _masked(ix, named, lo, hi))  # "a share of £12m"
        has_services = bool(facts.services_within(sstart, send))
        low = fold(text)
        if merged and not self._shares_apart(text, relative_only=True):
            return False  # moving to the successor council's systems is the reorganisation
        if not has_services and self._reorganises(text, low) and not self._shares_apart(text):
            return False  # a structural merger of whole councils, not a shared service
        first = self.share.search(text, low)
        if first is not None:
            if not self._negated(text, first.start()):
                return True
            return any(not self._negated(text, m.start()) for m in self.share.finditer(text, low))
        lower = ix.lower
        if self._provides_to(ix, facts, k, ents, text, low):
            return True
        for start, _ in self._vehicle_spans(ix, k):  # "X and Y councils run Mid Kent Services"
            if any(w in self.vehicle_verbs for w in lower[max(sstart, start - 3) : start]):
                return True
        if self._brand(ix, facts, k) is not None:  # "Havering and Newham formed oneSource"
            return True
        return self._forms_vehicle(lower, sstart, send) or self._let_together(ix, ents, send)

    def _denies(self, clause: str) -> bool:
        """Whether ``clause`` is negated ("The councils' IT was never merged"), not by words
        that say it ended or goes further ("no longer", "not only")."""
        return self.share_negation.search(clause) is not None and (
            self.negation_kept.search(clause) is None
        )

    def _negated(self, text: str, at: int) -> bool:
        """Whether the sharing word at ``text[at:]`` is negated: a negation among the four
        words before it in its clause ("said they had no plans to share services", "will not
        share"), not one that says it ended or goes further ("no longer share", "not only")."""
        before = _CLAUSE_PUNCT.split(text[max(0, at - 40) : at])[-1]
        return self._denies(" ".join(before.lower().split()[-4:]))

    def _let_together(self, ix: DocIndex, ents: list[tuple[int, int, str]], send: int) -> bool:
        """ "Hertfordshire and Essex county councils awarded a £30m framework": the councils,
        one list, are the subject of a verb letting one contract (letting_verbs, a few words
        on, then a singular contract noun soon after): a joint contract or framework."""
        lower = ix.lower
        if len(ents) < 2 or not all(
            _joined(lower, a[1], b[0]) for a, b in zip(ents[:-1], ents[1:], strict=True)
        ):
            return False
        end = ents[-1][1]
        for j in range(end, min(end + 4, send)):
            if lower[j] in self.letting_verbs:
                return any(w in self.contract_nouns for w in lower[j + 1 : min(j + 6, send)])
            if lower[j] in _LIST_BREAKS:
                return False
        return False

    def _brand(self, ix: DocIndex, facts: _Facts, k: int) -> tuple[int, int] | None:
        """The token span of a name right after a verb of setting up or working through a
        vehicle (brand_verbs; "up" and "the" between are fine) that names no council: the
        vehicle's own name, however it is spelt ("formed oneSource in 2014", "set up
        Publica, a council-owned company", "through Achieving for Children"); else None."""
        sstart, send = ix.sent_token_bounds(k)
        lower, words, ents = ix.lower, ix.words, facts.ent_tokens
        for j in range(sstart, send - 1):
            if lower[j] not in self.brand_verbs:
                continue
            i = j + 1
            while i < send and lower[i] in ("up", "the"):
                i += 1
            if i >= send or i in ents or not _brand_word(words[i]):
                continue
            if lower[i] in self.not_brand:
                continue
            end = i + 1
            while end < send and end not in ents:
                w = words[end]
                if _brand_word(w):
                    end += 1
                elif w in ("for", "of", "and") and end + 1 < send and words[end + 1].istitle():
                    end += 2
                else:
                    break
            return i, end
        return None

    def _forms_vehicle(self, lower: list[str], sstart: int, send: int) -> bool:
        """ "Havering and Newham established the venture in 2014", "set up a company": a
        vehicle verb and, within three words, a noun for a vehicle (vehicle_ref_nouns)."""
        for j in range(sstart, send):
            if lower[j] in self.vehicle_verbs:
                if any(w in self.vehicle_refs for w in lower[j + 1 : min(send, j + 4)]):
                    return True
        return False

    def _reorganises(self, text: str, low: str) -> bool:
        """Whether ``text`` speaks of a reorganisation other than as a time it dates from
        ("the services the two authorities have run together since local government
        reorganisation in 2009"; reorganisation words shortly after time_since words)."""
        for m in self.reorg.finditer(text, low):
            before = text[max(0, m.start() - 40) : m.start()].lower().split()[-4:]
            if not any(w in self.time_since for w in before):
                return True
        return False

    def _merged_into(self, ents: list[tuple[int, int, str]], successors: list[str]) -> bool:
        """Whether the two or more councils ``ents`` all become one of the ``successors``
        the sentence names: the register says it replaced them, or its name holds theirs
        ("Derry" and "Strabane" in "Derry City and Strabane District Council"); not when
        only some do ("set up by Breckland and Forest Heath, since merged into West
        Suffolk")."""
        codes = {code for _, _, code in ents}
        if len(codes) < 2:
            return False
        for new in successors:
            name = self.official.get(new, "")
            if all(
                self.replaced_by.get(c) == new or _word_in(self.short_names.get(c), name)
                for c in codes
            ):
                return True
        return False

    def _shares_apart(self, text: str, relative_only: bool = False) -> bool:
        """ "Chiltern and South Bucks, which already share a chief executive, will merge into
        the new council", "X shared a chief executive with Y, a partnership that ended when
        the reorganisation was announced": a clause (or, ``relative_only``, a relative clause
        set off by commas) that shares and says no reorganisation."""
        cuts = [m.start() for m in self.clause_break.finditer(text)]
        for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True):
            clauses = _relative_closed(text[a:b])
            for clause in clauses[1:] if relative_only else clauses:
                if self.share.search(clause) is not None and self.reorg.search(clause) is None:
                    return True
        return False

    def _provides_to(
        self,
        ix: DocIndex,
        facts: _Facts,
        k: int,
        ents: list[tuple[int, int, str]],
        text: str,
        low: str | None,
    ) -> bool:
        """ "Leeds will run payroll for Bradford", "X provides ICT support to Y": a provider
        verb, and a council right after "for"/"to"/"on behalf of" ("the" between is fine)."""
        if len(ents) < 2 or self.provider_verbs.search(text, low) is None:
            return False
        sstart = ix.sent_token_bounds(k)[0]
        if any(self._after_link(ix, sstart, start) for start, _, _ in ents[1:]):
            return True
        if any(self._runs_theirs(ix, sstart, e) for e in ents[1:]):
            return True
        return self._vehicle_serves_list(ix, facts, k, ents)

    def _runs_theirs(self, ix: DocIndex, sstart: int, e: tuple[int, int, str]) -> bool:
        """Whether the council ``e`` is the possessor right after a provider verb ("the"
        between is fine): "Leeds will run Bradford's payroll", "Wychavon manages Malvern
        Hills' building control team"."""
        start, end, _ = e
        if end >= len(ix.lower) or ix.lower[end] not in _POSSESSIVE_MARKS:
            return False
        t = start - 1 if start > sstart and ix.lower[start - 1] == "the" else start
        return any(
            t - len(v) >= sstart and tuple(ix.lower[t - len(v) : t]) == v
            for v in self.provider_verb_words
        )

    def _vehicle_serves_list(
        self, ix: DocIndex, facts: _Facts, k: int, ents: list[tuple[int, int, str]]
    ) -> bool:
        """ "East Kent Services, which handles revenues for Canterbury, Dover and Thanet": a
        named vehicle before a provider link, and after the link the sentence's councils in
        one list (the vehicle's members, not a provider and its customer)."""
        sstart = ix.sent_token_bounds(k)[0]
        first = ents[0][0]
        if not self._after_link(ix, sstart, first):
            return False
        if not all(_joined(ix.lower, a[1], b[0]) for a, b in zip(ents[:-1], ents[1:], strict=True)):
            return False
        return any(e <= first for _, e in self._named_vehicles(ix, facts, k))

    def _after_link(self, ix: DocIndex, sstart: int, start: int) -> bool:
        """Whether the council at token ``start`` follows a provider link ("for", "to", "on
        behalf of"; "the" between is fine) inside the sentence starting at ``sstart``."""
        lower = ix.lower
        t = start - 1 if start > sstart and lower[start - 1] == "the" else start
        for link in self.provider_links:
            n = len(link)
            if t - n >= sstart and tuple(lower[t - n : t]) == link:
                return True
        return False

    def _arrangement(
        self,
        ix: DocIndex,
        facts: _Facts,
        k: int,
        codes: list[str],
        clause: tuple[int, int] | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """The arrangement of ``codes`` that sentence ``k`` states, or only its ``clause``
        (token bounds) where the sentence states more than one; and whether a status word
        said its status."""
        vehicle, end = self._vehicle(ix, facts, k)
        start = ix.sent_tokens[k]
        saving = self._saving(ix, facts, k)
        if clause is not None:
            start, end = clause
            lo, hi = ix.starts[start], ix.ends[end - 1]
            vehicle = vehicle if vehicle and vehicle in ix.text[lo:hi] else None
            savings = facts.savings_within(lo, hi)
            saving = savings[0] if savings else None
        services = self._own_services(ix, facts, (start, end), codes)
        scope = ix.span_text(start, end)
        status, said = self._status(scope)
        return {
            "councils": codes,
            "partners": self._partners(scope),
            "services": list(dict.fromkeys(services)),
            "vehicle": vehicle,
            "saving_gbp": saving["amount_gbp"] if saving else None,
            "period": saving["period"] if saving else None,
            "status": status,
            "sentence": scope,
            "start": ix.starts[start],
            "end": ix.ends[end - 1],
        }, said

    def _own_services(
        self, ix: DocIndex, facts: _Facts, bounds: tuple[int, int], codes: list[str]
    ) -> list[str]:
        """The services of tokens ``bounds`` that the arrangement of ``codes`` shares: less
        those of a contrasted part naming only other councils ("..., while Devon County
        Council runs its own IT"; "A and B lead work on inclusion, while C and D pilot a
        shared data platform" for C and D) or saying, with no sharing word, what is kept
        apart ("..., although each borough keeps its own planning team"; "They will each run
        their own copy of the software but share one contract"), and of a part, after a
        contrast or ", and", sharing with councils in general ("A shares planning with B, and
        its CCTV with neighbouring councils"). A sentence of one part keeps all ("B will
        join, adding its own ICT and HR services")."""
        lo, hi = ix.starts[bounds[0]], ix.ends[bounds[1] - 1]
        cuts = [m.start() for m in _PART_OPEN.finditer(ix.text, lo, hi)]
        if not cuts:
            return facts.services_within(*bounds)
        contrasted = _CONTRAST_OPEN.search(ix.text, lo, hi) is not None
        found: list[str] = []
        for a, b in zip([lo, *cuts], [*cuts, hi], strict=True):
            span = ix.char_span_expand(a, b)
            if span is None:
                continue
            part = ix.text[a:b]
            named = {code for _, _, code in facts.councils_within(*span)}
            if named and not named & set(codes):
                continue
            if (contrasted and self._kept_apart(part)) or (
                not named and self.refs.in_general(part)
            ):
                continue
            found += facts.services_within(*span)
        return found

    def _kept_apart(self, clause: str) -> bool:
        """Whether ``clause`` says what a council keeps apart, with no sharing word
        ("although each borough keeps its own planning team")."""
        return self.kept_apart.search(clause) is not None and self.share.search(clause) is None

    def _vehicle_spans(self, ix: DocIndex, k: int) -> list[tuple[int, int]]:
        """Title-case words ending in a vehicle noun ("Mid Kent Services"): the Matcher pattern
        ``[{"IS_TITLE": True, "OP": "+"}, {"ORTH": {"IN": nouns}}]`` with greedy="LONGEST"."""
        sstart, send = ix.sent_token_bounds(k)
        words = ix.words
        nouns = self.vehicle_nouns
        candidates: list[tuple[int, int, None]] = []
        for j in range(sstart + 1, send):
            if words[j] in nouns:
                i = j - 1
                while i >= sstart and words[i].istitle():
                    candidates.append((i, j + 1, None))
                    i -= 1
        return [(s, e) for s, e, _ in filter_ranges(candidates)]

    def _vehicle(self, ix: DocIndex, facts: _Facts, k: int) -> tuple[str | None, int]:
        """Return the vehicle's name and the token where the arrangement's scope ends."""
        send = ix.sent_token_bounds(k)[1]
        words, ents = ix.words, facts.ent_tokens
        for s, e in self._named_vehicles(ix, facts, k):
            end = e
            if end < send and words[end] == "(":  # "(EKS)"
                close = next((t for t in range(end, min(end + 6, send)) if words[t] == ")"), None)
                end = close + 1 if close is not None else end
            if end < send and words[end] in self.tail_starts:
                clause = end + 1 < send and (
                    _goes_on(ix.lower[end + 1]) or facts.service_starts_at(end + 1)
                )  # "..., to run payroll"; "share ICT, legal through X, HR and audit"
                if not clause and not self._tail_shares(ix, ents, s, end, send):
                    return ix.span_text(s, e), end  # what follows describes the vehicle
            return ix.span_text(s, e), send
        brand = self._brand(ix, facts, k)  # "formed oneSource in 2014 to run ..."
        if brand is not None:
            return ix.span_text(*brand), send
        return self._called(ix, facts, k), send

    def _called(self, ix: DocIndex, facts: _Facts, k: int) -> str | None:
        """A name the sentence calls a vehicle in apposition, no council's: "a legal row
        over Southwest One, the joint venture which runs ...", "CoSocius, the company they
        jointly own" (vehicle_ref_nouns and called_vehicle_nouns)."""
        lo, hi = ix.sent_char_bounds(k)
        for m in self.apposed.finditer(ix.text, lo, hi):
            start = ix.token_at(m.start(1))
            if start not in facts.ent_tokens and m.group(1) not in self.not_brand_names:
                return m.group(1)
        return None

    def _named_vehicles(self, ix: DocIndex, facts: _Facts, k: int) -> list[tuple[int, int]]:
        """The token spans of the vehicles that sentence ``k`` names: :meth:`_vehicle_spans`
        less generic leading words ("The Shared Services" names none), and not a council's
        name with a vehicle noun after it."""
        words, generic = ix.words, self.vehicle_generic
        ents = facts.ent_tokens
        found = []
        for s, e in self._vehicle_spans(ix, k):
            while e - s > 1 and words[s] in generic:
                s += 1
            if e - s < 2 or all(w in generic for w in words[s : e - 1]):
                continue
            if any(t in ents for t in range(s, e)) and all(t in ents for t in range(s, e - 1)):
                continue
            found.append((s, e))
        return found

    def _tail_shares(self, ix: DocIndex, ents: set[int], s: int, end: int, send: int) -> bool:
        """Whether what follows a vehicle's name is more than a description of it: a relative
        clause that shares ("3C Shared Services, the partnership through which the three
        councils run joint ICT"), or the rest of a sentence whose subject the vehicle is
        ("Strata Service Solutions, the IT company owned by Exeter and Teignbridge, runs ...")."""
        sstart = ix.sent_token_bounds(ix.sent_of_token(s))[0]
        if any(t in ents for t in range(end, send)) and not any(
            t in ents for t in range(sstart, s)
        ):
            return True
        tail = ix.span_text(end, send)
        rel = self.relative.search(tail)
        if rel is None:
            return False
        rest = tail[rel.end() :]
        return self.share.search(rest) is not None or self.provider_verbs.search(rest) is not None

    @staticmethod
    def _saving(ix: DocIndex, facts: _Facts, k: int) -> dict[str, Any] | None:
        if not facts.savings:
            return None
        same = facts.savings_within(*ix.sent_char_bounds(k))
        if same:
            return same[0]
        if k == 0:
            return None
        before = facts.savings_within(*ix.sent_char_bounds(k - 1))
        return before[-1] if before else None

    def _status(self, text: str) -> tuple[str, bool]:
        """The status the sentence's status words say, and whether any said one."""
        low = fold(text)
        if not self.any_status.search(text, low):
            return self.default_status, False
        for status, phrases in self.statuses:
            if phrases.search(text, low):
                return self.status_as.get(status, status), True
        return self.default_status, False

    def _partners(self, text: str) -> list[str]:
        found = [
            m.group(0)
            for rx, markers in self.partners
            if not markers or any(marker in text for marker in markers)
            for m in rx.finditer(text)
        ]
        return list(dict.fromkeys(found))


def _joined(lower: list[str], end: int, start: int) -> bool:
    """Two council names next to each other in a list: only commas and "and"/"or" between.

    >>> _joined(["allerdale", ",", "carlisle", "and", "copeland"], 1, 2)
    True
    >>> _joined(["allerdale", "said", "carlisle"], 1, 2)
    False
    """
    between = lower[end:start]
    return 0 < len(between) <= 2 and all(w in JOINERS for w in between)


def _vehicle_names(text: str, vehicle: str) -> list[str]:
    """A vehicle's name and the short form in brackets the story gives it after the name.

    >>> _vehicle_names("joined the Shared Resource Service (SRS) in May", "Shared Resource Service")
    ['Shared Resource Service', 'SRS']
    """
    m = re.search(rf"(?<![\w-]){re.escape(vehicle)} \(([A-Za-z][\w&]{{1,9}})\)", text)
    return [vehicle, m.group(1)] if m else [vehicle]


def _brand_word(word: str) -> bool:
    """Whether ``word`` can be (part of) a vehicle's name: a capital anywhere in it, first
    ("Publica", "LGSS") or inside ("oneSource"), and a letter first.

    >>> _brand_word("oneSource"), _brand_word("Publica"), _brand_word("in"), _brand_word("2014")
    (True, True, False, False)
    """
    return word[:1].isalpha() and any(c.isupper() for c in word)


def _goes_on(word: str) -> bool:
    """Whether ``word``, right after a vehicle's name and a comma, goes on with what the
    councils do rather than describing the vehicle: a participle ("launched 3C Shared
    Services, bringing their ICT and legal teams together") or "to" ("..., to run payroll").

    >>> _goes_on("bringing"), _goes_on("to"), _goes_on("a"), _goes_on("the")
    (True, True, False, False)
    """
    return word == "to" or (len(word) > 5 and word.endswith("ing"))


def _word_in(name: str | None, text: str) -> bool:
    """Whether ``name`` stands in ``text`` as whole words.

    >>> _word_in("Derry", "Derry City and Strabane District Council"), _word_in("Dee", "Deeside")
    (True, False)
    """
    return bool(name) and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def _content_order(ix: DocIndex) -> list[int]:
    """Per sentence, how many sentences with any words end at it: two sentences in
    consecutive paragraphs are one apart, whatever blank lines the splitter made into
    sentences of their own."""
    order, n = [], 0
    for k in range(len(ix.sent_tokens)):
        lo, hi = ix.sent_char_bounds(k)
        n += not ix.text[lo:hi].isspace() and lo < hi
        order.append(n)
    return order


def _masked(ix: DocIndex, ents: list[tuple[int, int, str]], lo: int, hi: int) -> str:
    """Characters ``[lo, hi)`` with the council names ``ents`` inside them blanked out (a
    council's name says nothing: "Combined Authority" does not combine)."""
    pieces, pos = [], lo
    for start, end, _ in ents:
        a, b = ix.starts[start], ix.ends[end - 1]
        pieces += [ix.text[pos:a], " " * (b - a)]
        pos = b
    pieces.append(ix.text[pos:hi])
    return "".join(pieces)


def _relative_closed(clause: str) -> list[str]:
    """A clause, and, when it is a relative clause set off by commas (", which already share a
    chief executive, will merge ..."), also the relative clause alone: it ends at its closing
    comma, where the main clause goes on.

    >>> _relative_closed(", which share staff, will merge into the new council")
    [', which share staff, will merge into the new council', ', which share staff']
    >>> _relative_closed("Chiltern and South Bucks")
    ['Chiltern and South Bucks']
    """
    m = _RELATIVE_OPEN.match(clause)
    close = clause.find(",", m.end()) if m else -1
    return [clause, clause[:close]] if close > 0 else [clause]


_CLAUSE_PUNCT = re.compile(r"[,;:.!?()]")
_LIST_BREAKS = {",", ";", ":", "(", "which", "who", "that"}
_POSSESSIVE_MARKS = ("'s", "’s", "'", "’")
_CONTRAST_OPEN = re.compile(r",?\s+(?:while|whilst|whereas|but|although|though)\b")
_PART_OPEN = re.compile(rf"{_CONTRAST_OPEN.pattern}|,\s+and\b")
_RELATIVE_OPEN = re.compile(r",\s+(?:which|who)\b")


def _councils(doc: Doc) -> list[tuple[int, int, str]]:
    """``(start token, end token, code)`` of the COUNCIL entities, in text order."""
    records = doc.user_data.get(COUNCILS_KEY)
    if records is not None:
        return [(s, e, code) for s, e, code in records]
    return [(e.start, e.end, e.kb_id_) for e in doc.ents if e.label_ == COUNCIL]


class _Facts:
    """The services, entity tokens and savings of a Doc, read once for the arrangement checks,
    sorted by position so a sentence finds its own in log time (the extractor stays linear
    in the length of the text)."""

    def __init__(
        self, doc: Doc, councils: list[tuple[int, int, str]], clients: frozenset[str] = frozenset()
    ) -> None:
        records = doc.user_data.get(SERVICES_KEY)
        if records is None:
            records = [(s.start, s.end, s.kb_id_) for s in doc.spans.get("services", [])]
        self.services: list[tuple[int, int, str]] = sorted(
            (s, e, i) for s, e, i in records if e - s > 1 or doc[s].lower_ not in clients
        )  # "payroll for dozens of schools": the schools are customers, not a service shared
        self.service_starts = [s for s, _, _ in self.services]
        money = get_extension(doc, "money") or []
        self.savings = sorted((m for m in money if m["role"] == "saving"), key=lambda m: m["start"])
        self.saving_starts = [m["start"] for m in self.savings]
        self.councils = councils
        self.council_starts = [s for s, _, _ in councils]
        if COUNCILS_KEY in doc.user_data:  # the linker's entities are all the entities
            self.ent_tokens = {t for s, e, _ in councils for t in range(s, e)}
        else:
            self.ent_tokens = {t for e in doc.ents for t in range(e.start, e.end)}

    def services_within(self, start: int, end: int) -> list[str]:
        """The service ids of the service mentions inside tokens ``[start, end)``, in order."""
        i = bisect_left(self.service_starts, start)
        found = []
        while i < len(self.services) and self.services[i][0] < end:
            if self.services[i][1] <= end:
                found.append(self.services[i][2])
            i += 1
        return found

    def service_starts_at(self, token: int) -> bool:
        """Whether a service mention starts at ``token``."""
        i = bisect_left(self.service_starts, token)
        return i < len(self.service_starts) and self.service_starts[i] == token

    def councils_within(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The council mentions that start inside tokens ``[start, end)``, in order."""
        i, j = bisect_left(self.council_starts, start), bisect_left(self.council_starts, end)
        return self.councils[i:j]

    def savings_within(self, lo: int, hi: int) -> list[dict[str, Any]]:
        """The savings that start inside characters ``[lo, hi)``, in order."""
        return self.savings[
            bisect_left(self.saving_starts, lo) : bisect_left(self.saving_starts, hi)
        ]


def _merge(
    results: list[dict[str, Any]], explicit: list[bool], new: dict[str, Any], said: bool
) -> int:
    """Add ``new``, or fold it into an earlier arrangement of the same councils (a headline
    and the body, or two sentences about one partnership); a status that words said beats
    the default, and ``ended`` beats any. The index of the arrangement it went to."""
    for i, old in enumerate(results):
        if set(old["councils"]) == set(new["councils"]):
            if said and (not explicit[i] or new["status"] == "ended"):
                old["status"], explicit[i] = new["status"], True
            old["services"] = list(dict.fromkeys(old["services"] + new["services"]))
            old["partners"] = list(dict.fromkeys(old["partners"] + new["partners"]))
            for key in ("vehicle", "saving_gbp", "period"):
                if old[key] is None:
                    old[key] = new[key]
            return i
    results.append(new)
    explicit.append(said)
    return len(results) - 1


@Language.factory("arrangement_extractor", default_config={"data_dir": None})
def make_arrangement_extractor(
    nlp: Language, name: str, data_dir: str | None
) -> ArrangementExtractor:
    """Factory for :class:`ArrangementExtractor`."""
    return ArrangementExtractor(nlp, data_dir)
