"""Publishing commands: ``serve`` (Datasette) and ``export`` (dated extracts)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from councilwatch.cli.options import check_db, db_option


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, type=int, show_default=True)
@click.option(
    "--immutable/--mutable",
    default=False,
    help="Default --mutable: open the file read-only and follow what crawl, process "
    "and load write meanwhile. --immutable only for a file nothing writes to any more "
    "(a write would break every page until restarted).",
)
def serve(db_path: Path, host: str, port: int, immutable: bool) -> None:
    """Publish the database with Datasette, read-only.

    Never writes the file: a database of an older schema is refused (exit code 66)
    until `councilwatch migrate` has upgraded it.
    """
    from councilwatch.serve import PortInUse
    from councilwatch.serve import serve as run_datasette

    check_db(db_path)
    try:
        sys.exit(run_datasette(db_path, host=host, port=port, immutable=immutable))
    except PortInUse as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("export")
@db_option
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write councilwatch-extract-YYYY-MM-DD/ into.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--table",
    "tables",
    multiple=True,
    help="Table or view to export (repeatable; default: data tables).",
)
@click.option(
    "--council",
    "councils",
    multiple=True,
    help="Only articles naming this council: a code (CMD) or a name (Camden); repeatable.",
)
@click.option(
    "--service",
    "services",
    multiple=True,
    help="Only articles naming this service id (repeatable).",
)
@click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only articles published on or before this date (YYYY-MM-DD).")
@click.option(
    "--raw-csv",
    is_flag=True,
    help="Write text cells as they are. By default a cell a spreadsheet would run as a "
    "formula (starting with = + - @, a tab or a carriage return) gets a leading '.",
)
def export_command(
    db_path: Path,
    out_dir: Path,
    fmt: str,
    tables: tuple[str, ...],
    councils: tuple[str, ...],
    services: tuple[str, ...],
    since: str | None,
    until: str | None,
    raw_csv: bool,
) -> None:
    """Write a dated extract: one CSV or JSON file per table and a datapackage.json.

    --council and --service keep the articles naming them and those articles'
    facts; reference tables (councils, services, sources) are exported whole. An
    unknown council or service is an error. The folder of the day is replaced whole,
    so it holds only what its datapackage.json lists. CSV is spreadsheet-safe
    unless --raw-csv.
    """
    from councilwatch.export import ExportError, Filters, export_extract

    check_db(db_path)  # read-only: an out-of-date database is refused, not migrated
    filters = Filters(councils=councils, services=services, since=since, until=until)
    try:
        target = export_extract(
            db_path, out_dir, fmt=fmt, tables=tables, filters=filters, raw_csv=raw_csv
        )
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {target}")
