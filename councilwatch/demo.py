"""``councilwatch demo``: the whole path on the bundled sample site.

sample site on 127.0.0.1 -> real crawl -> SQLite -> NLP -> Datasette. While
Datasette serves, the sample site keeps serving beside it (on a fixed port,
8000 unless ``--site-port`` says otherwise), so every article's "Original" link
opens; with ``--no-serve`` it stops after loading.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from councilwatch.crawl import run_crawl
from councilwatch.crawl_stats import CrawlFigures
from councilwatch.db.schema import connect
from councilwatch.db.status import row_counts
from councilwatch.process import process_articles
from councilwatch.reference_data import load_reference_data
from councilwatch.serve import PortInUse, check_port_free, serve

#: Where the demo serves the sample site while Datasette runs, so stored URLs stay valid.
SITE_PORT = 8000


def crawl_sample_site(db_path: Path, base_url: str) -> dict:
    """Crawl the sample site running at ``base_url`` into ``db_path``."""
    click.echo(f"Sample site at {base_url}/; crawling from {base_url}/robots.txt", err=True)
    return run_crawl(
        db_path,
        [f"{base_url}/robots.txt"],
        source="sample-site",
        settings={"LOG_LEVEL": "WARNING"},
    )


def run_demo(
    db_path: Path, *, port: int = 8001, serve_after: bool = True, site_port: int | None = None
) -> None:
    """Crawl, process and (with ``serve_after``) serve; ``site_port`` None: :data:`SITE_PORT`
    when serving, a free port otherwise."""
    from councilwatch.sample_site.server import running_sample_site

    if site_port is None:
        site_port = SITE_PORT if serve_after else 0
    for what, number, option in (
        ("Datasette", port, "--port"),
        ("sample site", site_port, "--site-port"),
    ):
        if not serve_after and what == "Datasette":
            continue
        if number:
            try:
                check_port_free("127.0.0.1", number)
            except PortInUse as exc:
                raise click.ClickException(f"{what}: {exc}; choose another with {option}") from exc
    with running_sample_site("127.0.0.1", site_port) as base_url:
        load_demo(db_path, base_url)
        if serve_after:
            click.echo(f"The articles' original pages stay served at {base_url}/.", err=True)
            sys.exit(serve(db_path, host="127.0.0.1", port=port))


def load_demo(db_path: Path, base_url: str) -> None:
    """Crawl the sample site at ``base_url``, load the reference data and run the NLP stage."""
    crawled = CrawlFigures.from_stats(crawl_sample_site(db_path, base_url))
    click.echo(
        f"Crawled {crawled.pages} pages: {crawled.articles_new} new articles, "
        f"{crawled.already_stored} already stored.",
        err=True,
    )
    conn = connect(db_path)
    load_reference_data(conn)
    count = process_articles(conn)
    rows = row_counts(conn, ["articles", "council_mentions", "money_mentions"])
    conn.close()
    click.echo(
        f"Processed {count} articles. {db_path}: {rows['articles']} articles, "
        f"{rows['council_mentions']} council mentions, {rows['money_mentions']} pound figures.",
        err=True,
    )
