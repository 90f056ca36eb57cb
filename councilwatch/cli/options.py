"""Options and checks shared by the ``councilwatch`` commands.

>>> parse_date("2015-11-02", "--since")
'2015-11-02'
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import click

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


def parse_date(value: str, option: str) -> str:
    """An ISO date, or a usage error naming the option."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from exc
