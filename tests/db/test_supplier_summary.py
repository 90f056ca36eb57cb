"""supplier_month_counts (migration 7) stays equal to a recount through every write."""

from __future__ import annotations

import sqlite3

import pytest

from councilwatch.db.migrations import SCHEMA_VERSION
from councilwatch.db.schema import connect
from councilwatch.reference_data import load_reference_data

from .test_savings_views import add_article


@pytest.fixture
def db(tmp_path):
    conn = connect(tmp_path / "suppliers.db")
    load_reference_data(conn)
    yield conn
    conn.close()


def add_supplier(conn, article_id: int, words: str, supplier_id: str) -> None:
    conn.execute(
        'insert into supplier_mentions (article_id, supplier_id, text, start, "end", sentence,'
        " nlp_version) values (?, ?, ?, 0, ?, ?, 't')",
        [article_id, supplier_id, words, len(words), words],
    )


def kept(conn) -> dict:
    return {
        (r[0], r[1]): (r[2], r[3])
        for r in conn.execute(
            "select supplier_id, month, articles, mentions from supplier_month_counts"
        )
    }


def recount(conn) -> dict:
    return {
        (r[0], r[1]): (r[2], r[3])
        for r in conn.execute(
            "select m.supplier_id, coalesce(substr(a.published, 1, 7), ''),"
            " count(distinct m.article_id), count(*) from supplier_mentions m"
            " join articles a on a.id = m.article_id group by 1, 2"
        )
    }


def test_supplier_counts_follow_every_write(db):
    conn = db
    body = "Capita and Capita again. Civica too."
    a = add_article(conn, body, "2016-03-01")
    b = add_article(conn, body + " More.", "2016-03-20")
    for article in (a, b):
        add_supplier(conn, article, "Capita", "capita")
        add_supplier(conn, article, "Capita again", "capita")
        add_supplier(conn, article, "Civica", "civica")
    assert (
        kept(conn)
        == recount(conn)
        == {
            ("capita", "2016-03"): (2, 4),
            ("civica", "2016-03"): (2, 2),
        }
    )
    conn.execute("update articles set published = '2017-01-05' where id = ?", [b])
    assert kept(conn) == recount(conn)
    assert kept(conn)[("capita", "2017-01")] == (1, 2)
    conn.execute(
        "delete from supplier_mentions where article_id = ? and supplier_id = 'civica'", [a]
    )
    conn.execute("delete from supplier_mentions where article_id = ? and text = 'Capita'", [b])
    assert kept(conn) == recount(conn)
    conn.execute("update articles set published = null where id = ?", [a])
    assert kept(conn) == recount(conn) and ("capita", "") in kept(conn)
    conn.commit()


def test_supplier_counts_are_filled_for_a_database_that_had_none(tmp_path):
    path = tmp_path / "old.db"
    conn = connect(path)
    load_reference_data(conn)
    a = add_article(conn, "Capita runs it.")
    add_supplier(conn, a, "Capita", "capita")
    # as a database of version 6 was: no summary table (migration 7 makes it)
    conn.execute("drop table supplier_month_counts")
    conn.execute("delete from schema_migrations where version = 7")
    conn.execute("pragma user_version = 6")
    conn.commit()
    conn.close()
    conn = connect(path)
    assert kept(conn) == recount(conn) == {("capita", "2016-03"): (1, 1)}
    conn.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
