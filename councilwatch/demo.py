"""``councilwatch demo``: the whole path on the bundled sample site.

sample site on 127.0.0.1 -> real crawl -> SQLite -> NLP -> Datasette.
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


def crawl_sample_site(db_path: Path) -> dict:
    """Start the sample site on a free loopback port and crawl it into ``db_path``."""
    from councilwatch.sample_site.server import running_sample_site

    with running_sample_site("127.0.0.1", 0) as base_url:
        click.echo(f"Sample site at {base_url}/; crawling from {base_url}/robots.txt", err=True)
        return run_crawl(
            db_path,
            [f"{base_url}/robots.txt"],
            source="sample-site",
            settings={"LOG_LEVEL": "WARNING"},
        )


def run_demo(db_path: Path, *, port: int = 8001, serve_after: bool = True) -> None:
    if serve_after:
        try:
            check_port_free("127.0.0.1", port)
        except PortInUse as exc:
            raise click.ClickException(f"{exc}; choose another with --port") from exc
    crawled = CrawlFigures.from_stats(crawl_sample_site(db_path))
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
    if serve_after:
        sys.exit(serve(db_path, host="127.0.0.1", port=port))
