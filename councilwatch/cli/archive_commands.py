"""``councilwatch import-warc``: build a corpus from WARC archives."""

from __future__ import annotations

import glob
import sys
from pathlib import Path

import click

from councilwatch.cli.options import DATE, db_option, open_db


def expand_paths(patterns: tuple[str, ...]) -> list[Path]:
    """Paths and globs to existing files, in order, each once; ClickException if none match."""
    paths: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        missing = [m for m in matches if not Path(m).is_file()]
        if not matches or missing:
            raise click.ClickException(f"{pattern}: no such WARC file")
        paths.extend(Path(m) for m in matches if Path(m) not in paths)
    return paths


@click.command("import-warc")
@click.argument("patterns", nargs=-1, required=True, metavar="PATH_OR_GLOB...")
@db_option
@click.option("--domain", "domains", multiple=True, help="Keep only these domains (repeatable).")
@click.option(
    "--since", type=DATE, help="Keep records captured on or after this date (YYYY-MM-DD)."
)
@click.option(
    "--until", type=DATE, help="Keep records captured on or before this date (YYYY-MM-DD)."
)
@click.option("--source", help="Source name recorded on the imported articles.")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--no-process", is_flag=True, help="Store the articles but skip the NLP stage.")
def import_warc_command(
    patterns: tuple[str, ...],
    db_path: Path,
    domains: tuple[str, ...],
    since: str | None,
    until: str | None,
    source: str | None,
    processes: int,
    no_process: bool,
) -> None:
    """Import articles from WARC / WARC.gz files (e.g. Common Crawl CC-NEWS), then run NLP.

    Keeps HTML response records of the chosen domains and capture dates, extracts
    and stores them like a crawl (deduplicated), and reports what was skipped and why.
    """
    from councilwatch.process import process_articles
    from councilwatch.warc import ImportReport, import_archives

    paths = expand_paths(patterns)
    conn = open_db(db_path, create=True)

    def progress(report: ImportReport) -> None:
        click.echo(f"  {sum(report.outcomes.values())} articles stored so far", err=True)

    click.echo(f"Importing {len(paths)} WARC file(s) into {db_path}", err=True)
    _, report = import_archives(
        conn, paths, source=source, domains=domains, since=since, until=until,
        processes=processes, progress=progress,
    )  # fmt: skip
    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items())) or "none"
    skipped = ", ".join(f"{n} {k}" for k, n in report.skipped.most_common()) or "none"
    click.echo(f"Articles: {outcomes}. Skipped records: {skipped}. Errors: {report.errors}.")
    if not no_process:
        count = process_articles(conn, processes=processes)
        click.echo(f"Processed {count} articles.")
    conn.close()
    sys.exit(0)
