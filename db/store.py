"""Write articles, facts, runs and errors into a councilwatch database.

Every function takes an open connection and plain values; none reads global
configuration. Writes that belong together happen in one transaction. sqlite-utils
does the upserts (reference rows, sources, feed state, per-source run figures, raw
pages and aliases, the last two once per batch of articles); what is left as SQL is
one lookup of the stored articles a batch can meet (same canonical URL or same text)
and one ``executemany`` each of its new and updated articles, decided in order in
Python so that later articles of a batch see the earlier ones.

>>> from councilwatch.db.schema import connect
>>> conn = connect(":memory:")
>>> rec = {"url": "http://x/a?utm_source=t", "canonical_url": "http://x/a", "title": "T",
...        "body": "Camden Council saves £1m.", "fetched_at": "2026-01-01T00:00:00+00:00"}
>>> store_article(conn, rec)
('new', 1)
>>> store_article(conn, rec)
('unchanged', 1)
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from .schema import FACT_TABLES

ARTICLE_COLUMNS = (
    "url",
    "canonical_url",
    "source",
    "title",
    "standfirst",
    "authors",
    "published",
    "modified",
    "section",
    "tags",
    "language",
    "body",
    "content_hash",
    "fetched_at",
)


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: How raw pages are compressed, wherever that happens (the store, or a worker process that
#: hands the store a page already compressed, see :func:`compress_page`).
PAGE_COMPRESSLEVEL = 6


def compress_page(raw_html: bytes) -> bytes:
    """A fetched page as ``raw_pages.html_gz`` stores it: the same bytes for the same page
    (no timestamp in the gzip header).

    >>> gzip.decompress(compress_page(b"<p>x</p>"))
    b'<p>x</p>'
    """
    return gzip.compress(raw_html, compresslevel=PAGE_COMPRESSLEVEL, mtime=0)


def content_hash(body: str) -> str:
    """Hash of the body with whitespace and case folded, to spot the same story twice.

    >>> content_hash("A  story.") == content_hash("a story.")
    True
    """
    normalised = " ".join(body.split()).casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _article_row(record: Mapping) -> dict:
    row = {column: record.get(column) for column in ARTICLE_COLUMNS}
    row["canonical_url"] = row["canonical_url"] or row["url"]
    row["authors"] = json.dumps(list(record.get("authors") or []), ensure_ascii=False)
    row["tags"] = json.dumps(list(record.get("tags") or []), ensure_ascii=False)
    row["body"] = row["body"] or ""
    row["content_hash"] = row["content_hash"] or content_hash(row["body"])
    row["fetched_at"] = row["fetched_at"] or utcnow()
    return row


_INSERT_ARTICLE = (
    f"INSERT INTO articles (id, {', '.join(ARTICLE_COLUMNS)}) "
    f"VALUES (:id, {', '.join(f':{c}' for c in ARTICLE_COLUMNS)})"
)
_UPDATE_ARTICLE = (
    f"UPDATE articles SET {', '.join(f'{c} = :{c}' for c in ARTICLE_COLUMNS if c != 'url')}, "
    "nlp_version = NULL, processed_at = NULL WHERE id = :id"
)
#: Values per ``IN (...)`` of the batch's lookup (well under SQLite's limit on parameters).
_LOOKUP_CHUNK = 400


def utils_db(conn: sqlite3.Connection) -> Database:
    """sqlite-utils over ``conn``, inside whatever transaction ``conn`` has open (no
    connection-wide pragmas or plugins applied)."""
    return Database(conn, recursive_triggers=False, execute_plugins=False)


@dataclass
class _Batch:
    """What one batch of articles writes, worked out against the stored articles it can
    meet (looked up once for the whole batch) and the ones it adds as it goes.

    ``by_canonical`` maps a canonical URL to its article's ``(id, content_hash)``;
    ``by_hash`` a content hash to the articles with that text, whose first (lowest id) is
    the one a copy elsewhere becomes an alias of; ``next_id`` is the id the next new article
    gets (the one SQLite would give it). New rows, updated rows, aliases and raw pages are
    written together at the end.
    """

    by_canonical: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_hash: dict[str, dict[int, str]] = field(default_factory=dict)
    next_id: int = 1
    inserted: dict[int, dict] = field(default_factory=dict)
    updated: dict[int, dict] = field(default_factory=dict)
    aliases: list[dict] = field(default_factory=list)
    raw_pages: dict[int, dict] = field(default_factory=dict)

    @classmethod
    def lookup(cls, conn: sqlite3.Connection, rows: list[dict]) -> _Batch:
        """The stored articles that share a canonical URL or a content hash with ``rows``."""
        (next_id,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()
        batch = cls(next_id=next_id)
        for column in ("canonical_url", "content_hash"):
            values = sorted({row[column] for row in rows})
            for start in range(0, len(values), _LOOKUP_CHUNK):
                chunk = values[start : start + _LOOKUP_CHUNK]
                found = conn.execute(
                    "SELECT id, canonical_url, content_hash FROM articles "
                    f"WHERE {column} IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                for article_id, canonical, text_hash in found:
                    batch.remember(article_id, canonical, text_hash)
        return batch

    def remember(self, article_id: int, canonical: str, text_hash: str) -> None:
        self.by_canonical[canonical] = (article_id, text_hash)
        self.by_hash.setdefault(text_hash, {})[article_id] = canonical

    def find(self, row: dict) -> tuple[int, str, str] | None:
        """``(id, content_hash, canonical_url)`` of the stored article with ``row``'s
        canonical URL, else of the first one with the same text, else ``None``."""
        if (same_url := self.by_canonical.get(row["canonical_url"])) is not None:
            return same_url[0], same_url[1], row["canonical_url"]
        if same_text := self.by_hash.get(row["content_hash"]):
            article_id = min(same_text)
            return article_id, row["content_hash"], same_text[article_id]
        return None

    def insert(self, row: dict) -> int:
        article_id, self.next_id = self.next_id, self.next_id + 1
        self.inserted[article_id] = {**row, "id": article_id}
        self.remember(article_id, row["canonical_url"], row["content_hash"])
        return article_id

    def update(self, article_id: int, old_hash: str, row: dict) -> None:
        """New text for a stored article (or one this batch added, which keeps its URL)."""
        del self.by_hash[old_hash][article_id]
        self.remember(article_id, row["canonical_url"], row["content_hash"])
        if article_id in self.inserted:
            first_url = self.inserted[article_id]["url"]
            self.inserted[article_id] = {**row, "id": article_id, "url": first_url}
        else:
            self.updated[article_id] = {**row, "id": article_id}

    def add_aliases(self, article_id: int, canonical: str, urls: Iterable[str]) -> None:
        self.aliases.extend(
            {"url": url, "article_id": article_id}
            for url in sorted(urls)
            if url and url != canonical
        )

    def write(self, conn: sqlite3.Connection) -> None:
        conn.executemany(_INSERT_ARTICLE, self.inserted.values())
        conn.executemany(_UPDATE_ARTICLE, self.updated.values())
        _delete_facts(conn, list(self.updated))
        # Both tables exist (migrations made them), keyed on url and article_id: no pk is
        # passed, which spares sqlite-utils checking it against the table on every batch.
        db = utils_db(conn)
        if self.aliases:  # the first article an alias was seen with keeps it
            db["article_aliases"].insert_all(self.aliases, ignore=True)
        if self.raw_pages:  # the latest fetch of a page replaces the one stored
            db["raw_pages"].insert_all(self.raw_pages.values(), replace=True)


def store_article(
    conn: sqlite3.Connection,
    record: Mapping,
    *,
    raw_html: bytes | None = None,
    content_type: str | None = None,
) -> tuple[str, int]:
    """Insert or update one article; return ``(outcome, article_id)``.

    Outcomes: ``new``; ``updated`` (same canonical URL, changed text: its facts are
    cleared for re-processing); ``unchanged``; ``alias`` (the same text already
    stored under another URL: this URL is kept as an alias of that article).
    """
    page = {"raw_html": raw_html, "content_type": content_type}
    return store_articles(conn, [{**record, **page}])[0]


def store_articles(conn: sqlite3.Connection, records: Iterable[Mapping]) -> list[tuple[str, int]]:
    """Store several articles in one transaction (all or nothing); return their outcomes.

    Each record is as for :func:`store_article`, with the fetched page (if it is kept)
    under ``raw_html``, or already compressed (:func:`compress_page`) under ``html_gz``, and
    its ``content_type``; a record may carry its ``content_hash`` worked out beforehand.
    Same outcomes and rows as storing the records one by one in order, with one lookup of
    the stored articles, a few statements and one commit for the whole batch.

    >>> from councilwatch.db.schema import connect
    >>> conn = connect(":memory:")
    >>> store_articles(conn, [{"url": "http://x/a", "body": "One."},
    ...                       {"url": "http://x/b", "body": "one. "},
    ...                       {"url": "http://x/a", "body": "One."}])
    [('new', 1), ('alias', 1), ('unchanged', 1)]
    """
    records = list(records)
    rows = [_article_row(r) for r in records]
    with conn:
        batch = _Batch.lookup(conn, rows)
        outcomes = [_store(batch, row, record) for row, record in zip(rows, records, strict=True)]
        batch.write(conn)
    return outcomes


def _store(batch: _Batch, row: dict, record: Mapping) -> tuple[str, int]:
    """The outcome of storing one article row after the batch's earlier ones; its aliases
    and raw page (``record``'s, compressed only when it is stored) go to ``batch``."""
    canonical = row["canonical_url"]
    found = batch.find(row)
    if found is not None and found[2] != canonical:  # the same text under another URL
        article_id = found[0]
        batch.add_aliases(article_id, found[2], {row["url"], canonical})
        return "alias", article_id
    if found is None:
        article_id = batch.insert(row)
        outcome = "new"
    else:
        article_id = found[0]
        if found[1] == row["content_hash"]:
            batch.add_aliases(article_id, canonical, {row["url"]})
            return "unchanged", article_id
        batch.update(article_id, found[1], row)
        outcome = "updated"
    batch.add_aliases(article_id, canonical, {row["url"]})
    html_gz = record.get("html_gz")
    if html_gz is None and record.get("raw_html") is not None:
        html_gz = compress_page(record["raw_html"])
    if html_gz is not None:
        batch.raw_pages[article_id] = {
            "article_id": article_id,
            "content_type": record.get("content_type"),
            "html_gz": html_gz,
        }
    return outcome, article_id


def known_urls(conn: sqlite3.Connection, article_ids: list[int] | None = None) -> set[str]:
    """Every URL already stored, canonical or alias (for incremental crawls); only those of
    ``article_ids`` when given."""
    articles = aliases = ""
    params: list[int] = []
    if article_ids is not None:
        marks = ",".join("?" * len(article_ids))
        articles, aliases = f" WHERE id IN ({marks})", f" WHERE article_id IN ({marks})"
        params = list(article_ids)
    urls = {r[0] for r in conn.execute(f"SELECT canonical_url FROM articles{articles}", params)}
    urls.update(r[0] for r in conn.execute(f"SELECT url FROM articles{articles}", params))
    urls.update(r[0] for r in conn.execute(f"SELECT url FROM article_aliases{aliases}", params))
    return urls


#: The fact tables in the order their rows are deleted: pound figures first, since while an
#: article has some, each council mention deleted works out their councils again
#: (``council_money_figures``, migration 8).
_DELETE_ORDER = sorted(FACT_TABLES, key=lambda t: t != "money_mentions")


def replace_facts(
    conn: sqlite3.Connection, article_id: int, facts: Mapping, nlp_version: str
) -> None:
    """Replace one article's facts with ``facts`` (the NLP stage's output for it).

    Runs inside the caller's transaction; call it within ``with conn:`` so a batch
    of articles is written all or nothing.
    """
    replace_facts_many(conn, [(article_id, facts, nlp_version)])


#: Articles per ``DELETE ... WHERE article_id IN (...)`` (well under SQLite's limit on
#: bound parameters).
_DELETE_CHUNK = 500


def _delete_facts(conn: sqlite3.Connection, article_ids: list[int]) -> None:
    """Delete every fact of the articles ``article_ids`` (inside the caller's transaction)."""
    for start in range(0, len(article_ids), _DELETE_CHUNK):
        chunk = article_ids[start : start + _DELETE_CHUNK]
        marks = ",".join("?" * len(chunk))
        for table in _DELETE_ORDER:
            conn.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", chunk)


def replace_facts_many(
    conn: sqlite3.Connection, analysed: Iterable[tuple[int, Mapping, str]]
) -> None:
    """Replace the facts of several articles, ``(article_id, facts, nlp_version)`` each:
    the same rows as :func:`replace_facts` one by one, in a few statements per table for
    the whole batch instead of a dozen per article. An article given twice keeps its last
    facts. Runs inside the caller's transaction.

    >>> from councilwatch.db.schema import connect
    >>> conn = connect(":memory:")
    >>> ids = [store_article(conn, {"url": f"http://x/{n}", "body": n})[1] for n in "ab"]
    >>> mention = {"code": "KEN", "text": "Kent", "start": 0, "end": 4, "sentence": 0}
    >>> with conn:
    ...     replace_facts_many(conn, [(ids[0], {"councils": [mention]}, "v1"),
    ...                               (ids[1], {}, "v1"), (ids[0], {"councils": []}, "v2")])
    >>> conn.execute("SELECT count(*) FROM council_mentions").fetchone()[0]
    0
    >>> [tuple(r) for r in conn.execute("SELECT id, nlp_version FROM articles ORDER BY id")]
    [(1, 'v2'), (2, 'v1')]
    """
    latest = {article_id: (facts, version) for article_id, facts, version in analysed}
    if not latest:
        return
    _delete_facts(conn, list(latest))
    items = [(article_id, facts, version) for article_id, (facts, version) in latest.items()]
    _insert_mentions(conn, "council_mentions", "code", "code", items, "councils")
    conn.executemany(
        "INSERT INTO money_mentions (article_id, amount_gbp, period, years, role, text, start, "
        '"end", sentence, nlp_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
            (
                article_id,
                m["amount_gbp"],
                m["period"],
                m.get("years"),
                m["role"],
                m["text"],
                m["start"],
                m["end"],
                m["sentence"],
                version,
            )
            for article_id, facts, version in items
            for m in facts.get("money", ())
        ],
    )
    _insert_mentions(conn, "service_mentions", "service", "id", items, "services")
    for article_id, facts, version in items:
        _insert_arrangements(conn, article_id, facts.get("arrangements", ()), version)
    _insert_mentions(conn, "supplier_mentions", "supplier_id", "id", items, "suppliers")
    for article_id, facts, version in items:
        _insert_contracts(conn, article_id, facts.get("contracts", ()), version)
    now = utcnow()
    conn.executemany(
        "UPDATE articles SET nlp_version = ?, processed_at = ? WHERE id = ?",
        [(version, now, article_id) for article_id, _, version in items],
    )


