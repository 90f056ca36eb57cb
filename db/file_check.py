"""Is this file a councilwatch database? Decided before anything is written to it.

councilwatch writes only to files it created: a missing or empty file (or a SQLite
file with no tables at all) becomes a new database; a councilwatch database is used;
anything else is refused with :class:`NotACouncilwatchDatabase`, its reason in one
line, and the file is left exactly as it was (no journal mode switched, no ``-wal``,
``-shm`` or ``-journal`` file made beside it). The judgment reads the file's 100-byte
SQLite header itself and opens SQLite (read-only, immutable) only on a file that is
not in WAL mode, so looking leaves no trace.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> check_writable_file(folder / "new.db")
'new'
>>> _ = (folder / "notes.db").write_text("shopping: milk")
>>> try:
...     check_writable_file(folder / "notes.db")
... except NotACouncilwatchDatabase as exc:
...     print(exc)
/.../notes.db is not a SQLite database; councilwatch leaves it untouched; give another --db file
"""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path
from typing import Literal

#: Marks a SQLite file as a councilwatch database (``PRAGMA application_id``).
APPLICATION_ID = 0x43574154  # "CWAT"

SQLITE_MAGIC = b"SQLite format 3\x00"
LEAVE_IT = "councilwatch leaves it untouched; give another --db file"


class DatabaseUnusable(Exception):
    """The database file cannot be used; the message says why and what to do."""


class NotACouncilwatchDatabase(DatabaseUnusable):
    """The file is missing, unreadable or not a councilwatch database (another
    application's, or not SQLite at all)."""


class DatabaseOutOfDate(DatabaseUnusable):
    """A councilwatch database whose schema is older (or newer) than this code's."""


def check_writable_file(path: Path) -> Literal["new", "councilwatch"]:
    """``"new"`` if ``path`` may become a new database, ``"councilwatch"`` if it is one
    that may be written; raise :class:`NotACouncilwatchDatabase` otherwise.

    Refused: a directory, a file that is not SQLite, another application's SQLite
    file (its own ``application_id``, or none and tables of its own), a read-only
    file.
    """
    if path.is_dir():
        raise NotACouncilwatchDatabase(
            f"{path} is a directory, not a database file: give a file path with --db"
        )
    if not path.exists():
        return "new"
    kind = _judge(path)
    if kind == "empty":
        _check_writable(path)
        return "new"
    _check_writable(path)
    return "councilwatch"


def check_readable_file(path: Path) -> None:
    """Raise :class:`NotACouncilwatchDatabase` unless ``path`` is a councilwatch database
    (read-only use: a read-only file is fine)."""
    if path.is_dir():
        raise NotACouncilwatchDatabase(
            f"{path} is a directory, not a database file: give a file path with --db"
        )
    if not path.exists():
        raise NotACouncilwatchDatabase(f"{path}: no such database file")
    if _judge(path) == "empty":
        raise NotACouncilwatchDatabase(f"{path} is empty: no such database yet")


def _judge(path: Path) -> Literal["empty", "councilwatch"]:
    """``empty`` or ``councilwatch``, else raise; reads only."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise NotACouncilwatchDatabase(f"{path} cannot be read: {exc.strerror}") from exc
    if not header:
        return "empty"
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotACouncilwatchDatabase(f"{path} is not a SQLite database; {LEAVE_IT}")
    app_id = int.from_bytes(header[68:72], "big")
    wal_mode = header[18] == 2
    if app_id != APPLICATION_ID and _has_wal(path):
        # A councilwatch database stopped before its WAL was merged keeps the
        # stamp in the WAL: read through SQLite, which only reuses files already there.
        app_id = _sqlite_application_id(path)
    if app_id == APPLICATION_ID:
        return "councilwatch"
    if app_id:
        raise NotACouncilwatchDatabase(
            f"{path} is not a councilwatch database: it belongs to another application "
            f"(application_id {app_id:#x}); {LEAVE_IT}"
        )
    if wal_mode:
        raise NotACouncilwatchDatabase(
            f"{path} is not a councilwatch database: another application's SQLite file "
            f"(in WAL mode); {LEAVE_IT}"
        )
    tables = _table_names(path)
    if not tables:
        return "empty"
    shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
    raise NotACouncilwatchDatabase(
        f"{path} is not a councilwatch database: another application's SQLite file "
        f"(tables {shown}); {LEAVE_IT}"
    )


def _has_wal(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.is_file() and wal.stat().st_size > 0


def _sqlite_application_id(path: Path) -> int:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise NotACouncilwatchDatabase(f"{path} cannot be read as SQLite ({exc})") from exc


def _table_names(path: Path) -> list[str]:
    """Names in ``sqlite_master`` of a file in rollback-journal mode, opened immutable
    (no lock, no journal, no file created)."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as conn:
            return [r[0] for r in conn.execute("SELECT name FROM sqlite_master ORDER BY name")]
    except sqlite3.DatabaseError as exc:
        raise NotACouncilwatchDatabase(
            f"{path} is not a SQLite database ({exc}); {LEAVE_IT}"
        ) from exc


def _check_writable(path: Path) -> None:
    """Refuse a file marked read-only (no write bit at all: refused even for root)."""
    mode = path.stat().st_mode
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not _can_write(path):
        raise NotACouncilwatchDatabase(
            f"{path} is read-only: make it writable (chmod u+w) or give another --db file"
        )


def _can_write(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
