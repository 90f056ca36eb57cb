"""Council linking: find UK local authorities named as organisations (spec §1).

Mentions become ``doc.ents`` with label ``COUNCIL`` and ``kb_id_``/``ent_id_`` = register code.

Example:
    >>> from councilwatch.nlp.pipeline import build_pipeline
    >>> doc = build_pipeline()("Islington and Camden Councils will merge their ICT services.")
    >>> [(e.text, e.kb_id_) for e in doc.ents if e.label_ == "COUNCIL"]
    [('Islington', 'ISL'), ('Camden', 'CMD')]
"""

from __future__ import annotations

import re
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .docindex import DocIndex, filter_ranges, records_only
from .extensions import get_extension, register_extensions
from .gazetteer import Gazetteer, load_json

LABEL = "COUNCIL"
RECORDS_KEY = "councilwatch.councils"  # [start token, end token, code] of the COUNCIL ents
_JOINERS = {",", "and", "&", "or"}
_AUX = {
    "have", "has", "had", "will", "would", "are", "were", "also", "both", "already", "jointly",
    "now", "to", "recently", "previously", "'ve", "plan", "plans", "is", "was", "set", "each",
}  # fmt: skip
_CAPS_WORD = re.compile(r"\b[A-Z&]{3,}\b")
_CAPS_RUN = re.compile(r"[A-Z&]{3}")  # needed by _CAPS_WORD; found without trying every \b
_INDEFINITE = {"a", "an", "another", "one", "each", "every", "any", "other", "several", "some"}


