"""Small read-only questions about a councilwatch database: how many rows its tables hold.

>>> from councilwatch.db.schema import connect
>>> row_counts(connect(":memory:"), ["articles", "council_mentions"])
{'articles': 0, 'council_mentions': 0}
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def row_counts(conn: sqlite3.Connection, tables: Iterable[str]) -> dict[str, int]:
    """Rows in each of ``tables`` (names of councilwatch tables, not user input)."""
    return {
        table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
    }
