"""``councilwatch import-warc``: build a corpus from WARC archives."""

from __future__ import annotations

import glob
import sys
from pathlib import Path

import click

from councilwatch.cli.options import DATE, db_option, open_db

#: Exit status of an import that finished but recorded errors (records it could not read,
#: files cut short, articles the database refused): EX_DATAERR, "input data was incorrect".
EXIT_RECORDED_ERRORS = 65


def expand_paths(patterns: tuple[str, ...]) -> list[str]:
    """Paths, globs and URLs to WARC files, in order, each once; ClickException if a local
    one matches nothing. URLs (``s3://...``) are expanded by fsspec, on the workers' side."""
    paths: list[str] = []
    for pattern in patterns:
        if "://" in pattern:
            matches = _remote_matches(pattern)
        else:
            matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
            if not matches or any(not Path(m).is_file() for m in matches):
                raise click.ClickException(f"{pattern}: no such WARC file")
        paths.extend(m for m in matches if m not in paths)
    return paths


def _remote_matches(pattern: str) -> list[str]:
    """A URL, or a URL glob expanded by its fsspec file system (s3fs for ``s3://``)."""
    if not glob.has_magic(pattern):
        return [pattern]
    import fsspec

    try:
        fs, _, found = fsspec.get_fs_token_paths(pattern)
    except (ImportError, ValueError) as exc:
        raise click.ClickException(f"{pattern}: {exc}") from exc
    if not found:
        raise click.ClickException(f"{pattern}: no such WARC file")
    return [fs.unstrip_protocol(path) for path in sorted(found)]


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
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes for page extraction and NLP (this process stores).",
)
@click.option(
    "--dask",
    "scheduler",
    metavar="ADDRESS",
    help="Scan, extract and analyse each file as a task on this Dask scheduler "
    "(tcp://HOST:8786); this process stores the results.",
)
@click.option("--no-process", is_flag=True, help="Store the articles but skip the NLP stage.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Print how many articles are stored so far on stderr as the import goes "
    "(default: only when stderr is a terminal).",
)
def import_warc_command(
    patterns: tuple[str, ...],
    db_path: Path,
    domains: tuple[str, ...],
    since: str | None,
    until: str | None,
    source: str | None,
    processes: int,
    scheduler: str | None,
    no_process: bool,
    progress: bool | None,
) -> None:
    """Import articles from WARC / WARC.gz files (e.g. Common Crawl CC-NEWS) with their facts.

    Keeps HTML response records of the chosen domains and capture dates (judged on the
    WARC headers, before any payload is read), extracts, analyses and stores them like a
    crawl (deduplicated), and prints one line: articles by outcome, records skipped by
    reason, errors. Paths may be globs, or URLs fsspec can read (s3://...).

    Exit status: 0; 65 when errors were recorded (unreadable records, files cut short,
    articles the database refused; see crawl_errors); 1 for bad arguments.
    """
    from councilwatch.warc import ImportReport, import_archives
    from councilwatch.warc_scan import ScanFilter

    paths = expand_paths(patterns)
    conn = open_db(db_path, create=True)

    def report_progress(report: ImportReport) -> None:
        click.echo(f"  {sum(report.outcomes.values())} articles stored so far", err=True)

    if progress is None:
        progress = sys.stderr.isatty()
    options = {
        "source": source,
        "keep": ScanFilter(tuple(domains), since, until),
        "nlp": not no_process,
        "progress": report_progress if progress else None,
    }
    unavailable: tuple[type[Exception], ...] = ()
    if scheduler:
        from councilwatch.dask_runner import DaskUnavailable, import_with_dask

        options.update(run=import_with_dask, scheduler=scheduler)
        unavailable = (DaskUnavailable,)
    else:
        options["processes"] = processes
    if progress:
        click.echo(f"Importing {len(paths)} WARC file(s) into {db_path}", err=True)
    try:
        run_id, report = import_archives(conn, paths, **options)
        if not no_process and report.unanalysed:  # articles the NLP stage failed on
            from councilwatch.process import process_articles

            process_articles(conn, processes=processes, scheduler=scheduler)
    except unavailable as exc:
        raise click.ClickException(str(exc)) from exc
    conn.close()
    click.echo(report.summary())
    if report.errors:
        click.echo(
            f"import-warc: {report.errors} error(s) recorded in crawl_errors (run {run_id})",
            err=True,
        )
        sys.exit(EXIT_RECORDED_ERRORS)
