"""``councilwatch demo``: the whole path on the bundled sample site.

sample site and register mimic on 127.0.0.1 -> real crawls -> SQLite -> NLP -> register
linking -> Datasette. While Datasette serves, the sample site keeps serving beside it
(on a fixed port, 8000 unless ``--site-port`` says otherwise), so every article's
"Original" link opens; with ``--no-serve`` it stops after loading.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from councilwatch.crawl import run_crawl
from councilwatch.crawl_stats import CrawlFigures
from councilwatch.db import register_store
from councilwatch.db.schema import connect
from councilwatch.db.status import row_counts
from councilwatch.process import process_articles
from councilwatch.reference_data import load_reference_data
from councilwatch.register_crawl import (
    RegisterCrawlFigures,
    register_figures,
    schedule_register_crawls,
)
from councilwatch.register_links import link_register
from councilwatch.serve import PortInUse, check_port_free, serve

#: The demo register's dates lie within these: one window per register, no delay (the
#: mimic is our own, on loopback).
DEMO_REGISTER_SINCE = "2010-01-01"


def demo_register_settings(base_url: str) -> dict:
    """Settings that point the register spiders at the mimic at ``base_url``."""
    return {
        "COUNCILWATCH_CONTRACTS_FINDER_URL": base_url,
        "COUNCILWATCH_FIND_A_TENDER_URL": base_url,
        "COUNCILWATCH_CONTRACTS_FINDER_WINDOW": "10000d",
        "COUNCILWATCH_FIND_A_TENDER_WINDOW": "10000d",
        "COUNCILWATCH_CONTRACTS_FINDER_DELAY": 0,
        "COUNCILWATCH_FIND_A_TENDER_DELAY": 0,
    }


#: Where the demo serves the sample site while Datasette runs, so stored URLs stay valid.
SITE_PORT = 8000


def crawl_sample_site(db_path: Path, base_url: str) -> tuple[dict, list[RegisterCrawlFigures]]:
    """Crawl the sample site running at ``base_url`` and the register mimic (serving the
    demo's register, on a free loopback port) into ``db_path``, in one Scrapy process."""
    from councilwatch.sample_site.procurement_api import running_procurement_api
    from councilwatch.sample_site.procurement_data import Register, demo_folder

    register = Register.from_folder(demo_folder())
    with running_procurement_api(register) as api:
        click.echo(f"Sample site at {base_url}/; crawling from {base_url}/robots.txt", err=True)
        click.echo(f"Register mimic at {api.base_url}/", err=True)
        scheduled: list = []
        stats = run_crawl(
            db_path,
            [f"{base_url}/robots.txt"],
            source="sample-site",
            settings={"LOG_LEVEL": "WARNING", **demo_register_settings(api.base_url)},
            alongside=lambda process: scheduled.extend(
                schedule_register_crawls(process, since=DEMO_REGISTER_SINCE)
            ),
        )
    return stats, register_figures(scheduled)


def run_demo(
    db_path: Path, *, port: int = 8001, serve_after: bool = True, site_port: int | None = None
) -> None:
    """Crawl, process and (with ``serve_after``) serve; ``site_port`` None: :data:`SITE_PORT`
    when serving, a free port otherwise."""
    from councilwatch.sample_site.server import running_sample_site

    if site_port is None:
        site_port = SITE_PORT if serve_after else 0
    ports = [("sample site", site_port, "--site-port")]
    if serve_after:
        ports.insert(0, ("Datasette", port, "--port"))
    for what, number, option in ports:
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
    """Crawl the sample site at ``base_url`` and the demo's register, load the reference
    data, run the NLP stage and link the register."""
    stats, register = crawl_sample_site(db_path, base_url)
    crawled = CrawlFigures.from_stats(stats)
    click.echo(
        f"Crawled {crawled.pages} pages: {crawled.articles_new} new articles, "
        f"{crawled.already_stored} already stored; register: "
        + ", ".join(f"{f.source} {f.releases_new} new releases" for f in register)
        + ".",
        err=True,
    )
    conn = connect(db_path)
    load_reference_data(conn)
    count = process_articles(conn)
    links = link_register(conn)
    rows = row_counts(conn, ["articles", "council_mentions", "money_mentions"])
    checks = register_store.check_outcomes(conn)
    conn.close()
    click.echo(
        f"Processed {count} articles. {db_path}: {rows['articles']} articles, "
        f"{rows['council_mentions']} council mentions, {rows['money_mentions']} pound figures.",
        err=True,
    )
    click.echo(links.line(), err=True)
    if checks:
        summary = ", ".join(f"{n} {outcome}" for outcome, n in checks.items())
        click.echo(f"Press against the register: {summary}.", err=True)