def _insert_mentions(
    conn: sqlite3.Connection,
    table: str,
    column: str,
    key: str,
    items: list[tuple[int, Mapping, str]],
    kind: str,
) -> None:
    """The ``kind`` mentions of every article of ``items`` into ``table``: what each names
    (``mention[key]`` into ``column``) and where."""
    conn.executemany(
        f'INSERT INTO {table} (article_id, {column}, text, start, "end", sentence, nlp_version) '
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (article_id, m[key], m["text"], m["start"], m["end"], m["sentence"], version)
            for article_id, facts, version in items
            for m in facts.get(kind, ())
        ],
    )


def _insert_arrangements(
    conn: sqlite3.Connection, article_id: int, arrangements: Iterable[Mapping], nlp_version: str
) -> None:
    """One ``arrangements`` row per arrangement, with its councils and services."""
    for arrangement in arrangements:
        cursor = conn.execute(
            "INSERT INTO arrangements (article_id, vehicle, saving_gbp, period, status, partners, "
            'start, "end", sentence, nlp_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            (
                article_id,
                arrangement.get("vehicle"),
                arrangement.get("saving_gbp"),
                arrangement.get("period"),
                arrangement.get("status"),
                json.dumps(arrangement.get("partners") or [], ensure_ascii=False),
                arrangement.get("start", 0),
                arrangement.get("end", 0),
                arrangement["sentence"],
                nlp_version,
            ),
        )
        _insert_members(conn, "arrangement", cursor.lastrowid, arrangement)


