"""``councilwatch load``: the single writer of a distributed crawl.

Registered on the ``councilwatch`` group at the end of ``pipeline/cli.py``. Workers
are ``councilwatch crawl --redis URL``; this drains what they found::

    councilwatch load --redis redis://127.0.0.1:6379/0 --db data/councilwatch.db --follow
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from urllib.parse import urlsplit

import click

from councilwatch.pipeline.options import db_option


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
    click.echo(
        "Worker {reason}: {pages} pages, {items} items ({errors} errors) pushed to {url}.".format(
            reason=stats.get("finish_reason", "finished"),
            pages=stats.get("downloader/response_count", 0),
            items=stats.get("councilwatch/items_pushed", 0),
            errors=stats.get("councilwatch/errors", 0),
            url=shown_url(redis_url),
        )
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
    help="The Redis the `crawl --redis` workers push to.",
)
@click.option(
    "--follow", is_flag=True, help="Keep draining as workers push (until Ctrl-C or SIGTERM)."
)
def load_command(db_path: Path, redis_url: str, follow: bool) -> None:
    """Store the items of `councilwatch crawl --redis` workers in the database.

    Run one loader per database (it is the only writer); it records errors in
    crawl_errors and the load as a crawl_runs row, and exits once the item list
    is empty, or with --follow keeps going until stopped.

    Example: councilwatch load --redis redis://127.0.0.1:6379/0 --db data/councilwatch.db
    """
    import redis

    from councilwatch.pipeline.distributed import load_items

    stop = threading.Event()
    previous = {}
    if follow:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        result = load_items(db_path, redis_url, follow=follow, stop=stop)
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
