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
    type=click.Path(path_type=Path),  # a directory is refused like any unusable file
    default=DEFAULT_DB,
    envvar="COUNCILWATCH_DB",
    show_default=True,
    show_envvar=True,
    help="SQLite database file.",
)


#: Exit code of a command whose database cannot be used: missing (for a command that
#: reads), not a councilwatch database, read-only, a directory, or out of date
#: (EX_NOINPUT). The message on stderr is one line that says what to do.
EXIT_DATABASE_UNUSABLE = 66


class DatabaseUnusableError(click.ClickException):
    """The database cannot be used: one line on stderr, exit code 66."""

    exit_code = EXIT_DATABASE_UNUSABLE


def open_db(db_path: Path, *, create: bool, upgrade: bool = True) -> sqlite3.Connection:
    """Connect to a councilwatch database, migrated (a new one if ``create`` and there is
    none), or fail with a one-line message saying what to do (exit code 66).

    ``upgrade=False``: checked and opened, the migrations left to the caller."""
    from councilwatch.db.schema import DatabaseUnusable, connect

    try:
        return connect(db_path, create=create, upgrade=upgrade)
    except DatabaseUnusable as exc:
        raise unusable(db_path, exc) from exc
    except sqlite3.Error as exc:
        raise DatabaseUnusableError(f"{db_path}: cannot open the database: {exc}") from exc


def check_db(db_path: Path) -> None:
    """For the commands that only read (``serve``, ``export``): fail with one line (exit
    code 66) unless ``db_path`` is a councilwatch database at the current schema."""
    from councilwatch.db.schema import DatabaseUnusable, check_database_file

    try:
        check_database_file(db_path)
    except DatabaseUnusable as exc:
        raise unusable(db_path, exc) from exc


def check_db_writable(db_path: Path) -> None:
    """Fail with one line (exit code 66) unless ``db_path`` is a councilwatch database
    or may become one; creates nothing."""
    from councilwatch.db.file_check import DatabaseUnusable, check_writable_file

    try:
        check_writable_file(db_path)
    except DatabaseUnusable as exc:
        raise unusable(db_path, exc) from exc


def unusable(db_path: Path, exc: Exception) -> DatabaseUnusableError:
    """The one-line error for ``exc``; a missing file gets the commands that create one."""
    message = str(exc)
    if not db_path.exists():
        message += (
            f". Create one with `councilwatch crawl --db {db_path} ...` or `councilwatch demo`"
        )
    return DatabaseUnusableError(message)


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
