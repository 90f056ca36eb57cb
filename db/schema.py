"""Create and check the councilwatch SQLite schema.

>>> conn = connect(":memory:")
>>> conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
True
"""

from __future__ import annotations

import sqlite3
from importlib.resources import files
from pathlib import Path

#: Marks a SQLite file as a councilwatch database (``PRAGMA application_id``).
APPLICATION_ID = 0x43574154  # "CWAT"
SCHEMA_VERSION = 1

FACT_TABLES = ("council_mentions", "money_mentions", "service_mentions", "arrangements")


class NotACouncilwatchDatabase(Exception):
    """The file is missing, unreadable or not a councilwatch database."""


def schema_sql() -> str:
    """Tables and indexes (``schema.sql``), then views (``views.sql``), both idempotent."""
    folder = files("councilwatch.db")
    names = ("schema.sql", "register_tables.sql", "views.sql")
    parts = [folder.joinpath(name) for name in names]
    return "\n".join(part.read_text(encoding="utf-8") for part in parts if part.is_file())


def connect(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and if needed create) a councilwatch database in WAL mode.

    With ``create=False`` a missing file or a SQLite file that is not a
    councilwatch database raises :class:`NotACouncilwatchDatabase`.
    """
    if str(path) != ":memory:":
        path = Path(path)
        if not create:
            check_database_file(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    if create:
        ensure_schema(conn)
    return conn


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Apply the schema (idempotent) and stamp the file as councilwatch's."""
    (app_id,) = conn.execute("PRAGMA application_id").fetchone()
    if app_id not in (0, APPLICATION_ID):
        raise NotACouncilwatchDatabase(
            f"this SQLite file belongs to another application (application_id={app_id})"
        )
    conn.executescript(schema_sql())
    _ensure_fts(conn)
    _ensure_contract_checks(conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.commit()


def _ensure_contract_checks(conn: sqlite3.Connection) -> None:
    """The press-vs-register views (``contract_checks.sql``), once the NLP stage's
    ``contracts`` and ``contract_councils`` tables are there to read."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if {"contracts", "contract_councils"} <= names:
        conn.executescript(files("councilwatch.db").joinpath("contract_checks.sql").read_text())


def _ensure_fts(conn: sqlite3.Connection) -> None:
    """Full-text search over articles (title, standfirst, body), kept in step by triggers."""
    conn.executescript(
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
            title, standfirst, body, content='articles', content_rowid='id',
            tokenize='porter unicode61'
        );
        CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, standfirst, body)
            VALUES (new.id, new.title, new.standfirst, new.body);
        END;
        CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, standfirst, body)
            VALUES ('delete', old.id, old.title, old.standfirst, old.body);
        END;
        CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE OF title, standfirst, body
        ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, standfirst, body)
            VALUES ('delete', old.id, old.title, old.standfirst, old.body);
            INSERT INTO articles_fts(rowid, title, standfirst, body)
            VALUES (new.id, new.title, new.standfirst, new.body);
        END;
        """
    )


def check_database_file(path: Path) -> None:
    """Raise :class:`NotACouncilwatchDatabase` unless ``path`` is a councilwatch database."""
    if not path.exists():
        raise NotACouncilwatchDatabase(f"{path}: no such database file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotACouncilwatchDatabase(f"{path}: not a SQLite database ({exc})") from exc
    if app_id != APPLICATION_ID:
        raise NotACouncilwatchDatabase(f"{path}: not a councilwatch database")
