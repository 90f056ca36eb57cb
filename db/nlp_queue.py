"""The NLP stage's queue in SQL: which stored articles to process, and the ``process_runs``
bookkeeping that makes an ``everything`` run resumable.

Every function takes the NLP version it works for; none reads global configuration.

>>> from councilwatch.db.schema import connect
>>> from councilwatch.db.store import store_article
>>> conn = connect(":memory:")
>>> _ = store_article(conn, {"url": "http://x/1", "body": "Text."})
>>> count_pending(conn, "v1", everything=False), list(pending_batches(conn, "v1", batch_size=8))
(1, [[(1, 'Text.', None)]])
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from .store import utcnow

#: An article to analyse: id, body, published.
Item = tuple[int, str, str | None]

_PENDING = "(nlp_version IS NULL OR nlp_version != :version)"


def _condition(everything: bool) -> str:
    return "1" if everything else _PENDING


def count_pending(
    conn: sqlite3.Connection, nlp_version: str, *, everything: bool, after_id: int = 0
) -> int:
    """Articles after ``after_id`` still to process for ``nlp_version`` (all with ``everything``)."""
    (total,) = conn.execute(
        f"SELECT count(*) FROM articles WHERE {_condition(everything)} AND id > :last",
        {"version": nlp_version, "last": after_id},
    ).fetchone()
    return total


def pending_batches(
    conn: sqlite3.Connection,
    nlp_version: str,
    *,
    everything: bool = False,
    batch_size: int,
    after_id: int = 0,
) -> Iterator[list[Item]]:
    """Batches of ``(id, body, published)`` to process, streamed in id order (bounded memory)."""
    last_id = after_id
    while True:
        rows = conn.execute(
            f"SELECT id, body, published FROM articles WHERE {_condition(everything)} "
            "AND id > :last ORDER BY id LIMIT :limit",
            {"version": nlp_version, "last": last_id, "limit": batch_size},
        ).fetchall()
        if not rows:
            return
        yield [(row[0], row[1], row[2]) for row in rows]
        last_id = rows[-1][0]


def start_process_run(
    conn: sqlite3.Connection, nlp_version: str, *, everything: bool
) -> tuple[int, int]:
    """Resume the unfinished ``everything`` run of ``nlp_version``, or start a run.

    Returns ``(run id, id of the last article already done in it)``.
    """
    if everything:
        row = conn.execute(
            "SELECT id, last_article_id FROM process_runs WHERE everything = 1 AND "
            "status = 'running' AND nlp_version = ? ORDER BY id DESC LIMIT 1",
            (nlp_version,),
        ).fetchone()
        if row is not None:
            return row[0], row[1]
    with conn:
        cursor = conn.execute(
            "INSERT INTO process_runs (nlp_version, everything, started_at) VALUES (?, ?, ?)",
            (nlp_version, int(everything), utcnow()),
        )
    return cursor.lastrowid, 0


def note_batch_done(
    conn: sqlite3.Connection, run_id: int, last_article_id: int, count: int
) -> None:
    """Move the run past a batch; inside the caller's transaction, with the batch's facts."""
    conn.execute(
        "UPDATE process_runs SET last_article_id = ?, articles_done = articles_done + ? "
        "WHERE id = ?",
        (last_article_id, count, run_id),
    )


def finish_process_run(conn: sqlite3.Connection, run_id: int) -> None:
    with conn:
        conn.execute(
            "UPDATE process_runs SET status = 'finished', finished_at = ? WHERE id = ?",
            (utcnow(), run_id),
        )


def article_url(conn: sqlite3.Connection, article_id: int) -> str:
    (url,) = conn.execute("SELECT url FROM articles WHERE id = ?", (article_id,)).fetchone()
    return url
