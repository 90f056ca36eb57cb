"""Dated extracts of a councilwatch database for researchers: CSV or JSON + datapackage.json.

One file per table and a Frictionless Data Package descriptor whose field
descriptions come from the Datasette metadata (``db/datasette/metadata.yml``).

>>> import tempfile
>>> from councilwatch.db.schema import connect
>>> tmp = Path(tempfile.mkdtemp())
>>> connect(tmp / "cw.db").close()
>>> out = export_extract(tmp / "cw.db", tmp / "out", tables=["services"], today=date(2026, 1, 2))
>>> sorted(p.name for p in out.iterdir())
['datapackage.json', 'services.csv']
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from councilwatch.dates import iso_date
from councilwatch.db.datasette_config import DATABASE_NAME, load_metadata
from councilwatch.db.export_queries import (
    article_selection,
    exportable_tables,
    foreign_keys,
    table_columns,
    table_rows,
)
from councilwatch.db.schema import check_database_file

#: Tables exported by default: articles, facts and reference data (no raw HTML, no crawl logs).
DEFAULT_TABLES = (
    "sources",
    "articles",
    "article_aliases",
    "councils",
    "services",
    "council_mentions",
    "money_mentions",
    "service_mentions",
    "arrangements",
    "arrangement_councils",
    "arrangement_services",
    "supplier_sectors",
    "suppliers",
    "supplier_names",
    "supplier_mentions",
    "contracts",
    "contract_councils",
    "contract_services",
    "ocds_releases",
    "awards",
    "award_suppliers",
    "contract_checks",
)
FORMATS = ("csv", "json")


class ExportError(Exception):
    """Bad export request: unknown table or format, bad date, missing database."""


@dataclass
class Filters:
    """Which articles (and so which facts) to export; empty means all.

    ``councils`` / ``services``: articles naming any of them (both given: both
    must match); ``since`` / ``until``: on ``articles.published``, inclusive.

    >>> Filters(since="2015-01-01").active()
    True
    """

    councils: Sequence[str] = field(default_factory=tuple)
    services: Sequence[str] = field(default_factory=tuple)
    since: str | None = None
    until: str | None = None

    def active(self) -> bool:
        return bool(self.councils or self.services or self.since or self.until)

    def selection(self) -> tuple[str, list] | None:
        """The selected articles as SQL (see :func:`article_selection`), None for all."""
        if not self.active():
            return None
        return article_selection(self.councils, self.services, self.since, self.until)


def _checked_date(value: str | None, name: str) -> str | None:
    """``value`` checked by the one date parser, or an :class:`ExportError` naming ``name``."""
    if value is None:
        return None
    try:
        return iso_date(value)
    except ValueError as exc:
        raise ExportError(f"{name}: {exc}") from None


def field_type(declared: str) -> str:
    """Frictionless field type for a SQLite declared type.

    >>> field_type("INTEGER"), field_type("REAL"), field_type("TEXT"), field_type("")
    ('integer', 'number', 'string', 'any')
    """
    declared = (declared or "").upper()
    if "INT" in declared:
        return "integer"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB", "NUM")):
        return "number"
    if any(word in declared for word in ("CHAR", "TEXT", "CLOB")):
        return "string"
    return "any"


def table_schema(conn: sqlite3.Connection, table: str, descriptions: dict) -> dict:
    """Frictionless ``schema``: fields with name, type, description; keys for tables."""
    columns = table_columns(conn, table)
    fields = []
    for name, declared, notnull, _pk in columns:
        item = {"name": name, "type": field_type(declared)}
        if descriptions.get(name):
            item["description"] = descriptions[name]
        if notnull:
            item["constraints"] = {"required": True}
        fields.append(item)
    schema: dict = {"fields": fields}
    pk = [name for name, _t, _nn, pk in sorted(columns, key=lambda c: c[3]) if pk]
    if pk:
        schema["primaryKey"] = pk
    fks = foreign_keys(conn, table)
    if fks:
        schema["foreignKeys"] = [
            {"fields": columns, "reference": {"resource": other, "fields": other_columns}}
            for columns, other, other_columns in fks
        ]
    return schema


def write_csv(path: Path, columns: list[str], rows: Iterable) -> int:
    """Write rows as UTF-8 CSV with a header; return the row count."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_json(path: Path, columns: list[str], rows: Iterable) -> int:
    """Write rows as a JSON array of objects, one per line; return the row count."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for row in rows:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False))
            count += 1
        out.write("\n]\n")
    return count


def export_extract(
    db_path: str | Path,
    out_dir: str | Path,
    *,
    fmt: str = "csv",
    tables: Sequence[str] | None = None,
    filters: Filters | None = None,
    today: date | None = None,
) -> Path:
    """Write ``out_dir/councilwatch-extract-<date>/`` and return that directory.

    Raises :class:`ExportError` for a missing database, unknown table or format.
    """
    filters = filters or Filters()
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose csv or json)")
    db_path = Path(db_path)
    try:
        check_database_file(db_path)
    except Exception as exc:  # NotACouncilwatchDatabase, with the reason
        raise ExportError(str(exc)) from exc
    filters.since = _checked_date(filters.since, "--since")
    filters.until = _checked_date(filters.until, "--until")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        available = exportable_tables(conn)
        chosen = list(tables) if tables else [t for t in DEFAULT_TABLES if t in available]
        unknown = [t for t in chosen if t not in available]
        if unknown:
            raise ExportError(
                f"unknown table {', '.join(unknown)} (choose from {', '.join(available)})"
            )
        metadata = load_metadata()
        table_meta = metadata.get("databases", {}).get(DATABASE_NAME, {}).get("tables", {})
        stamp = (today or date.today()).isoformat()
        target = Path(out_dir) / f"councilwatch-extract-{stamp}"
        target.mkdir(parents=True, exist_ok=True)
        resources = []
        for table in chosen:
            meta = table_meta.get(table, {})
            columns, rows = table_rows(conn, table, filters.selection())
            path = target / f"{table}.{fmt}"
            writer = write_csv if fmt == "csv" else write_json
            count = writer(path, columns, rows)
            schema = table_schema(conn, table, meta.get("columns", {}))
            # keep only references to resources inside this package
            fks = [f for f in schema.pop("foreignKeys", []) if f["reference"]["resource"] in chosen]
            if fks:
                schema["foreignKeys"] = fks
            resource = {
                "name": table,
                "path": path.name,
                "profile": "tabular-data-resource",
                "format": fmt,
                "mediatype": "text/csv" if fmt == "csv" else "application/json",
                "encoding": "utf-8",
                "description": meta.get("description", ""),
                "count": count,
                "schema": schema,
            }
            resources.append(resource)
    finally:
        conn.close()
    package = {
        "profile": "tabular-data-package",
        "name": f"councilwatch-extract-{stamp}",
        "title": f"{metadata.get('title', 'councilwatch')} extract, {stamp}",
        "description": "UK public-sector IT news articles and the facts extracted from them, "
        "and the public register's awards checked against them.",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": metadata.get("license"),
                "path": metadata.get("license_url"),
            }
        ],
        "sources": [{"title": metadata.get("source"), "path": metadata.get("source_url")}],
        "councilwatch": {
            "database": db_path.name,
            "filters": {
                "council": list(filters.councils),
                "service": list(filters.services),
                "since": filters.since,
                "until": filters.until,
            },
        },
        "resources": resources,
    }
    (target / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return target
