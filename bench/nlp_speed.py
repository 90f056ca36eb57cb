"""NLP speed: words/s of the full councilwatch pipeline vs spaCy's tokenizer alone.

All sides run in the same process on the same texts, alternating, and the median of
``--repeats`` runs of each is compared. Three sides:

- spaCy's tokenizer alone: the tokenizer of ``spacy.blank("en")`` as shipped;
- the councilwatch tokenizer alone: the same rules, keeping 100,000 chunks in its cache
  instead of 10,000 (``nlp.language.TOKENIZER_CACHE``);
- the full pipeline: ``analyse_texts`` (tokenizer, the five components and the records).

"ratio" is full pipeline / spaCy's tokenizer (target >= 0.4); "components" is full
pipeline / councilwatch tokenizer, what the components cost on top of tokenizing.

Three corpora are measured, each repeated in order up to about ``--mb`` megabytes:

``news``  English article bodies of real published news: the pages of the article-extraction
          benchmark in ../shared/reference/article-extraction (pages that are not English are
          left out): general news, with few facts for the pipeline.
``seed``  the seed article (../shared/samples): real UK council IT news, dense in facts.
``gold``  the project's gold texts (tests/gold/*.jsonl): short articles written to pack about
          3 councils, 2 amounts and 3-4 services into every 120 words, with a small
          vocabulary. The components' worst case and the tokenizer's best.

``news`` and ``seed`` are skipped, with a message, when ../shared is absent.
Each table row also gives the facts found per 1,000 words (councils + amounts + services).

A tokenizer's speed depends on its cache: spaCy keeps the tokens of at most
``max_cache_size`` whitespace-separated chunks, and caches nothing in a Doc after its first
special case ("it's", "Inc."). Any run over more than a few hundred articles fills spaCy's
default cache, so before timing both tokenizers' caches are filled with the paragraphs of
the ``news`` texts (when ../shared is there; without it each corpus fills the caches itself,
the tokenizers' best case). Then every text is run once through every side.

Usage (from the repo root):
    .venv/bin/python bench/nlp_speed.py [--mb 3] [--repeats 3] [--processes 1] [--corpus news]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.lang.en.stop_words import STOP_WORDS

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CHUNK = 64
FACTS = ("councils", "money", "services")

Texts = list[tuple[str, str | None]]

_NLP = None
_SPACY = None


def is_english(text: str, share: float = 0.3) -> bool:
    """Whether at least ``share`` of the words are English stop words.

    >>> is_english("The council said it would share its IT team."), is_english("Die Stadt und das")
    (True, False)
    """
    words = text.lower().split()
    return bool(words) and sum(w in STOP_WORDS for w in words) / len(words) >= share


def news_texts() -> Texts | None:
    """The English real-news bodies, or ``None`` without ../shared."""
    truth = SHARED / "reference" / "article-extraction" / "ground-truth.json"
    if not truth.exists():
        return None
    pages = json.loads(truth.read_text(encoding="utf-8")).values()
    return [(p["articleBody"], None) for p in pages if is_english(p["articleBody"])]


def jsonl_texts(paths: list[Path]) -> Texts:
    """``(text, published)`` of every document in gold-format JSONL files."""
    texts: Texts = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            texts.append((doc["text"], doc.get("published")))
    return texts


def seed_texts() -> Texts | None:
    """The seed article, or ``None`` without ../shared."""
    seed = SHARED / "samples" / "seed-gold.jsonl"
    return jsonl_texts([seed]) if seed.exists() else None


def gold_texts() -> Texts:
    """The texts of the project's gold set."""
    return jsonl_texts(sorted((REPO / "tests" / "gold").glob("*.jsonl")))


CORPORA: dict[str, Callable[[], Texts | None]] = {
    "news": news_texts,
    "seed": seed_texts,
    "gold": gold_texts,
}


