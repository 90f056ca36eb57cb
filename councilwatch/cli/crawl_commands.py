"""Crawling commands: ``sources``, ``crawl``, ``run`` and ``load`` (the single writer of a
distributed crawl).

    councilwatch crawl --source computerweekly --since 2025-01-01
    councilwatch load --redis redis://127.0.0.1:6379/0 --db data/councilwatch.db --follow
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from councilwatch.cli.options import DATE, db_option, open_db, parse_overrides
from councilwatch.crawl_stats import CrawlFigures
from councilwatch.spiders.refusals import DEFAULT_BLOCK_AFTER


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the registry as JSON.")
def sources(as_json: bool) -> None:
    """List the publications in the sources registry."""
    from dataclasses import asdict

    from councilwatch.spiders.sources import load_sources

    registry = load_sources()
    if as_json:
        rows = [asdict(s) for s in registry]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(s.name) for s in registry)
    for s in registry:
        feeds = ", ".join(s.feeds + s.sitemaps)
        click.echo(f"{s.name:<{width}}  {s.title} <{s.homepage}>\n{'':<{width}}  {feeds}")


def crawl_options(command: Callable[..., None]) -> Callable[..., None]:
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
        click.option(
            "--since", type=DATE, help="Skip articles published before this date (YYYY-MM-DD)."
        ),
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
    from councilwatch.crawl import run_crawl
    from councilwatch.spiders.sources import UnknownSource, load_sources, select_sources

    source_names = options["source_names"]
    try:
        select_sources(source_names)
    except UnknownSource as exc:
        raise click.BadParameter(str(exc), param_hint="--source") from exc
    if not source_names and not options["start_urls"]:
        source_names = tuple(s.name for s in load_sources())
    settings = parse_overrides(options["overrides"])
    if options.get("redis_url"):  # the Redis add-on (pipeline/redis_addon.py) does the rest
        redis = {
            "REDIS_URL": options["redis_url"],
            "COUNCILWATCH_IDLE_TIMEOUT": options["idle_timeout"],
        }
        settings = {**redis, **settings}
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


@click.command()
@db_option
@crawl_options
def crawl(db_path: Path, **options: Any) -> None:
    """Crawl articles into the database, politely (robots.txt, AutoThrottle, backoff).

    With --redis it is one worker of a shared crawl: start as many as you like, on
    any hosts, and drain their items with `councilwatch load --redis URL`.

    Example: councilwatch crawl --redis redis://10.0.0.5:6379/0 --source computerweekly
    """
    if options["redis_url"]:  # a worker pushes to Redis and never opens the database
        if options["jobdir"]:
            raise click.UsageError(
                "--jobdir keeps a crawl's frontier on disk, but with --redis the frontier is "
                "shared in Redis (a stopped worker's requests stay there for the others): "
                "drop --jobdir."
            )

        report_worker(crawl_from_options(db_path, options), options["redis_url"])
        return
    open_db(db_path, create=True).close()  # refused or migrated before the crawl starts
    report_crawl(crawl_from_options(db_path, options))


@click.command()
@db_option
@crawl_options
def run(db_path: Path, **options: Any) -> None:
    """Crawl, then process new articles: one idempotent run for cron or a systemd timer.

    A lock stops overlapping runs: a second run exits at once with status 75.
    Every run is a row in crawl_runs.
    """
    from councilwatch.run import EXIT_LOCKED, RunLocked, run_lock, run_once

    if options["redis_url"]:
        raise click.UsageError(
            "run writes the database itself; for a shared crawl run `councilwatch crawl "
            "--redis URL` workers and `councilwatch load --redis URL`."
        )
    open_db(db_path, create=True).close()  # refused or migrated before the lock and the crawl
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


def report_crawl(stats: dict) -> None:
    """One line about a finished crawl, from its Scrapy stats."""
    figures = CrawlFigures.from_stats(stats)
    click.echo(
        f"Crawl {figures.finish_reason}: {figures.pages} pages, {figures.articles_new} new "
        f"articles, {figures.articles_updated} updated, {figures.articles_unchanged} unchanged, "
        f"{figures.errors} errors recorded (run {figures.run_id or '?'})."
    )


def shown_url(redis_url: str) -> str:
    """The Redis URL without its password, for messages.

    >>> shown_url("redis://:secret@10.0.0.5:6379/0")
    'redis://10.0.0.5:6379/0'
    """
    parts = urlsplit(redis_url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


def report_worker(stats: dict, redis_url: str) -> None:
    """One line about a finished worker, from its Scrapy stats."""
    figures = CrawlFigures.from_stats(stats)
    click.echo(
        f"Worker {figures.finish_reason}: {figures.pages} pages, {figures.items_pushed} items "
        f"({figures.errors} errors) pushed to {shown_url(redis_url)}."
    )


@click.command("load")
@db_option
@click.option(
    "--redis",
    "redis_url",
    required=True,
    metavar="URL",
    envvar="COUNCILWATCH_REDIS_URL",
    show_envvar=True,
    help="The Redis the workers push to.",
)
@click.option(
    "--follow", is_flag=True, help="Keep draining as workers push (until Ctrl-C or SIGTERM)."
)
@click.option(
    "--block-after",
    type=click.IntRange(min=1),
    default=DEFAULT_BLOCK_AFTER,
    show_default=True,
    metavar="N",
    help="Record a source as blocked once the workers were refused this many times.",
)
def load_command(db_path: Path, redis_url: str, follow: bool, block_after: int) -> None:
    """Store the items of Redis workers in the database (`councilwatch crawl --redis`,
    `scrapy crawl news -s REDIS_URL=...` or Scrapyd jobs with that setting).

    Run one loader per database (it is the only writer); it records errors in
    crawl_errors and the load as a crawl_runs row, and exits once the item list
    is empty, or with --follow keeps going until stopped.

    Example: councilwatch load --redis redis://127.0.0.1:6379/0 --db data/councilwatch.db
    """
    import redis

    from councilwatch.pipeline.redis_loader import load_items

    open_db(db_path, create=True).close()  # refused or migrated before Redis is read
    stop = threading.Event()
    previous = {}
    if follow:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        result = load_items(db_path, redis_url, follow=follow, stop=stop, block_after=block_after)
    except redis.RedisError as exc:
        raise click.ClickException(
            f"cannot read from Redis at {shown_url(redis_url)}: {exc}"
        ) from exc
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(
        f"Loaded {result.items} items (run {result.run_id}): {result.articles_new} new "
        f"articles, {result.articles_updated} updated, {result.articles_unchanged} unchanged, "
        f"{result.articles_alias} aliases, {result.errors} errors recorded, "
        f"{result.pages_fetched} pages fetched by the workers."
    )
