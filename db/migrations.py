"""Versioned, forward-only schema migrations, on sqlite-utils.

A councilwatch database keeps the version of its schema in ``PRAGMA user_version``.
:data:`MIGRATIONS` lists the steps, one per version; :func:`migrate` applies the
ones a database has not had yet, all in one transaction opened with ``BEGIN
IMMEDIATE``: of several processes starting at once, one migrates while the others
wait for its lock, then find the version current and do nothing; a reader (Datasette)
sees the schema as it was before or after, never a view or the FTS table missing.
Each applied step is a row of ``schema_migrations``. A database already at
:data:`SCHEMA_VERSION` costs one ``PRAGMA user_version`` read: nothing is dropped or
created on connect.

Version 1 is the schema of the first release (``v1_tables.sql`` then
``v1_views.sql``, verbatim, so a database that release made is at version 1 as it
stands). Later versions are Python functions over a :class:`sqlite_utils.Database`.

>>> import sqlite3
>>> conn = sqlite3.connect(":memory:")
>>> [m.version for m in migrate(conn)] == list(range(1, SCHEMA_VERSION + 1))
True
>>> migrate(conn)
[]

Adding a migration
------------------
Write a function that takes the :class:`sqlite_utils.Database` and decorate it with
the next version number and a one-line summary (``councilwatch migrate`` prints it).
A table, its index and its full-text search::

    @migration(3, "suppliers and their contracts")
    def _suppliers(db: Database) -> None:
        db["suppliers"].create({"id": int, "name": str}, pk="id", not_null={"name"})
        db["contracts"].create(
            {"id": int, "article_id": int, "supplier_id": int, "value_gbp": float},
            pk="id",
            foreign_keys=[("article_id", "articles", "id"), ("supplier_id", "suppliers", "id")],
        )
        db["contracts"].create_index(["supplier_id"])
        db["suppliers"].enable_fts(["name"], create_triggers=True)

A new or changed view (its SQL may live in a file beside this one, ``v4_views.sql``,
read with :func:`sql_file`)::

    @migration(4, "council_summary view for the analyst pages")
    def _council_summary(db: Database) -> None:
        replace_view(db, "council_summary", "SELECT code, count(*) AS mentions FROM ...")

A column: ``db["articles"].add_column("ocds_id", str)``; rows:
``db["councils"].upsert_all(rows, pk="code")`` or ``db.execute(sql, params)``.
The rules:

- Never edit, renumber or remove a migration once it is on main: databases in use
  have applied it. Change things with a new one.
- Stay inside the one transaction: work through ``db`` (sqlite-utils nests its own
  steps in savepoints there); SQL files through :func:`run_script`; no ``commit()``,
  no ``executescript()`` (it commits first), no ``PRAGMA journal_mode``.
- Views and indexes are made by migrations only, never on connect.
- Two branches that both add version N: the one merged second renumbers its own
  (importing this module fails on a repeated or missing version number).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files

from sqlite_utils import Database

from .file_check import APPLICATION_ID, DatabaseOutOfDate


@dataclass(frozen=True)
class Migration:
    """One step of the schema: from ``version - 1`` to ``version``."""

    version: int
    summary: str
    apply: Callable[[Database], None]


MIGRATIONS: list[Migration] = []


def migration(version: int, summary: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as the migration to ``version``."""

    def register(apply: Callable[[Database], None]) -> Callable[[Database], None]:
        expected = len(MIGRATIONS) + 1
        if version != expected:
            raise ValueError(f"migration {version} ({summary}): the next number is {expected}")
        MIGRATIONS.append(Migration(version, summary, apply))
        return apply

    return register


def sql_file(name: str) -> str:
    """The text of a SQL file of this package (``db/<name>``)."""
    return files("councilwatch.db").joinpath(name).read_text(encoding="utf-8")


def run_script(db: Database, sql: str) -> None:
    """Run the statements of ``sql`` one by one inside the migration's transaction.

    (``executescript`` would commit the transaction first, and a failing statement
    would leave the steps before it applied.) Statements end at a ``;`` that
    completes them, so a trigger's body stays whole.

    >>> db = Database(memory=True)
    >>> run_script(db, "CREATE TABLE t (x); CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN SELECT 1; END;")
    >>> sorted(db.table_names()), [t.name for t in db.triggers]
    (['t'], ['t_ai'])
    """
    statement = ""
    for piece in sql.split(";")[:-1]:
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    rest = statement + sql.split(";")[-1]
    if any(line.strip() and not line.strip().startswith("--") for line in rest.splitlines()):
        raise ValueError(f"SQL script ends in an incomplete statement: {rest.strip()[:60]!r}")


