"""The summary tables the published pages read, for a loader that writes facts in bulk.

The summary tables (``council_counts``, ``council_month_counts``, ...) are kept true by
triggers on the fact tables; a bulk loader may drop them with their triggers first
(:func:`drop_summaries`), load, and have them made and filled again from the facts
(:func:`refill_summaries`: the migrations' own scripts, whose tables are filled only
while empty and whose triggers are made only when missing).

>>> from councilwatch.db.schema import connect
>>> conn = connect(":memory:")
>>> drop_summaries(conn)
>>> "council_counts" in {r[0] for r in conn.execute("select name from sqlite_master")}
False
>>> refill_summaries(conn)
>>> conn.execute("select count(*) from council_counts").fetchone()[0]
0
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from .migrations import run_script, sql_file

#: The summary tables, and the migration scripts that make, fill and keep them.
SUMMARY_TABLES = ("council_month_counts", "council_counts", "article_month_counts",
                  "supplier_month_counts", "article_council_kinds", "service_council_counts",
                  "council_money_figures")  # fmt: skip
SUMMARY_SCRIPTS = ("v6_analyst_pages.sql", "v7_supplier_pages.sql", "v8_filtered_pages.sql")


def drop_summaries(conn: sqlite3.Connection) -> None:
    """Drop the summary tables and the triggers that keep them (named ``<table>_...``)."""
    for table in SUMMARY_TABLES:
        triggers = conn.execute(
            "select name from sqlite_master where type = 'trigger' and name like ? || '\\_%'"
            " escape '\\'",
            [table],
        ).fetchall()
        for (name,) in triggers:
            conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        conn.execute(f'DROP TABLE IF EXISTS "{table}"')
    conn.commit()


def refill_summaries(conn: sqlite3.Connection) -> None:
    """Make the missing summary tables and triggers and fill the empty tables, in one
    transaction."""
    conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        db = Database(conn, recursive_triggers=False, execute_plugins=False)
        for name in SUMMARY_SCRIPTS:
            run_script(db, sql_file(name))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
