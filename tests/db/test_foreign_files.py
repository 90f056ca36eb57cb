"""Files that are not councilwatch databases are refused before anything is written:
the same bytes afterwards, no -wal, -shm or -journal beside them, one line, exit 66."""

from __future__ import annotations

import hashlib
import sqlite3
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from councilwatch.cli import cli
from councilwatch.cli.options import EXIT_DATABASE_UNUSABLE
from councilwatch.db.schema import APPLICATION_ID, NotACouncilwatchDatabase, connect

from ..conftest import run_cli


def not_sqlite(path: Path) -> None:
    path.write_text("name,amount\nCamden,4000000\n" * 50)


def other_app(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE t (x); INSERT INTO t VALUES (1);CREATE VIEW source_health AS SELECT x FROM t;"
    )
    conn.close()


def own_articles_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, headline TEXT);"
        "INSERT INTO articles (headline) VALUES ('not ours');"
    )
    conn.close()


def foreign_application_id(path: Path, *, wal: bool = False) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript("PRAGMA application_id = 305419896; CREATE TABLE notes (body TEXT);")
    conn.close()  # the last connection merges the WAL and removes it


def read_only_councilwatch(path: Path) -> None:
    connect(path).close()
    path.chmod(0o444)


FOREIGN = {
    "not SQLite": (not_sqlite, "is not a SQLite database"),
    "another app's tables": (other_app, "another application's SQLite file (tables"),
    "its own articles table": (own_articles_table, "(tables articles)"),
    "a foreign application_id": (foreign_application_id, "application_id 0x12345678"),
    "a foreign file in WAL mode": (
        partial(foreign_application_id, wal=True),
        "application_id 0x12345678",
    ),
    "read-only": (read_only_councilwatch, "is read-only"),
}

#: Every command that opens the database, with what else it needs to get that far.
COMMANDS = {
    "crawl": ["crawl", "--start-url", "http://127.0.0.1:9/feed.xml"],
    "run": ["run", "--start-url", "http://127.0.0.1:9/feed.xml"],
    "import-warc": ["import-warc", "{warc}"],
    "process": ["process"],
    "load": ["load", "--redis", "redis://127.0.0.1:9/0"],
    "serve": ["serve", "--port", "9"],
    "export": ["export", "-o", "{out}"],
    "migrate": ["migrate"],
    "demo": ["demo", "--no-serve"],
}
READERS = {"serve", "export"}  # a read-only file is fine for these


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` with the hash of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.iterdir())
    }


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "files").mkdir()
    warc = tmp_path / "crawl.warc"
    warc.write_bytes(b"")
    return tmp_path


@pytest.mark.parametrize("case", FOREIGN)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_foreign_file_is_refused_untouched(workspace, case, command):
    if case == "read-only" and command in READERS:
        pytest.skip("reading a read-only database is allowed")
    make, reason = FOREIGN[case]
    folder = workspace / "files"
    db = folder / "their.db"
    make(db)
    before = snapshot(folder)
    args = [
        a.format(warc=workspace / "crawl.warc", out=workspace / "out") for a in COMMANDS[command]
    ]
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exit_code == EXIT_DATABASE_UNUSABLE, result.output
    assert reason in result.output
    assert str(db) in result.output
    assert result.output.strip().count("\n") == 0, result.output
    assert snapshot(folder) == before  # same bytes, nothing created beside it
    assert not (workspace / "out").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_directory_is_refused(tmp_path, command):
    folder = tmp_path / "data.db"
    folder.mkdir()
    args = [a.format(warc=tmp_path / "x.warc", out=tmp_path / "out") for a in COMMANDS[command]]
    (tmp_path / "x.warc").write_bytes(b"")
    result = CliRunner().invoke(cli, [*args, "--db", str(folder)])
    assert result.exit_code == EXIT_DATABASE_UNUSABLE, result.output
    assert "is a directory" in result.output
    assert list(folder.iterdir()) == []


def test_run_into_a_file_that_is_not_sqlite_is_one_line(tmp_path):
    db = tmp_path / "notsqlite.db"
    not_sqlite(db)
    before = snapshot(tmp_path)
    result = run_cli("run", "--db", str(db), "--start-url", "http://127.0.0.1:9/feed.xml")
    assert result.returncode == EXIT_DATABASE_UNUSABLE
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{db} is not a SQLite database" in result.stderr
    assert snapshot(tmp_path) == before


def test_crawl_into_a_foreign_database_is_one_line(tmp_path):
    db = tmp_path / "foreign.db"
    foreign_application_id(db)
    before = snapshot(tmp_path)
    result = run_cli("crawl", "--db", str(db), "--start-url", "http://127.0.0.1:9/feed.xml")
    assert result.returncode == EXIT_DATABASE_UNUSABLE
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "belongs to another application" in result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "make", [lambda p: p.write_bytes(b""), lambda p: sqlite3.connect(p).close()]
)
def test_an_empty_file_becomes_a_new_database(tmp_path, make):
    db = tmp_path / "empty.db"
    make(db)
    connect(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    conn.close()


def test_a_sqlite_file_without_tables_becomes_a_new_database(tmp_path):
    db = tmp_path / "blank.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("VACUUM")  # writes the header page: a SQLite file with nothing in it
    conn.close()
    assert db.stat().st_size > 0
    connect(db).close()
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_councilwatch_database_stopped_before_its_wal_was_merged_is_still_ours(tmp_path):
    """The stamp of a database killed mid-write may be only in its -wal file."""
    db = tmp_path / "crashed.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE early (x)")
    conn.commit()
    keep_open = sqlite3.connect(db)  # a second connection: the WAL is not merged on close
    keep_open.execute("SELECT 1").fetchone()
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.commit()
    assert Path(f"{db}-wal").stat().st_size > 0
    header = db.read_bytes()[68:72]
    assert int.from_bytes(header, "big") == 0  # the main file does not say so yet
    connect(db).close()  # accepted, not refused
    keep_open.close()
    conn.close()


def test_a_library_caller_gets_the_same_refusal(tmp_path):
    db = tmp_path / "their.db"
    own_articles_table(db)
    before = snapshot(tmp_path)
    with pytest.raises(NotACouncilwatchDatabase, match="tables articles"):
        connect(db)
    assert snapshot(tmp_path) == before
