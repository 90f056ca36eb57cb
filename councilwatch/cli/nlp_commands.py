"""NLP commands: ``process`` (stored articles), ``analyse`` (JSON lines) and ``eval`` (gold sets)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import BinaryIO

import click

from councilwatch.cli.options import db_option, open_db


@click.command()
@db_option
@click.option("--all", "everything", is_flag=True, help="Re-process every article.")
@click.option(
    "--processes", default=1, show_default=True, type=click.IntRange(1), help="Worker processes."
)
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1))
@click.option(
    "--dask",
    "scheduler",
    metavar="ADDRESS",
    help="Analyse the batches as tasks on this Dask scheduler (tcp://HOST:8786).",
)
@click.option(
    "--max-body-chars",
    type=click.IntRange(0),
    help="Analyse at most this many characters of each body (0: no cap).  [default: 1000000]",
)
def process(
    db_path: Path,
    everything: bool,
    processes: int,
    batch_size: int,
    scheduler: str | None,
    max_body_chars: int | None,
) -> None:
    """Run the NLP stage over new articles (or all with --all).

    Interruptible: committed batches stay done, and running the same command again
    resumes (an interrupted --all run continues after the last article it finished).
    With --dask the batches are analysed on a Dask cluster and stored here. A body longer
    than --max-body-chars is analysed up to it; each one cut is counted in the summary
    and recorded in crawl_errors (stage nlp).
    """
    from councilwatch.process import MAX_BODY_CHARS, ProgressReport, process_articles
    from councilwatch.reference_data import load_reference_data

    if max_body_chars is None:
        max_body_chars = MAX_BODY_CHARS

    unavailable: tuple[type[Exception], ...] = ()
    if scheduler:
        from councilwatch.dask_runner import DaskUnavailable

        unavailable = (DaskUnavailable,)
    conn = open_db(db_path, create=False)  # migrated: adds what newer versions brought
    load_reference_data(conn)
    cut: list[int] = []
    try:
        count = process_articles(
            conn,
            everything=everything,
            batch_size=batch_size,
            processes=processes,
            scheduler=scheduler,
            progress=ProgressReport(sys.stderr) if sys.stderr.isatty() else None,
            max_body_chars=max_body_chars or None,
            cut=cut,
        )
    except KeyboardInterrupt:
        click.echo("\nInterrupted; run the same command again to resume.", err=True)
        sys.exit(130)
    except unavailable as exc:  # the Dask scheduler
        raise click.ClickException(str(exc)) from exc
    if cut:
        limit = f"{max_body_chars:,}"
        click.echo(f"Processed {count} articles ({len(cut)} cut to {limit} characters).")
    else:
        click.echo(f"Processed {count} articles.")


@click.command()
@click.argument("files", nargs=-1, type=click.File("rb"))
@click.option("--batch-size", default=64, show_default=True, type=int)
def analyse(files: tuple[BinaryIO, ...], batch_size: int) -> None:
    """Run the NLP stage on JSON lines {"id", "text", "published"} from FILES or stdin.

    Writes one JSON line per document with its councils, money, services and
    arrangements. Bad lines (invalid JSON or UTF-8, a missing field) are reported on
    stderr with their line number and skipped; the others are all answered (exit code 1).
    """
    from councilwatch.analyse_lines import analyse_lines

    sources = files or (click.get_binary_stream("stdin"),)
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


@click.command("eval")
@click.argument("gold_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--show-errors", is_flag=True, help="Group the errors by field and kind: counts, then examples."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(gold_files: tuple[str, ...], show_errors: bool, as_json: bool) -> None:
    """Score the NLP stage against gold sets (spec §6): P/R/F1 per field.

    Same definitions as ../shared/tools/score_nlp.py, over all GOLD_FILES together.
    """
    from councilwatch.eval_run import evaluate_files
    from councilwatch.nlp.evaluate import format_result

    try:
        result, errors = evaluate_files(list(gold_files), show_errors)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"bad gold file: {exc}") from exc
    if as_json:
        click.echo(json.dumps(result, indent=1))
        return
    for line in errors:
        click.echo(line)
    for line in format_result(result):
        click.echo(line)
