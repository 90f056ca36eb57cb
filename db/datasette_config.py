"""The Datasette configuration directory ``db/datasette/``, read in one place.

``metadata.yml`` (titles, descriptions, licence, facets, units, canned queries),
``settings.json`` (Datasette settings), ``templates/`` and ``plugins/`` (the article
view). Settings worth knowing: SQL is stopped after ``sql_time_limit_ms``;
``allow_csv_stream`` with ``max_csv_mb`` 0 lets researchers take whole tables as CSV
(``?_stream=on``, on every table's CSV link); ``allow_download`` is off (the file holds
the raw pages, which are not published); ``truncate_cells_html`` cuts long text in cells; ``suggest_facets`` is off because suggesting facets runs a query
per column (seconds on a million rows): default facets are set in ``metadata.yml``
and every column's menu offers "Facet by this".

>>> sorted(datasette_metadata(Path("corpus.db"))["databases"])
['corpus']
>>> datasette_settings()["sql_time_limit_ms"]
3000
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

#: The name the metadata uses for the database; the served file's stem replaces it.
DATABASE_NAME = "councilwatch"


def datasette_files() -> dict[str, Path]:
    """The metadata and settings files, templates and plugins folders in ``db/datasette/``."""
    root = Path(str(files("councilwatch.db"))) / "datasette"
    return {
        "metadata": root / "metadata.yml",
        "settings": root / "settings.json",
        "templates": root / "templates",
        "plugins": root / "plugins",
    }


def load_metadata() -> dict[str, Any]:
    """``metadata.yml`` as it is in the file (the database keyed ``councilwatch``)."""
    return yaml.safe_load(datasette_files()["metadata"].read_text(encoding="utf-8"))


def datasette_settings() -> dict[str, Any]:
    """Datasette settings used by ``councilwatch serve`` (and the tests)."""
    return json.loads(datasette_files()["settings"].read_text(encoding="utf-8"))


def datasette_metadata(db_path: str | Path) -> dict[str, Any]:
    """councilwatch's Datasette metadata, keyed by the database's name (its file stem).

    Links to ``/councilwatch/...`` in the home page text follow the rename too.
    """
    metadata = load_metadata()
    databases = metadata.get("databases", {})
    name = Path(db_path).stem
    if DATABASE_NAME in databases:
        databases[name] = databases.pop(DATABASE_NAME)
    if "description_html" in metadata:
        metadata["description_html"] = (
            metadata["description_html"]
            .replace(f'href="/{DATABASE_NAME}/', f'href="/{name}/')
            .replace(f"<code>/{DATABASE_NAME}/", f"<code>/{name}/")
        )
    for key in ("source_url", "license_url", "about_url"):
        if str(metadata.get(key, "")).startswith(f"/{DATABASE_NAME}/"):
            metadata[key] = f"/{name}/" + metadata[key][len(DATABASE_NAME) + 2 :]
    return metadata
