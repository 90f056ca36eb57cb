"""Schema migrations: a database of release ff6c36c upgrades in place with nothing lost;
a fresh database is at the current version; connecting neither drops nor recreates
anything, and many processes starting at once all succeed."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from councilwatch.db import store
from councilwatch.db.migrations import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    migration,
    run_script,
)
from councilwatch.db.schema import APPLICATION_ID, DatabaseOutOfDate, connect

from ..conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures"
OLD_SQL = ("ff6c36c_schema.sql", "ff6c36c_views.sql", "ff6c36c_fts.sql")


def build_release_database(path: Path) -> None:
    """A database as release ff6c36c left it: its schema, stamp and version, every table
    filled from ``fixtures/ff6c36c_rows.json``, in WAL mode."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    for name in OLD_SQL:
        conn.executescript((FIXTURES / name).read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    for table, rows in release_rows().items():
        for row in rows:
            values = [
                gzip.compress(v["gzip"].encode()) if isinstance(v, dict) else v
                for v in row.values()
            ]
            columns = ", ".join(f'"{c}"' for c in row)
            conn.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", values
            )
    conn.commit()
    conn.close()


def release_rows() -> dict[str, list[dict]]:
    data = json.loads((FIXTURES / "ff6c36c_rows.json").read_text(encoding="utf-8"))
    return {table: rows for table, rows in data.items() if not table.startswith("_")}


def every_row(path: Path, names: list[str]) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def objects(path: Path, kinds: tuple[str, ...] = ("table", "view", "index", "trigger")) -> dict:
    conn = sqlite3.connect(path)
    try:
        marks = ",".join("?" * len(kinds))
        rows = conn.execute(
            f"SELECT type, name, sql FROM sqlite_master WHERE type IN ({marks})", kinds
        ).fetchall()
    finally:
        conn.close()
    return {(kind, name): sql for kind, name, sql in rows}


@pytest.fixture
def release_db(tmp_path) -> Path:
    path = tmp_path / "release.db"
    build_release_database(path)
    return path


def test_the_fixture_fills_every_table_of_the_release(release_db):
    tables = {name for kind, name in objects(release_db, ("table",))}
    own = {t for t in tables if not t.startswith("articles_fts")}
    assert own == set(release_rows())
    for table, count in every_row(release_db, sorted(own)).items():
        assert len(count) >= 2, f"{table}: too few rows to compare"


#: Views a later migration redefines on purpose (version 6: arrangement_summary gives the
#: saving each arrangement's article states): same rows, new or refined columns.
REDEFINED_VIEWS = {"arrangement_summary"}


def test_a_release_database_upgrades_in_place_with_nothing_lost(release_db):
    old_objects = objects(release_db)
    tables = sorted(name for kind, name in old_objects if kind == "table")  # FTS shadows too
    views = sorted(
        name for kind, name in old_objects if kind == "view" and name not in REDEFINED_VIEWS
    )
    before = every_row(release_db, tables + views)
    ids_before = {
        v: [r[0] for r in rows]
        for v, rows in every_row(release_db, sorted(REDEFINED_VIEWS)).items()
    }

    result = run_cli("migrate", "--db", str(release_db))
    assert result.returncode == 0, result.stderr
    assert f"schema version 1 -> {SCHEMA_VERSION}" in result.stdout
    for step in MIGRATIONS[1:]:
        assert f"{step.version}: {step.summary}" in result.stdout

    assert every_row(release_db, tables + views) == before
    ids_after = {
        v: [r[0] for r in rows]
        for v, rows in every_row(release_db, sorted(REDEFINED_VIEWS)).items()
    }
    assert ids_after == ids_before
    new_objects = objects(release_db)
    kept = {k: v for k, v in old_objects.items() if k[1] not in REDEFINED_VIEWS}
    assert {k: v for k, v in new_objects.items() if k in kept} == kept
    conn = sqlite3.connect(release_db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    found = conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", ("council",)
    ).fetchall()
    assert found == [(1,), (2,), (3,)]  # stemmed: "councils" and "Council" too
    assert conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'müller OR joint'"
    ).fetchall() == [(3,)]
    log = conn.execute("SELECT version, applied_at IS NULL FROM schema_migrations").fetchall()
    assert log[0] == (1, 1)  # version 1 predates the log
    assert [v for v, _ in log] == list(range(1, SCHEMA_VERSION + 1))
    conn.close()

    again = run_cli("migrate", "--db", str(release_db))
    assert again.returncode == 0
    assert f"is up to date (schema version {SCHEMA_VERSION})" in again.stdout


def test_an_upgraded_database_takes_new_articles_and_facts(release_db):
    conn = connect(release_db)
    outcome, article_id = store.store_article(
        conn,
        {"url": "https://www.localgov.co.uk/new/", "title": "Islington outsources ICT",
         "body": "Islington Council outsources its ICT.", "source": "localgov"},
    )  # fmt: skip
    assert (outcome, article_id) == ("new", 4)
    facts = {"councils": [{"code": "ISL", "text": "Islington", "start": 0, "end": 9,
                           "sentence": "Islington Council outsources its ICT."}]}  # fmt: skip
    with conn:
        store.replace_facts(conn, article_id, facts, "0.2.0")
    councils = conn.execute("SELECT council FROM article_councils WHERE article_id = 4")
    assert [tuple(r) for r in councils] == [("Islington",)]
    found = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'outsources'")
    assert [tuple(r) for r in found] == [(4,)]
    conn.close()


