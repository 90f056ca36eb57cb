"""NLP speed: words/s of the full councilwatch pipeline vs spaCy's tokenizer alone.

Same texts, same run: the gold texts (tests/gold/*.jsonl, plus ../shared/samples/seed-gold.jsonl
when present) replicated to about ``--mb`` megabytes. Prints the median of ``--repeats`` runs
for each and the ratio (full pipeline / tokenizer-only; target >= 0.4).

Usage (from the repo root):
    .venv/bin/python bench/nlp_speed.py [--mb 3] [--repeats 3] [--processes 1]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import time
from pathlib import Path

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.pipeline import build_pipeline

REPO = Path(__file__).resolve().parents[1]
CHUNK = 64

_NLP = None


def load_texts(megabytes: float) -> list[tuple[str, str | None]]:
    files = sorted((REPO / "tests" / "gold").glob("*.jsonl"))
    seed = REPO.parent / "shared" / "samples" / "seed-gold.jsonl"
    files += [seed] if seed.exists() else []
    base = [
        (doc["text"], doc.get("published"))
        for path in files
        for doc in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    ]
    out, size = [], 0
    while size < megabytes * 1e6:
        for item in base:
            out.append(item)
            size += len(item[0].encode("utf-8"))
    return out


def _init() -> None:
    global _NLP
    _NLP = build_pipeline()


def _tokenize(chunk: list[tuple[str, str | None]]) -> int:
    return sum(len(doc) for doc in _NLP.tokenizer.pipe(t for t, _ in chunk))


def _full_only(chunk: list[tuple[str, str | None]]) -> int:
    return sum(1 for _ in analyse_texts(_NLP, chunk, batch_size=CHUNK))


def run(job, texts, processes: int, pool) -> float:
    """Seconds to run ``job`` over all texts."""
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    start = time.perf_counter()
    if processes == 1:
        for chunk in chunks:
            job(chunk)
    else:
        list(pool.imap_unordered(job, chunks))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    texts = load_texts(args.mb)
    _init()
    words = sum(len(doc) for doc in _NLP.tokenizer.pipe(t for t, _ in texts))
    size = sum(len(t.encode("utf-8")) for t, _ in texts)
    pool = None
    if args.processes > 1:
        pool = multiprocessing.get_context("spawn").Pool(args.processes, initializer=_init)
        pool.map(_tokenize, [texts[:1]] * args.processes)  # warm the workers
    tok, full = [], []
    for _ in range(args.repeats):
        tok.append(run(_tokenize, texts, args.processes, pool))
        full.append(run(_full_only, texts, args.processes, pool))
    if pool:
        pool.close()
        pool.join()
    tok_wps = words / statistics.median(tok)
    full_wps = words / statistics.median(full)
    print(f"texts={len(texts)} size={size / 1e6:.1f}MB words={words} processes={args.processes}")
    print(f"tokenizer only : {tok_wps:>10,.0f} words/s (median of {args.repeats})")
    print(f"full pipeline  : {full_wps:>10,.0f} words/s (median of {args.repeats})")
    print(f"ratio          : {full_wps / tok_wps:.2f}")


if __name__ == "__main__":
    main()