def _insert_contracts(
    conn: sqlite3.Connection, article_id: int, contracts: Iterable[Mapping], nlp_version: str
) -> None:
    """One ``contracts`` row per contract, with its councils and services."""
    for contract in contracts:
        cursor = conn.execute(
            "INSERT INTO contracts (article_id, supplier_id, value_gbp, period, years, start_date, "
            'end_date, status, start, "end", sentence, nlp_version) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                contract["supplier"],
                contract.get("value_gbp"),
                contract.get("period"),
                contract.get("years"),
                contract.get("start"),
                contract.get("end"),
                contract["status"],
                contract.get("sentence_start", 0),
                contract.get("sentence_end", 0),
                contract["sentence"],
                nlp_version,
            ),
        )
        _insert_members(conn, "contract", cursor.lastrowid, contract)


def _insert_members(conn: sqlite3.Connection, kind: str, row_id: int, fact: Mapping) -> None:
    """The councils and services of an arrangement or contract (``<kind>_councils``,
    ``<kind>_services``)."""
    conn.executemany(
        f"INSERT OR IGNORE INTO {kind}_councils ({kind}_id, code) VALUES (?, ?)",
        [(row_id, code) for code in fact["councils"]],
    )
    conn.executemany(
        f"INSERT OR IGNORE INTO {kind}_services ({kind}_id, service) VALUES (?, ?)",
        [(row_id, service) for service in fact.get("services", ())],
    )


