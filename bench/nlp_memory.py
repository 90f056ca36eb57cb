"""NLP memory: how a long ``process`` run's memory grows with the words it meets.

spaCy keeps every string it meets in the vocabulary; real news brings new names, numbers and
typos for ever. This streams ``--articles`` synthetic articles, each with ``--new-words`` words
never seen before plus a council sentence, through ``process``'s batch function (batches of
``--batch``), once with ``VOCAB_LIMIT`` as shipped and once without a limit, each in a fresh
subprocess, and prints the resident memory growth and the vocabulary's size.

Usage (from the repo root):
    .venv/bin/python bench/nlp_memory.py [--articles 4000] [--new-words 150]
"""

from __future__ import annotations

import argparse
import json
import random
import string
import subprocess
import sys


def rss_mb() -> float:
    """Resident memory of this process, in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def run(articles: int, new_words: int, batch: int, limited: bool) -> dict:
    from councilwatch import process
    from councilwatch.nlp import language as nlp_language

    if not limited:
        nlp_language.VOCAB_LIMIT = sys.maxsize
    process.analyse_batch([(0, "Warm-up. Kent County Council.", None)])
    rng = random.Random(1)
    start, councils = rss_mb(), 0
    for first in range(0, articles, batch):
        items = []
        for i in range(first, min(first + batch, articles)):
            words = (
                "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 10)))
                for _ in range(new_words)
            )
            body = " ".join(words) + ". Kent County Council shares IT with Medway Council."
            items.append((i, body, None))
        councils += sum(len(r["councils"]) for r in process.analyse_batch(items))
    return {
        "limit": nlp_language.VOCAB_LIMIT if limited else None,
        "rss_growth_mb": round(rss_mb() - start, 1),
        "strings": len(process._NLP.vocab.strings),
        "councils": councils,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--new-words", type=int, default=150, help="unseen words per article")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--child", choices=["limited", "unlimited"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run(args.articles, args.new_words, args.batch, args.child == "limited")
        print(json.dumps(result))
        return
    print(
        f"{args.articles:,} articles, {args.new_words} unseen words each, batches of {args.batch}"
    )
    print("| vocabulary limit | memory growth | strings kept | council mentions found |")
    print("|---|---|---|---|")
    for child in ("limited", "unlimited"):
        out = subprocess.run(
            [sys.executable, __file__, *sys.argv[1:], "--child", child],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out.splitlines()[-1])
        limit = f"{r['limit']:,}" if r["limit"] else "none"
        print(f"| {limit} | {r['rss_growth_mb']} MB | {r['strings']:,} | {r['councils']:,} |")


if __name__ == "__main__":
    main()
