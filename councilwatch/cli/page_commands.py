"""``councilwatch extract``: page extraction on saved pages."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import click


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def extract(files) -> None:
    """Run page extraction on saved pages (.html or .html.gz); one JSON line per file."""
    from councilwatch.extraction.extract import extract_article

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