def load_reference_rows(
    conn: sqlite3.Connection, table: str, rows: Iterable[Mapping], key: str | tuple[str, ...]
) -> int:
    """Upsert reference rows (councils, services, sources, suppliers) by their natural key."""
    rows = [dict(r) for r in rows]
    if rows:
        with conn:
            utils_db(conn)[table].upsert_all(rows, pk=key)
    return len(rows)


def replace_reference_rows(
    conn: sqlite3.Connection, table: str, rows: Iterable[Mapping], key: str | tuple[str, ...]
) -> int:
    """Make ``table`` hold exactly ``rows`` (a lookup table nothing refers to, such as
    ``supplier_names``), in one transaction; rows that stay the same are left untouched.

    >>> from councilwatch.db.schema import connect
    >>> conn = connect(":memory:")
    >>> replace_reference_rows(conn, "supplier_sectors", [{"id": "waste", "label": "Waste"}], "id")
    1
    >>> replace_reference_rows(conn, "supplier_sectors", [{"id": "cloud", "label": "Cloud"}], "id")
    1
    >>> [r[0] for r in conn.execute("SELECT id FROM supplier_sectors")]
    ['cloud']
    """
    rows = [dict(r) for r in rows]
    keys = [key] if isinstance(key, str) else list(key)
    with conn:
        db = utils_db(conn)
        wanted = {tuple(r[k] for k in keys) for r in rows}
        columns = ", ".join(f'"{k}"' for k in keys)
        stale = [
            old
            for old in conn.execute(f'SELECT {columns} FROM "{table}"')
            if tuple(old) not in wanted
        ]
        where = " AND ".join(f'"{k}" = ?' for k in keys)
        conn.executemany(f'DELETE FROM "{table}" WHERE {where}', [tuple(old) for old in stale])
        if rows:
            db[table].upsert_all(rows, pk=key)
    return len(rows)


