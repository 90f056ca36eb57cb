"""Storage alone: ``store.store_articles`` in batches of 100 against a raw ``executemany``
of the same article and raw-page rows into the same schema, medians of 3 in one run.

The store stage of ``bench/e2e.py`` without the crawl before it (generated articles of
~400 words with a ~7 KB page each), for a quick look at what a change to ``db/store.py``
costs. Both sides gzip the page and build the article row the same way.

Usage (from the repo root; not part of ``make test``)::

    .venv/bin/python bench/store_bench.py --articles 2000
    .venv/bin/python bench/store_bench.py --articles 5000 --against e66f3f7~1

``--against REV`` also times ``db/store.py`` as it was at git revision ``REV`` (its
``store_articles``, into today's schema) in the same run, e.g. the hand-written store
before sqlite-utils did its upserts.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path

from councilwatch.db import store
from councilwatch.db.schema import connect

BATCH = 100
WORDS = "council camden islington shared service saving million contract ict digital".split()


def records(count: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(400)) + f" Story {i}."
        page = f"<html><body><article><p>{body}</p></article></body></html>".encode() * 3
        rows.append(
            {"url": f"https://example.org/news/{i}/?utm_source=rss",
             "canonical_url": f"https://example.org/news/{i}/", "source": "bench",
             "title": f"Story {i}", "body": body, "published": "2020-01-01",
             "fetched_at": "2026-01-01T00:00:00+00:00", "raw_html": page,
             "content_type": "text/html"}
        )  # fmt: skip
    return rows


def store_at(rev: str) -> Callable:
    """``store_articles`` of ``db/store.py`` as it was at git revision ``rev``."""
    source = subprocess.run(
        ["git", "show", f"{rev}:db/store.py"], capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType(f"store_at_{rev}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    # its imports of the package's modules, made absolute
    exec(source.replace("from .", "from councilwatch.db."), module.__dict__)  # noqa: S102
    return module.store_articles


def time_store(
    path: Path, rows: list[dict], store_articles: Callable = store.store_articles
) -> float:
    conn = connect(path)
    store.ensure_source(conn, "bench")
    start = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        store_articles(conn, rows[i : i + BATCH])
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def time_floor(path: Path, rows: list[dict]) -> float:
    conn = connect(path)
    store.ensure_source(conn, "bench")
    columns = ("id", *store.ARTICLE_COLUMNS)
    article_sql = (
        f"INSERT INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )
    raw_sql = "INSERT INTO raw_pages (article_id, content_type, html_gz) VALUES (?, ?, ?)"
    start = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        batch = list(enumerate(rows[i : i + BATCH], start=i + 1))
        built = [(n, store._article_row(r)) for n, r in batch]
        articles = [(n, *(row[c] for c in columns[1:])) for n, row in built]
        pages = [(n, r["content_type"], store.compress_page(r["raw_html"])) for n, r in batch]
        with conn:
            conn.executemany(article_sql, articles)
            conn.executemany(raw_sql, pages)
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--against", metavar="REV", help="also time db/store.py at git REV")
    args = parser.parse_args()
    rows = records(args.articles)
    old = store_at(args.against) if args.against else None
    folder = Path(tempfile.mkdtemp(prefix="store-bench-"))
    ours, floor, then = [], [], []
    for k in range(args.repeats):
        floor.append(time_floor(folder / f"floor-{k}.db", rows))
        ours.append(time_store(folder / f"store-{k}.db", rows))
        if old is not None:
            then.append(time_store(folder / f"then-{k}.db", rows, old))
    ours_s, floor_s = statistics.median(ours), statistics.median(floor)
    print(
        f"{args.articles} articles, medians of {args.repeats}: store_articles {ours_s:.2f} s "
        f"({args.articles / ours_s:.0f}/s), executemany {floor_s:.2f} s "
        f"({args.articles / floor_s:.0f}/s): ratio {floor_s / ours_s:.2f}×"
    )
    if old is not None:
        then_s = statistics.median(then)
        print(
            f"store_articles at {args.against}: {then_s:.2f} s ({args.articles / then_s:.0f}/s):"
            f" ratio {floor_s / then_s:.2f}× (today's against it: {then_s / ours_s:.2f}×)"
        )


if __name__ == "__main__":
    main()
