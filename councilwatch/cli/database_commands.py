"""``councilwatch migrate``: bring a database's schema up to date."""

from __future__ import annotations

from pathlib import Path

import click

from councilwatch.cli.options import db_option, open_db, unusable


@click.command()
@db_option
def migrate(db_path: Path) -> None:
    """Upgrade the database's schema in place to this councilwatch's version.

    Forward only, in one transaction, nothing lost. Every command that writes the
    database does the same when it opens it; `serve` and `export` only read, and
    refuse an out-of-date database until this has run. A file that is not a
    councilwatch database is left untouched (exit code 66).

    Example: councilwatch migrate --db data/councilwatch.db
    """
    from councilwatch.db.migrations import SCHEMA_VERSION, migrate, schema_version
    from councilwatch.db.schema import DatabaseUnusable

    conn = open_db(db_path, create=False, upgrade=False)
    try:
        before = schema_version(conn)
        applied = migrate(conn)
    except DatabaseUnusable as exc:
        raise unusable(db_path, exc) from exc
    finally:
        conn.close()
    if not applied:
        click.echo(f"{db_path} is up to date (schema version {SCHEMA_VERSION}).")
        return
    click.echo(f"{db_path}: schema version {before} -> {SCHEMA_VERSION}.")
    for step in applied:
        click.echo(f"  {step.version}: {step.summary}")
