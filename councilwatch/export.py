"""Dated extracts of a councilwatch database for researchers: CSV or JSON + datapackage.json.

One file per table and a Frictionless Data Package descriptor whose field
descriptions come from the Datasette metadata (``db/datasette/metadata.yml``),
with date and datetime types, enum constraints for role, period and status, and
JSON list columns typed ``array``. Each export is written beside its target and
moved into place at the end, so a folder holds exactly the files its
datapackage.json lists (no stale ones from an earlier export).

CSV is spreadsheet-safe unless ``raw_csv``: a text cell that a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-`` or ``@``, or a tab or carriage
return) is written with a leading ``'``.

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
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from councilwatch.dates import iso_date
from councilwatch.db.council_names import CouncilIndex
from councilwatch.db.datasette_config import DATABASE_NAME, load_metadata
from councilwatch.db.export_queries import (
    article_selection,
    exportable_tables,
    foreign_keys,
    publications,
    service_ids,
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
    "money_by_council",
)
FORMATS = ("csv", "json")

#: Columns holding dates (``YYYY-MM-DD``) and date-times (ISO 8601, with an offset).
DATE_COLUMNS = frozenset({"start_date", "end_date"})
DATETIME_COLUMNS = frozenset(
    {"published", "modified", "fetched_at", "processed_at", "started_at", "finished_at", "at",
     "checked_at"}
)  # fmt: skip
#: Columns holding JSON lists.
ARRAY_COLUMNS = frozenset({"authors", "tags", "partners"})
#: The values a column may take (the extraction spec).
ENUMS = {
    "role": ["saving", "spend", "contract", "funding", "fine", "other"],
    "period": ["year", "total"],
    "status": ["proposed", "agreed", "live", "ended"],
    "service_group": ["it", "back_office", "front_line"],
}
#: Tables whose ``status`` is not an arrangement's.
OTHER_STATUS = frozenset({"crawl_runs", "process_runs", "source_health"})
#: What makes a spreadsheet read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Where the council register comes from.
REGISTER_SOURCE = {
    "title": "UK local authority names and codes (mySociety): the council register and coordinates",
    "path": "https://github.com/mysociety/uk_local_authority_names_and_codes",
}


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


def spreadsheet_safe(value: object) -> object:
    """``value``, or a text value a spreadsheet would run as a formula with ``'`` before it.

    >>> spreadsheet_safe('=HYPERLINK("http://evil.example")'), spreadsheet_safe("-5"), spreadsheet_safe(-5)
    ('\\'=HYPERLINK("http://evil.example")', "'-5", -5)
    >>> spreadsheet_safe("Camden")
    'Camden'
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def check_filters(conn: sqlite3.Connection, filters: Filters) -> Filters:
    """``filters`` with each council given by name turned into its code; an
    :class:`ExportError` for a council or service that does not exist."""
    index = CouncilIndex.from_connection(conn)
    codes = []
    for given in filters.councils:
        found = index.find(given)
        if not found:
            raise ExportError(f"--council {given}: no council has that name or code")
        if len(found) > 1:
            names = ", ".join(c.label for c in found[:6])
            raise ExportError(
                f"--council {given}: fits {len(found)} councils ({names}); give a code"
            )
        codes.append(found[0].code)
    known = service_ids(conn)
    for given in filters.services:
        if given not in known:
            raise ExportError(
                f"--service {given}: not a service id (choose from {', '.join(sorted(known))})"
            )
    filters.councils = tuple(dict.fromkeys(codes))
    return filters


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
        item: dict = {"name": name, "type": field_type(declared)}
        if name in DATE_COLUMNS:
            item["type"] = "date"
        elif name in DATETIME_COLUMNS:
            item.update(type="datetime", format="any")  # ISO 8601 with the source's offset
        elif name in ARRAY_COLUMNS:
            item["type"] = "array"  # a JSON list in each cell
        if descriptions.get(name):
            item["description"] = descriptions[name]
        constraints: dict = {}
        if notnull:
            constraints["required"] = True
        if name in ENUMS and not (name == "status" and table in OTHER_STATUS):
            constraints["enum"] = ENUMS[name]
        if constraints:
            item["constraints"] = constraints
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


def write_csv(path: Path, columns: list[str], rows: Iterable, *, raw: bool = False) -> int:
    """Write rows as UTF-8 CSV with a header, spreadsheet-safe unless ``raw``; return the
    row count."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row if raw else [spreadsheet_safe(v) for v in row])
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
    raw_csv: bool = False,
) -> Path:
    """Write ``out_dir/councilwatch-extract-<date>/`` and return that directory; an
    earlier extract of the same day there is replaced whole.

    Raises :class:`ExportError` for a missing database, an unknown table, format,
    council or service, or a bad date.
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
    work: Path | None = None
    try:
        filters = check_filters(conn, filters)
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
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        resources = []
        for table in chosen:
            meta = table_meta.get(table, {})
            columns, rows = table_rows(conn, table, filters.selection())
            path = work / f"{table}.{fmt}"
            if fmt == "csv":
                count = write_csv(path, columns, rows, raw=raw_csv)
            else:
                count = write_json(path, columns, rows)
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
            if fmt == "csv":
                resource["dialect"] = {"header": True, "delimiter": ","}
                resource["councilwatch"] = {"spreadsheet_safe": not raw_csv}
            resources.append(resource)
        sources = [
            {"title": title, **({"path": path} if path else {})}
            for title, path in publications(conn)
        ]
    except BaseException:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        raise
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
        "sources": [*sources, REGISTER_SOURCE],
        "councilwatch": {
            "database": db_path.name,
            "filters": {
                "council": list(filters.councils),
                "service": list(filters.services),
                "since": filters.since,
                "until": filters.until,
            },
            "csv": (
                "raw"
                if raw_csv
                else "spreadsheet-safe: text starting with = + - @, a tab"
                " or a carriage return has a ' before it"
            )
            if fmt == "csv"
            else None,
        },
        "resources": resources,
    }
    (work / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    _move_into_place(work, target)
    return target


def _move_into_place(work: Path, target: Path) -> None:
    """Replace ``target`` by the folder ``work`` (both in the same folder)."""
    os.chmod(work, 0o755)
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        os.replace(target, old / target.name)
        os.replace(work, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(work, target)
