"""Datasette benchmark: a synthetic corpus of 100,000 articles and 1,000,000 council mentions
(``--scale 5``: 500,000 and 5,000,000).

Measures p50 / p95 of the published pages through Datasette's in-process client
(the same metadata, plugins and settings as ``councilwatch serve``; the file opened
read-only as ``councilwatch serve`` does, ``mode=ro``, or immutable with
``--mode immutable``), and the same SQL run directly with sqlite3, each page request
followed by a run of its SQL so that both see the same moment of the machine:

- the council facet: ``/db/council_mentions.json?_facet_council=code&_size=0``
- the home dashboard, unfiltered and with each filter (all six panels)
- the council page of the most-named council, and finding it by name
- the supplier page of the supplier with the most contracts, finding it by name, and
  the SQL of the dashboard's two supplier panels alone (unfiltered and with each
  filter; the dashboard cases above measure them inside the whole page)
- a full-text search and the ``council_profile`` canned query

Usage (from the repo root; not part of ``make test``)::

    .venv/bin/python bench/datasette_bench.py [--scale 1] [--db PATH] [--runs 30] [--only facet]

The full table of BENCHMARKS.md ("The analyst's pages"): ``--runs 30``, then
``--scale 5 --runs 30 --only facet`` for the council facet at 5,000,000 mentions.

The database is generated once per scale and reused when it already has the expected size;
one without contracts (made before the supplier tables) gets its suppliers, contracts and
register awards added (:data:`CONTRACTS` contracts, :data:`AWARDS` awards).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from datasette.app import Datasette

from councilwatch.db.council_names import CouncilIndex
from councilwatch.db.council_page import (
    ARRANGEMENTS_SQL,
    AWARDS_SQL,
    CONTRACTS_SQL,
    COUNCIL_SQL,
    COVERAGE_SQL,
    MONEY_ROLES_SQL,
    MONEY_SQL,
    PARTNER_BODIES_SQL,
    PARTNERS_SQL,
    PREDECESSORS_SQL,
    SERVICES_SQL,
    SUCCESSORS_SQL,
    TOTALS_SQL,
    articles_sql,
)
from councilwatch.db.dashboard import OPTIONS_SQL, Filters, panel_sql
from councilwatch.db.datasette_config import datasette_files, datasette_metadata
from councilwatch.db.schema import connect
from councilwatch.db.summaries import drop_summaries, refill_summaries
from councilwatch.db.supplier_page import (
    AWARDS_SQL as AWARDS_SQL_SUPPLIER,
)
from councilwatch.db.supplier_page import (
    CONTRACTS_SQL as CONTRACTS_SQL_SUPPLIER,
)
from councilwatch.db.supplier_page import (
    COUNCILS_SQL,
    NAMES_SQL,
    SUBSIDIARIES_SQL,
    SUPPLIER_SQL,
    TOTAL_ARTICLES_SQL,
    find_suppliers,
)
from councilwatch.db.supplier_page import (
    COVERAGE_SQL as COVERAGE_SQL_SUPPLIER,
)
from councilwatch.db.supplier_page import (
    articles_sql as supplier_articles_sql,
)
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
#: Money sentences: (share, template); {name} is a council named in the same sentence.
MONEY_SENTENCES = [
    (0.35, "{name} Council expects the shared service to save £1m a year."),
    (0.15, "The council expects to save £1m a year."),
    (0.10, "Councils across the UK could save £1m by sharing."),
    (0.40, "It costs £1m."),
]
#: Per scale: press contracts (1-2 councils each), supplier mentions, register awards.
CONTRACTS = 20_000
SUPPLIER_MENTIONS = 200_000
AWARDS = 10_000
STATUSES = ["awarded", "awarded", "extended", "tendered", "ended", "terminated", "insourced"]
Work = Callable[[sqlite3.Connection], None]


def generate(path: Path, scale: int, body_words: int = 120, seed: int = 5) -> None:
    """Write the synthetic database (Zipf-like council popularity, 2010-2026 dates)."""
    rng = random.Random(seed)
    articles, mentions = ARTICLES * scale, MENTIONS * scale
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = connect(path)
    load_reference_data(conn)
    conn.execute("PRAGMA synchronous = OFF")
    drop_summaries(conn)  # bulk load without their triggers; refilled from the facts below
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
    batch = []
    for i in range(1, articles + 1):
        day = f"{rng.randint(2010, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        batch.append(
            (i, f"https://example.org/{i}", f"https://example.org/{i}", rng.choice(SOURCES),
             body(8), body(body_words), f"h{i}", f"{day}T09:00:00+00:00",
             "2026-11-28T00:00:00+00:00", "bench")
        )  # fmt: skip
        if len(batch) == 50_000 or i == articles:
            conn.executemany(
                "insert into articles (id, url, canonical_url, source, title, body, content_hash,"
                " published, fetched_at, nlp_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            batch = []
    conn.commit()
    print(f"articles: {time.perf_counter() - start:.1f}s", flush=True)
    money, named = [], []
    shares = [share for share, _ in MONEY_SENTENCES]
    for _ in range(200_000 * scale):
        article = rng.randint(1, articles)
        (template,) = rng.choices([t for _, t in MONEY_SENTENCES], weights=shares)
        code = rng.choices(codes, weights=weights)[0]
        sentence = template.format(name=names[code])
        if "{name}" in template:
            named.append((article, code, names[code], sentence))
        money.append(
            (article, rng.choice([1e5, 5e5, 1e6, 4e6, 2.7e7]), rng.choice(ROLES), sentence)
        )
    picks = rng.choices(codes, weights=weights, k=mentions - len(named))
    conn.executemany(
        'insert into council_mentions (article_id, code, text, start, "end", sentence,'
        " nlp_version) values (?, ?, ?, 0, 10, ?, 'bench')",
        [
            *named,
            *(
                (rng.randint(1, articles), c, names[c], f"{names[c]} Council agreed the plan.")
                for c in picks
            ),
        ],
    )
    conn.executemany(
        'insert into money_mentions (article_id, amount_gbp, period, role, text, start, "end",'
        " sentence, nlp_version) values (?, ?, 'year', ?, '£1m', 0, 3, ?, 'b')",
        money,
    )
    conn.executemany(
        'insert into service_mentions (article_id, service, text, start, "end", sentence,'
        " nlp_version) values (?, ?, 'IT', 0, 2, 'IT services.', 'b')",
        ((rng.randint(1, articles), rng.choice(services)) for _ in range(300_000 * scale)),
    )
    for n in range(1, 5000 * scale + 1):
        conn.execute(
            'insert into arrangements (id, article_id, saving_gbp, period, status, start, "end",'
            " sentence, nlp_version) values (?, ?, ?, 'year', 'live', 0, 10, 'Shared.', 'b')",
            (n, rng.randint(1, articles), rng.choice([None, 1e6, 4e6])),
        )
        for code in set(rng.choices(codes, weights=weights, k=3)):
            conn.execute("insert or ignore into arrangement_councils values (?, ?)", (n, code))
        conn.execute("insert into arrangement_services values (?, ?)", (n, rng.choice(services)))
    conn.commit()
    refill_summaries(conn)
    conn.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - start:.1f}s", flush=True)


def add_contracts(path: Path, scale: int, seed: int = 7) -> None:
    """Add suppliers' mentions, press contracts (with councils and services) and register
    awards (buyers and suppliers linked) to a generated database that has none."""
    rng = random.Random(seed)
    conn = connect(path)
    load_reference_data(conn)
    conn.execute("PRAGMA synchronous = OFF")
    suppliers = [r[0] for r in conn.execute("select id from suppliers order by id")]
    codes = [r[0] for r in conn.execute("select code from councils where end_date is null")]
    services = [r[0] for r in conn.execute("select id from services")]
    (articles,) = conn.execute("select max(id) from articles").fetchone()
    rng.shuffle(suppliers)
    rng.shuffle(codes)
    s_weights = [1 / (rank + 1) for rank in range(len(suppliers))]
    c_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(codes))]
    conn.executemany(
        'insert into supplier_mentions (article_id, supplier_id, text, start, "end", sentence,'
        " nlp_version) values (?, ?, 'Capita', 0, 6, 'The supplier won.', 'bench')",
        (
            (rng.randint(1, articles), rng.choices(suppliers, weights=s_weights)[0])
            for _ in range(SUPPLIER_MENTIONS * scale)
        ),
    )
    for n in range(1, CONTRACTS * scale + 1):
        years = rng.choice([None, 3, 5, 7, 10])
        start = rng.choice([None, f"{rng.randint(2008, 2026)}", f"{rng.randint(2008, 2026)}-04"])
        conn.execute(
            'insert into contracts (id, article_id, supplier_id, value_gbp, period, years,'
            ' start_date, status, start, "end", sentence, nlp_version)'
            " values (?, ?, ?, ?, ?, ?, ?, ?, 0, 40, 'The council signed a contract.', 'b')",
            (n, rng.randint(1, articles), rng.choices(suppliers, weights=s_weights)[0],
             rng.choice([None, 2e6, 1.2e7, 4.8e7]), rng.choice(["total", "year"]), years, start,
             rng.choice(STATUSES)),
        )  # fmt: skip
        for code in set(rng.choices(codes, weights=c_weights, k=rng.choice([1, 1, 2]))):
            conn.execute("insert into contract_councils values (?, ?)", (n, code))
        conn.execute("insert into contract_services values (?, ?)", (n, rng.choice(services)))
    for n in range(1, AWARDS * scale + 1):
        year = rng.randint(2015, 2026)
        conn.execute(
            "insert into awards (ocid, award_id, source, release_id, release_date_utc, buyer_name,"
            " buyer_code, buyer_link, title, status, value, currency, date, contract_start,"
            " contract_end) values (?, '1', 'contracts-finder', ?, ?, 'A council', ?,"
            " 'identifier', 'IT services', 'active', ?, 'GBP', ?, ?, ?)",
            (f"ocds-bench-{n}", f"r{n}", f"{year}-01-01T00:00:00Z",
             rng.choices(codes, weights=c_weights)[0], rng.choice([2e6, 1.2e7, 4.8e7]),
             f"{year}-01-15", f"{year}-04-01", f"{year + rng.choice([3, 5, 7])}-03-31"),
        )  # fmt: skip
        conn.execute(
            "insert into award_suppliers (ocid, award_id, position, name, supplier_id,"
            " supplier_link) values (?, '1', 0, 'A supplier', ?, 'name')",
            (f"ocds-bench-{n}", rng.choices(suppliers, weights=s_weights)[0]),
        )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def multiply_mentions(source: Path, target: Path, copies: int) -> None:
    """``target``: ``source`` with every council mention stored ``copies`` times (a quick
    way to many mentions; the summary tables are rebuilt from them)."""
    import shutil

    shutil.copy(source, target)
    conn = connect(target)
    drop_summaries(conn)
    for _ in range(copies - 1):
        conn.execute(
            'insert into council_mentions (article_id, code, text, start, "end", sentence,'
            ' nlp_version) select article_id, code, text, start, "end", sentence, nlp_version'
            f" from council_mentions where id <= {MENTIONS}"
        )
    conn.commit()
    refill_summaries(conn)
    conn.close()
    with sqlite3.connect(target) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def raw_connection(path: Path, mode: str) -> sqlite3.Connection:
    """A read-only (or immutable) connection with the SQL functions the published pages use."""
    flag = "mode=ro" if mode == "read-only" else "immutable=1"
    conn = sqlite3.connect(f"file:{path}?{flag}", uri=True)
    conn.create_function("escape_fts", 1, lambda q: " ".join(f'"{w}"' for w in q.split()))
    conn.create_function("council_code", 1, CouncilIndex.from_connection(conn).code_for)
    return conn


def time_raw(path: Path, work: Work, runs: int, mode: str) -> list[float]:
    """Run ``work(conn)`` (SQL, and the Python a page does around it) ``runs`` times."""
    conn = raw_connection(path, mode)
    samples = []
    for i in range(runs + 2):
        start = time.perf_counter()
        work(conn)
        if i >= 2:  # two warm-up runs
            samples.append(time.perf_counter() - start)
    conn.close()
    return samples


def statements(pairs: list[tuple[str, dict | list]]) -> Work:
    def work(conn: sqlite3.Connection) -> None:
        for sql, params in pairs:
            conn.execute(sql, params).fetchall()

    return work


def time_pair(
    ds: Datasette, url: str, path: Path, work: Work, runs: int, mode: str
) -> tuple[list[float], list[float]]:
    """The page at ``url`` and its SQL ``work`` run directly, ``runs`` times each,
    alternating (after two warm-up runs of each), so that both see the same machine: on a
    noisy one, the SQL alone timed a minute apart from the page varies as much as what the
    page adds to it."""
    # the SQL runs on a thread of its own (some works run an event loop of their own),
    # timed there, so the hop between threads is in neither figure
    pool = ThreadPoolExecutor(1)
    conn = pool.submit(raw_connection, path, mode).result()

    def timed_work() -> float:
        start = time.perf_counter()
        work(conn)
        return time.perf_counter() - start

    async def go() -> tuple[list[float], list[float]]:
        page, raw = [], []
        loop = asyncio.get_running_loop()
        for i in range(runs + 2):
            start = time.perf_counter()
            response = await ds.client.get(url)
            assert response.status_code in (200, 302), (url, response.text[:500])
            seconds = time.perf_counter() - start
            sql = await loop.run_in_executor(pool, timed_work)
            if i >= 2:
                page.append(seconds)
                raw.append(sql)
        return page, raw

    try:
        return asyncio.run(go())
    finally:
        pool.submit(conn.close).result()
        pool.shutdown()


def dashboard_work(filters: dict[str, str]) -> Work:
    f = Filters.from_args(filters)
    pairs = [
        (sql, {k: v for k, v in f.params().items() if f":{k}" in sql})
        for sql in panel_sql(f).values()
    ]
    return statements(pairs + [(sql, {}) for sql in OPTIONS_SQL.values()])


def council_page_work(code: str, articles: int, roles: list[str]) -> Work:
    """The SQL of the council page of ``code`` (named in ``articles`` articles, with pound
    figures of ``roles``), as ``council_page_data`` runs it."""
    by_position = (COUNCIL_SQL, COVERAGE_SQL, PREDECESSORS_SQL, SUCCESSORS_SQL, TOTALS_SQL,
                   PARTNERS_SQL, PARTNER_BODIES_SQL)  # fmt: skip
    pairs: list = [(sql, [code]) for sql in by_position]
    by_name = (articles_sql(articles), MONEY_ROLES_SQL, SERVICES_SQL, ARRANGEMENTS_SQL,
               CONTRACTS_SQL, AWARDS_SQL)  # fmt: skip
    pairs += [(sql, {"code": code}) for sql in by_name]
    pairs += [(MONEY_SQL, {"code": code, "role": role}) for role in roles]
    return statements(pairs)


def supplier_page_work(supplier_id: str, articles: int) -> Work:
    by_position = (SUPPLIER_SQL, COVERAGE_SQL_SUPPLIER, TOTAL_ARTICLES_SQL)
    pairs: list = [(sql, [supplier_id]) for sql in by_position]
    pairs += [(NAMES_SQL, [supplier_id, ""]), (SUBSIDIARIES_SQL, ["", supplier_id])]
    pairs += [
        (sql, {"id": supplier_id})
        for sql in (
            COUNCILS_SQL,
            CONTRACTS_SQL_SUPPLIER,
            AWARDS_SQL_SUPPLIER,
            supplier_articles_sql(articles),
        )
    ]
    return statements(pairs)


def supplier_search_work(name: str) -> Work:
    def work(conn: sqlite3.Connection) -> None:
        conn.row_factory = sqlite3.Row

        async def run(sql: str, params: Any) -> list:
            return conn.execute(sql, params).fetchall()

        assert len(asyncio.run(find_suppliers(run, name))) == 1
        conn.row_factory = None

    return work


def supplier_panels_work(filters: dict[str, str]) -> Work:
    f = Filters.from_args(filters)
    sql = panel_sql(f)
    pairs = [
        (sql[name], {k: v for k, v in f.params().items() if f":{k}" in sql[name]})
        for name in ("suppliers_by_councils", "suppliers_by_value")
    ]
    return statements(pairs)


def name_search_work(name: str) -> Work:
    def work(conn: sqlite3.Connection) -> None:
        assert len(CouncilIndex.from_connection(conn).find(name)) == 1

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="1: 100k articles, 1M mentions")
    parser.add_argument("--db", type=Path, help="default /tmp/councilwatch-bench[-xN].db")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--body-words", type=int, default=120, help="words per generated article body"
    )
    parser.add_argument(
        "--mode",
        choices=["read-only", "immutable"],
        default="read-only",
        help="how Datasette and the raw SQL open the file (serve: read-only)",
    )
    parser.add_argument("--only", action="append", help="only cases whose label has this word")
    parser.add_argument(
        "--mention-copies",
        type=int,
        default=1,
        help="serve a copy of the scale-1 database with each council mention stored N times",
    )
    args = parser.parse_args()
    suffix = "" if args.scale == 1 else f"-x{args.scale}"
    path = args.db or Path(f"/tmp/councilwatch-bench{suffix}.db")
    if args.regenerate or not path.exists() or _count(path) != MENTIONS * args.scale:
        generate(path, args.scale, args.body_words)
    if args.mention_copies > 1:
        copied = path.with_name(f"{path.stem}-mentions-x{args.mention_copies}.db")
        if _count(copied) != MENTIONS * args.scale * args.mention_copies:
            multiply_mentions(path, copied, args.mention_copies)
        path = copied
    connect(path).close()  # the current views, indexes and summary tables
    with sqlite3.connect(path) as conn:
        (contracts,) = conn.execute("select count(*) from contracts").fetchone()
    if not contracts:
        add_contracts(path, args.scale)
    files = datasette_files()
    name = path.stem
    opened = [str(path)]
    ds = Datasette(
        opened if args.mode == "read-only" else [],
        immutables=opened if args.mode == "immutable" else [],
        metadata=datasette_metadata(path),
        template_dir=str(files["templates"]),
        plugins_dir=str(files["plugins"]),
        settings=SETTINGS,
    )
    with sqlite3.connect(path) as conn:
        (top, top_name) = conn.execute(
            "select n.code, c.nice_name from council_month_counts n join councils c"
            " on c.code = n.code group by n.code order by sum(n.mentions) desc limit 1"
        ).fetchone()
        (mentions,) = conn.execute("select count(*) from council_mentions").fetchone()
        (busiest, busiest_name) = conn.execute(
            "select c.supplier_id, s.name from contracts c join suppliers s on s.id = c.supplier_id"
            " group by c.supplier_id order by count(*) desc limit 1"
        ).fetchone()
        (contracts,) = conn.execute("select count(*) from contracts").fetchone()
        (busiest_articles,) = conn.execute(
            "select coalesce(sum(articles), 0) from supplier_month_counts where supplier_id = ?",
            [busiest],
        ).fetchone()
        (articles,) = conn.execute("select count(*) from articles").fetchone()
        (top_articles,) = conn.execute(
            "select articles from council_counts where code = ?", [top]
        ).fetchone()
        top_roles = [r[0] for r in conn.execute(MONEY_ROLES_SQL, {"code": top})]
    match = "rowid in (select rowid from articles_fts where articles_fts match escape_fts(:q))"
    q = {"q": "shared services"}
    metadata = datasette_metadata(path)["databases"][name]
    profile_sql = metadata["queries"]["council_profile"]["sql"]
    facet_sql = (
        "select code as value, mentions as count from council_counts"
        " order by count desc, value limit 31"
    )
    cases = [
        (
            "council facet `_facet_council=code`",
            f"/{name}/council_mentions.json?_facet_council=code&_size=0",
            statements([
                ("select count(*) from council_mentions", {}),
                (facet_sql, {}),
                ("select code, nice_name from councils where code in"
                 " (select code from councils limit 30)", {}),
            ]),
        ),  # fmt: skip
        ("dashboard `/`", "/", dashboard_work({})),
        ("dashboard, 2015-2016", "/?since=2015-01&until=2016-12",
         dashboard_work({"since": "2015-01", "until": "2016-12"})),
        ("dashboard, nation Wales", "/?nation=Wales", dashboard_work({"nation": "Wales"})),
        ("dashboard, London boroughs", "/?type=London+borough",
         dashboard_work({"type": "London borough"})),
        ("dashboard, service ict", "/?service=ict", dashboard_work({"service": "ict"})),
        (f"council page ({top})", f"/{name}/-/council/{top}", council_page_work(top, top_articles, top_roles)),
        (f"name search ({top_name})", f"/{name}/-/council?q={top_name.replace(' ', '+')}",
         name_search_work(top_name)),
        (f"supplier page ({busiest})", f"/{name}/-/supplier/{busiest}",
         supplier_page_work(busiest, busiest_articles)),
        (f"supplier search ({busiest_name})",
         f"/{name}/-/supplier?q={busiest_name.replace(' ', '+')}",
         supplier_search_work(busiest_name)),
        ("supplier panels, dashboard `/`", None, supplier_panels_work({})),
        ("supplier panels, 2015-2016", None,
         supplier_panels_work({"since": "2015-01", "until": "2016-12"})),
        ("supplier panels, nation Wales", None, supplier_panels_work({"nation": "Wales"})),
        ("supplier panels, London boroughs", None,
         supplier_panels_work({"type": "London borough"})),
        ("supplier panels, service ict", None, supplier_panels_work({"service": "ict"})),
        ("FTS `/db/articles.json?_search=shared+services`",
         f"/{name}/articles.json?_search=shared+services&_size=50",
         statements(
             [(f"select * from articles where {match} order by published desc limit 51", q),
              (f"select count(*) from articles where {match}", q)]
             + [(f"select {col} as value, count(*) as count from articles where {match}"
                 f" and {col} is not null group by {col} order by count desc, value limit 31", q)
                for col in ("source", "section")]
         )),
        (f"`council_profile` ({top})", f"/{name}/council_profile.json?council={top}&_shape=array",
         statements([(profile_sql, {"council": top})])),
    ]  # fmt: skip
    if args.only:
        cases = [c for c in cases if any(word in c[0] for word in args.only)]
    print(
        f"{path} ({args.mode}): {articles:,} articles, {mentions:,} council mentions,"
        f" {contracts:,} contracts;"
        f" {args.runs} runs each"
    )
    print("| request | Datasette p50 | p95 | raw SQL p50 | p95 | ratio (p50) |")
    print("|---|---|---|---|---|---|")
    for label, url, work in cases:
        if url is None:  # a part of a page: its SQL alone (the page is measured whole)
            r50, r95 = percentiles(time_raw(path, work, args.runs, args.mode))
            print(f"| {label} | | | {r50:.0f} ms | {r95:.0f} ms | |", flush=True)
            continue
        page, raw = time_pair(ds, url, path, work, args.runs, args.mode)
        (d50, d95), (r50, r95) = percentiles(page), percentiles(raw)
        print(
            f"| {label} | {d50:.0f} ms | {d95:.0f} ms | {r50:.0f} ms | {r95:.0f} ms |"
            f" {d50 / r50:.2f}× |",
            flush=True,
        )


def _count(path: Path) -> int:
    try:
        with sqlite3.connect(path) as conn:
            return conn.execute("select count(*) from council_mentions").fetchone()[0]
    except sqlite3.Error:
        return -1


if __name__ == "__main__":
    main()
