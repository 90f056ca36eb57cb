"""The linking step after a register crawl: buyers to council codes by GB-LAE identifier
or by name, recomputed on every run; its figures on the real reference releases."""

from __future__ import annotations

from datetime import UTC, datetime

from councilwatch.db import register_store
from councilwatch.db.schema import connect
from councilwatch.reference_data import load_reference_data
from councilwatch.register_links import link_register
from councilwatch.sample_site.procurement_api import running_procurement_api
from councilwatch.spiders.ocds_awards import award_rows, release_row

from ..conftest import query, run_cli
from ..registersite import reference_register, register_crawl


def store_all(conn, releases):
    fetched = datetime.now(UTC).isoformat(timespec="seconds")
    for release in releases:
        row = release_row(release, "contracts-finder", None, fetched)
        register_store.store_release(conn, row, award_rows(release, "contracts-finder"))


def test_buyers_of_the_reference_releases_link(db_path):
    conn = connect(db_path)
    store_all(conn, reference_register().contracts_finder.releases)
    figures = link_register(conn)
    rows = conn.execute(
        "SELECT buyer_id, buyer_name, buyer_code, buyer_link FROM awards"
    ).fetchall()
    conn.close()
    by_identifier = {
        (r["buyer_id"], r["buyer_code"]) for r in rows if r["buyer_link"] == "identifier"
    }
    assert by_identifier and all(b == f"GB-LAE-{code}" for b, code in by_identifier)
    named = {r["buyer_name"]: r["buyer_code"] for r in rows if r["buyer_link"] == "name"}
    assert named["Durham County Council"] == "DUR"
    council_like = [r for r in rows if "council" in (r["buyer_name"] or "").lower()]
    linked = [r for r in council_like if r["buyer_code"]]
    assert len(linked) / len(council_like) >= 0.9  # 111 of 119 awards measured
    assert figures.buyers_linked == sum(1 for r in rows if r["buyer_code"])
    assert figures.awards == len(rows) > 300


def test_linking_is_recomputed_and_changes_only_what_it_must(db_path):
    conn = connect(db_path)
    store_all(conn, reference_register().contracts_finder.releases)
    link_register(conn)
    before = query(db_path, "SELECT ocid, award_id, buyer_code FROM awards ORDER BY 1, 2")
    conn.execute(
        "UPDATE awards SET buyer_code = 'CMD', buyer_link = 'name' WHERE buyer_code = 'DUR'"
    )
    conn.commit()
    from councilwatch.register_links import link_buyers

    changed = link_buyers(conn)
    conn.close()
    assert changed == sum(1 for *_, code in before if code == "DUR") > 0
    assert query(db_path, "SELECT ocid, award_id, buyer_code FROM awards ORDER BY 1, 2") == before


def test_a_crawl_links_what_it_stored(db_path):
    with running_procurement_api(reference_register()) as api:
        result = register_crawl(
            db_path, api.base_url, "--source", "contracts-finder",
            "--since", "2022-10-19", "--until", "2022-10-23",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    by_identifier = query(
        db_path, "SELECT buyer_code FROM awards WHERE buyer_link = 'identifier' ORDER BY 1"
    )
    assert by_identifier == [("NWM",), ("WSX",)]  # the two GB-LAE buyers of those days
    total = query(db_path, "SELECT count(*), count(buyer_code) FROM awards")[0]
    assert f"{total[1]} of {total[0]} awards have their buyer linked to a council" in result.stdout
    again = run_cli("register", "link", "--db", str(db_path))
    assert again.returncode == 0 and f"{total[1]} of {total[0]} awards" in again.stdout


def test_link_refuses_a_missing_database(tmp_path):
    result = run_cli("register", "link", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 66  # the one status for "the database cannot be used"
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "no such database file" in result.stderr


def test_suppliers_link_by_company_number_else_by_name(db_path):
    conn = connect(db_path)
    load_reference_data(conn)
    store_all(conn, reference_register().contracts_finder.releases)
    figures = link_register(conn)
    rows = conn.execute(
        "SELECT s.name, s.company_number, s.supplier_id, s.supplier_link, t.company_number "
        "AS table_number FROM award_suppliers s LEFT JOIN suppliers t ON t.id = s.supplier_id"
    ).fetchall()
    conn.close()
    linked = [r for r in rows if r["supplier_id"]]
    assert figures.suppliers_linked == len(linked) > 20
    by_number = [r for r in linked if r["supplier_link"] == "company_number"]
    assert by_number and all(r["company_number"] == r["table_number"] for r in by_number)
    by_name = {(r["name"], r["supplier_id"]) for r in linked if r["supplier_link"] == "name"}
    assert ("Civica UK Limited", "civica") in by_name  # no GB-COH id published with it
    assert all(r["supplier_link"] in ("company_number", "name") for r in linked)
