"""Datasette benchmark: a synthetic corpus of 100,000 articles and 1,000,000 council mentions.

Measures p50 / p95 of three pages through Datasette's in-process client (the
same metadata, plugins and settings as ``councilwatch serve``), with the file opened
read-only as ``councilwatch serve`` does (``mode=ro``, following writes) and immutable
(``-i``, as it did before), and the same SQL run directly with sqlite3 in the same run:

- the council facet: ``/db/council_mentions.json?_facet=code&_size=0``
- a full-text search: ``/db/articles.json?_search=shared+services``
- the ``council_profile`` canned query for the most-named council

Usage (from the repo root; not part of ``make test``)::

    .venv/bin/python bench/datasette_bench.py [--db /tmp/councilwatch-bench.db] [--runs 30]

The database is generated once and reused when it already has the expected size.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import time
from pathlib import Path

from datasette.app import Datasette

from councilwatch.db.datasette_config import datasette_files, datasette_metadata
from councilwatch.db.schema import connect
from councilwatch.reference_data import load_reference_data
from councilwatch.serve import SETTINGS

ARTICLES = 100_000
MENTIONS = 1_000_000
SOURCES = ["computerweekly", "publictechnology", "ukauthority", "theregister", "govtech"]
WORDS = (
    "council councils ict digital transformation contract cloud data "
    "savings budget cabinet report procurement outsourcing partnership platform system "
    "residents online customer revenues benefits waste housing social care network "
    "security breach supplier framework programme million pounds year"
).split()
ROLES = ["saving", "spend", "contract", "funding", "fine", "other"]


def generate(path: Path, seed: int = 5) -> None:
    """Write the synthetic database (Zipf-like council popularity, 2010-2026 dates)."""
    rng = random.Random(seed)
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = connect(path)
    load_reference_data(conn)
    conn.execute("PRAGMA synchronous = OFF")
    codes = [r[0] for r in conn.execute("select code from councils where end_date is null")]
    names = dict(conn.execute("select code, nice_name from councils"))
    services = [r[0] for r in conn.execute("select id from services")]
    rng.shuffle(codes)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(codes))]  # a few councils dominate
    conn.executemany(
        "insert or ignore into sources (name, title) values (?, ?)", [(s, s) for s in SOURCES]
    )

    def body(n: int) -> str:
        words = [rng.choice(WORDS) for _ in range(n)]
        if rng.random() < 0.02:  # about 2% of stories are about shared services
            words.insert(rng.randrange(n), "shared services")
        return " ".join(words).capitalize() + "."

    start = time.perf_counter()
    rows = []
    for i in range(1, ARTICLES + 1):
        day = f"{rng.randint(2010, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        rows.append(
            (
                i,
                f"https://example.org/{i}",
                f"https://example.org/{i}",
                rng.choice(SOURCES),
                body(8),
                body(120),
                f"h{i}",
                f"{day}T09:00:00+00:00",
                "2026-11-28T00:00:00+00:00",
                "bench",
            )
        )
    conn.executemany(
        "insert into articles (id, url, canonical_url, source, title, body, content_hash,"
        " published, fetched_at, nlp_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    print(f"articles: {time.perf_counter() - start:.1f}s")
    picks = rng.choices(codes, weights=weights, k=MENTIONS)
    article_ids = [rng.randint(1, ARTICLES) for _ in range(MENTIONS)]
    conn.executemany(
        'insert into council_mentions (article_id, code, text, start, "end", sentence,'
        " nlp_version) values (?, ?, ?, 0, 10, ?, 'bench')",
        (
            (a, c, names[c], f"{names[c]} Council agreed the shared service.")
            for a, c in zip(article_ids, picks, strict=True)
        ),
    )
    conn.executemany(
        'insert into money_mentions (article_id, amount_gbp, period, role, text, start, "end",'
        " sentence, nlp_version) values (?, ?, 'total', ?, '£1m', 0, 3, 'It costs £1m.', 'b')",
        (
            (rng.randint(1, ARTICLES), rng.choice([1e5, 5e5, 1e6, 4e6, 2.7e7]), rng.choice(ROLES))
            for _ in range(200_000)
        ),
    )
    conn.executemany(
        'insert into service_mentions (article_id, service, text, start, "end", sentence,'
        " nlp_version) values (?, ?, 'IT', 0, 2, 'IT services.', 'b')",
        ((rng.randint(1, ARTICLES), rng.choice(services)) for _ in range(300_000)),
    )
    for n in range(1, 5001):
        conn.execute(
            'insert into arrangements (id, article_id, saving_gbp, period, status, start, "end",'
            " sentence, nlp_version) values (?, ?, ?, 'year', 'live', 0, 10, 'Shared.', 'b')",
            (n, rng.randint(1, ARTICLES), rng.choice([None, 1e6, 4e6])),
        )
        for code in set(rng.choices(codes, weights=weights, k=3)):
            conn.execute("insert or ignore into arrangement_councils values (?, ?)", (n, code))
        conn.execute("insert into arrangement_services values (?, ?)", (n, rng.choice(services)))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"generated in {time.perf_counter() - start:.1f}s")


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def time_sql(path: Path, statements: list[tuple[str, dict]], runs: int) -> list[float]:
    """Run the statements in sequence ``runs`` times on a read-only connection."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.create_function("escape_fts", 1, lambda q: " ".join(f'"{w}"' for w in q.split()))
    samples = []
    for i in range(runs + 2):
        start = time.perf_counter()
        for sql, params in statements:
            conn.execute(sql, params).fetchall()
        if i >= 2:  # two warm-up runs
            samples.append(time.perf_counter() - start)
    conn.close()
    return samples


