"""``councilwatch analyse``: JSON lines in, facts out (spec §6)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline


def decode_line(line: bytes | str) -> str:
    """One line as text: UTF-8 (a BOM on the first line allowed); ``ValueError`` saying
    where the first invalid byte is.

    >>> decode_line(b'{"id": 1}')
    '{"id": 1}'
    >>> decode_line(b'{"id": 1, "text": "caf\\xe9"}')
    Traceback (most recent call last):
    ...
    ValueError: not valid UTF-8 (byte 0xe9 at column 23)
    """
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = line[exc.start]
        raise ValueError(f"not valid UTF-8 (byte 0x{byte:02x} at column {exc.start + 1})") from None


def parse_line(line: bytes | str) -> dict:
    """One document line; raises ``ValueError`` naming what is wrong."""
    line = decode_line(line)
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from exc
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    missing = [key for key in ("id", "text") if key not in doc]
    if missing:
        raise ValueError(f"missing {' and '.join(missing)}")
    if not isinstance(doc["text"], str):
        raise ValueError("text is not a string")
    return doc


def analyse_lines(
    lines: Iterable[bytes | str], *, batch_size: int = 64
) -> Iterator[tuple[str, object]]:
    """Yield ``("result", dict)`` per valid line, ``("error", "N: reason")`` per bad one.

    Lines may be bytes (a file read as it is): each is decoded on its own, so a line
    with invalid UTF-8 is reported and every other line still answered. Results keep
    input order; documents are analysed in batches.
    """
    nlp = build_pipeline()
    numbered = ((n, line) for n, line in enumerate(lines, 1) if line.strip())
    while batch := list(islice(numbered, batch_size)):
        docs = []
        for n, line in batch:
            try:
                docs.append(parse_line(line))
            except ValueError as exc:
                yield "error", f"{n}: {exc}"
        texts = ((doc["text"], doc.get("published")) for doc in docs)
        for doc, facts in zip(docs, analyse_texts(nlp, texts, batch_size=batch_size), strict=True):
            yield "result", {"id": doc["id"], **facts}
