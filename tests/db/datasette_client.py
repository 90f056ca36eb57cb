"""Datasette in process, configured as `councilwatch serve` configures it (metadata,
templates, plugins, settings), for tests that ask it pages through its own client."""

from __future__ import annotations

import asyncio
from pathlib import Path

from datasette.app import Datasette

from councilwatch.db.datasette_config import datasette_files, datasette_metadata
from councilwatch.serve import SETTINGS


def make_datasette(db_path: Path, *, immutable: bool = False) -> Datasette:
    files = datasette_files()
    paths = [str(db_path)]
    return Datasette(
        [] if immutable else paths,
        immutables=paths if immutable else [],
        metadata=datasette_metadata(db_path),
        template_dir=str(files["templates"]),
        plugins_dir=str(files["plugins"]),
        settings=SETTINGS,
    )


def get(datasette: Datasette, path: str, **kwargs):
    """The response to GET ``path`` (redirects not followed)."""
    return asyncio.run(datasette.client.get(path, **kwargs))