def test_a_fresh_database_has_the_release_schema_and_the_later_steps(release_db, tmp_path):
    fresh = tmp_path / "fresh.db"
    connect(fresh).close()
    connect(release_db).close()
    assert objects(fresh) == objects(release_db)


def test_connecting_to_a_current_database_writes_nothing(db_path):
    connect(db_path).close()
    watcher = sqlite3.connect(db_path)
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    schema = objects(db_path)
    for _ in range(3):
        connect(db_path).close()
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == version
    assert objects(db_path) == schema
    watcher.close()


def test_a_database_from_a_newer_councilwatch_is_refused(db_path):
    connect(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseOutOfDate, match="newer than this councilwatch"):
        connect(db_path)
    result = run_cli("process", "--db", str(db_path))
    assert result.returncode == 66
    assert "upgrade councilwatch" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_readers_refuse_an_out_of_date_database_and_say_to_migrate(release_db, tmp_path):
    for args in (["serve"], ["export", "-o", str(tmp_path / "out")]):
        result = run_cli(*args, "--db", str(release_db))
        assert result.returncode == 66, result.stderr
        assert f"run `councilwatch migrate --db {release_db}`" in result.stderr
        assert result.stderr.strip().count("\n") == 0
    assert sqlite3.connect(release_db).execute("PRAGMA user_version").fetchone()[0] == 1


def test_migration_numbers_must_follow_on():
    with pytest.raises(ValueError, match=f"the next number is {SCHEMA_VERSION + 1}"):
        migration(SCHEMA_VERSION + 2, "a gap")(lambda db: None)
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def test_a_failing_migration_leaves_the_database_as_it_was(release_db, monkeypatch):
    def broken(db):
        db["half_done"].create({"id": int}, pk="id")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(
        "councilwatch.db.migrations.MIGRATIONS", [MIGRATIONS[0], Migration(2, "broken", broken)]
    )
    before = objects(release_db)
    with pytest.raises(RuntimeError, match="disk on fire"):
        connect(release_db)
    assert objects(release_db) == before
    assert sqlite3.connect(release_db).execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_sql_script_failing_halfway_leaves_the_database_as_it_was(release_db, monkeypatch):
    script = """
        CREATE TABLE half_done (id INTEGER PRIMARY KEY);
        CREATE TRIGGER half_done_ai AFTER INSERT ON half_done BEGIN SELECT 1; END;
        INSERT INTO half_done (id) VALUES (1);
        CREATE VIEW broken AS SELECT no_such_column FROM half_done;
        SELECT no_such_column FROM broken;
    """
    monkeypatch.setattr(
        "councilwatch.db.migrations.MIGRATIONS",
        [MIGRATIONS[0], Migration(2, "a script that fails", lambda db: run_script(db, script))],
    )
    before = objects(release_db)
    with pytest.raises(sqlite3.OperationalError, match="no_such_column"):
        connect(release_db)
    assert objects(release_db) == before  # the table, trigger and view made before it: gone
    assert sqlite3.connect(release_db).execute("PRAGMA user_version").fetchone()[0] == 1


def _connect_at_once(path: str, barrier, results) -> None:
    barrier.wait()
    try:
        conn = connect(path)
        conn.execute("SELECT count(*) FROM source_health").fetchone()
        conn.close()
        results.put("ok")
    except Exception as exc:  # reported to the test, which names it
        results.put(f"{type(exc).__name__}: {exc}")


def _start_together(path: Path, count: int) -> list[str]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(count), ctx.Queue()
    procs = [
        ctx.Process(target=_connect_at_once, args=(str(path), barrier, results))
        for _ in range(count)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    return outcomes


def test_eight_processes_creating_one_database_at_once_all_succeed(db_path):
    for attempt in range(3):
        path = db_path.with_name(f"new-{attempt}.db")
        assert _start_together(path, 8) == ["ok"] * 8
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(
            MIGRATIONS
        )
        conn.close()


def test_eight_processes_upgrading_one_database_at_once_all_succeed(release_db):
    before = every_row(release_db, ["articles", "council_mentions"])
    assert _start_together(release_db, 8) == ["ok"] * 8
    assert every_row(release_db, ["articles", "council_mentions"]) == before
    conn = sqlite3.connect(release_db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def _read_views_and_fts(path: str, stop, errors) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    reads = 0
    while not stop.is_set() or reads < 20:
        try:
            conn.execute("SELECT count(*) FROM source_health").fetchone()
            conn.execute("SELECT count(*) FROM council_coverage").fetchone()
            conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'council'")
            reads += 1
        except sqlite3.Error as exc:
            errors.put(f"{type(exc).__name__}: {exc}")
            return
    errors.put(f"ok {reads}")


def test_a_reader_never_sees_a_view_or_the_fts_table_missing(release_db):
    ctx = multiprocessing.get_context("fork")
    stop, errors = ctx.Event(), ctx.Queue()
    reader = ctx.Process(target=_read_views_and_fts, args=(str(release_db), stop, errors))
    reader.start()
    try:
        for _ in range(3):  # an upgrade, then connections to a current database
            assert _start_together(release_db, 8) == ["ok"] * 8
    finally:
        stop.set()
        outcome = errors.get(timeout=60)
        reader.join(timeout=30)
    assert outcome.startswith("ok"), outcome
