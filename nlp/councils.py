"""Council linking: find UK local authorities named as organisations (spec §1).

Mentions become ``doc.ents`` with label ``COUNCIL`` and ``kb_id_``/``ent_id_`` = register code.

Example:
    >>> from councilwatch.nlp.language import build_pipeline
    >>> doc = build_pipeline()("Islington and Camden Councils will merge their ICT services.")
    >>> [(e.text, e.kb_id_) for e in doc.ents if e.label_ == "COUNCIL"]
    [('Islington', 'ISL'), ('Camden', 'CMD')]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .coordination import DIRECTIONS, Cand, expand_ellipsis, groups
from .council_roles import RoleCues
from .docindex import DocIndex, filter_ranges, records_only
from .extensions import get_extension, register_extensions
from .gazetteer import Gazetteer, load_json

LABEL = "COUNCIL"
RECORDS_KEY = "councilwatch.councils"  # [start token, end token, code] of the COUNCIL ents
_CAPS_WORD = re.compile(r"\b[A-Z&]{3,}\b")
_CAPS_RUN = re.compile(r"[A-Z&]{3}")  # needed by _CAPS_WORD; found without trying every \b


class CouncilLinker:
    """Match council names (generated press forms, :mod:`.name_forms`), group coordinated
    names (:mod:`.coordination`) and keep those in an organisational role (:mod:`.council_roles`).
    """

    def __init__(self, nlp: Language, data_dir: str | None = None) -> None:
        path = Path(data_dir) if data_dir else None
        self.gaz = Gazetteer.load(path)
        ctx = load_json("council_context.json", path)
        self.cues = RoleCues(ctx)
        self._chosen: dict[tuple[tuple[str, ...], str | None], str] = {}
        self.share_words = set(ctx["share_words"])
        self.future_words = set(ctx["future_words"])
        self.foreign_money = [m for m in ctx["foreign_money"] if not m.isalpha()]
        self.foreign_words = {m for m in ctx["foreign_money"] if m.isalpha()}
        self.foreign_institutions = [tuple(p) for p in ctx["foreign_institutions"]]
        phrases = sorted(self.foreign_words | {" ".join(p) for p in self.foreign_institutions})
        # any of these in the lower-cased text: then each sentence is checked
        self._abroad_words = re.compile("|".join(rf"\b{re.escape(p)}\b" for p in phrases))
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")  # place and abbreviated forms
        self.orgs = PhraseMatcher(nlp.vocab, attr="LOWER")  # "WIRRAL COUNCIL", "wirral council"
        self.caps = PhraseMatcher(nlp.vocab, attr="LOWER")  # "KENT CC", "CAMDEN"
        self.keys: dict[int, tuple[str, list[str]]] = {}
        merged: dict[str, tuple[str, list[str]]] = {}
        for name, codes in self.gaz.org.items():
            _, known = merged.setdefault(name.lower(), (name, []))
            known += [c for c in codes if c not in known]
        for name, codes in merged.values():
            self.keys[nlp.vocab.strings.add(f"org|{name.lower()}")] = ("org", codes)
        names = [name for name, _ in merged.values()]
        for name, pattern in zip(names, nlp.tokenizer.pipe(names), strict=True):
            self.orgs.add(f"org|{name.lower()}", [pattern, *_upper_pattern(nlp, name, pattern)])
        for kind, table in (("org", self.gaz.cased), ("place", self.gaz.place)):
            names = list(table)
            for name, pattern in zip(names, nlp.tokenizer.pipe(names), strict=True):
                key = f"{kind}|{name}"
                self.keys[nlp.vocab.strings.add(key)] = (kind, table[name])
                self.matcher.add(key, [pattern])
                if name.upper() != name:
                    self.caps.add(key, [pattern, *_upper_pattern(nlp, name, pattern)])
        # foreign places share the ORTH matcher (one pass per Doc) under their own key
        self.foreign_key = nlp.vocab.strings.add("FOREIGN")
        self.matcher.add("FOREIGN", list(nlp.tokenizer.pipe(ctx["foreign_places"])))
        # UK names that hold a foreign one ("Northern Ireland"): they mask it
        self.home_key = nlp.vocab.strings.add("HOME")
        self.matcher.add("HOME", list(nlp.tokenizer.pipe(ctx["home_places"])))
        self.street_words = frozenset(ctx["place_only_next"]) & _STREET_WORDS
        register_extensions()

    def _candidates(self, doc: Doc, ix: DocIndex) -> tuple[list[Cand], list[int]]:
        """Non-overlapping gazetteer matches (longest first, organisation forms before place
        forms of the same span) and the start tokens of foreign place names."""
        foreign_key, home_key = self.foreign_key, self.home_key
        matches = []
        foreign = []
        home: set[int] = set()
        for m in self.matcher(doc):
            if m[0] == home_key:
                home.update(range(m[1], m[2]))
            else:
                (foreign if m[0] == foreign_key else matches).append(m)
        if foreign:
            foreign = self._abroad_only(ix, foreign, home)
        matches += self.orgs(doc)
        if _CAPS_RUN.search(ix.text) and _CAPS_WORD.search(ix.text):
            words = ix.words
            matches += [m for m in self.caps(doc) if _all_caps(words[m[1] : m[2]])]
        if not matches:
            return [], _foreign_starts(ix, foreign)
        matches.sort(key=lambda m: self.keys[m[0]][0] != "org")
        keys: dict[tuple[int, int], int] = {}
        for k, s, e in matches:
            if (s, e) not in keys:
                keys[s, e] = k
        cands = [
            Cand(s, e, *self.keys[k])
            for s, e, k in filter_ranges([(s, e, k) for (s, e), k in keys.items()])
        ]
        return cands, _foreign_starts(ix, foreign)

    def _abroad_only(
        self, ix: DocIndex, foreign: list[tuple[int, int, int]], home: set[int]
    ) -> list[tuple[int, int, int]]:
        """The foreign matches that are not part of a UK name: "Northern Ireland" (a home
        place), "Victoria Street" (a street)."""
        words, streets = ix.words, self.street_words
        return [
            (k, s, e)
            for k, s, e in foreign
            if s not in home and not (e < len(words) and words[e] in streets)
        ]

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data.pop(RECORDS_KEY, None)
        ix = DocIndex.of(doc)
        cands, foreign = self._candidates(doc, ix)
        if not cands:
            return doc
        published = get_extension(doc, "published")
        if published:
            cands = [part for c in cands for part in self._before_merger(ix, c, published)]
        cands = expand_ellipsis(ix.words, cands, self.gaz.place, DIRECTIONS)
        council_doc = any(c.kind == "org" for c in cands) or bool(
            self.cues.council_text.search(ix.text)
        )
        named = {code for c in cands if c.kind == "org" for code in c.codes}
        decided: list[tuple[Cand, bool, int]] = []
        for g, group in enumerate(groups(ix.words, cands, self.cues.type_words)):
            decided += [(c, ok, g) for c, ok in self._decide(ix, group, council_doc, named)]
        sent_of = {c.start: ix.sent_of_token(c.start) for c, _, _ in decided}
        foreign_sents = {ix.sent_of_token(s) for s in foreign}
        text = ix.text
        money = "£" not in text and any(m in text for m in self.foreign_money)
        words_abroad = money or bool(self._abroad_words.search(text.lower()))
        if words_abroad:
            foreign_sents |= {k for k in set(sent_of.values()) if self._abroad(ix, k, money)}
        accepted = {sent_of[c.start] for c, ok, _ in decided if ok}
        abroad = {
            code for c, _, _ in decided if sent_of[c.start] in foreign_sents for code in c.codes
        }
        size = Counter(g for _, ok, g in decided if ok)
        with_org = {g for c, ok, g in decided if ok and c.kind == "org"}
        # a story set abroad (evidence of a place abroad, and no pounds anywhere): its bare
        # names are places there ("London, Ontario ... The City of London will also ...")
        doc_abroad = "£" not in text and (
            words_abroad or any(sent_of[c.start] in foreign_sents for c, _, _ in decided)
        )
        found: list[tuple[int, int, str]] = []
        items: dict[int, str] = {}  # lines opened by a council and a separator: "A – £5m"
        for cand, ok, _ in decided:
            mark = _list_item(ix, cand, sent_of[cand.start]) if ok else None
            if mark:
                items[sent_of[cand.start]] = mark
        for cand, is_org, g in decided:
            sent = sent_of[cand.start]
            if not is_org and cand.kind == "place":
                is_org = (
                    sent in accepted and (self._shared_with(ix, cand) or _gapped(ix.words, cand))
                ) or (
                    len(items) > 1
                    and (mark := _list_item(ix, cand, sent)) is not None
                    and mark in (items.get(sent - 1), items.get(sent + 1))
                    and sum(items.get(sent + d) == mark for d in (-2, -1, 1, 2)) > 1
                )
            if not is_org:
                continue
            if sent in foreign_sents and (cand.kind == "place" or "£" not in ix.sent_text(sent)):
                continue  # "Camden, New Jersey"; but "Kent County Council's £4m deal with a US firm"
            if doc_abroad and cand.kind == "place" and g not in with_org:
                continue
            if abroad.intersection(cand.codes) and size[g] < 2 and "£" not in ix.sent_text(sent):
                continue  # "Camden, New Jersey" ... "Camden's mayor"
            codes = self._typed(ix, cand) if len(cand.codes) > 1 else cand.codes
            if len(codes) > 1 and not published and size[g] > 1:
                codes = self._contemporaries(codes, [c for c, ok, h in decided if ok and h == g])
            found.append((cand.start, cand.end, self._choose(ix, cand, codes, published)))
        if not found:
            return doc
        found.sort()
        if records_only(doc):
            doc.user_data[RECORDS_KEY] = [list(f) for f in found]
            return doc
        ents = [Span(doc, s, e, label=LABEL, kb_id=code, span_id=code) for s, e, code in found]
        existing = doc.ents
        if existing:
            doc.ents = filter_spans(list(existing) + ents)
        else:
            doc.ents = ents
            doc.user_data[RECORDS_KEY] = [list(f) for f in found]
        return doc

    def _before_merger(self, ix: DocIndex, cand: Cand, published: str) -> list[Cand]:
        """A name that joins places, in a text dated before its authority existed, is the
        councils it merged: "North Down and Ards councils" in 2012, "Armagh, Banbridge and
        Craigavon councils" in March 2015 (spec §1, dates)."""
        if cand.kind != "place" or not all(
            (self.gaz.councils[c]["start_date"] or "") > published for c in cand.codes
        ):
            return [cand]
        words = ix.words
        joins = [i for i in range(cand.start + 1, cand.end - 1) if words[i] in ("and", "&", ",")]
        if not joins or not any(words[i] != "," for i in joins):
            return [cand]
        parts = []
        for s, e in zip([cand.start] + [k + 1 for k in joins], joins + [cand.end], strict=True):
            codes = self.gaz.place.get(ix.span_text(s, e))
            if not codes:
                return [cand]
            parts.append(Cand(s, e, "place", codes))
        return parts

    def _contemporaries(self, codes: list[str], group: list[Cand]) -> list[str]:
        """Of a name that served two authorities, in an undated list, those that existed with
        the list's other councils: "Christchurch joins Bournemouth and Poole to form ..." is
        the old Bournemouth, as Poole's council ended when the new one began (spec §1)."""
        others = [c.codes[0] for c in group if len(c.codes) == 1 and c.codes[0] not in codes]
        if not others:
            return codes
        councils = self.gaz.councils

        def overlap(a: str, b: str) -> bool:
            x, y = councils[a], councils[b]
            return (x["start_date"] or "0000") <= (y["end_date"] or "9999") and (
                y["start_date"] or "0000"
            ) <= (x["end_date"] or "9999")

        fit = [c for c in codes if all(overlap(c, o) for o in others)]
        return fit or codes

    def _typed(self, ix: DocIndex, cand: Cand) -> list[str]:
        """Of a name that served two authorities, the one its type words fit: "Somerset
        County" in "Taunton Deane Borough, ... and Somerset County Councils" is Somerset County
        Council, not Somerset Council."""
        i = self.cues.type_run(ix.words, cand.end)
        if i == cand.end:
            return cand.codes
        named = ix.span_text(cand.start, i).lower()
        fit = [c for c in cand.codes if named in self.gaz.councils[c]["official_name"].lower()]
        return fit or cand.codes

    def _abroad(self, ix: DocIndex, sent: int, money: bool) -> bool:
        """The sentence's own evidence of a place outside the UK: dollars or euros (``money``:
        in a document with no pounds at all), or an institution that UK councils do not have
        ("the city manager")."""
        if money and any(m in ix.sent_text(sent) for m in self.foreign_money):
            return True
        start, end = ix.sent_token_bounds(sent)
        lower = ix.lower[start:end]
        if self.foreign_words.intersection(lower):
            return True
        firsts = {p[0] for p in self.foreign_institutions}
        for i, w in enumerate(lower):
            if w in firsts and any(
                tuple(lower[i : i + len(p)]) == p for p in self.foreign_institutions
            ):
                return True
        return False

    def _choose(self, ix: DocIndex, cand: Cand, codes: list[str], published: str | None) -> str:
        """The authority alive on ``published``; for "the new X Council", the one created later."""
        if published and cand.start > 0 and ix.lower[cand.start - 1] in self.future_words:
            later = [c for c in codes if (self.gaz.councils[c]["start_date"] or "") > published]
            if later:
                return later[0]
        key = (tuple(codes), published)
        code = self._chosen.get(key)
        if code is None:
            code = self._chosen[key] = self.gaz.choose(codes, published)
        return code

    def _shared_with(self, ix: DocIndex, cand: Cand) -> bool:
        """ "... sharing its team with Bromsgrove", "Aylesbury Vale is in talks with X Council about
        sharing": a place as subject or partner in a sentence that already names a council."""
        sstart, send = ix.sent_token_bounds(ix.sent_of_token(cand.start))
        first = cand.start == sstart or (
            cand.start - sstart <= 2 and bool(ix.punct[cand.start - 1])
        )
        if not first and (cand.start == 0 or ix.lower[cand.start - 1] != "with"):
            return False
        share = self.share_words
        return any(w in share for w in ix.lower[sstart:send])

    def _partner(self, lower: Sequence[str], start: int, sent_start: int) -> bool:
        """ "The authority already shares a legal team with Burnley": the partner of a
        sharing verb earlier in the sentence."""
        if start == 0 or lower[start - 1] != "with":
            return False
        share = self.share_words
        return any(w in share for w in lower[max(sent_start, start - 12) : start - 1])

    def _decide(
        self, ix: DocIndex, group: list[Cand], council_doc: bool, named: set[str]
    ) -> list[tuple[Cand, bool]]:
        """Return each candidate of a coordinated group with whether it names a council.

        ``council_doc``: the document speaks of councils ("council", "borough", a council
        named in full), where weaker cues count too (:meth:`RoleCues.weak`); ``named``: the
        codes the document names in an organisation's form, which make a list that holds one
        of them a list of councils ("Kent and Medway" where Kent County Council is named)."""
        words, lower, cues = ix.words, ix.lower, self.cues
        first, last = group[0], group[-1]
        single = len(group) == 1
        out = []
        orgs = False
        for c in group:
            if c.kind == "org":
                lower_tail = words[c.end - 1] == "council"
                ok = not (
                    lower_tail
                    and c is first
                    and first.start > 0
                    and _indefinite(words[first.start - 1], cues.indefinite)
                )
                orgs = orgs or ok
                out.append((c, ok))
        places = [c for c in group if c.kind == "place"]
        if not places:
            return out
        if cues.false_friend(words, first.start, last.end) or cues.area_of(lower, last.end):
            return out + [(c, False) for c in places]  # "NHS Kent", "Northamptonshire's councils"
        # a council head or a cue before the group settles it; other cues only where the
        # name is not plainly a place ("in Kent", "a Kent-based firm")
        role = (
            (last.kind == "place" and cues.suffix(words, last.end) and not single)
            or (
                single
                and cues.type_run(words, last.end) > last.end
                and cues.suffix(words, last.end)
            )
            or (last.kind == "org" and not single and lower[last.end - 1] == "council")
            or (
                (
                    cues.before(words, lower, first.start, single)
                    or cues.part_of(words, lower, (first.start, last.end))
                )
                and not cues.modifies_place_noun(words, lower, last.end)
                and not (single and cues.named_on(words, last.end))
            )  # "backed by Kent", not "backed by Kent businesses" nor "a deal with Kent Analytics"
            or orgs  # "Dorset County Council and East Dorset"
        )
        headed = role
        sent_start, sent_end = ix.sent_token_bounds(ix.sent_of_token(first.start))
        if not role and not single:  # "the streets of A, B and C ... the boroughs' contract"
            role = cues.recounted(lower, (first.start, last.end), sent_end, len(group))
        if single and lower[first.start] in STOP_WORDS and first.end - first.start == 1:
            # a name that is also a word ("Down"): a council head, a cue before it or a verb
            # after it, never first in its sentence ("Down the road, ...")
            ok = first.start > sent_start and (role or cues.verb(words, lower, last.end, True))
            return out + [(c, ok) for c in places]
        if not role and cues.office(lower, last.end):
            role = True  # "A Camden spokesperson said", "Cornwall councillors voted"
        if not role and council_doc:  # "provides IT services to Rutland and Melton"
            role = cues.served(words, lower, (first.start, last.end), sent_start)
        if not role and not (single and cues.in_longer_name(words, first.start, sent_start)):
            role = cues.possessive(words, lower, last.end) and not (
                first.start > 0 and lower[first.start - 1] in cues.indefinite
            )  # "in Kent's budget", but not "a Kent's"
            bullet = _bullet(ix, first.start)  # "- Surrey and East Sussex launch ..."
            if not role and not (
                cues.mere_place(words, lower, first.start, last.end) and not bullet
            ):
                role = (
                    cues.verb(words, lower, last.end, single)
                    or cues.apposition(lower, last.end)
                    or cues.predicate(lower, last.end)
                    or self._partner(lower, first.start, sent_start)
                    or cues.compared(lower, first.start, last.end)
                    or cues.answer(lower, first.start, sent_start)
                    or cues.complement(lower, first.start, sent_start)
                    or cues.quoted_by_office(words, lower, first.start, (sent_start, sent_end))
                    or (
                        council_doc
                        and (
                            cues.weak(
                                words,
                                lower,
                                (first.start, last.end),
                                sent_start,
                                len(group),
                                headline := _headline(ix, sent_start, sent_end),
                            )
                            or (
                                (
                                    cues.org_compound(words, lower, last.end)
                                    or (
                                        headline
                                        and cues.headline_for(
                                            words,
                                            lower,
                                            (first.start, last.end),
                                            (sent_start, sent_end),
                                        )
                                    )
                                )
                                and not cues.sporting(lower, (sent_start, sent_end))
                            )  # "Capita wins Wigan IT deal", not "Kent cricket deal"
                        )
                    )
                    or (
                        not single
                        and any(named.intersection(c.codes) for c in places)
                        and not cues.mixed_list(words, first.start)
                    )
                )
        if role and any(words[c.end - 1] == "City" for c in places):
            role = not cues.sporting(lower, (sent_start, sent_end))  # "Hull City" the club
        dashed = _between_dashes(words, first.start, last.end)
        for c in places:
            if headed and (c is not last or dashed):
                ok = True  # "the four district councils - Mendip, ... and Taunton Deane -"
            else:
                ok = role and not (
                    c.end < len(words)
                    and words[c.end] in cues.place_only_next
                    and not cues.suffix(words, c.end)
                )
            out.append((c, bool(ok)))
        return sorted(out, key=lambda p: p[0].start)