def repeat_to(texts: Texts, megabytes: float) -> Texts:
    """``texts`` repeated in order until they reach ``megabytes`` (at least once)."""
    out, size = [], 0
    while not out or size < megabytes * 1e6:
        for item in texts:
            out.append(item)
            size += len(item[0].encode("utf-8"))
    return out


def _init(fill: Texts | None = None) -> None:
    """Build the pipeline and a stock spaCy tokenizer; fill both caches with ``fill``."""
    global _NLP, _SPACY
    _NLP = build_pipeline()
    _SPACY = spacy.blank("en")
    for tokenizer in (_NLP.tokenizer, _SPACY.tokenizer):
        for _ in tokenizer.pipe(p for t, _ in fill or [] for p in t.split("\n")):
            pass


def _spacy_tokenize(chunk: Texts) -> int:
    return sum(len(doc) for doc in _SPACY.tokenizer.pipe(t for t, _ in chunk))


def _tokenize(chunk: Texts) -> int:
    return sum(len(doc) for doc in _NLP.tokenizer.pipe(t for t, _ in chunk))


def _full(chunk: Texts) -> int:
    return sum(1 for _ in analyse_texts(_NLP, chunk, batch_size=CHUNK))


def _facts(chunk: Texts) -> int:
    return sum(len(rec[k]) for rec in analyse_texts(_NLP, chunk) for k in FACTS)


def run(job: Callable[[Texts], int], texts: Texts, pool) -> tuple[float, int]:
    """Seconds to run ``job`` over all texts (in chunks), and the sum of its results."""
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    start = time.perf_counter()
    total = sum(pool.imap_unordered(job, chunks) if pool else map(job, chunks))
    return time.perf_counter() - start, total


def measure(name: str, texts: Texts, repeats: int, pool) -> str:
    """One Markdown table row: corpus, size, density, the three speeds and the ratios."""
    _, words = run(_spacy_tokenize, texts, pool)  # warm-up of every side
    run(_tokenize, texts, pool)
    _, facts = run(_facts, texts, pool)
    times: dict[Callable[[Texts], int], list[float]] = {
        _spacy_tokenize: [],
        _tokenize: [],
        _full: [],
    }
    for _ in range(repeats):
        for job, seconds in times.items():
            seconds.append(run(job, texts, pool)[0])
    spacy_wps, own_wps, full_wps = (words / statistics.median(t) for t in times.values())
    size = sum(len(t.encode("utf-8")) for t, _ in texts) / 1e6
    return (
        f"| {name} | {len(texts):,} texts, {size:.1f} MB, {words:,} words "
        f"| {facts / words * 1000:.0f} | {spacy_wps:,.0f} | {own_wps:,.0f} | {full_wps:,.0f} "
        f"| **{full_wps / spacy_wps:.2f}** | {full_wps / own_wps:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=3.0, help="size of each corpus (default 3)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per side (default 3)")
    parser.add_argument("--processes", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--corpus", choices=sorted(CORPORA), action="append", help="corpus to run (default: all)"
    )
    args = parser.parse_args()
    fill, pool = news_texts(), None
    if args.processes > 1:
        context = multiprocessing.get_context("spawn")
        pool = context.Pool(args.processes, initializer=_init, initargs=(fill,))
    else:
        _init(fill)
    cache = "filled with the news paragraphs" if fill else "filled by each corpus"
    print(f"processes={args.processes}, median of {args.repeats}, tokenizer caches {cache}")
    print("| corpus | texts | facts per 1,000 words | spaCy tokenizer, words/s "
          "| councilwatch tokenizer, words/s | full pipeline, words/s | ratio | components |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    try:
        for name in args.corpus or list(CORPORA):
            texts = CORPORA[name]()
            if texts is None:
                print(f"| {name} | skipped: ../shared is not beside the repo | | | | | | |")
                continue
            print(measure(name, repeat_to(texts, args.mb), args.repeats, pool), flush=True)
    finally:
        if pool:
            pool.close()
            pool.join()


if __name__ == "__main__":
    main()
