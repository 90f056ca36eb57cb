"""The NLP stage over stored articles: read bodies, run the pipeline in batches,
replace each article's facts in one transaction per batch."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

from councilwatch.db.store import replace_facts
from councilwatch.nlp.analyse import NLP_VERSION, analyse_texts
from councilwatch.nlp.pipeline import build_pipeline

ProgressCallback = Callable[[int, int], None]


def pending_articles(
    conn: sqlite3.Connection, *, everything: bool, batch_size: int
) -> Iterator[list[sqlite3.Row]]:
    """Batches of articles to process, streamed in id order (bounded memory)."""
    condition = "1" if everything else "(nlp_version IS NULL OR nlp_version != :version)"
    last_id = 0
    while True:
        rows = conn.execute(
            f"SELECT id, body, published FROM articles WHERE {condition} AND id > :last "
            "ORDER BY id LIMIT :limit",
            {"version": NLP_VERSION, "last": last_id, "limit": batch_size},
        ).fetchall()
        if not rows:
            return
        yield rows
        last_id = rows[-1]["id"]


def process_articles(
    conn: sqlite3.Connection,
    *,
    everything: bool = False,
    batch_size: int = 64,
    progress: ProgressCallback | None = None,
) -> int:
    """Extract facts from new (or, with ``everything``, all) articles; return how many."""
    condition = "1" if everything else "(nlp_version IS NULL OR nlp_version != ?)"
    params = () if everything else (NLP_VERSION,)
    (total,) = conn.execute(f"SELECT count(*) FROM articles WHERE {condition}", params).fetchone()
    if total == 0:
        return 0
    nlp = build_pipeline()
    done = 0
    for batch in pending_articles(conn, everything=everything, batch_size=batch_size):
        results = analyse_texts(
            nlp, ((row["body"], row["published"]) for row in batch), batch_size=batch_size
        )
        with conn:
            for row, facts in zip(batch, results, strict=True):
                replace_facts(conn, row["id"], facts, NLP_VERSION)
        done += len(batch)
        if progress:
            progress(done, total)
    return done
