"""Small read-only questions about a councilwatch database: is a crawl writing to it,
how many rows do its tables hold.

>>> from councilwatch.db.schema import connect
>>> row_counts(connect(":memory:"), ["articles", "council_mentions"])
{'articles': 0, 'council_mentions': 0}
>>> crawl_running(Path("/nonexistent.db"))
False
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path


def crawl_running(db_path: str | Path) -> bool:
    """Whether a ``crawl_runs`` row of ``db_path`` still has status ``running`` (read-only;
    False for a missing or unreadable file)."""
    if not Path(db_path).exists():
        return False
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
            (running,) = conn.execute(
                "SELECT count(*) FROM crawl_runs WHERE status = 'running'"
            ).fetchone()
    except sqlite3.Error:
        return False
    return bool(running)


def row_counts(conn: sqlite3.Connection, tables: Iterable[str]) -> dict[str, int]:
    """Rows in each of ``tables`` (names of councilwatch tables, not user input)."""
    return {
        table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
    }
