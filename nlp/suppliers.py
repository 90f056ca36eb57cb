"""Supplier linking: companies that supply councils, linked to the supplier table (spec §7.1).

Mentions are dicts in ``doc._.suppliers`` (and, unless the Doc is processed for its records
only, ``SUPPLIER`` spans in ``doc.spans["suppliers"]`` with ``kb_id_`` = supplier id).

How a name is found and judged, with the rules' words in ``supplier_context.json``:

- every name and variant of the table is matched as written (case matters: "civica" in a
  Latin motto is not Civica), and in an all-capitals text also in capitals;
- a match takes in the legal words after it ("Capita plc", "Xerox (UK) Ltd");
- it is not the company when the next word makes it a place, event or product ("Ricoh
  Arena", "Apple Day", "BT Sport", "Microsoft Teams"), when the word before makes it part of
  another phrase or a person ("per capita", "da Vinci", "Mr Jacobs"), or in "the Oracle of"
  and "Oracle of Delphi";
- a ``context`` name ("Apple", "Sage", "Atkins") links only where a company is meant: the
  supplier is named unambiguously elsewhere in the text, a word next to it says so ("with",
  "supplier", "said", "'s"), or it is listed with another supplier;
- a council or service named inside a supplier's name ("Service Birmingham", "Resource
  Recovery Solutions (Derbyshire) Ltd", "NEC Software Solutions") is not a mention of it:
  the council linker's or the service tagger's match is dropped.

Example:
    >>> from councilwatch.nlp.language import build_pipeline
    >>> doc = build_pipeline()("Capita plc won the deal. Meetings moved to Microsoft Teams.")
    >>> [(m["id"], m["text"]) for m in doc._.suppliers]
    [('capita', 'Capita plc')]
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .councils import LABEL as COUNCIL
from .councils import RECORDS_KEY as COUNCILS_KEY
from .docindex import DocIndex, filter_ranges, records_only
from .extensions import register_extensions, set_extension
from .gazetteer import load_json
from .services import RECORDS_KEY as SERVICES_KEY
from .supplier_table import load_supplier_variants, load_suppliers

LABEL = "SUPPLIER"
RECORDS_KEY = "councilwatch.suppliers"  # [start token, end token, supplier id], in text order
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")


class SupplierLinker:
    """Match the supplier table's names with PhraseMatchers and keep those that name a company."""

    def __init__(self, nlp: Language, data_dir: str | None = None) -> None:
        path = Path(data_dir) if data_dir else None
        self.suppliers = {s["id"]: s for s in load_suppliers(path)}
        ctx = load_json("supplier_context.json", path)
        self.suffix_words = set(ctx["suffix_words"])
        self.bracket_words = set(ctx["bracket_words"])
        self.not_before = set(ctx["not_before"])
        self.not_after = set(ctx["not_after"])
        self.products = {sid: set(words) for sid, words in ctx["products"].items()}
        self.company_before = set(ctx["company_before"])
        self.company_after = set(ctx["company_after"])
        self.joiners = set(ctx["joiners"])
        self.contract_words = set(ctx["contract_words"])
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.caps = PhraseMatcher(nlp.vocab, attr="LOWER")  # "CAPITA LOSES BARNET"
        self.keys: dict[int, tuple[str, str]] = {}
        grouped: dict[tuple[str, str], list[str]] = {}
        for sid, name, kind in load_supplier_variants(path):
            grouped.setdefault((sid, kind), []).append(name)
        for (sid, kind), names in grouped.items():
            key = f"{sid}|{kind}"
            self.keys[nlp.vocab.strings.add(key)] = (sid, kind)
            names = _forms(nlp, names)
            patterns = list(nlp.tokenizer.pipe(names))
            self.matcher.add(key, patterns)
            caps = [p for n, p in zip(names, patterns, strict=True) if n.upper() != n]
            if kind == "name" and caps:
                self.caps.add(key, caps)
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data.pop(RECORDS_KEY, None)
        matches = self.matcher(doc)
        ix = DocIndex.of(doc)
        if _CAPS_WORD.search(ix.text):
            words = ix.words
            matches += [
                m
                for m in self.caps(doc)
                if all(w.isupper() or not w.isalpha() for w in words[m[1] : m[2]])
            ]
        if not matches:
            set_extension(doc, "suppliers", [])
            return doc
        ranges = filter_ranges([(s, e, self.keys[k]) for k, s, e in matches])
        candidates = []
        for start, end, (sid, kind) in ranges:
            if self._not_the_company(ix, start, end, sid):
                continue
            extended = self._extend(ix, end)
            if extended > end and kind == "context":
                kind = "name"  # "Sage Group plc": the legal words say it is the company
            candidates.append((start, extended, sid, kind))
        named = {sid for _, _, sid, kind in candidates if kind == "name"}
        found: list[tuple[int, int, str]] = []
        for i, (start, end, sid, kind) in enumerate(candidates):
            if (
                kind == "context"
                and sid not in named
                and not self._company_meant(doc, ix, candidates, i)
            ):
                continue
            found.append((start, end, sid))
        self._drop_inside(doc, found)
        set_extension(doc, "suppliers", [self._record(ix, s, e, sid) for s, e, sid in found])
        doc.user_data[RECORDS_KEY] = [list(f) for f in found]
        if not records_only(doc):
            doc.spans["suppliers"] = [
                Span(doc, s, e, label=LABEL, kb_id=sid) for s, e, sid in found
            ]
        return doc

    def _not_the_company(self, ix: DocIndex, start: int, end: int, sid: str) -> bool:
        """A place, event, product, person or phrase that contains the name."""
        words, n = ix.words, len(ix)
        after = words[end] if end < n else None
        before = words[start - 1] if start > 0 else None
        if after is not None and (after in self.not_after or after in self.products.get(sid, ())):
            return True
        if before in self.not_before:
            return True
        if after == "of":  # "the Oracle of Delphi", "Oracle of Delphi?"
            following = words[end + 1] if end + 1 < n else ""
            return before in ("the", "The") or following[:1].isupper()
        return False

    def _extend(self, ix: DocIndex, end: int) -> int:
        """The end of the name with its legal words: "Capita plc", "Xerox (UK) Ltd"."""
        words, n = ix.words, len(ix)
        while end < n:
            if words[end] in self.suffix_words:
                end += 1
            elif (
                words[end] == "("
                and end + 2 < n
                and words[end + 1] in self.bracket_words
                and words[end + 2] == ")"
            ):
                end += 3
            else:
                break
        return end

    def _company_meant(
        self, doc: Doc, ix: DocIndex, candidates: list[tuple[int, int, str, str]], i: int
    ) -> bool:
        """Whether the words around an ambiguous name show a company is meant: a word next
        to it, a list with another supplier, or a sentence about a council's contract."""
        start, end, _, _ = candidates[i]
        words, lower, n = ix.words, ix.lower, len(ix)
        before = start - 1 if start > 0 else None
        if before is not None and ix.sent_of_token(before) == ix.sent_of_token(start):
            word = words[before]
            if (
                word[:1].isupper()
                and word not in self.joiners
                and lower[before] not in self.company_before
            ):
                return False  # "Sarah Atkins said": a person's or another name
            if lower[before] in self.company_before:
                return True
        if end < n and (words[end] in self.company_after or lower[end] in self.company_after):
            return True
        for j in (i - 1, i + 1):  # "Microsoft, Google or Amazon": listed with another supplier
            if 0 <= j < len(candidates) and candidates[j][3] == "name":
                a, b = (candidates[j][1], start) if j < i else (end, candidates[j][0])
                if 0 < b - a <= 2 and all(w in self.joiners for w in lower[a:b]):
                    return True
        k = ix.sent_of_token(start)
        lo, hi = ix.sent_token_bounds(k)
        if not any(w in self.contract_words for w in lower[lo:hi]):
            return False
        return any(ix.sent_of_token(s) == k for s, _, _ in _council_tokens(doc))

    @staticmethod
    def _drop_inside(doc: Doc, found: list[tuple[int, int, str]]) -> None:
        """Remove council and service mentions that lie inside a supplier's name ("Service
        Birmingham", "NEC Software Solutions"). A service phrase that is the whole name
        ("Salesforce", "SAP") names the product, and stays a service."""
        if not found:
            return
        inside = {t for s, e, _ in found for t in range(s, e)}
        whole = {(s, e) for s, e, _ in found}
        for key in (COUNCILS_KEY, SERVICES_KEY):
            records = doc.user_data.get(key)
            if records is not None:
                kept = [
                    r
                    for r in records
                    if not inside.intersection(range(r[0], r[1]))
                    or (key == SERVICES_KEY and (r[0], r[1]) in whole)
                ]
                if len(kept) != len(records):
                    doc.user_data[key] = kept
        if doc.ents:
            ents = [
                e
                for e in doc.ents
                if not (e.label_ == COUNCIL and inside.intersection(range(e.start, e.end)))
            ]
            if len(ents) != len(doc.ents):
                doc.ents = ents
        services = doc.spans.get("services")
        if services:
            kept_spans = [
                s
                for s in services
                if not inside.intersection(range(s.start, s.end)) or (s.start, s.end) in whole
            ]
            if len(kept_spans) != len(services):
                doc.spans["services"] = kept_spans

    def _record(self, ix: DocIndex, start: int, end: int, sid: str) -> dict[str, Any]:
        supplier = self.suppliers[sid]
        a, b = ix.starts[start], ix.ends[end - 1]
        if ix.text[b - 1] == "." and ix.words[end - 1] not in self.suffix_words:
            b -= 1  # "with System C." (the tokenizer keeps the full stop with the letter)
        return {
            "id": sid,
            "name": supplier["name"],
            "company_number": supplier["company_number"],
            "text": ix.text[a:b],
            "start": a,
            "end": b,
            "sentence": ix.sent_text(ix.sent_of_token(start)),
        }


def _forms(nlp: Language, names: list[str]) -> list[str]:
    """The names, with a capital first letter for those written in lower case ("dxw" starts a
    sentence as "Dxw"), and followed by a full stop where the tokenizer keeps it with the
    last word ("System C.")."""
    out = list(names)
    for name in names:
        if name[:1].islower():
            out.append(name[:1].upper() + name[1:])
    for name in list(out):
        tokens = [t.text for t in nlp.make_doc(name + ".")]
        if tokens[-1] != ".":
            out.append(name + ".")
    return list(dict.fromkeys(out))


def _council_tokens(doc: Doc) -> list[tuple[int, int, str]]:
    records = doc.user_data.get(COUNCILS_KEY)
    if records is not None:
        return [(s, e, code) for s, e, code in records]
    return [(e.start, e.end, e.kb_id_) for e in doc.ents if e.label_ == COUNCIL]


@Language.factory("supplier_linker", default_config={"data_dir": None})
def make_supplier_linker(nlp: Language, name: str, data_dir: str | None) -> SupplierLinker:
    """Factory for :class:`SupplierLinker` (``data_dir`` defaults to the package data)."""
    return SupplierLinker(nlp, data_dir)
