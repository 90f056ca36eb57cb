"""Run the NLP stage over texts and return spec §6 records.

Example:
    >>> from councilwatch.nlp.language import build_pipeline
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
from .councils import LABEL as COUNCIL
from .councils import RECORDS_KEY as COUNCILS_KEY
from .docindex import RECORDS_ONLY_KEY, TEXT_KEY, DocIndex
from .extensions import get_extension, register_extensions, set_extension
from .services import RECORDS_KEY as SERVICES_KEY

__all__ = ["NLP_VERSION", "analyse_texts", "doc_to_record"]


def _clean_date(value: Any) -> str | None:
    if not value:
        return None
    text = str(value)[:10]
    return text if len(text) >= 4 and text[:4].isdigit() else None


def _docs(nlp: Language, items: Iterable[tuple[str, str | None]]) -> Iterator[Doc]:
    register_extensions()
    limit = nlp.max_length
    for text, published in items:
        text = text if isinstance(text, str) else ("" if text is None else str(text))
        text = text[:limit]
        doc = nlp.tokenizer(text)
        doc.user_data[TEXT_KEY] = text  # the tokenizer keeps every character: doc.text == text
        doc.user_data[RECORDS_ONLY_KEY] = True
        set_extension(doc, "published", _clean_date(published))
        yield doc


def doc_to_record(doc: Doc) -> dict[str, Any]:
    """Turn a processed Doc into the record of spec §6 (without ``id``)."""
    ix = DocIndex.of(doc)
    text = ix.text
    councils = doc.user_data.get(COUNCILS_KEY)
    if councils is None:
        councils = [[e.start, e.end, e.kb_id_] for e in doc.ents if e.label_ == COUNCIL]
    services = doc.user_data.get(SERVICES_KEY)
    if services is None:
        services = [[s.start, s.end, s.kb_id_] for s in doc.spans.get("services", [])]
    starts, ends = ix.starts, ix.ends
    return {
        "councils": [
            {"code": code, "text": text[starts[s] : ends[e - 1]], "start": starts[s],
             "end": ends[e - 1], "sentence": ix.sent_text(ix.sent_of_token(s))}
            for s, e, code in councils
        ],
        "money": list(get_extension(doc, "money") or []),
        "services": [
            {"id": sid, "text": text[starts[s] : ends[e - 1]], "start": starts[s],
             "end": ends[e - 1], "sentence": ix.sent_text(ix.sent_of_token(s))}
            for s, e, sid in services
        ],
        "arrangements": list(get_extension(doc, "arrangements") or []),
        "suppliers": list(get_extension(doc, "suppliers") or []),
        "contracts": list(get_extension(doc, "contracts") or []),
    }  # fmt: skip


def analyse_texts(
    nlp: Language, items: Iterable[tuple[str, str | None]], batch_size: int = 64
) -> Iterator[dict[str, Any]]:
    """Yield one record per ``(text, published ISO date or None)`` item, in order.

    Texts longer than ``nlp.max_length`` are cut to it; offsets refer to the given text.
    The components are called directly, one Doc at a time (none of them batches), which
    saves ``Language.pipe``'s per-component generator overhead; ``batch_size`` is kept for
    callers and has no effect on the output.
    """
    components = [proc for _, proc in nlp.pipeline]
    for doc in _docs(nlp, items):
        for proc in components:
            doc = proc(doc)
        yield doc_to_record(doc)
