"""Contracts as relations: council(s), supplier, services, value, term, dates, status (§7.2).

Built from the facts the other components left on the Doc: councils, suppliers, money and
services. Results are dicts in ``doc._.contracts``, one per (council set, supplier).

A sentence is cut into clauses at ";" and "|" (a related-headlines line holds several).
In each clause:

- the suppliers that can be parties are kept (:mod:`supplier_roles`: not an owner, a loser,
  a product's maker; the challenger of another's award is not its party either);
- each is paired with the council group named nearest before it in the clause (else after):
  councils joined by "and", "," are one joint group, split into one contract each when the
  clause says so ("their contracts", "each", "including");
- with no council in the clause, a clause that speaks of a contract or of "the council"
  pairs its suppliers with the article's main council group (the one named most), once
  that has been named, unless another buyer is named ("NHS England", "the Home Office");
  a clause about a council's procurement that names no supplier ("Adur and Worthing
  councils have appointed four suppliers to a £8m framework") lends its councils and facts
  to the suppliers of the next sentence;
- the clause's facts go to the party supplier nearest them (shared by suppliers listed
  together): services, the value (money with a contract role; a total before a yearly
  rate), the term (:mod:`contract_terms`), start and end (:mod:`contract_dates`) and status
  cues (:mod:`contract_status`); a following sentence that refers back ("The contract ...",
  "It ...") adds its facts to the contract of the sentence before.

A contract's status is its highest-ranked cue; a bidder left with only ``tendered`` while
another supplier of the same councils got further is a losing bidder and has no contract.

Example:
    >>> from councilwatch.nlp.language import build_pipeline
    >>> doc = build_pipeline()("Barnet Council has signed a ten-year, £320m contract with Capita.")
    >>> c = doc._.contracts[0]
    >>> c["councils"], c["supplier"], c["value_gbp"], c["years"], c["status"]
    (['BNE'], 'capita', 320000000.0, 10.0, 'awarded')
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .contract_dates import ContractDates
from .contract_status import StatusCues
from .contract_terms import ContractTerms
from .councils import LABEL as COUNCIL
from .councils import RECORDS_KEY as COUNCILS_KEY
from .docindex import DocIndex
from .extensions import get_extension, register_extensions, set_extension
from .gazetteer import load_json
from .phrases import WordPhrases, fold
from .services import RECORDS_KEY as SERVICES_KEY
from .supplier_roles import SupplierRoles
from .suppliers import RECORDS_KEY as SUPPLIERS_KEY

_CLAUSE_BREAK = re.compile(r"\s*[;|]\s*")
_RELATIVE = re.compile(r",\s+(?:which|who|whose|where|that)\b[^,]*$")  # inside ", which ..."
_FOR = re.compile(r"\b(?:for|to)\s+(?:the\s+)?$")  # "runs payroll for Oxfordshire"
_EXCLUDED_ROLES = {"saving", "funding", "fine"}
_RECENT = 3  # sentences back that "the council" may refer to
_AFTER = 4  # sentences (empty ones too) read after the last mention, for "The contract ..."


@dataclass
class _Mention:
    """A fact's characters and payload (supplier id, council codes, service id, ...)."""

    start: int
    end: int
    value: Any


@dataclass
class _Clause:
    start: int
    end: int
    sentence: int
    ordinal: int  # of the sentence, among those that are not empty
    text: str
    suppliers: list[_Mention] = field(default_factory=list)
    groups: list[_Mention] = field(default_factory=list)  # value: list of codes
    services: bool = False  # whether it names a service


@dataclass
class _Contract:
    councils: list[str]
    supplier: str
    sentence: tuple[int, int]
    services: list[str] = field(default_factory=list)
    totals: list[float] = field(default_factory=list)
    yearly: list[float] = field(default_factory=list)
    years: list[float] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


