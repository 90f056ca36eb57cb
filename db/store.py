"""Write articles, facts, runs and errors into a councilwatch database.

Every function takes an open connection and plain values; none reads global
configuration. Writes that belong together happen in one transaction.

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
from datetime import UTC, datetime

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
    f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
    f"VALUES ({', '.join(f':{c}' for c in ARTICLE_COLUMNS)})"
)
_UPDATE_ARTICLE = (
    f"UPDATE articles SET {', '.join(f'{c} = :{c}' for c in ARTICLE_COLUMNS if c != 'url')}, "
    "nlp_version = NULL, processed_at = NULL WHERE id = :id"
)
# The stored article with this canonical URL, else the first one with the same text.
_FIND_ARTICLE = (
    "SELECT id, content_hash, canonical_url FROM articles "
    "WHERE canonical_url = :canonical_url OR content_hash = :content_hash "
    "ORDER BY canonical_url = :canonical_url DESC, id LIMIT 1"
)
_INSERT_ALIAS = "INSERT OR IGNORE INTO article_aliases (url, article_id) VALUES (?, ?)"
_INSERT_RAW = (
    "INSERT OR REPLACE INTO raw_pages (article_id, content_type, html_gz) VALUES (?, ?, ?)"
)


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
    with conn:
        return _store(conn, _article_row(record), raw_html, content_type)


def store_articles(conn: sqlite3.Connection, records: Iterable[Mapping]) -> list[tuple[str, int]]:
    """Store several articles in one transaction (all or nothing); return their outcomes.

    Each record is as for :func:`store_article`, with the fetched page (if it is kept)
    under ``raw_html`` and its ``content_type``. Same outcomes as storing the records
    one by one in order, with one commit instead of one per article.

    >>> from councilwatch.db.schema import connect
    >>> conn = connect(":memory:")
    >>> store_articles(conn, [{"url": "http://x/a", "body": "One."},
    ...                       {"url": "http://x/b", "body": "one. "},
    ...                       {"url": "http://x/a", "body": "One."}])
    [('new', 1), ('alias', 1), ('unchanged', 1)]
    """
    with conn:
        return [
            _store(conn, _article_row(r), r.get("raw_html"), r.get("content_type")) for r in records
        ]


def _store(
    conn: sqlite3.Connection, row: dict, raw_html: bytes | None, content_type: str | None
) -> tuple[str, int]:
    """Store one article row inside the caller's transaction."""
    canonical = row["canonical_url"]
    found = conn.execute(_FIND_ARTICLE, row).fetchone()
    if found is not None and found[2] != canonical:  # the same text under another URL
        article_id = found[0]
        _add_aliases(conn, article_id, found[2], {row["url"], canonical})
        return "alias", article_id
    if found is None:
        article_id = conn.execute(_INSERT_ARTICLE, row).lastrowid
        outcome = "new"
    else:
        article_id = found[0]
        if found[1] == row["content_hash"]:
            _add_aliases(conn, article_id, canonical, {row["url"]})
            return "unchanged", article_id
        conn.execute(_UPDATE_ARTICLE, {**row, "id": article_id})
        _delete_facts(conn, article_id)
        outcome = "updated"
    _add_aliases(conn, article_id, canonical, {row["url"]})
    if raw_html is not None:
        html_gz = gzip.compress(raw_html, compresslevel=6)
        conn.execute(_INSERT_RAW, (article_id, content_type, html_gz))
    return outcome, article_id


def _add_aliases(
    conn: sqlite3.Connection, article_id: int, canonical: str, urls: Iterable[str]
) -> None:
    aliases = [(url, article_id) for url in urls if url and url != canonical]
    if aliases:
        conn.executemany(_INSERT_ALIAS, aliases)


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


def _delete_facts(conn: sqlite3.Connection, article_id: int) -> None:
    for table in FACT_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))