def _upper_pattern(nlp: Language, name: str, pattern: Doc) -> list[Doc]:
    """The name in capitals where it tokenizes differently ("ST. HELENS": "ST", ".")."""
    if "." not in name and "'" not in name:  # only these split differently in capitals
        return []
    upper = nlp.tokenizer(name.upper())
    if [t.lower_ for t in upper] == [t.lower_ for t in pattern]:
        return []
    return [upper]


def _foreign_starts(ix: DocIndex, foreign: list[tuple[int, int, int]]) -> list[int]:
    """Start tokens of the places abroad, less a state's two letters inside capitals
    ("BARROW-IN-FURNESS" is not Indiana)."""
    words = ix.words
    out = []
    for _, s, e in foreign:
        if e - s == 1 and len(words[s]) <= 3 and words[s].isupper():
            near = [words[i] for i in (s - 2, s - 1, s + 1, s + 2) if 0 <= i < len(words)]
            if any(w.isalpha() and w.isupper() and len(w) > 3 for w in near):
                continue
        out.append(s)
    return out


def _gapped(words: Sequence[str], cand: Cand) -> bool:
    """The subject of a clause whose verb is left out, an amount after it, in a sentence that
    names a council: "Powys was fined £130,000 ..., and Midlothian £140,000".

    >>> _gapped("Powys was fined £ 5 , and Midlothian £ 6".split(), Cand(7, 8, "place", []))
    True
    >>> _gapped("fined £ 5 in Midlothian £ 6".split(), Cand(4, 5, "place", []))
    False
    """
    if cand.start == 0 or cand.end >= len(words):
        return False
    return words[cand.start - 1] in ("and", "while") and words[cand.end].startswith("£")


