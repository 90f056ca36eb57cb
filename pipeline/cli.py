"""The ``councilwatch`` command: a thin click layer over the library functions."""

from __future__ import annotations

import gzip
import json
import sys
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


@click.group()
@click.version_option(package_name="councilwatch")
def cli() -> None:
    """councilwatch: a news corpus of UK public-sector IT coverage.

    Crawl the tech and government press, extract the councils, pound figures,
    services and shared-service arrangements each article reports, and publish
    them with Datasette.
    """


@cli.command("sample-site")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True, help="0 picks a free port.")
def sample_site_command(host: str, port: int) -> None:
    """Serve the bundled sample tech-press site until stopped (Ctrl-C)."""
    from councilwatch.sample_site.server import serve_forever

    try:
        serve_forever(host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror}") from exc


@cli.command()
@db_option
@click.option(
    "--start-url",
    "start_urls",
    multiple=True,
    required=True,
    help="Feed, sitemap, robots.txt or index page to discover articles from (repeatable).",
)
@click.option("--source", help="Source name recorded on each article.")
@click.option("--since", help="Skip articles published before this date (YYYY-MM-DD).")
@click.option("--max-articles", type=int, help="Stop after this many articles.")
@click.option("--refresh", is_flag=True, help="Fetch articles again even if already stored.")
@click.option(
    "-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Scrapy setting."
)
def crawl(db_path, start_urls, source, since, max_articles, refresh, overrides) -> None:
    """Crawl articles into the database (politely: robots.txt, AutoThrottle)."""
    from councilwatch.pipeline.crawl import run_crawl

    stats = run_crawl(
        db_path,
        start_urls,
        source=source,
        since=since,
        max_articles=max_articles,
        refresh=refresh,
        settings=parse_overrides(overrides),
    )
    report_crawl(stats)


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--set")
        settings[name] = value
    return settings


def report_crawl(stats: dict) -> None:
    click.echo(
        "Crawl {reason}: {pages} pages, {new} new articles, {updated} updated, "
        "{unchanged} unchanged, {errors} errors recorded (run {run}).".format(
            reason=stats.get("finish_reason", "finished"),
            pages=stats.get("downloader/response_count", 0),
            new=stats.get("councilwatch/articles_new", 0),
            updated=stats.get("councilwatch/articles_updated", 0),
            unchanged=stats.get("councilwatch/articles_unchanged", 0),
            errors=stats.get("councilwatch/errors", 0),
            run=stats.get("councilwatch/run_id", "?"),
        )
    )


@cli.command()
@db_option
@click.option("--all", "everything", is_flag=True, help="Re-process every article.")
@click.option("--batch-size", default=64, show_default=True, type=int)
def process(db_path: Path, everything: bool, batch_size: int) -> None:
    """Run the NLP stage over new articles (or all with --all)."""
    from councilwatch.pipeline.process import process_articles
    from councilwatch.pipeline.reference import load_reference_data

    conn = open_db(db_path, create=False)
    load_reference_data(conn)
    with click.progressbar(length=0, label="Processing articles", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        count = process_articles(
            conn, everything=everything, batch_size=batch_size, progress=progress
        )
    click.echo(f"Processed {count} articles.")


def open_db(db_path: Path, *, create: bool):
    from councilwatch.db.schema import NotACouncilwatchDatabase, connect

    try:
        return connect(db_path, create=create)
    except NotACouncilwatchDatabase as exc:
        raise click.ClickException(
            f"{exc}. Create one with `councilwatch crawl --db {db_path} ...` or `councilwatch demo`."
        ) from exc


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, type=int, show_default=True)
@click.option(
    "--immutable/--mutable",
    default=False,
    help="Open the file immutable (faster; only when no crawl is writing to it).",
)
def serve(db_path: Path, host: str, port: int, immutable: bool) -> None:
    """Publish the database with Datasette, read-only."""
    from councilwatch.db.schema import NotACouncilwatchDatabase
    from councilwatch.pipeline.serve import PortInUse
    from councilwatch.pipeline.serve import serve as run_datasette

    try:
        sys.exit(run_datasette(db_path, host=host, port=port, immutable=immutable))
    except (NotACouncilwatchDatabase, PortInUse) as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command()
@db_option
@click.option("--port", default=8001, type=int, show_default=True, help="Datasette's port.")
@click.option("--no-serve", is_flag=True, help="Stop after loading; do not start Datasette.")
def demo(db_path: Path, port: int, no_serve: bool) -> None:
    """Crawl the bundled sample site, extract facts, load SQLite and serve Datasette."""
    from councilwatch.pipeline.demo import run_demo

    run_demo(db_path, port=port, serve_after=not no_serve)


@cli.command()
@click.argument("files", nargs=-1, type=click.File("r", encoding="utf-8"))
@click.option("--batch-size", default=64, show_default=True, type=int)
def analyse(files, batch_size: int) -> None:
    """Run the NLP stage on JSON lines {"id", "text", "published"} from FILES or stdin.

    Writes one JSON line per document with its councils, money, services and
    arrangements. Bad lines are reported on stderr and skipped (exit code 1).
    """
    from councilwatch.pipeline.analyse import analyse_lines

    sources = files or (click.get_text_stream("stdin"),)
    bad = 0
    for stream in sources:
        name = getattr(stream, "name", "<stdin>")
        for kind, payload in analyse_lines(stream, batch_size=batch_size):
            if kind == "error":
                bad += 1
                click.echo(f"{name}:{payload}", err=True)
            else:
                click.echo(json.dumps(payload, ensure_ascii=False))
    if bad:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def extract(files) -> None:
    """Run page extraction on saved pages (.html or .html.gz); one JSON line per file."""
    from councilwatch.spiders.extract import extract_article

    failed = 0
    for path in files:
        raw = Path(path).read_bytes()
        if path.endswith(".gz"):
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                click.echo(f"{path}: not a gzip file ({exc})", err=True)
                failed += 1
                continue
        try:
            article = extract_article(raw, None)
        except ValueError as exc:
            click.echo(f"{path}: {exc}", err=True)
            failed += 1
            continue
        click.echo(
            json.dumps(
                {
                    "file": path,
                    "url": article.canonical_url,
                    "title": article.title,
                    "authors": article.authors,
                    "published": article.published,
                    "body": article.body,
                },
                ensure_ascii=False,
            )
        )
    if failed:
        sys.exit(1)


# Commands defined in their own modules, registered here.