def replace_view(db: Database, name: str, select_sql: str) -> None:
    """Drop the view ``name`` if it exists and create it as ``select_sql``, inside the
    migration's transaction."""
    db.execute(f'DROP VIEW IF EXISTS "{name}"')
    db.execute(f'CREATE VIEW "{name}" AS {select_sql}')


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def pending(conn: sqlite3.Connection) -> list[Migration]:
    """The migrations ``conn``'s database has not had yet (read-only)."""
    current = schema_version(conn)
    return [m for m in MIGRATIONS if m.version > current]


def migrate(conn: sqlite3.Connection) -> list[Migration]:
    """Bring the database to :data:`SCHEMA_VERSION`; return the migrations applied.

    Raises :class:`DatabaseOutOfDate` for a database made by a newer councilwatch.
    """
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise DatabaseOutOfDate(
            f"the database has schema version {current}, newer than this councilwatch "
            f"knows ({SCHEMA_VERSION}): upgrade councilwatch"
        )
    if current == SCHEMA_VERSION:
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        todo = pending(conn)  # again, under the write lock: another process may have migrated
        db = Database(conn, recursive_triggers=False, execute_plugins=False)
        for step in todo:
            step.apply(db)
        if todo:
            applied_at = datetime.now(UTC).isoformat(timespec="seconds")
            db["schema_migrations"].upsert_all(
                [{"version": m.version, "summary": m.summary, "applied_at": applied_at}
                 for m in todo],
                pk="version",
            )  # fmt: skip
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return todo


@migration(1, "the schema of the first release: tables, indexes, full-text search, views")
def _first_release(db: Database) -> None:
    run_script(db, sql_file("v1_tables.sql"))
    run_script(db, sql_file("v1_views.sql"))


@migration(2, "schema_migrations: which migration was applied when")
def _migrations_log(db: Database) -> None:
    db["schema_migrations"].create(
        {"version": int, "summary": str, "applied_at": str}, pk="version", not_null={"summary"}
    )
    # A database of the first release had version 1 before this log existed.
    db["schema_migrations"].insert(
        {"version": 1, "summary": MIGRATIONS[0].summary, "applied_at": None}
    )


@migration(3, "suppliers and contracts: suppliers, supplier_names, supplier_mentions, contracts")
def _suppliers(db: Database) -> None:
    run_script(db, sql_file("v3_suppliers.sql"))


@migration(4, "the public register: ocds_releases, awards, award_suppliers, ocds_crawl_windows")
def _public_register(db: Database) -> None:
    run_script(db, sql_file("v4_register.sql"))


@migration(5, "the press against the register: contract_checks, contracts_ending and their views")
def _contract_checks(db: Database) -> None:
    run_script(db, sql_file("v5_contract_checks.sql"))


@migration(6, "the analyst's pages: summary tables, whose each pound figure is, savings")
def _analyst_pages(db: Database) -> None:
    run_script(db, sql_file("v6_analyst_pages.sql"))


@migration(7, "the supplier pages: supplier_month_counts, an index for the register check")
def _supplier_pages(db: Database) -> None:
    run_script(db, sql_file("v7_supplier_pages.sql"))


@migration(
    8,
    "the filtered dashboard: article_council_kinds, service_council_counts, council_money_figures",
)
def _filtered_pages(db: Database) -> None:
    script = sql_file("v8_filtered_pages.sql")
    _once_views(db, script)
    run_script(db, script)


def _view_sql(script: str, name: str, end: str) -> str:
    """The ``SELECT`` of view ``name`` in ``script``, up to and including ``end``."""
    start = script.index(f"CREATE VIEW {name} AS") + len(f"CREATE VIEW {name} AS")
    return script[start : script.index(end, start) + len(end)]


def _once_views(db: Database, script: str) -> None:
    """``money_sentence_signals_once`` and ``money_councils_once``: version 6's signals and
    version 8's ``money_councils`` with each sentence's normalised text worked out once per
    figure, for the triggers that fill ``council_money_figures`` one figure or one article at
    a time (1.65 ms a figure through the plain views, where SQLite substitutes the
    expression into each of its forty uses). A ``DISTINCT`` subquery is not flattened, and
    a condition on one figure or article still reaches into it; pages keep the plain views,
    since joined to other tables SQLite would work out every figure's signals first."""
    signals = _view_sql(sql_file("v6_analyst_pages.sql"), "money_sentence_signals", "\n) mm")
    inner = "FROM (\n    SELECT id, article_id, sentence,"
    if inner not in signals:
        raise ValueError("money_sentence_signals: its inner SELECT is not where it was")
    replace_view(
        db,
        "money_sentence_signals_once",
        signals.replace(inner, "FROM (\n    SELECT DISTINCT id, article_id, sentence,"),
    )
    councils = _view_sql(script, "money_councils", "x.article_id)")
    replace_view(
        db,
        "money_councils_once",
        councils.replace("FROM money_sentence_signals x", "FROM money_sentence_signals_once x"),
    )


#: The version :func:`migrate` brings a database to.
SCHEMA_VERSION = MIGRATIONS[-1].version