def ensure_source(conn: sqlite3.Connection, name: str, **details: str | None) -> None:
    """Make sure ``sources`` has a row for ``name`` (details fill in what is known;
    a detail given as None keeps the stored one)."""
    known = {column: value for column, value in details.items() if value is not None}
    with conn:
        utils_db(conn)["sources"].upsert({"name": name, **known}, pk="name")


def feed_states(conn: sqlite3.Connection) -> dict[str, tuple[str | None, str | None]]:
    """``url -> (etag, last_modified)`` of every feed or sitemap fetched before."""
    return {
        url: (etag, modified)
        for url, etag, modified in conn.execute("SELECT url, etag, last_modified FROM feed_state")
    }


def save_feed_state(
    conn: sqlite3.Connection, url: str, etag: str | None, last_modified: str | None, status: int
) -> None:
    row = {"url": url, "etag": etag, "last_modified": last_modified, "last_status": status}
    with conn:
        utils_db(conn)["feed_state"].upsert({**row, "checked_at": utcnow()}, pk="url")


RUN_SOURCE_COUNTS = (
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "errors",
    "refusals",
    "blocked",
)


def save_run_sources(conn: sqlite3.Connection, run_id: int, rows: Iterable[Mapping]) -> None:
    """Per-source figures of a run (``crawl_run_sources``), replacing earlier ones."""
    records = [
        {
            "run_id": run_id,
            "source": row["source"],
            **{count: row.get(count) or 0 for count in RUN_SOURCE_COUNTS},
            "newest_published": row.get("newest_published"),
        }
        for row in rows
    ]
    if records:
        with conn:
            utils_db(conn)["crawl_run_sources"].upsert_all(records, pk=("run_id", "source"))


