"""Sections of a page on one connection, each under a time limit (db/page_sections.py)."""

from __future__ import annotations

import sqlite3

import pytest

from councilwatch.db.page_sections import (
    TooSlow,
    connection_runner,
    finished,
    section_reader,
)

SLOW_SQL = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000) "
    "SELECT count(*) AS c FROM n"
)


@pytest.fixture
def conn():
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_a_section_past_its_limit_is_empty_and_named_and_the_next_still_runs(conn):
    slow: list[str] = []
    rows = section_reader(connection_runner(conn, 5), slow)
    assert finished(rows("counting", SLOW_SQL, [])) == []
    assert finished(rows("one", "SELECT 1 AS x", [])) == [{"x": 1}]
    assert slow == ["counting"]


def test_within_its_limit_a_section_gets_every_row(conn):
    run = connection_runner(conn, 60_000)
    assert [dict(r) for r in finished(run(SLOW_SQL, []))] == [{"c": 500_000}]


def test_other_database_errors_are_not_taken_for_slowness(conn):
    rows = section_reader(connection_runner(conn, 1000), [])
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        finished(rows("missing", "SELECT * FROM nowhere", []))
    with pytest.raises(TooSlow):
        finished(connection_runner(conn, 5)(SLOW_SQL, []))
