"""The public register: ``councilwatch register crawl`` (then linking).

councilwatch register crawl --source contracts-finder --since 2022-10-01
"""

from __future__ import annotations

from pathlib import Path

import click

from councilwatch.cli.options import DATE, db_option, open_db, parse_overrides

SOURCES = ("contracts-finder", "find-a-tender")


@click.group()
def register() -> None:
    """The public register: Contracts Finder and Find a Tender (OCDS)."""


@register.command("crawl")
@db_option
@click.option(
    "--source",
    "source_names",
    multiple=True,
    type=click.Choice(SOURCES),
    help="Register to crawl (repeatable). Default: both.",
)
@click.option(
    "--since",
    type=DATE,
    help="Ask from this date (YYYY-MM-DD). Default: from the newest stored release "
    "(or an earlier window a crawl left unfinished), or the register's first day.",
)
@click.option("--until", type=DATE, help="Ask up to this date (YYYY-MM-DD). Default: now.")
@click.option(
    "-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Scrapy setting."
)
def crawl_command(
    db_path: Path,
    source_names: tuple[str, ...],
    since: str | None,
    until: str | None,
    overrides: tuple[str, ...],
) -> None:
    """Crawl the register's releases and awards into the database, politely (one request
    at a time, a delay between them, waits after 403 and 429), then link buyers to
    councils and suppliers to the supplier table.

    Incremental: without --since each register is asked only from its newest stored
    release. Example: councilwatch register crawl --source find-a-tender
    """
    from councilwatch.register_crawl import run_register_crawl

    if since and until and until < since:
        raise click.BadParameter(f"{until} is before --since {since}", param_hint="--until")
    figures = run_register_crawl(
        db_path,
        source_names or SOURCES,
        since=since,
        until=until,
        settings=parse_overrides(overrides),
    )
    for f in figures:
        resumed = f" from {f.resumed_from}" if f.resumed_from else ""
        refused = f"; refused with HTTP {f.refused}, stopped" if f.refused else ""
        click.echo(
            f"{f.source}{resumed}: {f.pages} pages, {f.releases_new} new releases, "
            f"{f.releases_updated} updated, {f.releases_unchanged} unchanged; "
            f"{f.windows_complete} windows complete, {f.windows_incomplete} incomplete, "
            f"{f.errors} errors recorded{refused}."
        )
    report_links(db_path)


@register.command("link")
@db_option
def link_command(db_path: Path) -> None:
    """Link the stored awards again: buyers to council codes (GB-LAE identifiers, else by
    name through the gazetteer), suppliers to the supplier table.

    `register crawl` does this after every crawl; run it on its own after an update of
    the gazetteer or the supplier table.
    """
    report_links(db_path, create=False)


def report_links(db_path: Path, *, create: bool = True) -> None:
    from councilwatch.register_links import link_register

    conn = open_db(db_path, create=create)
    try:
        figures = link_register(conn)
    finally:
        conn.close()
    click.echo(figures.line())
