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

from .extensions import register_extensions
from .gazetteer import Gazetteer, load_json

LABEL = "COUNCIL"
_JOINERS = {",", "and", "&", "or"}
_AUX = {
    "have", "has", "had", "will", "would", "are", "were", "also", "both", "already", "jointly",
    "now", "to", "recently", "previously", "'ve", "plan", "plans", "is", "was", "set", "each",
}  # fmt: skip
_CAPS_WORD = re.compile(r"\b[A-Z&]{3,}\b")
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
        self.foreign = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.foreign.add("FOREIGN", list(nlp.tokenizer.pipe(ctx["foreign_places"])))
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        matches = list(self.matcher(doc))
        if _CAPS_WORD.search(doc.text):
            matches += [m for m in self.caps(doc) if _all_caps(doc[m[1] : m[2]])]
        matches.sort(key=lambda m: self.keys[m[0]][0] != "org")
        keys = {}
        spans = []
        for k, s, e in matches:
            if (s, e) not in keys:
                keys[s, e] = k
                spans.append(Span(doc, s, e, label=self.keys[k][0]))  # label: the variant kind
        spans = filter_spans(spans)
        if not spans:
            return doc
        foreign_sents = {doc[s].sent.start for _, s, _ in self.foreign(doc)}
        published = doc._.published
        decided: list[tuple[Span, bool]] = []
        for group in self._groups(doc, spans):
            decided += self._decide(doc, group)
        accepted = {s.sent.start for s, ok in decided if ok}
        foreign_names = {s.text for s, _ in decided if s.sent.start in foreign_sents}
        org_codes = {
            c for s, ok in decided if ok and s.label_ == "org" for c in self._codes(keys, s)
        }
        found: list[Span] = []
        for span, is_org in decided:
            if not is_org and span.label_ == "place":
                is_org = span.sent.start in accepted and self._shared_with(doc, span)
            if not is_org or span.sent.start in foreign_sents:
                continue
            codes = self._codes(keys, span)
            if span.label_ == "place" and span.text in foreign_names and not org_codes & set(codes):
                continue  # "Camden, New Jersey" ... "Camden's mayor"
            code = self._choose(doc, span, codes, published)
            found.append(Span(doc, span.start, span.end, label=LABEL, kb_id=code, span_id=code))
        if found:
            doc.ents = filter_spans(list(doc.ents) + found)
        return doc

    def _codes(self, keys: dict[tuple[int, int], int], span: Span) -> list[str]:
        return self.keys[keys[span.start, span.end]][1]

    def _choose(self, doc: Doc, span: Span, codes: list[str], published: str | None) -> str:
        """The authority alive on ``published``; for "the new X Council", the one created later."""
        prev = doc[span.start - 1] if span.start > 0 else None
        if published and prev is not None and prev.lower_ in self.future_words:
            later = [c for c in codes if (self.gaz.councils[c]["start_date"] or "") > published]
            if later:
                return later[0]
        return self.gaz.choose(codes, published)

    def _shared_with(self, doc: Doc, span: Span) -> bool:
        """ "... sharing its team with Bromsgrove", "Aylesbury Vale is in talks with X Council about
        sharing": a place as subject or partner in a sentence that already names a council."""
        first = span.start == span.sent.start or (
            span.start - span.sent.start <= 2 and doc[span.start - 1].is_punct
        )
        if not first and (span.start == 0 or doc[span.start - 1].lower_ != "with"):
            return False
        return any(t.lower_ in self.share_words for t in span.sent)

    @staticmethod
    def _groups(doc: Doc, spans: list[Span]) -> list[list[Span]]:
        """Group matches coordinated by commas, "and", "&" ("Canterbury, Dover and Thanet")."""
        groups: list[list[Span]] = []
        for span in spans:
            if groups:
                last = groups[-1][-1]
                between = doc[last.end : span.start]
                if 0 < len(between) <= 2 and all(t.lower_ in _JOINERS for t in between):
                    groups[-1].append(span)
                    continue
            groups.append([span])
        return groups

    def _decide(self, doc: Doc, group: list[Span]) -> list[tuple[Span, bool]]:
        """Return each span with whether it names a council in this context."""
        first, last = group[0], group[-1]
        prev = doc[first.start - 1] if first.start > 0 else None
        places = [s for s in group if s.label_ == "place"]
        out = []
        for s in group:
            if s.label_ == "org":
                lower_tail = doc[s.end - 1].text == "council"
                ok = not (lower_tail and s is first and prev is not None and _indefinite(prev))
                out.append((s, ok))
        if not places:
            return out
        role = (
            self._suffix_role(doc, group)
            or self._prefix_role(doc, first)
            or any(ok for _, ok in out)  # "Dorset County Council and East Dorset"
        )
        blocked = prev is not None and (
            prev.text in self.place_only_prev or prev.lower_ in _INDEFINITE
        )
        if not role and len(group) > 1 and prev is not None:
            role = prev.lower_ in self.list_prefixes  # "took over from Allerdale, Carlisle and ..."
        if not role and not blocked:
            role = self._verb_role(doc, last, len(group)) or self._possessive_role(doc, last)
        for s in places:
            nxt = doc[s.end] if s.end < len(doc) else None
            mere_place = nxt is not None and nxt.text in self.place_only_next
            out.append((s, bool(role) and not mere_place))
        return sorted(out, key=lambda p: p[0].start)

    def _suffix_role(self, doc: Doc, group: list[Span]) -> bool:
        """ "Kingston and Sutton councils", "Canterbury, Dover and Thanet District Councils"."""
        last = group[-1]
        if last.label_ == "org":
            return len(group) > 1 and doc[last.end - 1].lower_ == "council"
        i = last.end
        while i < len(doc) and i - last.end < 3 and doc[i].text in self.type_words:
            i += 1
        if i >= len(doc) or doc[i].text not in self.council_words:
            return False
        return len(group) > 1

    def _prefix_role(self, doc: Doc, first: Span) -> bool:
        """ "the London boroughs of Camden and Islington", "councils such as Kent"."""
        for prefix in self.org_prefixes:
            n = len(prefix)
            if (
                first.start >= n
                and tuple(t.text for t in doc[first.start - n : first.start]) == prefix
            ):
                return True
        return False

    def _verb_role(self, doc: Doc, last: Span, size: int) -> bool:
        """ "Havering and Newham have brought together 21 services"."""
        i = last.end
        if size == 1 and i < len(doc) and doc[i].text == ",":
            return False
        start = i
        while i < len(doc) and i - start < 3 and doc[i].lower_ in _AUX:
            i += 1
        verbs = self.org_verbs if size > 1 else self.strong_verbs
        if i >= len(doc):
            return False
        word = doc[i]
        if size > 1 and i > start and word.is_lower and word.text.endswith(("ing", "ed")):
            return True  # "Denbighshire and Wrexham are watching"
        return word.lower_ in verbs

    def _possessive_role(self, doc: Doc, span: Span) -> bool:
        """ "Camden's IT chief"."""
        i = span.end
        if i + 1 >= len(doc) or doc[i].text not in ("'s", "’s"):
            return False
        return any(
            t.text in self.possessive_nouns or t.lower_ in self.possessive_nouns
            for t in doc[i + 1 : i + 3]
        )


def _all_caps(span: Span) -> bool:
    """Every word of the span in capitals ("KENT COUNTY COUNCIL", "H&F")."""
    return all(t.is_upper or not t.is_alpha for t in span)


def _indefinite(token) -> bool:
    return token.lower_ in _INDEFINITE or token.like_num


@Language.factory("council_linker", default_config={"data_dir": None})
def make_council_linker(nlp: Language, name: str, data_dir: str | None) -> CouncilLinker:
    """Factory for :class:`CouncilLinker` (``data_dir`` defaults to the package data)."""
    return CouncilLinker(nlp, data_dir)
