"""``councilwatch eval GOLD.jsonl ...``: run the NLP stage on gold documents and score it.

Example (from the repo root):
    $ councilwatch eval tests/gold/*.jsonl --show-errors
    councils      P=0.990 R=0.980 F1=0.985 (tp=.. fp=.. fn=..)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from councilwatch.nlp.evaluate import (
    error_report,
    format_error_report,
    linked_arrangements,
    load_docs,
    score,
)


def predict(gold: dict[str, dict[str, Any]], batch_size: int = 64) -> dict[str, dict[str, Any]]:
    """Run the pipeline over the gold documents' texts; predictions keyed by id."""
    # imported here: loading spaCy costs every other command a second at start-up
    from councilwatch.nlp.analyse import analyse_texts
    from councilwatch.nlp.language import build_pipeline

    nlp = build_pipeline()
    items = [(d["text"], d.get("published")) for d in gold.values()]
    records = analyse_texts(nlp, items, batch_size=batch_size)
    return {doc_id: {"id": doc_id, **rec} for doc_id, rec in zip(gold, records, strict=True)}


def evaluate_files(
    paths: list[str | Path], show_errors: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """Score the NLP stage on the union of the gold files (ids must be unique).

    The result also has ``arrangements_linked`` (arrangements scored over the gold ones whose
    councils were all linked); the error lines are the report grouped by field and kind.
    """
    gold = load_docs(paths)
    pred = predict(gold)
    result, _ = score(gold, pred)
    result["arrangements_linked"] = linked_arrangements(gold, pred)
    errors = format_error_report(error_report(gold, pred)) if show_errors else []
    return result, errors
