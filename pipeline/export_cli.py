"""``councilwatch export``: a dated CSV or JSON extract with a datapackage.json.

Registered on the ``councilwatch`` group at the end of ``pipeline/cli.py``::

    councilwatch export --db data/councilwatch.db -o extracts --council CMD --since 2015-01-01
"""

from __future__ import annotations

from pathlib import Path

import click

from councilwatch.pipeline.options import db_option


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
    help="Only articles naming this council code (repeatable).",
)
@click.option(
    "--service",
    "services",
    multiple=True,
    help="Only articles naming this service id (repeatable).",
)
@click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only articles published on or before this date (YYYY-MM-DD).")
def export_command(db_path, out_dir, fmt, tables, councils, services, since, until) -> None:
    """Write a dated extract: one CSV or JSON file per table and a datapackage.json.

    --council and --service keep the articles naming them and those articles'
    facts; reference tables (councils, services, sources) are exported whole.
    """
    from councilwatch.pipeline.export import ExportError, Filters, export_extract

    filters = Filters(councils=councils, services=services, since=since, until=until)
    try:
        target = export_extract(db_path, out_dir, fmt=fmt, tables=tables, filters=filters)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {target}")