def replace_facts(
    conn: sqlite3.Connection, article_id: int, facts: Mapping, nlp_version: str
) -> None:
    """Replace one article's facts with ``facts`` (the NLP stage's output for it).

    Runs inside the caller's transaction; call it within ``with conn:`` so a batch
    of articles is written all or nothing.
    """
    _delete_facts(conn, article_id)
    conn.executemany(
        'INSERT INTO council_mentions (article_id, code, text, start, "end", sentence, '
        "nlp_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (article_id, m["code"], m["text"], m["start"], m["end"], m["sentence"], nlp_version)
            for m in facts.get("councils", ())
        ],
    )
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
                nlp_version,
            )
            for m in facts.get("money", ())
        ],
    )
    conn.executemany(
        'INSERT INTO service_mentions (article_id, service, text, start, "end", sentence, '
        "nlp_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (article_id, m["id"], m["text"], m["start"], m["end"], m["sentence"], nlp_version)
            for m in facts.get("services", ())
        ],
    )
    for arrangement in facts.get("arrangements", ()):
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
        conn.executemany(
            "INSERT OR IGNORE INTO arrangement_councils (arrangement_id, code) VALUES (?, ?)",
            [(cursor.lastrowid, code) for code in arrangement["councils"]],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO arrangement_services (arrangement_id, service) VALUES (?, ?)",
            [(cursor.lastrowid, service) for service in arrangement.get("services", ())],
        )
    conn.execute(
        "UPDATE articles SET nlp_version = ?, processed_at = ? WHERE id = ?",
        (nlp_version, utcnow(), article_id),
    )


def load_reference_rows(
    conn: sqlite3.Connection, table: str, rows: Iterable[Mapping], key: str
) -> int:
    """Upsert reference rows (councils, services, sources) by their natural key."""
    rows = list(rows)
    if not rows:
        return 0
    columns = list(rows[0])
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT({key}) DO UPDATE SET {updates}"
    )
    with conn:
        conn.executemany(sql, [tuple(r.get(c) for c in columns) for r in rows])
    return len(rows)


def ensure_source(conn: sqlite3.Connection, name: str, **details: str | None) -> None:
    """Make sure ``sources`` has a row for ``name`` (details fill in what is known)."""
    row = {"name": name, "title": None, "homepage": None, "notes": None, **details}
    with conn:
        conn.execute(
            "INSERT INTO sources (name, title, homepage, notes) "
            "VALUES (:name, :title, :homepage, :notes) "
            "ON CONFLICT(name) DO UPDATE SET title = coalesce(excluded.title, title), "
            "homepage = coalesce(excluded.homepage, homepage), "
            "notes = coalesce(excluded.notes, notes)",
            row,
        )


def feed_states(conn: sqlite3.Connection) -> dict[str, tuple[str | None, str | None]]:
    """``url -> (etag, last_modified)`` of every feed or sitemap fetched before."""
    return {
        url: (etag, modified)
        for url, etag, modified in conn.execute("SELECT url, etag, last_modified FROM feed_state")
    }


def save_feed_state(
    conn: sqlite3.Connection, url: str, etag: str | None, last_modified: str | None, status: int
) -> None:
    with conn:
        conn.execute(
            "INSERT OR REPLACE INTO feed_state (url, etag, last_modified, last_status, checked_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (url, etag, last_modified, status, utcnow()),
        )


def save_run_sources(conn: sqlite3.Connection, run_id: int, rows: Iterable[Mapping]) -> None:
    """Per-source figures of a run (``crawl_run_sources``), replacing earlier ones."""
    columns = (
        "source",
        "pages_fetched",
        "articles_new",
        "articles_updated",
        "errors",
        "refusals",
        "blocked",
        "newest_published",
    )
    with conn:
        conn.executemany(
            f"INSERT OR REPLACE INTO crawl_run_sources (run_id, {', '.join(columns)}) "
            f"VALUES (?, {', '.join('?' * len(columns))})",
            [(run_id, *(row.get(c) for c in columns)) for row in rows],
        )


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
