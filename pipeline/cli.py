"""The ``councilwatch`` command: a thin click layer over the library functions."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import click

from councilwatch.pipeline.options import db_option, open_db, parse_date


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
@click.option(
    "--extra-articles",
    default=0,
    type=click.IntRange(min=0),
    show_default=True,
    help="Generated articles to add to the 17 shipped ones (deterministic for --seed).",
)
@click.option(
    "--fault-rate",
    default=0.0,
    type=click.FloatRange(0.0, 1.0),
    show_default=True,
    help="Share of responses to articles, the feed and sitemap files that go wrong.",
)
@click.option(
    "--seed", default=0, type=int, show_default=True, help="Seed for articles and faults."
)
@click.option(
    "--hang-seconds",
    default=60.0,
    type=click.FloatRange(min=0.0),
    show_default=True,
    help="How long a 'timeout' fault holds the connection before closing it.",
)
@click.option(
    "--fault-kind",
    "fault_kinds",
    multiple=True,
    help="Only inject this kind of fault (repeatable; default: every kind).",
)
@click.option(
    "--sitemap-size",
    default=1000,
    type=click.IntRange(min=1),
    show_default=True,
    help="Articles per sitemap file when generated articles are served.",
)
def sample_site_command(
    host: str,
    port: int,
    extra_articles: int,
    fault_rate: float,
    seed: int,
    hang_seconds: float,
    fault_kinds: tuple[str, ...],
    sitemap_size: int,
) -> None:
    """Serve the bundled sample tech-press site until stopped (Ctrl-C).

    With --extra-articles and --fault-rate it becomes a large, misbehaving site for
    crash-safety and benchmark runs; GET /__faults__.json reports the injected faults.

    Example: councilwatch sample-site --port 0 --extra-articles 50000 --fault-rate 0.1
    """
    from councilwatch.sample_site.faults import FAULT_KINDS
    from councilwatch.sample_site.server import serve_forever

    unknown = sorted(set(fault_kinds) - set(FAULT_KINDS))
    if unknown:
        raise click.BadParameter(
            f"unknown kind(s) {', '.join(unknown)}; choose from {', '.join(FAULT_KINDS)}",
            param_hint="--fault-kind",
        )
    try:
        serve_forever(
            host,
            port,
            extra_articles=extra_articles,
            fault_rate=fault_rate,
            seed=seed,
            hang_seconds=hang_seconds,
            fault_kinds=fault_kinds or None,
            sitemap_size=sitemap_size,
        )
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror}") from exc


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the registry as JSON.")
def sources(as_json: bool) -> None:
    """List the publications in the sources registry."""
    from dataclasses import asdict

    from councilwatch.spiders.sources import load_sources

    registry = load_sources()
    if as_json:
        rows = [{k: v for k, v in asdict(s).items() if k != "extra"} for s in registry]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(s.name) for s in registry)
    for s in registry:
        feeds = ", ".join(s.feeds + s.sitemaps)
        click.echo(f"{s.name:<{width}}  {s.title} <{s.homepage}>\n{'':<{width}}  {feeds}")


def crawl_options(command):
    """The options ``crawl`` and ``run`` share."""
    options = [
        click.option(
            "--source",
            "source_names",
            multiple=True,
            metavar="NAME",
            help="Registry source to crawl (repeatable; `councilwatch sources` lists them). "
            "Default: every source, unless --start-url is given.",
        ),
        click.option(
            "--start-url",
            "start_urls",
            multiple=True,
            metavar="URL",
            help="Feed, sitemap, robots.txt or index page of any other site (repeatable).",
        ),
        click.option("--name", "start_name", help="Source name for --start-url articles."),
        click.option("--since", help="Skip articles published before this date (YYYY-MM-DD)."),
        click.option("--max-articles", type=int, help="Stop after this many articles."),
        click.option("--refresh", is_flag=True, help="Fetch stored articles and feeds again."),
        click.option(
            "--jobdir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Keep the crawl state here; running again with the same --jobdir resumes "
            "(not with --redis, whose frontier is in Redis).",
        ),
        click.option(
            "-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Scrapy setting."
        ),
        click.option(
            "--redis",
            "redis_url",
            metavar="URL",
            envvar="COUNCILWATCH_REDIS_URL",
            help="Run as one of many workers sharing this Redis frontier; items go to "
            "Redis for `councilwatch load` instead of the database.",
        ),
        click.option(
            "--idle-timeout",
            type=click.FloatRange(min=0),
            default=30.0,
            show_default=True,
            metavar="SECONDS",
            help="With --redis: stop once the shared frontier has been empty this long.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def crawl_from_options(db_path: Path, options: dict, run_id: int = 0) -> dict:
    """Validate the shared crawl options and run the crawl; return Scrapy's stats."""
    from councilwatch.pipeline.crawl import run_crawl
    from councilwatch.spiders.sources import UnknownSource, load_sources, select_sources

    if options["since"]:
        parse_date(options["since"], "--since")
    source_names = options["source_names"]
    try:
        select_sources(source_names)
    except UnknownSource as exc:
        raise click.BadParameter(str(exc), param_hint="--source") from exc
    if not source_names and not options["start_urls"]:
        source_names = tuple(s.name for s in load_sources())
    settings = parse_overrides(options["overrides"])
    if options.get("redis_url"):
        from councilwatch.pipeline.distributed import redis_settings

        settings = {**redis_settings(options["redis_url"], options["idle_timeout"]), **settings}
    if run_id:
        settings["COUNCILWATCH_RUN_ID"] = run_id
    return run_crawl(
        db_path,
        options["start_urls"],
        sources=source_names,
        source=options["start_name"],
        since=options["since"],
        max_articles=options["max_articles"],
        refresh=options["refresh"],
        jobdir=options["jobdir"],
        settings=settings,
    )