def _list_item(ix: DocIndex, cand: Cand, sent: int) -> str | None:
    """The separator after a name that opens a line ("Croydon – £61,500 (...)"), or ``None``:
    a line of a list whose neighbours open with councils (two or more) is a council too."""
    start = ix.sent_token_bounds(sent)[0]
    words, text = ix.words, ix.text
    if cand.start != start or cand.end >= len(words) or words[cand.end] not in _SEPARATORS:
        return None
    a = ix.starts[start]
    return words[cand.end] if a == 0 or text[a - 1] == "\n" else None


_SEPARATORS = frozenset({"-", "–", "—", ":", "|"})


def _bullet(ix: DocIndex, start: int) -> bool:
    """The name follows a dash with a space between: a list's bullet or a dash of the
    sentence ("- Surrey and East Sussex launch ..."), not a hyphen ("a Surrey-based firm")."""
    return start > 0 and ix.words[start - 1] in _DASHES and ix.ends[start - 1] < ix.starts[start]


def _headline(ix: DocIndex, sent_start: int, sent_end: int) -> bool:
    """The sentence is a line of its own with no closing punctuation: a headline, or the
    title of a related story ("Hackney rebuilds after ransomware")."""
    text = ix.text
    a, b = ix.sent_char_bounds(ix.sent_of_token(sent_start))
    line = text[a:b].rstrip(" \t")
    if sent_end - sent_start > 16 or (a > 0 and text[a - 1] != "\n"):
        return False
    if not line.endswith("\n") and b < len(text) and text[b] not in "\r\n":
        return False
    line = line.rstrip()
    return bool(line) and line[-1] not in _CLOSING


