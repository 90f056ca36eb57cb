"""The register in `councilwatch export`: releases, awards, their suppliers and the
contract checks, with datapackage.json (descriptions, keys, the composite foreign key)."""

from __future__ import annotations

import csv
import json
from datetime import date

from councilwatch.db.schema import connect
from councilwatch.export import Filters, export_extract
from councilwatch.reference_data import load_reference_data

from ..db.test_contract_checks import add_article, add_award, add_contract

DAY = date(2026, 3, 1)


def build(path):
    conn = connect(path)
    load_reference_data(conn)
    add_article(conn, 1, "2019-03-10", "Barnet signs Capita deal")
    add_contract(conn, 10, 1, ["BNE"], "capita", 320e6, years=10, start="2013")
    add_award(conn, "ocds-a", "BNE", "capita", 321.5e6, date="2013-08-01",
              start="2013-09-01", end="2023-08-31")  # fmt: skip
    add_award(conn, "ocds-d", "MAN", "capita", 1e6, date="2022-01-01")
    conn.commit()
    conn.close()


def test_register_tables_are_exported_with_their_schema(tmp_path):
    db = tmp_path / "cw.db"
    build(db)
    out = export_extract(db, tmp_path / "out", today=DAY)
    package = json.loads((out / "datapackage.json").read_text())
    resources = {r["name"]: r for r in package["resources"]}
    assert {"ocds_releases", "awards", "award_suppliers", "contract_checks"} <= set(resources)
    for name in ("ocds_releases", "awards", "award_suppliers", "contract_checks"):
        fields = resources[name]["schema"]["fields"]
        assert all(f.get("description") for f in fields), name
    assert resources["awards"]["schema"]["primaryKey"] == ["ocid", "award_id"]
    assert resources["award_suppliers"]["schema"]["foreignKeys"] == [
        {
            "fields": ["ocid", "award_id"],
            "reference": {"resource": "awards", "fields": ["ocid", "award_id"]},
        },
        {"fields": ["supplier_id"], "reference": {"resource": "suppliers", "fields": ["id"]}},
    ]
    with (out / "contract_checks.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted((r["outcome"], r["ocid"]) for r in rows) == [
        ("confirmed", "ocds-a"),
        ("not in the press", "ocds-d"),
    ]
    assert resources["contract_checks"]["count"] == 2 and resources["awards"]["count"] == 2


def test_an_article_filter_keeps_the_awards_no_article_mentioned(tmp_path):
    db = tmp_path / "cw.db"
    build(db)
    out = export_extract(db, tmp_path / "out", filters=Filters(since="2020-01-01"), today=DAY)
    with (out / "contract_checks.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["outcome"], r["ocid"]) for r in rows] == [("not in the press", "ocds-d")]
