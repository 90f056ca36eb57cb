"""Service-type tagging with the project's taxonomy (spec §3).

Spans go to ``doc.spans["services"]`` with label ``SERVICE`` and ``kb_id_`` = taxonomy id.

Example:
    >>> from councilwatch.nlp.language import build_pipeline
    >>> doc = build_pipeline()("They share IT support and telephony systems.")
    >>> [(s.text, s.kb_id_) for s in doc.spans["services"]]
    [('IT support', 'it_support'), ('telephony systems', 'telephony')]
"""

from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .docindex import DocIndex, filter_ranges, records_only
from .gazetteer import DATA_DIR
from .service_forms import with_number_variants
from .service_senses import ServiceSenses

LABEL = "SERVICE"
RECORDS_KEY = "councilwatch.services"  # [start token, end token, taxonomy id], in text order


def load_service_patterns(data_dir: Path | None = None) -> list[dict]:
    """Return the taxonomy phrases: ``{"id", "pattern", "case"}`` dicts.

    Example:
        >>> any(p["pattern"] == "disaster recovery" for p in load_service_patterns())
        True
    """
    path = Path(data_dir or DATA_DIR) / "services.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class ServiceTagger:
    """Match taxonomy phrases: case-insensitive, except acronyms such as "IT" or "CRM"."""

    def __init__(self, nlp: Language, data_dir: str | None = None) -> None:
        patterns = with_number_variants(load_service_patterns(Path(data_dir) if data_dir else None))
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for p in patterns:
            matcher = self.exact if p["case"] else self.lower
            matcher.add(p["id"], [nlp.make_doc(p["pattern"])])
        phrases = [
            ([t.text for t in nlp.make_doc(p["pattern"])], p["id"], p["case"]) for p in patterns
        ]
        self.senses = ServiceSenses(Path(data_dir) if data_dir else None, phrases)

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        matched = filter_ranges(
            [(s, e, k) for matcher in (self.lower, self.exact) for k, s, e in matcher(doc)]
        )
        found = [(s, e, strings[k]) for s, e, k in matched]
        if len(doc):
            found = self.senses.apply(DocIndex.of(doc), found)
        doc.user_data[RECORDS_KEY] = [[s, e, k] for s, e, k in found]
        if not records_only(doc):
            doc.spans["services"] = [Span(doc, s, e, label=LABEL, kb_id=k) for s, e, k in found]
        return doc


@Language.factory("service_tagger", default_config={"data_dir": None})
def make_service_tagger(nlp: Language, name: str, data_dir: str | None) -> ServiceTagger:
    """Factory for :class:`ServiceTagger`."""
    return ServiceTagger(nlp, data_dir)