class ContractExtractor:
    """Pair suppliers with councils clause by clause and gather each pair's facts."""

    def __init__(self, nlp: Language, data_dir: str | None = None) -> None:
        path = Path(data_dir) if data_dir else None
        cues = load_json("contract_cues.json", path)
        self.status = StatusCues(cues)
        self.roles = SupplierRoles(cues)
        self.dates = ContractDates(cues)
        self.terms = ContractTerms(cues)
        self.contract_nouns = WordPhrases(cues["contract_nouns"])
        self.council_refs = WordPhrases(cues["council_refs"])
        self.challenge = WordPhrases(cues["challenge"])
        self.separate = WordPhrases(cues["separate"])
        self.joint = WordPhrases(cues["joint"])
        self.relation_nouns = WordPhrases(cues["relation_nouns"])
        self.plural_nouns = {n.lower() for n in cues["plural_nouns"]}
        not_value = "|".join(re.escape(n) for n in sorted(cues["not_value_after"], key=len)[::-1])
        self.not_value = re.compile(rf"(?:\s+[\w-]+)?\s+(?:{not_value})\b", re.IGNORECASE)
        self.pronoun = re.compile(rf"^\W*(?:{'|'.join(cues['pronoun_subjects'])})\b")
        self.elsewhere = WordPhrases(cues["elsewhere"])
        self.other_buyers = re.compile(
            "|".join(rf"\b{re.escape(b)}" for b in sorted(cues["other_buyers"], key=len)[::-1])
        )
        self.refer_back = re.compile(
            r"^\W*(?:(?:the|this|that|its|their)\b[^.;]{0,40}?\b(?:"
            + "|".join(re.escape(n) for n in cues["contract_nouns"])
            + r")\b|it\b)",
            re.IGNORECASE,
        )
        self.council_subject = re.compile(
            r"^\W*(?:"
            + "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in cues["council_refs"])
            + r")\b",
            re.IGNORECASE,
        )
        self.group_joiners = set(cues["group_joiners"])
        nouns = "|".join(re.escape(n) for n in cues["contract_nouns"])
        self.value_noun = re.compile(  # an amount that is the value a contract noun names
            rf"(?:\s+(?!(?:on|of|from|in|to|for|by|the|a|an)\b)[\w-]+){{0,2}}\s+(?:{nouns})\b",
            re.IGNORECASE,
        )
        self.value_roles = set(cues["value_roles"])
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        suppliers = doc.user_data.get(SUPPLIERS_KEY) or []
        councils = _council_records(doc)
        if not suppliers or not councils:
            set_extension(doc, "contracts", [])
            return doc
        ix = DocIndex.of(doc)
        clauses = self._clauses(ix, suppliers, councils)
        facts = _DocFacts(doc, ix)
        for clause in clauses:
            clause.services = bool(facts.services_in(clause.start, clause.end))
        focus = self._focus(clauses)
        focus_from = min(
            (g.start for c in clauses for g in c.groups if set(g.value) & set(focus)), default=0
        )
        published = get_extension(doc, "published")
        contracts: dict[tuple[frozenset[str], str], _Contract] = {}
        last: list[_Contract] = []  # the contracts of the last sentence that had some
        lent: _Clause | None = None  # a procurement's councils, lent to the next sentence
        recent: _Clause | None = None  # the last clause that named councils
        known: dict[str, list[str]] = {}  # each supplier's councils in its latest contract
        for clause in clauses:
            party = self._parties(clause)
            if lent is not None and clause.ordinal - lent.ordinal > 1:
                lent = None
            if recent is not None and clause.ordinal - recent.ordinal > _RECENT:
                recent = None
            if party:
                pairs = self._pairs(
                    clause,
                    party,
                    focus if clause.start >= focus_from else [],
                    recent.groups[0].value if recent is not None else [],
                    lent,
                    known,
                )
                owner = {
                    id(m): [
                        self._contract(contracts, known, codes, m.value, ix, clause)
                        for codes in groups
                    ]
                    for m, groups in pairs
                }
                touched = [c for cs in owner.values() for c in cs]
                if lent is not None and not clause.groups and touched:
                    self._gather(facts, lent, published, lambda s, e, t=touched: t)
                    lent = None
                self._gather(facts, clause, published, self._nearest(clause, party, owner))
                if touched:
                    last = list({id(c): c for c in touched}.values())
            elif last and not clause.groups and self.refer_back.search(clause.text):
                self._gather(facts, clause, published, lambda s, e, t=last: t)
            elif last and not clause.groups and self.council_subject.search(clause.text):
                # "The council will run the service itself from April": what it does next
                self._gather(facts, clause, published, lambda s, e, t=last: t, statuses_only=True)
            if clause.groups and not clause.suppliers and self.contract_nouns.search(clause.text):
                lent = clause
            if clause.groups:
                recent = clause
        set_extension(doc, "contracts", [self._record(ix, c) for c in self._losers_out(contracts)])
        return doc

    def _clauses(self, ix: DocIndex, suppliers: list, councils: list) -> list[_Clause]:
        """The clauses of the sentences that name a supplier or a council, with their mentions."""
        starts, ends, text = ix.starts, ix.ends, ix.text
        sentences = sorted(
            {ix.sent_of_token(s) for s, _, _ in suppliers}
            | {ix.sent_of_token(s) for s, _, _ in councils}
        )
        groups = self._groups(ix, councils)
        out = []
        ordinal = 0  # sentences counted without the empty ones (a line break alone)
        last = min(len(ix.sent_tokens), sentences[-1] + 1 + _AFTER)  # room for "The contract ..."
        for k in range(sentences[0], last):
            lo, hi = ix.sent_char_bounds(k)
            if not text[lo:hi].strip():
                continue
            ordinal += 1
            pos = lo
            for piece in [*_CLAUSE_BREAK.finditer(text, lo, hi), None]:
                end = piece.start() if piece else hi
                if end > pos:
                    out.append(_Clause(pos, end, k, ordinal, text[pos:end]))
                pos = piece.end() if piece else hi
        by_start = [c.start for c in out]

        def clause_of(char: int) -> _Clause | None:
            i = max(0, _bisect(by_start, char) - 1)
            c = out[i] if out else None
            return c if c is not None and c.start <= char < c.end else None

        for s, e, sid in suppliers:
            c = clause_of(starts[s])
            if c is not None:
                c.suppliers.append(_Mention(starts[s], ends[e - 1], sid))
        for a, b, codes in groups:
            c = clause_of(a)
            if c is not None:
                c.groups.append(_Mention(a, b, codes))
        return out

    def _groups(self, ix: DocIndex, councils: list) -> list[tuple[int, int, list[str]]]:
        """Council mentions joined by "and", ",", "&", "the" as one group (character spans)."""
        words = ix.words
        out: list[list] = []
        for s, e, code in sorted(councils):
            if (
                out
                and 0 <= s - out[-1][3] <= 3
                and all(w in self.group_joiners for w in words[out[-1][3] : s])
            ):
                group = out[-1]
                if code not in group[2]:
                    group[2].append(code)
                group[1], group[3] = ix.ends[e - 1], e
                continue
            out.append([ix.starts[s], ix.ends[e - 1], [code], e])
        return [(a, b, codes) for a, b, codes, _ in out]

    def _focus(self, clauses: list[_Clause]) -> list[str]:
        """The article's main council group: the first named in a clause about a contract or a
        supplier (the story's subject), unless another council is named far more often."""
        counts = Counter(code for c in clauses for g in c.groups for code in g.value)
        if not counts:
            return []
        first = next(
            (
                g.value
                for c in clauses
                for g in c.groups
                if c.suppliers or c.services or self.contract_nouns.search(c.text)
            ),
            next(g.value for c in clauses for g in c.groups),
        )
        top, n = counts.most_common(1)[0]
        if n >= 3 and n >= 2 * max(counts[code] for code in first):
            return [top]
        return list(first)

    def _parties(self, clause: _Clause) -> list[_Mention]:
        """The clause's suppliers that can be parties to a contract."""
        lo = clause.start
        party = [
            m for m in clause.suppliers if self.roles.party(clause.text, m.start - lo, m.end - lo)
        ]
        party = [  # "Capita, working with Microsoft, will ...": Capita's partner
            m
            for i, m in enumerate(party)
            if not (
                any(p.value != m.value for p in party[:i])
                and self.roles.secondary_to(clause.text, m.start - lo)
            )
        ]
        cue = self.challenge.search(clause.text)
        if cue is not None and len({m.value for m in party}) > 1:
            at = lo + cue.start()  # "X has launched a legal challenge against ... award to Y"
            if any(m.start > at for m in party):
                party = [m for m in party if m.start > at]
        return party

    def _pairs(
        self,
        clause: _Clause,
        party: list[_Mention],
        focus: list[str],
        recent: list[str],
        lent: _Clause | None,
        known: dict[str, list[str]],
    ) -> list[tuple[_Mention, list[list[str]]]]:
        """Each party supplier with the council sets it has contracts with in this clause:
        the councils named in it; else those a procurement just lent; else the councils of
        the supplier's last contract ("Capita plc will take over ..."); else, for "the
        council", the councils named last (a sentence or two before), and for "the contract"
        the article's main councils (``focus``)."""
        low = fold(clause.text)
        if clause.groups:
            if not self._about_a_contract(clause, low):
                return []  # "X was set up in 2007 by IBM and Somerset County Council"
            separate = self.separate.search(clause.text, low) is not None
            joint = self.joint.search(clause.text, low) is not None
            out = []
            for m in party:
                before = self._subjects([g for g in clause.groups if g.end <= m.start], clause)
                after = [g for g in clause.groups if g.start >= m.end]
                group = before[-1] if before else (after[0] if after else None)
                if group is None:
                    continue
                codes = group.value
                # councils that name their supplier together let one contract; councils a
                # supplier is said to serve have one each, unless the clause says joint
                each = separate if before else not joint
                out.append((m, [[c] for c in codes] if each and len(codes) > 1 else [list(codes)]))
            return out
        if self.other_buyers.search(clause.text):
            return []
        if lent is not None:
            return [(m, [list(lent.groups[0].value)]) for m in party]
        if self.elsewhere.search(clause.text, low):
            return []  # "CGI runs ICT for several other councils"
        if all(m.value in known for m in party):
            return [(m, [list(known[m.value])]) for m in party]
        council_ref = self.council_refs.search(clause.text, low) or self._council_pronoun(clause)
        if recent and council_ref:
            return [(m, [list(recent)]) for m in party]
        if focus and (council_ref or self._one_contract(clause.text, low)):
            return [(m, [list(focus)]) for m in party]
        return []

    @staticmethod
    def _subjects(groups: list[_Mention], clause: _Clause) -> list[_Mention]:
        """The council groups before a supplier that can be its customer: not one inside a
        relative clause ("Kent County Council, which shares services with Medway Council,
        has signed with Capita") nor one another council serves ("Hampshire runs payroll for
        Oxfordshire County Council using SAP")."""
        if len(groups) < 2:
            return groups
        text, lo = clause.text, clause.start
        kept = [groups[0]]
        for g in groups[1:]:
            between = text[kept[-1].end - lo : g.start - lo]
            if _RELATIVE.search(between) or _FOR.search(between):
                continue
            kept.append(g)
        return kept

    def _one_contract(self, text: str, low: str | None) -> bool:
        """Whether the clause speaks of a contract, not only of contracts in general
        ("Capita has a history of troubled contracts")."""
        return any(
            m.group(0).lower() not in self.plural_nouns
            for m in self.contract_nouns.finditer(text, low)
        )

    def _council_pronoun(self, clause: _Clause) -> bool:
        """ "It hired Capita to run payroll": a pronoun subject doing what councils do to a
        supplier the clause names after it."""
        m = self.pronoun.match(clause.text)
        if m is None:
            return False
        first = next(iter(self.status.find(clause.text)), None)
        return (
            first is not None
            and first[0] - m.end() <= 25
            and all(s.start - clause.start > first[0] for s in clause.suppliers)
        )

    def _about_a_contract(self, clause: _Clause, low: str | None) -> bool:
        """Whether the clause speaks of a contract: a contract noun, a word for a supplier's
        relation ("partner", "staff"), a status cue or a service."""
        return bool(
            self.contract_nouns.search(clause.text, low)
            or self.relation_nouns.search(clause.text, low)
            or self.status.find(clause.text)
            or clause.services
        )

    @staticmethod
    def _contract(
        contracts: dict,
        known: dict[str, list[str]],
        codes: list[str],
        sid: str,
        ix: DocIndex,
        clause: _Clause,
    ) -> _Contract:
        """The contract of ``codes`` and supplier ``sid``, made (and noted in ``known`` as
        the supplier's latest) when it is new."""
        key = (frozenset(codes), sid)
        contract = contracts.get(key)
        if contract is None:
            contract = contracts[key] = _Contract(
                list(codes), sid, ix.sent_char_bounds(clause.sentence)
            )
            known[sid] = contract.councils
        return contract

    @staticmethod
    def _nearest(
        clause: _Clause, party: list[_Mention], owner: dict[int, list[_Contract]]
    ) -> Callable[[int, int], list[_Contract]]:
        """The contracts a fact at characters ``start:end`` belongs to: those of the party
        supplier nearest it, and of the suppliers listed with that one."""
        listed = _lists(party, clause.text, clause.start)

        def targets(start: int, end: int) -> list[_Contract]:
            nearest = min(party, key=lambda m: (_distance(m, start, end), m.start))
            return [c for m in listed[id(nearest)] for c in owner.get(id(m), [])]

        return targets

    def _gather(
        self,
        facts: _DocFacts,
        clause: _Clause,
        published: str | None,
        targets: Callable[[int, int], list[_Contract]],
        statuses_only: bool = False,
    ) -> None:
        """Give each of the clause's facts to the contracts ``targets`` names for it."""
        lo, hi, text = clause.start, clause.end, clause.text
        for s, e, status in self.status.find(text):
            for c in targets(lo + s, lo + e):
                c.statuses.append(status)
        if statuses_only:
            return
        for s, e, sid in facts.services_in(lo, hi):
            for c in targets(s, e):
                if sid not in c.services:
                    c.services.append(sid)
        for m in facts.money_in(lo, hi):
            if self.not_value.match(facts.text, m["end"], hi):
                continue  # "a £7m settlement", "£5m in damages"
            named_value = self.value_noun.match(facts.text, m["end"], hi)  # "a £24m deal"
            if not named_value and (
                m["role"] in _EXCLUDED_ROLES or m["role"] not in self.value_roles
            ):
                continue
            for c in targets(m["start"], m["end"]):
                (c.yearly if m["period"] == "year" else c.totals).append(float(m["amount_gbp"]))
                if m.get("years") and not (m["period"] == "year" and m["years"] == 1):
                    c.years.append(float(m["years"]))  # not the "a year" of a rate
        for t in self.terms.find(text):
            for c in targets(lo + t.start, lo + t.end):
                c.years.append(t.years)
        for d in self.dates.find(text, published):
            if d.kind in ("start", "end"):
                for c in targets(lo + d.start, lo + d.end):
                    (c.starts if d.kind == "start" else c.ends).append(d.value)

    def _losers_out(self, contracts: dict) -> list[_Contract]:
        """Drop bidders left at ``tendered`` where the same councils' contract went further."""
        done = [c for c in contracts.values()]
        status = {id(c): self.status.rank(c.statuses) for c in done}
        further = {frozenset(c.councils) for c in done if status[id(c)] != "tendered"}
        return [
            c for c in done if status[id(c)] != "tendered" or frozenset(c.councils) not in further
        ]

    def _record(self, ix: DocIndex, c: _Contract) -> dict[str, Any]:
        a, b = c.sentence
        value = c.totals[0] if c.totals else (c.yearly[0] if c.yearly else None)
        period = None if value is None else ("total" if c.totals else "year")
        return {
            "councils": c.councils,
            "supplier": c.supplier,
            "services": c.services,
            "value_gbp": value,
            "period": period,
            "years": c.years[0] if c.years else None,
            "start": c.starts[0] if c.starts else None,
            "end": c.ends[0] if c.ends else None,
            "status": self.status.rank(c.statuses),
            "sentence": ix.text[a:b],
            "sentence_start": a,
            "sentence_end": b,
        }


