"""Open a councilwatch database: checked first, then migrated, in WAL mode.

:func:`connect` (for commands that write) refuses a file that is not a councilwatch
database before writing anything to it (see :mod:`file_check`), creates a new one
where there is none, and applies the pending migrations (:mod:`migrations`).
:func:`check_database_file` is the same check for read-only use (``serve``,
``export``): it also refuses a database whose schema is out of date, since a reader
never migrates.

>>> conn = connect(":memory:")
>>> conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
True
>>> conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
True
"""

from __future__ import annotations

import random
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from .file_check import (
    APPLICATION_ID,
    DatabaseOutOfDate,
    DatabaseUnusable,
    NotACouncilwatchDatabase,
    check_readable_file,
    check_writable_file,
)
from .migrations import SCHEMA_VERSION, migrate, schema_version

__all__ = [
    "APPLICATION_ID",
    "FACT_TABLES",
    "SCHEMA_VERSION",
    "DatabaseOutOfDate",
    "DatabaseUnusable",
    "NotACouncilwatchDatabase",
    "check_database_file",
    "connect",
]

FACT_TABLES = (
    "council_mentions",
    "money_mentions",
    "service_mentions",
    "arrangements",
    "supplier_mentions",
    "contracts",
)


def connect(path: str | Path, *, create: bool = True, upgrade: bool = True) -> sqlite3.Connection:
    """Open (and if needed create) a councilwatch database, migrated, in WAL mode.

    ``upgrade=False`` leaves the migrations to the caller (``councilwatch migrate``
    applies them itself to say what it did).

    Raises :class:`NotACouncilwatchDatabase` (nothing written) for a file that is not
    a councilwatch database, and with ``create=False`` for a missing one;
    :class:`DatabaseOutOfDate` for one made by a newer councilwatch.
    """
    memory = str(path) == ":memory:"
    kind = "new"
    if not memory:
        path = Path(path)
        kind = check_writable_file(path)
        if kind == "new" and not create:
            raise NotACouncilwatchDatabase(f"{path}: no such database file")
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        if not memory:
            if kind == "new":  # stamped in the main file before WAL, so the header says whose
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            _use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
        if upgrade:
            migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _use_wal(conn: sqlite3.Connection, *, wait: float = 30.0) -> None:
    """Switch to WAL unless the file is already in it.

    The switch needs the file alone for a moment, and SQLite may answer "database is
    locked" at once, without its busy handler, while another process opens the same
    new file: so it is retried, for up to ``wait`` seconds.
    """
    deadline = time.monotonic() + wait
    while conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02 + random.random() * 0.05)


def check_database_file(path: Path) -> None:
    """Raise :class:`DatabaseUnusable` unless ``path`` is a councilwatch database at
    :data:`SCHEMA_VERSION` (read-only: opens nothing for writing)."""
    path = Path(path)
    check_readable_file(path)
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            version = schema_version(conn)
    except sqlite3.DatabaseError as exc:
        raise NotACouncilwatchDatabase(f"{path} cannot be read ({exc})") from exc
    if version < SCHEMA_VERSION:
        raise DatabaseOutOfDate(
            f"{path} has schema version {version}, this councilwatch needs {SCHEMA_VERSION}: "
            f"run `councilwatch migrate --db {path}`"
        )
    if version > SCHEMA_VERSION:
        raise DatabaseOutOfDate(
            f"{path} has schema version {version}, newer than this councilwatch knows "
            f"({SCHEMA_VERSION}): upgrade councilwatch"
        )