class CouncilLinker:
    """Match council names with a PhraseMatcher and keep those in an organisational role."""

    def __init__(self, nlp: Language, data_dir: str | None = None) -> None:
        path = Path(data_dir) if data_dir else None
        self.gaz = Gazetteer.load(path)
        ctx = load_json("council_context.json", path)
        self.council_words = set(ctx["council_words"])
        self.type_words = set(ctx["type_words"])
        self.org_prefixes = [tuple(p) for p in ctx["org_prefixes"]]
        self._prefixes_by_last: dict[str, list[tuple[str, ...]]] = {}
        for prefix in self.org_prefixes:
            self._prefixes_by_last.setdefault(prefix[-1], []).append(prefix)
        self._chosen: dict[tuple[tuple[str, ...], str | None], str] = {}
        self.org_verbs = set(ctx["org_verbs"]) - _AUX
        self.strong_verbs = set(ctx["strong_single_verbs"])
        self.possessive_nouns = set(ctx["possessive_nouns"])
        self.place_only_next = set(ctx["place_only_next"])
        self.place_only_prev = set(ctx["place_only_prev"])
        self.list_prefixes = set(ctx["list_prefixes"])
        self.share_words = set(ctx["share_words"])
        self.future_words = set(ctx["future_words"])
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.caps = PhraseMatcher(nlp.vocab, attr="LOWER")  # "HAMPSHIRE COUNTY COUNCIL"
        self.keys: dict[int, tuple[str, list[str]]] = {}
        for kind, table in (("org", self.gaz.org), ("place", self.gaz.place)):
            names = list(table)
            for name, pattern in zip(names, nlp.tokenizer.pipe(names), strict=True):
                key = f"{kind}|{name}"
                self.keys[nlp.vocab.strings.add(key)] = (kind, table[name])
                self.matcher.add(key, [pattern])
                if name.upper() != name:
                    self.caps.add(key, [pattern])
        # foreign places share the ORTH matcher (one pass per Doc) under their own key
        self.foreign_key = nlp.vocab.strings.add("FOREIGN")
        self.matcher.add("FOREIGN", list(nlp.tokenizer.pipe(ctx["foreign_places"])))
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data.pop(RECORDS_KEY, None)
        foreign_key = self.foreign_key
        matches = []
        foreign = []
        for m in self.matcher(doc):
            (foreign if m[0] == foreign_key else matches).append(m)
        ix = DocIndex.of(doc)
        if _CAPS_RUN.search(ix.text) and _CAPS_WORD.search(ix.text):
            words = ix.words
            matches += [m for m in self.caps(doc) if _all_caps(words[m[1] : m[2]])]
        if not matches:
            return doc
        matches.sort(key=lambda m: self.keys[m[0]][0] != "org")
        keys: dict[tuple[int, int], int] = {}
        for k, s, e in matches:
            if (s, e) not in keys:
                keys[s, e] = k
        spans = [
            _Cand(s, e, self.keys[k][0])
            for s, e, k in filter_ranges([(s, e, k) for (s, e), k in keys.items()])
        ]
        foreign_sents = {ix.sent_of_token(s) for _, s, _ in foreign}
        published = get_extension(doc, "published")
        decided: list[tuple[_Cand, bool]] = []
        for group in self._groups(ix, spans):
            decided += self._decide(doc, ix, group)
        sent_of = {c.start: ix.sent_of_token(c.start) for c, _ in decided}
        accepted = {sent_of[c.start] for c, ok in decided if ok}
        foreign_names = {
            ix.span_text(c.start, c.end) for c, _ in decided if sent_of[c.start] in foreign_sents
        }
        org_codes = {
            code
            for c, ok in decided
            if ok and c.kind == "org"
            for code in self.keys[keys[c.start, c.end]][1]
        }
        found: list[tuple[int, int, str]] = []
        for cand, is_org in decided:
            sent = sent_of[cand.start]
            if not is_org and cand.kind == "place":
                is_org = sent in accepted and self._shared_with(ix, cand)
            if not is_org or sent in foreign_sents:
                continue
            codes = self.keys[keys[cand.start, cand.end]][1]
            if (
                cand.kind == "place"
                and ix.span_text(cand.start, cand.end) in foreign_names
                and not org_codes & set(codes)
            ):
                continue  # "Camden, New Jersey" ... "Camden's mayor"
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

    def _choose(self, ix: DocIndex, cand: _Cand, codes: list[str], published: str | None) -> str:
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

    def _shared_with(self, ix: DocIndex, cand: _Cand) -> bool:
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

    @staticmethod
    def _groups(ix: DocIndex, spans: list[_Cand]) -> list[list[_Cand]]:
        """Group matches coordinated by commas, "and", "&" ("Canterbury, Dover and Thanet")."""
        groups: list[list[_Cand]] = []
        for span in spans:
            if groups:
                last = groups[-1][-1]
                gap = span.start - last.end
                if 0 < gap <= 2 and all(w in _JOINERS for w in ix.lower[last.end : span.start]):
                    groups[-1].append(span)
                    continue
            groups.append([span])
        return groups

    def _decide(self, doc: Doc, ix: DocIndex, group: list[_Cand]) -> list[tuple[_Cand, bool]]:
        """Return each span with whether it names a council in this context."""
        words, lower, n = ix.words, ix.lower, len(ix)
        first, last = group[0], group[-1]
        prev = first.start - 1 if first.start > 0 else None
        places = [s for s in group if s.kind == "place"]
        out = []
        for s in group:
            if s.kind == "org":
                lower_tail = words[s.end - 1] == "council"
                ok = not (lower_tail and s is first and prev is not None and _indefinite(doc, prev))
                out.append((s, ok))
        if not places:
            return out
        role = (
            self._suffix_role(ix, group)
            or self._prefix_role(ix, first)
            or any(ok for _, ok in out)  # "Dorset County Council and East Dorset"
        )
        blocked = prev is not None and (
            words[prev] in self.place_only_prev or lower[prev] in _INDEFINITE
        )
        if not role and len(group) > 1 and prev is not None:
            role = lower[prev] in self.list_prefixes  # "took over from Allerdale, Carlisle and ..."
        if not role and not blocked:
            role = self._verb_role(ix, last, len(group)) or self._possessive_role(ix, last)
        for s in places:
            mere_place = s.end < n and words[s.end] in self.place_only_next
            out.append((s, bool(role) and not mere_place))
        return sorted(out, key=lambda p: p[0].start)

    def _suffix_role(self, ix: DocIndex, group: list[_Cand]) -> bool:
        """ "Kingston and Sutton councils", "Canterbury, Dover and Thanet District Councils"."""
        last = group[-1]
        if last.kind == "org":
            return len(group) > 1 and ix.lower[last.end - 1] == "council"
        words, n = ix.words, len(ix)
        i = last.end
        while i < n and i - last.end < 3 and words[i] in self.type_words:
            i += 1
        if i >= n or words[i] not in self.council_words:
            return False
        return len(group) > 1

    def _prefix_role(self, ix: DocIndex, first: _Cand) -> bool:
        """ "the London boroughs of Camden and Islington", "councils such as Kent"."""
        if first.start == 0:
            return False
        words = ix.words
        for prefix in self._prefixes_by_last.get(words[first.start - 1], ()):
            n = len(prefix)
            if first.start >= n and tuple(words[first.start - n : first.start]) == prefix:
                return True
        return False

    def _verb_role(self, ix: DocIndex, last: _Cand, size: int) -> bool:
        """ "Havering and Newham have brought together 21 services"."""
        words, lower, n = ix.words, ix.lower, len(ix)
        i = last.end
        if size == 1 and i < n and words[i] == ",":
            return False
        start = i
        while i < n and i - start < 3 and lower[i] in _AUX:
            i += 1
        verbs = self.org_verbs if size > 1 else self.strong_verbs
        if i >= n:
            return False
        word = words[i]
        if size > 1 and i > start and word.islower() and word.endswith(("ing", "ed")):
            return True  # "Denbighshire and Wrexham are watching"
        return lower[i] in verbs

    def _possessive_role(self, ix: DocIndex, span: _Cand) -> bool:
        """ "Camden's IT chief"."""
        words, lower = ix.words, ix.lower
        i = span.end
        if i + 1 >= len(ix) or words[i] not in ("'s", "’s"):
            return False
        nouns = self.possessive_nouns
        return any(
            w in nouns or lw in nouns
            for w, lw in zip(words[i + 1 : i + 3], lower[i + 1 : i + 3], strict=True)
        )


class _Cand:
    """A gazetteer match: token range and the variant kind (``org`` or ``place``)."""

    __slots__ = ("start", "end", "kind")

    def __init__(self, start: int, end: int, kind: str) -> None:
        self.start, self.end, self.kind = start, end, kind


def _all_caps(words: list[str]) -> bool:
    """Every word of the span in capitals ("KENT COUNTY COUNCIL", "H&F")."""
    return all(w.isupper() or not w.isalpha() for w in words)


def _indefinite(doc: Doc, i: int) -> bool:
    token = doc[i]
    return token.lower_ in _INDEFINITE or token.like_num


@Language.factory("council_linker", default_config={"data_dir": None})
def make_council_linker(nlp: Language, name: str, data_dir: str | None) -> CouncilLinker:
    """Factory for :class:`CouncilLinker` (``data_dir`` defaults to the package data)."""
    return CouncilLinker(nlp, data_dir)
