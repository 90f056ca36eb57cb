"""The ``councilwatch`` command: a thin click group over the library functions.

Each command group lives in its own module (``crawl_commands``, ``archive_commands``,
``nlp_commands``, ``page_commands``, ``publish_commands``, ``database_commands``,
``demo_commands``); the group here only registers them.
"""

from __future__ import annotations

import click

from councilwatch.cli.archive_commands import import_warc_command
from councilwatch.cli.crawl_commands import crawl, load_command, run, sources
from councilwatch.cli.database_commands import migrate
from councilwatch.cli.demo_commands import demo, procurement_api_command, sample_site_command
from councilwatch.cli.nlp_commands import analyse, eval_command, process
from councilwatch.cli.page_commands import extract
from councilwatch.cli.publish_commands import export_command, serve
from councilwatch.cli.register_commands import register


@click.group()
@click.version_option(package_name="councilwatch")
def cli() -> None:
    """councilwatch: a news corpus of UK public-sector IT coverage.

    Crawl the tech and government press, extract the councils, pound figures,
    services and shared-service arrangements each article reports, and publish
    them with Datasette.
    """


for command in (
    sources,
    crawl,
    run,
    load_command,
    import_warc_command,
    process,
    analyse,
    eval_command,
    extract,
    serve,
    export_command,
    migrate,
    demo,
    sample_site_command,
    procurement_api_command,
    register,
):
    cli.add_command(command)