class _DocFacts:
    """The Doc's text, services (character spans) and money, looked up by clause."""

    def __init__(self, doc: Doc, ix: DocIndex) -> None:
        records = doc.user_data.get(SERVICES_KEY)
        if records is None:
            records = [(s.start, s.end, s.kb_id_) for s in doc.spans.get("services", [])]
        self.services = [(ix.starts[s], ix.ends[e - 1], sid) for s, e, sid in records]
        self.money = get_extension(doc, "money") or []
        self.text = ix.text
        self._services_by = _ByStart([s[0] for s in self.services])
        self._money_by = _ByStart([m["start"] for m in self.money])

    def services_in(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        return [self.services[i] for i in self._services_by.between(lo, hi)]

    def money_in(self, lo: int, hi: int) -> list[dict]:
        return [self.money[i] for i in self._money_by.between(lo, hi)]


class _ByStart:
    """The positions of a list of start offsets that fall in ``[lo, hi)``, in list order,
    found in log time (a clause at a time over a long text stays linear overall).

    >>> _ByStart([30, 5, 12]).between(0, 20)
    [1, 2]
    """

    def __init__(self, starts: list[int]) -> None:
        self.order = sorted(range(len(starts)), key=starts.__getitem__)
        self.starts = [starts[i] for i in self.order]

    def between(self, lo: int, hi: int) -> list[int]:
        a, b = bisect_left(self.starts, lo), bisect_left(self.starts, hi)
        return sorted(self.order[a:b])


def _council_records(doc: Doc) -> list[tuple[int, int, str]]:
    records = doc.user_data.get(COUNCILS_KEY)
    if records is not None:
        return [(s, e, code) for s, e, code in records]
    return [(e.start, e.end, e.kb_id_) for e in doc.ents if e.label_ == COUNCIL]


def _distance(m: _Mention, start: int, end: int) -> int:
    if end <= m.start:
        return m.start - end
    if start >= m.end:
        return start - m.end
    return 0


def _lists(party: list[_Mention], text: str, lo: int) -> dict[int, list[_Mention]]:
    """Each party mention with the mentions listed together with it ("CGI, Computacenter and
    Sopra Steria"): only joiners between them."""
    out: dict[int, list[_Mention]] = {id(m): [m] for m in party}
    run: list[_Mention] = []
    for m in party:
        if run and re.fullmatch(
            r"\s*(?:,|and|or|&|,\s*and)\s*", text[run[-1].end - lo : m.start - lo]
        ):
            run.append(m)
        else:
            run = [m]
        for r in run:
            out[id(r)] = list(run)
    return out


def _bisect(values: list[int], x: int) -> int:
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@Language.factory("contract_extractor", default_config={"data_dir": None})
def make_contract_extractor(nlp: Language, name: str, data_dir: str | None) -> ContractExtractor:
    """Factory for :class:`ContractExtractor`."""
    return ContractExtractor(nlp, data_dir)
