"""Run the NLP stage over texts and return spec §6 records.

Example:
    >>> from councilwatch.nlp.pipeline import build_pipeline
    >>> nlp = build_pipeline()
    >>> [rec] = analyse_texts(nlp, [("Kent County Council saved £2m.", "2015-01-01")])
    >>> rec["councils"][0]["code"], rec["money"][0]["amount_gbp"]
    ('KEN', 2000000.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from . import NLP_VERSION
from .extensions import register_extensions

__all__ = ["NLP_VERSION", "analyse_texts", "doc_to_record"]


def _clean_date(value: Any) -> str | None:
    if not value:
        return None
    text = str(value)[:10]
    return text if len(text) >= 4 and text[:4].isdigit() else None


def _docs(nlp: Language, items: Iterable[tuple[str, str | None]]) -> Iterator[Doc]:
    register_extensions()
    for text, published in items:
        text = text if isinstance(text, str) else ("" if text is None else str(text))
        doc = nlp.make_doc(text[: nlp.max_length])
        doc._.published = _clean_date(published)
        yield doc


def doc_to_record(doc: Doc) -> dict[str, Any]:
    """Turn a processed Doc into the record of spec §6 (without ``id``)."""
    councils = [
        {"code": e.kb_id_, "text": e.text, "start": e.start_char, "end": e.end_char,
         "sentence": e.sent.text}
        for e in doc.ents
        if e.label_ == "COUNCIL"
    ]  # fmt: skip
    services = [
        {"id": s.kb_id_, "text": s.text, "start": s.start_char, "end": s.end_char,
         "sentence": s.sent.text}
        for s in doc.spans.get("services", [])
    ]  # fmt: skip
    return {
        "councils": councils,
        "money": list(doc._.money or []),
        "services": services,
        "arrangements": list(doc._.arrangements or []),
    }


def analyse_texts(
    nlp: Language, items: Iterable[tuple[str, str | None]], batch_size: int = 64
) -> Iterator[dict[str, Any]]:
    """Yield one record per ``(text, published ISO date or None)`` item, in order.

    Texts longer than ``nlp.max_length`` are cut to it; offsets refer to the given text.
    """
    for doc in nlp.pipe(_docs(nlp, items), batch_size=batch_size):
        yield doc_to_record(doc)