@cli.command()
@db_option
@crawl_options
def crawl(db_path: Path, **options) -> None:
    """Crawl articles into the database, politely (robots.txt, AutoThrottle, backoff).

    With --redis it is one worker of a shared crawl: start as many as you like, on
    any hosts, and drain their items with `councilwatch load --redis URL`.

    Example: councilwatch crawl --redis redis://10.0.0.5:6379/0 --source computerweekly
    """
    if options["redis_url"]:
        from councilwatch.pipeline.distributed_cli import report_worker

        if options["jobdir"]:
            raise click.UsageError(
                "--jobdir keeps a crawl's frontier on disk, but with --redis the frontier is "
                "shared in Redis (a stopped worker's requests stay there for the others): "
                "drop --jobdir."
            )

        report_worker(crawl_from_options(db_path, options), options["redis_url"])
        return
    report_crawl(crawl_from_options(db_path, options))


@cli.command()
@db_option
@crawl_options
def run(db_path: Path, **options) -> None:
    """Crawl, then process new articles: one idempotent run for cron or a systemd timer.

    A lock stops overlapping runs: a second run exits at once with status 75.
    Every run is a row in crawl_runs.
    """
    from councilwatch.pipeline.run import EXIT_LOCKED, RunLocked, run_lock, run_once

    if options["redis_url"]:
        raise click.UsageError(
            "run writes the database itself; for a shared crawl run `councilwatch crawl "
            "--redis URL` workers and `councilwatch load --redis URL`."
        )
    try:
        with run_lock(db_path):
            result = run_once(
                db_path,
                lambda run_id: crawl_from_options(db_path, options, run_id),
                command="councilwatch run",
            )
    except RunLocked as exc:
        click.echo(f"Error: {exc}; not starting another.", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(
        "Run {run_id}: {pages_fetched} pages, {articles_new} new articles, "
        "{articles_updated} updated, {errors} errors, {articles_processed} processed.".format(
            **result
        )
    )


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
@click.option(
    "--processes", default=1, show_default=True, type=click.IntRange(1), help="Worker processes."
)
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1))
def process(db_path: Path, everything: bool, processes: int, batch_size: int) -> None:
    """Run the NLP stage over new articles (or all with --all).

    Interruptible: committed batches stay done, and running the same command again
    resumes (an interrupted --all run continues after the last article it finished).
    """
    from councilwatch.db.schema import ensure_schema
    from councilwatch.pipeline.process import ProgressReport, process_articles
    from councilwatch.pipeline.reference import load_reference_data

    conn = open_db(db_path, create=False)
    ensure_schema(conn)  # adds tables introduced since the file was created (process_runs)
    load_reference_data(conn)
    try:
        count = process_articles(
            conn,
            everything=everything,
            batch_size=batch_size,
            processes=processes,
            progress=ProgressReport(sys.stderr),
        )
    except KeyboardInterrupt:
        click.echo("\nInterrupted; run the same command again to resume.", err=True)
        sys.exit(130)
    click.echo(f"Processed {count} articles.")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, type=int, show_default=True)
@click.option(
    "--immutable/--mutable",
    default=None,
    help="Open the file immutable (faster) or follow a crawl's writes. "
    "Default: immutable unless a crawl is running (a crawl_runs row with status "
    "'running', or an unmerged -wal file).",
)
def serve(db_path: Path, host: str, port: int, immutable: bool | None) -> None:
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
from councilwatch.pipeline.eval_cli import eval_command  # noqa: E402

cli.add_command(eval_command)
from councilwatch.pipeline.export_cli import export_command  # noqa: E402

cli.add_command(export_command)
from councilwatch.pipeline.distributed_cli import load_command  # noqa: E402

cli.add_command(load_command)
from councilwatch.pipeline.warc_cli import import_warc_command  # noqa: E402

cli.add_command(import_warc_command)