def start_run(conn: sqlite3.Connection, command: str) -> int:
    with conn:
        cursor = conn.execute(
            "INSERT INTO crawl_runs (command, started_at) VALUES (?, ?)", (command, utcnow())
        )
    return cursor.lastrowid


def finish_run(
    conn: sqlite3.Connection, run_id: int, *, status: str, counts: Mapping, stats: Mapping
) -> None:
    with conn:
        conn.execute(
            "UPDATE crawl_runs SET finished_at = ?, status = ?, pages_fetched = ?, "
            "articles_new = ?, articles_updated = ?, errors = ?, stats = ? WHERE id = ?",
            (
                utcnow(),
                status,
                counts.get("pages_fetched", 0),
                counts.get("articles_new", 0),
                counts.get("articles_updated", 0),
                counts.get("errors", 0),
                json.dumps(stats, default=str, sort_keys=True),
                run_id,
            ),
        )


def checkpoint(conn: sqlite3.Connection) -> None:
    """Copy the write-ahead log into the database file and empty it.

    After writes failed on a full disk this is what frees room for a last small
    write (a run's ending), as the log then starts again from its beginning.
    """
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def record_error(
    conn: sqlite3.Connection, run_id: int | None, url: str, stage: str, reason: str
) -> None:
    with conn:
        conn.execute(
            "INSERT INTO crawl_errors (run_id, url, stage, reason, at) VALUES (?, ?, ?, ?, ?)",
            (run_id, url, stage, reason, utcnow()),
        )
