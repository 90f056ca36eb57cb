"""Shared-service arrangements: two or more councils sharing, merging or pooling services (§4).

Results are dicts in ``doc._.arrangements``.

Example:
    >>> from councilwatch.nlp.pipeline import build_pipeline
    >>> doc = build_pipeline()("Islington and Camden Councils plan to merge their ICT services.")
    >>> a = doc._.arrangements[0]
    >>> a["councils"], a["services"], a["status"]
    (['ISL', 'CMD'], ['ict'], 'proposed')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .extensions import register_extensions
from .gazetteer import load_json


def _word_regex(phrases: list[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len)[::-1])
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.IGNORECASE)


class ArrangementExtractor:
    """Find sentences where ≥2 linked councils share services; attach services, money, status."""

    def __init__(self, nlp: Language, data_dir: str | None = None) -> None:
        cues = load_json("arrangement_cues.json", Path(data_dir) if data_dir else None)
        self.share_re = _word_regex(cues["share"])
        self.status_res = [(s, _word_regex(cues["status"][s])) for s in cues["status_order"]]
        self.default_status = cues["default_status"]
        self.vehicle_generic = set(cues["vehicle_generic"])
        self.tail_starts = set(cues["vehicle_tail_starts"])
        self.partner_res = [re.compile(p) for p in cues["partner_patterns"]]
        self.not_share_re = _word_regex(cues["share_noun_contexts"])
        self.reorg_re = _word_regex(cues["reorganisation"])
        self.successor_before = set(cues["successor_before"])
        self.gone_after = _word_regex(cues["gone_after"])
        self.vehicle_verbs = set(cues["vehicle_verbs"])
        self.plural_refs = _word_regex(cues["plural_refs"])
        self.vehicles = Matcher(nlp.vocab)
        nouns = [n for n in cues["vehicle_nouns"] if " " not in n]
        self.vehicles.add(
            "VEHICLE",
            [[{"IS_TITLE": True, "OP": "+"}, {"ORTH": {"IN": nouns}}]],
            greedy="LONGEST",
        )
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        results: list[dict[str, Any]] = []
        councils = [e for e in doc.ents if e.label_ == "COUNCIL"]
        if len({e.kb_id_ for e in councils}) < 2:
            doc._.arrangements = results
            return doc
        by_sent: dict[int, list[Span]] = {}
        for e in councils:
            if not self._former_or_successor(doc, e):
                by_sent.setdefault(e.sent.start, []).append(e)
        previous: list[str] = []
        for sent in doc.sents:
            ents = by_sent.get(sent.start, [])
            codes = list(dict.fromkeys(e.kb_id_ for e in ents))
            if len(codes) < 2 and len(previous) >= 2 and self._refers_back(sent):
                codes = list(dict.fromkeys(previous + codes))  # "The two unitary authorities"
            if len(codes) >= 2 and self._shares(doc, sent, ents):
                _merge(results, self._arrangement(doc, sent, codes))
            if ents:
                previous = list(dict.fromkeys(e.kb_id_ for e in ents))
        doc._.arrangements = results
        return doc

    def _former_or_successor(self, doc: Doc, e: Span) -> bool:
        """ "when they become X Council", "after X Council was abolished", "X Council, created"."""
        if e.start > 0 and doc[e.start - 1].lower_ in self.successor_before:
            return True
        tail = doc[e.end : min(e.end + 4, e.sent.end)].text
        return bool(self.gone_after.match(tail))

    def _refers_back(self, sent: Span) -> bool:
        head = sent[: min(len(sent), 6)].text
        return bool(self.plural_refs.match(head.strip()))

    def _shares(self, doc: Doc, sent: Span, ents: list[Span]) -> bool:
        chars = list(sent.text)
        for e in ents:  # mask council names ("Combined Authority")
            for i in range(e.start_char - sent.start_char, e.end_char - sent.start_char):
                chars[i] = " "
        text = self.not_share_re.sub(" ", "".join(chars))  # "a share of £12m"
        services = [s for s in doc.spans.get("services", []) if sent.start <= s.start < sent.end]
        if self.reorg_re.search(text) and not services:
            return False  # a structural merger of whole councils, not a shared service
        if self.share_re.search(text):
            return True
        for sp in self._vehicle_spans(doc, sent):  # "X and Y councils run Mid Kent Services"
            before = {t.lower_ for t in doc[max(sent.start, sp.start - 3) : sp.start]}
            if before & self.vehicle_verbs:
                return True
        return False

    def _arrangement(self, doc: Doc, sent: Span, codes: list[str]) -> dict[str, Any]:
        vehicle, end = self._vehicle(doc, sent)
        scope = doc[sent.start : end]
        services = [
            s.kb_id_
            for s in doc.spans.get("services", [])
            if s.start >= scope.start and s.end <= end
        ]
        saving = self._saving(doc, sent)
        return {
            "councils": codes,
            "partners": self._partners(scope.text),
            "services": list(dict.fromkeys(services)),
            "vehicle": vehicle,
            "saving_gbp": saving["amount_gbp"] if saving else None,
            "period": saving["period"] if saving else None,
            "status": self._status(scope.text),
            "sentence": scope.text,
            "start": scope.start_char,
            "end": scope.end_char,
        }

    def _vehicle_spans(self, doc: Doc, sent: Span) -> list[Span]:
        spans = [doc[s:e] for _, s, e in self.vehicles(sent, as_spans=False)]
        return [doc[sent.start + sp.start : sent.start + sp.end] for sp in filter_spans(spans)]

    def _vehicle(self, doc: Doc, sent: Span) -> tuple[str | None, int]:
        """Return the vehicle's name and the token where the arrangement's scope ends."""
        spans = self._vehicle_spans(doc, sent)
        ents = {t.i for e in doc.ents for t in e}
        for sp in spans:
            while len(sp) > 1 and sp[0].text in self.vehicle_generic:
                sp = sp[1:]
            if all(t.text in self.vehicle_generic for t in sp[:-1]) or len(sp) < 2:
                continue
            if any(t.i in ents for t in sp) and all(t.i in ents for t in sp[:-1]):
                continue
            end = sp.end
            if end < sent.end and doc[end].text == "(":  # "(EKS)"
                close = next(
                    (t.i for t in doc[end : min(end + 6, sent.end)] if t.text == ")"), None
                )
                end = close + 1 if close is not None else end
            if end < sent.end and doc[end].text in self.tail_starts:
                return sp.text, end  # what follows describes the vehicle, not the arrangement
            return sp.text, sent.end
        return None, sent.end

    @staticmethod
    def _saving(doc: Doc, sent: Span) -> dict[str, Any] | None:
        money = [m for m in doc._.money or [] if m["role"] == "saving"]
        same = [m for m in money if sent.start_char <= m["start"] < sent.end_char]
        if same:
            return same[0]
        if sent.start == 0:
            return None
        prev = doc[sent.start - 1].sent
        before = [m for m in money if prev.start_char <= m["start"] < prev.end_char]
        return before[-1] if before else None

    def _status(self, text: str) -> str:
        for status, rx in self.status_res:
            if rx.search(text):
                return status
        return self.default_status

    def _partners(self, text: str) -> list[str]:
        return list(dict.fromkeys(m.group(0) for rx in self.partner_res for m in rx.finditer(text)))


def _merge(results: list[dict[str, Any]], new: dict[str, Any]) -> None:
    """Add ``new``, or fold it into an earlier arrangement of the same councils (a headline
    and the body, or two sentences about one partnership)."""
    for old in results:
        if set(old["councils"]) == set(new["councils"]):
            old["services"] = list(dict.fromkeys(old["services"] + new["services"]))
            old["partners"] = list(dict.fromkeys(old["partners"] + new["partners"]))
            for key in ("vehicle", "saving_gbp", "period"):
                if old[key] is None:
                    old[key] = new[key]
            return
    results.append(new)


@Language.factory("arrangement_extractor", default_config={"data_dir": None})
def make_arrangement_extractor(
    nlp: Language, name: str, data_dir: str | None
) -> ArrangementExtractor:
    """Factory for :class:`ArrangementExtractor`."""
    return ArrangementExtractor(nlp, data_dir)
