"""How the published pages run their SQL: section by section, each under a time limit.

A page's data function takes a ``run(sql, params)`` coroutine returning rows as
mappings (:data:`Run`); :func:`datasette_runner` makes one from a Datasette database
that raises :class:`TooSlow` when a statement runs past its limit, and
:func:`section_reader` reads a section as dicts, leaving a slow one empty and named.
:func:`on_one_connection` runs a whole data function on one connection in one call to
the database's thread, instead of one call per statement (a council page has about
twenty).

>>> import asyncio
>>> async def run(sql, params):
...     raise TooSlow(sql)
>>> slow = []
>>> asyncio.run(section_reader(run, slow)("coverage", "select 1", []))
[]
>>> slow
['coverage']
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any, TypeVar

Run = Callable[[str, Sequence[Any] | Mapping[str, Any]], Awaitable[list[Mapping[str, Any]]]]
Reader = Callable[[str, str, Any], Awaitable[list[dict]]]
T = TypeVar("T")


class TooSlow(Exception):
    """A section's SQL ran past its time limit (``run`` raises it; the page says so)."""


def section_reader(run: Run, slow: list[str]) -> Reader:
    """``read(name, sql, params)``: the rows as dicts; ``[]`` and ``name`` added to
    ``slow`` when the SQL is too slow."""

    async def read(name: str, sql: str, params: Any) -> list[dict]:
        try:
            return [dict(r) for r in await run(sql, params)]
        except TooSlow:
            slow.append(name)
            return []

    return read


def datasette_runner(db: Any, limit_ms: int) -> Run:
    """A :data:`Run` over a Datasette database, each statement limited to ``limit_ms``."""
    from datasette.database import QueryInterrupted

    async def run(sql: str, params: Any) -> list:
        try:
            return list((await db.execute(sql, params, custom_time_limit=limit_ms)).rows)
        except QueryInterrupted:
            raise TooSlow(sql) from None

    return run


def connection_runner(conn: sqlite3.Connection, limit_ms: int) -> Run:
    """A :data:`Run` over one SQLite connection, each statement limited to ``limit_ms``.

    >>> conn = sqlite3.connect(":memory:")
    >>> conn.row_factory = sqlite3.Row
    >>> [dict(r) for r in finished(connection_runner(conn, 100)("select 1 AS one", []))]
    [{'one': 1}]
    """
    from datasette.utils import sqlite_timelimit

    async def run(sql: str, params: Any) -> list:
        try:
            with sqlite_timelimit(conn, limit_ms):
                return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            raise TooSlow(sql) from None

    return run


def finished(coro: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never waits (a page's data function over
    :func:`connection_runner`), run to its end here."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("a page's data function waited on something besides its SQL")


async def on_one_connection(
    db: Any, page: Callable[[Run], Coroutine[Any, Any, T]], limit_ms: int
) -> T:
    """``page(run)`` on one connection of the Datasette database ``db``, in one call to
    its thread; each statement limited to ``limit_ms``."""
    return await db.execute_fn(lambda conn: finished(page(connection_runner(conn, limit_ms))))
