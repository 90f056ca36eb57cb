"""The supplier table: its shape, its press names, and every Companies House number checked
against the public register data in ../shared (skipped when absent)."""

from __future__ import annotations

import csv
import html
import re
from collections import defaultdict

import pytest

from councilwatch.nlp.supplier_table import (
    SUPPLIER_FIELDS,
    VARIANT_KINDS,
    SupplierNames,
    load_sectors,
    load_supplier_variants,
    load_suppliers,
    name_key,
)
from tests.conftest import shared_path

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COMPANY_NUMBER = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6})$")


def normalise_number(identifier: str) -> str:
    """A GB-COH identifier as Companies House writes it: upper case, numbers zero-padded."""
    value = identifier.strip().upper().replace(" ", "").rstrip(".,")
    return value.zfill(8) if value.isdigit() else value


@pytest.fixture(scope="module")
def register_names() -> dict[str, set[str]]:
    """Names published in the register data for each (normalised) GB-COH number."""
    path = shared_path("reference", "ocds", "suppliers_seen.csv")
    names: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["identifier_scheme"] == "GB-COH":
                names[normalise_number(row["identifier"])].add(html.unescape(row["name"].strip()))
    return names


def test_every_company_number_is_on_the_register_under_the_name_given(register_names):
    numbered = [s for s in load_suppliers() if s["company_number"]]
    assert len(numbered) >= 100
    for s in numbered:
        number = s["company_number"]
        assert number in register_names, f"{s['id']}: {number} is not in the register data"
        assert s["register_name"] in register_names[number], (
            f"{s['id']}: {number} is published as {sorted(register_names[number])}, "
            f"not {s['register_name']!r}"
        )


def test_register_names_belong_to_the_supplier(register_names):
    """The register's name for the number shares a word with one of the supplier's names."""
    words: dict[str, set[str]] = defaultdict(set)
    for sid, name, _ in load_supplier_variants():
        words[sid].update(name_key(name).split())
    for s in load_suppliers():
        if s["company_number"]:
            assert words[s["id"]] & set(name_key(s["register_name"]).split()), s["id"]


def test_shape_of_the_table():
    suppliers = load_suppliers()
    assert len(suppliers) >= 150
    assert all(set(s) == set(SUPPLIER_FIELDS) for s in suppliers)
    ids = [s["id"] for s in suppliers]
    assert len(ids) == len(set(ids)) and all(SLUG.match(i) for i in ids)
    sectors = {s["id"] for s in load_sectors()}
    assert all(s["sector"] in sectors and s["name"] for s in suppliers)
    for s in suppliers:
        assert s["company_number"] is None or COMPANY_NUMBER.match(s["company_number"]), s
        assert (s["company_number"] is None) == (s["register_name"] is None), s


def test_the_issue_suppliers_are_there():
    names = SupplierNames.load()
    for name, sid in [
        ("Capita", "capita"), ("Agilisys", "agilisys"), ("Civica", "civica"), ("CGI", "cgi"),
        ("Fujitsu", "fujitsu"), ("BT", "bt"), ("Serco", "serco"), ("Sopra Steria", "sopra-steria"),
        ("Liberata", "liberata"), ("Northgate Public Services", "nec-software-solutions"),
        ("NEC Software Solutions UK Ltd", "nec-software-solutions"), ("Idox plc", "idox"),
        ("Unit4", "unit4"), ("Oracle", "oracle"), ("SAP", "sap"), ("Microsoft", "microsoft"),
        ("Amazon Web Services", "aws"), ("Capita plc", "capita"),
        ("Capita Business Services", "capita"), ("Shared Services Connected Ltd", "sscl"),
    ]:  # fmt: skip
        assert names.resolve(name) == sid, name


def test_variants_refer_to_suppliers_and_no_name_serves_two():
    ids = {s["id"] for s in load_suppliers()}
    owners: dict[str, set[str]] = defaultdict(set)
    for sid, name, kind in load_supplier_variants():
        assert sid in ids and kind in VARIANT_KINDS and name == name.strip(), (sid, name)
        owners[name_key(name)].add(sid)
    assert {key: sids for key, sids in owners.items() if len(sids) > 1} == {}


def test_reference_data_loads_the_table(tmp_path):
    from councilwatch.db.schema import connect
    from councilwatch.reference_data import load_reference_data

    conn = connect(tmp_path / "cw.db")
    load_reference_data(conn)
    load_reference_data(conn)  # idempotent
    rows = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM suppliers")}
    assert len(rows) == len(load_suppliers())
    assert rows["capita"]["company_number"] == "02299747"
    assert rows["liberata"]["company_number"] is None
    names = conn.execute(
        "SELECT supplier_id FROM supplier_names WHERE name = 'Northgate Public Services'"
    ).fetchall()
    assert [r[0] for r in names] == ["nec-software-solutions"]
    assert conn.execute("SELECT count(*) FROM supplier_names").fetchone()[0] == len(
        load_supplier_variants()
    )
