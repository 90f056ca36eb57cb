"""``councilwatch demo`` and ``councilwatch sample-site``: the bundled sample site."""

from __future__ import annotations

from pathlib import Path

import click

from councilwatch.cli.options import check_db_writable, db_option


@click.command()
@db_option
@click.option("--port", default=8001, type=int, show_default=True, help="Datasette's port.")
@click.option("--no-serve", is_flag=True, help="Stop after loading; do not start Datasette.")
@click.option(
    "--site-port",
    type=click.IntRange(min=0, max=65535),
    default=None,
    help="Port of the sample site, which keeps serving beside Datasette so the articles' "
    "original links open (default 8000; with --no-serve a free port).",
)
def demo(db_path: Path, port: int, no_serve: bool, site_port: int | None) -> None:
    """Crawl the bundled sample site, extract facts, load SQLite and serve Datasette."""
    from councilwatch.demo import run_demo

    check_db_writable(db_path)
    run_demo(db_path, port=port, serve_after=not no_serve, site_port=site_port)


@click.command("sample-site")
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


@click.command("procurement-api")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8002, type=int, show_default=True, help="0 picks a free port.")
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Register folder (contracts-finder/ and find-a-tender/ of OCDS JSON files). "
    "Default: ../shared/reference/ocds beside the checkout, else the demo's own register.",
)
@click.option(
    "--encoding",
    default="utf-8",
    type=click.Choice(["utf-8", "iso-8859-1", "cp1252"]),
    show_default=True,
    help="Charset of Contracts Finder's bytes.",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="API:N:FAULT",
    help="Give the N-th search request of API a fault (repeatable), e.g. find-a-tender:2:429.",
)
@click.option(
    "--forbidden-seconds",
    default=300.0,
    type=click.FloatRange(min=0),
    show_default=True,
    help="How long Contracts Finder refuses everything after a 403.",
)
def procurement_api_command(
    host: str,
    port: int,
    data: Path | None,
    encoding: str,
    faults: tuple[str, ...],
    forbidden_seconds: float,
) -> None:
    """Serve a mimic of the Contracts Finder and Find a Tender OCDS APIs until stopped.

    For trying the register spiders by hand: councilwatch register crawl -s
    COUNCILWATCH_CONTRACTS_FINDER_URL=http://127.0.0.1:8002 -s
    COUNCILWATCH_FIND_A_TENDER_URL=http://127.0.0.1:8002 --since 2022-10-19
    """
    from councilwatch.sample_site.procurement_api import (
        ApiOptions,
        parse_fault,
        serve_procurement_api_forever,
    )
    from councilwatch.sample_site.procurement_data import (
        BadRegisterFolder,
        Register,
        demo_folder,
        reference_folder,
    )

    script: dict[str, dict[int, str]] = {}
    for text in faults:
        try:
            api, number, fault = parse_fault(text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--fault") from exc
        script.setdefault(api, {})[number] = fault
    folder = data or (reference_folder() if reference_folder().is_dir() else demo_folder())
    try:
        # the reference set has no real Find a Tender releases: fill it with the others
        register = Register.from_folder(folder, fill_find_a_tender=folder == reference_folder())
    except BadRegisterFolder as exc:
        raise click.ClickException(str(exc)) from exc
    options = ApiOptions(faults=script, encoding=encoding, forbidden_seconds=forbidden_seconds)
    try:
        serve_procurement_api_forever(register, options, host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror}") from exc