def time_datasette(ds: Datasette, path: str, runs: int) -> list[float]:
    async def go() -> list[float]:
        samples = []
        for i in range(runs + 2):
            start = time.perf_counter()
            response = await ds.client.get(path)
            assert response.status_code == 200, response.text[:500]
            if i >= 2:
                samples.append(time.perf_counter() - start)
        return samples

    return asyncio.run(go())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/councilwatch-bench.db"))
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    path = args.db
    if args.regenerate or not path.exists() or _count(path) != MENTIONS:
        generate(path)
    connect(path).close()  # apply the current views and indexes
    from datasette.app import Datasette

    files = datasette_files()
    name = path.stem
    options = {
        "metadata": datasette_metadata(path),
        "template_dir": str(files["templates"]),
        "plugins_dir": str(files["plugins"]),
        "settings": SETTINGS,
    }
    servers = {
        "read-only": Datasette(files=[str(path)], **options),
        "immutable": Datasette(immutables=[str(path)], **options),
    }
    with sqlite3.connect(path) as conn:
        (top,) = conn.execute(
            "select code from council_mentions group by code order by count(*) desc limit 1"
        ).fetchone()
    match = "rowid in (select rowid from articles_fts where articles_fts match escape_fts(:q))"
    q = {"q": "shared services"}
    metadata = datasette_metadata(path)["databases"][name]
    profile_sql = metadata["queries"]["council_profile"]["sql"]
    cases = [
        (
            "council facet",
            f"/{name}/council_mentions.json?_facet=code&_size=0",
            [
                ("select count(*) from council_mentions", {}),
                (
                    "select code as value, count(*) as count from council_mentions"
                    " where code is not null group by code order by count desc, value limit 31",
                    {},
                ),
                (
                    "select code, nice_name from councils where code in (select code from councils limit 30)",
                    {},
                ),
            ],
        ),
        (
            "FTS search",
            f"/{name}/articles.json?_search=shared+services&_size=50",
            [
                (f"select * from articles where {match} order by published desc limit 51", q),
                (f"select count(*) from articles where {match}", q),
            ]
            + [  # the articles table's default facets, over the matches
                (
                    f"select {col} as value, count(*) as count from articles where {match}"
                    f" and {col} is not null group by {col} order by count desc, value limit 31",
                    q,
                )
                for col in ("source", "section")
            ],
        ),
        (
            f"council_profile ({top})",
            f"/{name}/council_profile.json?code={top}&_shape=array",
            [(profile_sql, {"code": top})],
        ),
    ]
    print(f"{path}: {ARTICLES:,} articles, {MENTIONS:,} council mentions; {args.runs} runs each")
    print("| request | file opened | Datasette p50 | p95 | raw SQL p50 | p95 | ratio (p50) |")
    print("|---|---|---|---|---|---|---|")
    for label, url, statements in cases:
        r50, r95 = percentiles(time_sql(path, statements, args.runs))
        for mode, ds in servers.items():
            d50, d95 = percentiles(time_datasette(ds, url, args.runs))
            print(
                f"| {label} | {mode} | {d50:.0f} ms | {d95:.0f} ms | {r50:.0f} ms |"
                f" {r95:.0f} ms | {d50 / r50:.2f}× |"
            )


def _count(path: Path) -> int:
    try:
        with sqlite3.connect(path) as conn:
            return conn.execute("select count(*) from council_mentions").fetchone()[0]
    except sqlite3.Error:
        return -1


if __name__ == "__main__":
    main()
