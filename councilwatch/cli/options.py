"""Options and checks shared by the ``councilwatch`` commands."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import click

from councilwatch.dates import iso_date

DEFAULT_DB = "data/councilwatch.db"

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    envvar="COUNCILWATCH_DB",
    show_default=True,
    show_envvar=True,
    help="SQLite database file.",
)


def open_db(db_path: Path, *, create: bool) -> sqlite3.Connection:
    """Connect to a councilwatch database, or fail with a one-line message saying what to do."""
    from councilwatch.db.schema import NotACouncilwatchDatabase, connect

    try:
        return connect(db_path, create=create)
    except NotACouncilwatchDatabase as exc:
        raise click.ClickException(
            f"{exc}. Create one with `councilwatch crawl --db {db_path} ...` or `councilwatch demo`."
        ) from exc


class DateParam(click.ParamType):
    """A YYYY-MM-DD option value, checked by the one date parser (:func:`iso_date`).

    >>> DATE.convert("2015-11-02", None, None)
    '2015-11-02'
    """

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return iso_date(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateParam()


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs as Scrapy settings; a usage error for a pair without ``=``.

    >>> parse_overrides(("LOG_LEVEL=INFO",))
    {'LOG_LEVEL': 'INFO'}
    """
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--set")
        settings[name] = value
    return settings
