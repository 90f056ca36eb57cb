"""Load the reference tables (councils gazetteer, service taxonomy, supplier table) into a
database."""

from __future__ import annotations

import sqlite3

from councilwatch.db.store import load_reference_rows, replace_reference_rows
from councilwatch.nlp.gazetteer import load_councils
from councilwatch.nlp.supplier_table import load_sectors, load_supplier_variants, load_suppliers
from councilwatch.nlp.taxonomy import taxonomy
from councilwatch.spiders.sources import load_sources


def council_rows() -> list[dict]:
    """Gazetteer entries as ``councils`` rows (coordinates as latitude/longitude for maps)."""
    return [
        {
            "code": c["code"],
            "gss_code": c["gss_code"],
            "official_name": c["official_name"],
            "nice_name": c["nice_name"],
            "type": c["type"],
            "nation": c["nation"],
            "region": c["region"],
            "start_date": c["start_date"],
            "end_date": c["end_date"],
            "replaced_by": c["replaced_by"],
            "latitude": c["lat"],
            "longitude": c["lon"],
        }
        for c in load_councils()
    ]


def supplier_name_rows() -> list[dict]:
    """Every press name of every supplier as ``supplier_names`` rows."""
    return [
        {"supplier_id": sid, "name": name, "kind": kind}
        for sid, name, kind in load_supplier_variants()
    ]


def load_reference_data(conn: sqlite3.Connection) -> None:
    """Upsert the gazetteer, the taxonomy, the supplier table and the sources registry
    (idempotent); the suppliers' names are replaced with the data file's."""
    load_reference_rows(conn, "councils", council_rows(), key="code")
    load_reference_rows(conn, "services", taxonomy(), key="id")
    load_reference_rows(conn, "sources", [s.as_row() for s in load_sources()], key="name")
    load_reference_rows(conn, "supplier_sectors", load_sectors(), key="id")
    load_reference_rows(conn, "suppliers", load_suppliers(), key="id")
    replace_reference_rows(
        conn, "supplier_names", supplier_name_rows(), key=("supplier_id", "name")
    )
