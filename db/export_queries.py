"""The SQL of ``councilwatch export``: which tables may be exported, their columns and
keys, and their rows, whole or only those of selected articles.

>>> from councilwatch.db.schema import connect
>>> conn = connect(":memory:")
>>> "raw_pages" in exportable_tables(conn), "articles" in exportable_tables(conn)
(False, True)
>>> table_columns(conn, "services")[0]
('id', 'TEXT', 0, 1)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

#: Never exported: compressed HTML and full-text-search internals.
EXCLUDED_TABLES = {"raw_pages"}

#: Rows of each table that belong to the selected articles (``:ids`` is replaced).
_ARTICLE_FILTERS = {
    "articles": "id in ({ids})",
    "article_aliases": "article_id in ({ids})",
    "council_mentions": "article_id in ({ids})",
    "money_mentions": "article_id in ({ids})",
    "service_mentions": "article_id in ({ids})",
    "arrangements": "article_id in ({ids})",
    "arrangement_councils": "arrangement_id in (select id from arrangements where article_id in ({ids}))",
    "arrangement_services": "arrangement_id in (select id from arrangements where article_id in ({ids}))",
    "raw_pages": "article_id in ({ids})",
    "supplier_mentions": "article_id in ({ids})",
    "contracts": "article_id in ({ids})",
    "contract_councils": "contract_id in (select id from contracts where article_id in ({ids}))",
    "contract_services": "contract_id in (select id from contracts where article_id in ({ids}))",
    # register awards no article mentioned belong to no article: kept with any selection
    "contract_checks": "article_id in ({ids}) or article_id is null",
}


def article_selection(
    councils: Sequence[str] = (),
    services: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
) -> tuple[str, list]:
    """``select id from articles where ...`` and its parameters: the articles naming any
    of ``councils`` (and any of ``services``), published within ``since``..``until``.

    >>> article_selection(councils=["CMD"])
    ('select id from articles where id in (select article_id from council_mentions where code in (?))', ['CMD'])
    """
    where, params = [], []
    if councils:
        marks = ", ".join("?" * len(councils))
        where.append(f"id in (select article_id from council_mentions where code in ({marks}))")
        params += list(councils)
    if services:
        marks = ", ".join("?" * len(services))
        where.append(f"id in (select article_id from service_mentions where service in ({marks}))")
        params += list(services)
    if since:
        where.append("substr(published, 1, 10) >= ?")
        params.append(since)
    if until:
        where.append("substr(published, 1, 10) <= ?")
        params.append(until)
    return "select id from articles where " + (" and ".join(where) or "1"), params


def exportable_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables and views a researcher may ask for (no FTS internals, no raw HTML)."""
    rows = conn.execute(
        "select name, sql from sqlite_master where type in ('table', 'view') order by name"
    ).fetchall()
    fts = {name for name, sql in rows if sql and "VIRTUAL TABLE" in sql.upper()}
    names = []
    for name, _ in rows:
        if name in EXCLUDED_TABLES or name.startswith("sqlite_"):
            continue
        if name in fts or any(name.startswith(f"{f}_") for f in fts):
            continue
        names.append(name)
    return names


def service_ids(conn: sqlite3.Connection) -> set[str]:
    """The service taxonomy's ids."""
    return {row[0] for row in conn.execute("select id from services")}


def publications(conn: sqlite3.Connection) -> list[tuple[str, str | None]]:
    """``(title, home page)`` of each publication articles were taken from, most articles first."""
    return [
        (row[0], row[1])
        for row in conn.execute(
            "select coalesce(s.title, s.name), s.homepage from sources s"
            " join (select source, count(*) as n from articles group by source) a"
            " on a.source = s.name order by a.n desc, s.name"
        )
    ]


def table_columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int, int]]:
    """``(name, declared type, not null, primary key position)`` of each column."""
    return [(r[1], r[2], r[3], r[5]) for r in conn.execute(f'pragma table_info("{table}")')]


def foreign_keys(conn: sqlite3.Connection, table: str) -> list[tuple[list[str], str, list[str]]]:
    """``(columns, referenced table, referenced columns)`` of each foreign key (several
    columns for a composite key).

    >>> from councilwatch.db.schema import connect
    >>> foreign_keys(connect(":memory:"), "award_suppliers")
    [(['ocid', 'award_id'], 'awards', ['ocid', 'award_id']), (['supplier_id'], 'suppliers', ['id'])]
    """
    keys: dict[int, tuple[list[str], str, list[str]]] = {}
    for row in conn.execute(f'pragma foreign_key_list("{table}")'):
        columns, _, others = keys.setdefault(row[0], ([], row[2], []))
        columns.append(row[3])
        others.append(row[4])
    return list(keys.values())


def table_rows(
    conn: sqlite3.Connection, table: str, selection: tuple[str, list] | None = None
) -> tuple[list[str], Iterator]:
    """``(column names, rows)`` of ``table`` in rowid order; with ``selection`` (see
    :func:`article_selection`) only the rows that belong to the selected articles."""
    sql = f'select * from "{table}"'
    params: list = []
    if selection is not None:
        condition = _ARTICLE_FILTERS.get(table)
        names = [name for name, *_ in table_columns(conn, table)]
        if condition is None and "article_id" in names:  # views of facts
            condition = "article_id in ({ids})"
        if condition:
            article_sql, params = selection
            sql += " where " + condition.format(ids=article_sql)
    cursor = conn.execute(sql + " order by rowid" if _has_rowid(conn, table) else sql, params)
    return [d[0] for d in cursor.description], cursor


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    row = conn.execute("select type from sqlite_master where name = ?", [table]).fetchone()
    return bool(row and row[0] == "table")