_CLOSING = frozenset('.!?:;,"”’)')


def _between_dashes(words: Sequence[str], start: int, end: int) -> bool:
    """The names are set off by a pair of dashes: "the councils - Mendip and Sedgemoor - ".

    >>> _between_dashes("councils - Mendip and Sedgemoor - alongside".split(), 2, 5)
    True
    """
    if start == 0 or end >= len(words):
        return False
    return words[start - 1] in _DASHES and words[end] == words[start - 1]


_DASHES = frozenset({"-", "–", "—"})
_STREET_WORDS = frozenset({"Road", "Street", "Square", "Station", "Lane", "Avenue", "Park"})


def _all_caps(words: list[str]) -> bool:
    """Every word of the span in capitals ("KENT COUNTY COUNCIL", "H&F")."""
    return all(w.isupper() or not w.isalpha() for w in words)


def _indefinite(word: str, indefinite: set[str]) -> bool:
    """ "a Kent council", "three Kent councils"."""
    return word.lower() in indefinite or word.isdigit() or word.lower() in _NUMBER_WORDS


_NUMBER_WORDS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}


@Language.factory("council_linker", default_config={"data_dir": None})
def make_council_linker(nlp: Language, name: str, data_dir: str | None) -> CouncilLinker:
    """Factory for :class:`CouncilLinker` (``data_dir`` defaults to the package data)."""
    return CouncilLinker(nlp, data_dir)
