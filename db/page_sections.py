"""How the published pages run their SQL: section by section, each under a time limit.

A page's data function takes a ``run(sql, params)`` coroutine returning rows as
mappings (:data:`Run`); :func:`datasette_runner` makes one from a Datasette database
that raises :class:`TooSlow` when a statement runs past its limit, and
:func:`section_reader` reads a section as dicts, leaving a slow one empty and named.

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

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

Run = Callable[[str, Sequence[Any] | Mapping[str, Any]], Awaitable[list[Mapping[str, Any]]]]
Reader = Callable[[str, str, Any], Awaitable[list[dict]]]


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
