"""``councilwatch extract``: page extraction on saved pages."""

from __future__ import annotations

import json
import sys

import click


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def extract(files: tuple[str, ...]) -> None:
    """Run page extraction on saved pages (.html or .html.gz); one JSON line per file.

    A page that is, or decompresses to, more than 20 MB is refused with a one-line
    error (gzip is read as a stream, so a compressed bomb costs no memory).

    Example: councilwatch extract saved/story.html.gz
    """
    from councilwatch.extraction.saved_pages import extract_file

    failed = 0
    for path in files:
        try:
            record = extract_file(path)
        except (OSError, ValueError) as exc:  # unreadable, too large, broken gzip, not HTML
            click.echo(f"{path}: {exc}", err=True)
            failed += 1
            continue
        click.echo(json.dumps(record, ensure_ascii=False))
    if failed:
        sys.exit(1)
