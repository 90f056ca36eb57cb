"""Supplier pages, finding a supplier by name, suppliers on council pages and the dashboard,
supplier links in tables: on the demo database, through Datasette's own client."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from urllib.parse import quote

import pytest

from councilwatch.db.dashboard import Filters, panel_sql

from .datasette_client import get


def section(html: str, css_class: str) -> str:
    """The HTML of the first table with ``css_class``."""
    return html.split(f'class="{css_class}"')[1].split("</table>")[0]


def rows_of(html: str) -> list[str]:
    """Each table row as its text, tags dropped and spaces squeezed."""
    return [" ".join(re.sub(r"<[^>]+>", " ", "<tr" + row).split()) for row in html.split("<tr")[1:]]


def test_agilisys_page(datasette):
    page = get(datasette, "/councilwatch/-/supplier/agilisys")
    assert page.status_code == 200
    text = page.text
    assert "<title>Agilisys (supplier) · councilwatch</title>" in text
    assert "IT services, systems integration and digital delivery" in text  # its sector
    assert (
        'href="https://find-and-update.company-information.service.gov.uk/company/04327369"' in text
    )
    # the councils it supplies: by the press (Somerset) and by the register (Barnet)
    councils = section(text, "cw-councils")
    assert '<a class="cw-council" href="/councilwatch/-/council/SOM">Somerset</a>' in councils
    assert '<a class="cw-council" href="/councilwatch/-/council/BNE">Barnet</a>' in councils
    # its contract: status, value, term, dates, the check's outcome, the article
    (contract,) = rows_of(section(text, "cw-contracts"))[1:]
    for fact in ("Somerset", "awarded", "£48,000,000", "7 years, from 2021-04, ends 2028-04-01",
                 "not on the register", "Somerset signs £48m IT deal with Agilisys"):  # fmt: skip
        assert fact in contract, fact
    assert re.search(r'href="/councilwatch/-/article/\d+">Somerset signs', text)
    # press coverage over time, and its register award that the press never mentioned
    assert 'data-month="2021-03" data-articles="1"' in text
    (award,) = rows_of(section(text, "cw-awards"))[1:]
    for fact in ("Barnet", "Digital and IT support services", "£4,200,000", "2019-06-14",
                 "2019-07-01 to 2022-06-30", "not in the press"):  # fmt: skip
        assert fact in award, fact


@pytest.mark.parametrize(
    ("supplier", "contract_outcome", "award_outcome"),
    [("liberata", "confirmed", "confirmed"), ("amey", "value differs", "value differs")],
)
def test_the_check_on_both_sides(datasette, supplier, contract_outcome, award_outcome):
    text = get(datasette, f"/councilwatch/-/supplier/{supplier}").text
    contracts = section(text, "cw-contracts")
    assert f'<span class="cw-outcome {contract_outcome.replace(" ", "-")}">' in contracts
    assert award_outcome in section(text, "cw-awards")


def test_amey_contract_not_on_the_register_next_to_the_one_that_is(datasette):
    contracts = rows_of(
        section(get(datasette, "/councilwatch/-/supplier/amey").text, "cw-contracts")
    )
    outcomes = {row.split()[0]: row for row in contracts[1:]}
    assert "value differs" in outcomes["City"]  # of Bristol
    assert "not on the register" in outcomes["South"]  # South Gloucestershire


def test_supplier_without_press_coverage(datasette):
    text = get(datasette, "/councilwatch/-/supplier/capita").text
    assert "No article reports a contract of this supplier." in text
    assert "No dated article names this supplier." in text
    assert "not in the press" in section(text, "cw-awards")


def test_a_supplier_no_council_contract_names(datasette):
    text = get(datasette, "/councilwatch/-/supplier/sopra-steria").text
    assert "No council contract of this supplier is known." in text
    assert "No award to this supplier is on the register councilwatch holds." in text


@pytest.mark.parametrize(
    ("typed", "supplier"),
    [("capita", "capita"), ("Capita plc", "capita"), ("CAPITA BUSINESS SERVICES LIMITED", "capita"),
     ("Sopra Steria", "sopra-steria"), ("british telecommunications", "bt"), ("NEC", "nec-software-solutions")],
)  # fmt: skip
def test_finding_a_supplier_by_name(datasette, typed, supplier):
    response = get(datasette, f"/councilwatch/-/supplier?q={quote(typed)}")
    assert response.status_code == 302
    assert response.headers["location"] == f"/councilwatch/-/supplier/{supplier}"


def test_several_matches_are_listed_and_none_says_so(datasette):
    several = get(datasette, "/councilwatch/-/supplier?q=soft")
    assert several.status_code == 200
    listed = re.findall(
        r'class="cw-supplier" href="/councilwatch/-/supplier/([\w-]+)"', several.text
    )
    assert {"mri-software", "frontier-software", "phoenix-software"} <= set(listed)
    none = get(datasette, "/councilwatch/-/supplier?q=Atlantis+Widgets")
    assert none.status_code == 200 and "No supplier matches “Atlantis Widgets”" in none.text
    assert "Type a supplier's name" in get(datasette, "/councilwatch/-/supplier?q=").text
    assert "Type a supplier's name" in get(datasette, "/councilwatch/-/supplier").text


def test_supplier_page_addresses(datasette):
    assert (
        get(datasette, "/councilwatch/-/supplier/Capita")
        .headers["location"]
        .endswith("/-/supplier/capita")
    )
    assert get(datasette, "/councilwatch/-/supplier/no-such-company").status_code == 404
    assert get(datasette, "/nodb/-/supplier/capita").status_code == 404
    odd = get(datasette, "/councilwatch/-/supplier/%3Cb%3Exyzzy", follow_redirects=True)
    assert odd.status_code == 404 and "<b>xyzzy" not in odd.text


def test_every_page_header_finds_a_supplier(datasette):
    page = get(datasette, "/councilwatch/-/council/CMD").text
    assert 'action="/councilwatch/-/supplier" method="get"' in page


def test_council_page_lists_its_suppliers_and_contracts(datasette):
    text = get(datasette, "/councilwatch/-/council/SOM").text
    suppliers = text.split('class="cw-suppliers"')[1].split("</p>")[0]
    assert (
        '<a class="cw-supplier" href="/councilwatch/-/supplier/agilisys">Agilisys</a>' in suppliers
    )
    assert 'href="/councilwatch/-/supplier/southwest-one"' in suppliers
    contracts = {row.split()[0]: row for row in rows_of(section(text, "cw-contracts"))[1:]}
    for fact in ("awarded", "£48,000,000", "7 years", "2028-04-01", "not on the register"):
        assert fact in contracts["Agilisys"], fact
    assert "ended" in contracts["Southwest"] and "2017-12-31" in contracts["Southwest"]


def test_council_page_shows_the_register_and_the_check(datasette):
    barnet = get(datasette, "/councilwatch/-/council/BNE").text
    awards = rows_of(section(barnet, "cw-awards"))[1:]
    assert {row.split()[0] for row in awards} == {"Capita", "Agilisys"}
    assert all("not in the press" in row for row in awards)
    bedford = get(datasette, "/councilwatch/-/council/BDF").text
    (contract,) = rows_of(section(bedford, "cw-contracts"))[1:]
    assert "Liberata" in contract and "insourced" in contract and "confirmed" in contract
    quiet = get(datasette, "/councilwatch/-/council/CMD").text
    assert "No article reports a contract of this council." in quiet


def panel_rows(datasette, name: str, **filters) -> list[dict]:
    f = Filters.from_args(filters)
    sql = panel_sql(f)[name]
    params = {k: v for k, v in f.params().items() if f":{k}" in sql}
    db = datasette.get_database("councilwatch")
    return [dict(r) for r in asyncio.run(db.execute(sql, params)).rows]


def expected_councils(demo_db, council_type: str | None = None) -> dict[str, int]:
    """Councils per supplier counted in Python from the fact tables: press contracts
    (tenders left out) and register awards, of councils of ``council_type`` if given."""
    with sqlite3.connect(demo_db) as conn:
        types = dict(conn.execute("select code, type from councils"))
        pairs = set(
            conn.execute(
                "select c.supplier_id, cc.code from contracts c join contract_councils cc"
                " on cc.contract_id = c.id where c.status != 'tendered'"
            )
        ) | set(
            conn.execute(
                "select s.supplier_id, w.buyer_code from award_suppliers s join awards w"
                " on w.ocid = s.ocid and w.award_id = s.award_id"
                " where s.supplier_id is not null and w.buyer_code is not null"
            )
        )
    counts: dict[str, int] = {}
    for supplier, code in pairs:
        if council_type is None or types[code] == council_type:
            counts[supplier] = counts.get(supplier, 0) + 1
    return counts


def test_top_suppliers_by_councils(datasette, demo_db):
    rows = panel_rows(datasette, "suppliers_by_councils")
    assert {r["supplier_id"]: r["councils"] for r in rows} == expected_councils(demo_db)
    assert rows[0]["councils"] == max(r["councils"] for r in rows)
    assert "fujitsu" not in {r["supplier_id"] for r in rows}  # only shortlisted for Leeds
    agilisys = next(r for r in rows if r["supplier_id"] == "agilisys")
    assert agilisys["councils"] == 2 and agilisys["in_press"] and agilisys["on_register"]


def test_top_suppliers_by_value(datasette):
    rows = panel_rows(datasette, "suppliers_by_value")
    assert [(r["supplier_id"], r["value_gbp"]) for r in rows][:2] == [
        ("agilisys", 48_000_000),
        ("liberata", 25_000_000),
    ]
    assert [r["value_gbp"] for r in rows] == sorted((r["value_gbp"] for r in rows), reverse=True)


def test_supplier_panels_follow_the_filters(datasette, demo_db):
    service = panel_rows(datasette, "suppliers_by_councils", service="revenues_benefits")
    assert {r["supplier_id"] for r in service} == {"liberata", "nec-software-solutions"}
    assert not any(r["on_register"] for r in service)
    since = panel_rows(datasette, "suppliers_by_value", since="2022-01")
    assert {r["supplier_id"] for r in since} == {"nec-software-solutions", "amey"}
    until = panel_rows(datasette, "suppliers_by_value", until="2021-03")
    assert {r["supplier_id"] for r in until} == {"liberata", "agilisys"}
    boroughs = panel_rows(datasette, "suppliers_by_councils", type="London borough")
    expected = expected_councils(demo_db, "London borough")
    assert {r["supplier_id"]: r["councils"] for r in boroughs} == expected
    assert "nec-software-solutions" in expected and "liberata" not in expected
    assert panel_rows(datasette, "suppliers_by_value", nation="Wales") == []


def test_dashboard_shows_the_supplier_panels(datasette):
    page = get(datasette, "/?service=revenues_benefits").text
    for panel in ("suppliers-councils", "suppliers-value"):
        assert f'id="panel-{panel}"' in page, panel
    by_value = page.split('id="panel-suppliers-value"')[1].split("</section>")[0]
    assert (
        '<a class="cw-supplier" href="/councilwatch/-/supplier/liberata">Liberata</a>' in by_value
    )
    assert "£25,000,000" in by_value
    by_councils = page.split('id="panel-suppliers-councils"')[1].split("</section>")[0]
    assert "only the press counts here" in by_councils


@pytest.mark.parametrize(
    "path",
    ["/councilwatch/contract_checks", "/councilwatch/register_awards", "/councilwatch/contracts",
     "/councilwatch/suppliers", "/councilwatch/contracts_ending"],
)  # fmt: skip
def test_supplier_ids_and_names_link_to_their_pages(datasette, path):
    page = get(datasette, path)
    assert page.status_code == 200
    if "contracts_ending" in path and "cw-supplier" not in page.text:
        pytest.skip("no contract ends in the next 12 months today")
    assert re.search(r'<a class="cw-supplier" href="/councilwatch/-/supplier/[\w-]+">', page.text)
    if path.endswith("/suppliers"):
        assert (
            '<a class="cw-supplier" href="/councilwatch/-/supplier/capita">Capita</a>' in page.text
        )


def test_a_busy_supplier_lists_its_newest_contracts_and_links_the_rest(demo_db, tmp_path):
    from councilwatch.db.contract_rows import ROWS_SHOWN

    from .datasette_client import make_datasette

    path = tmp_path / "councilwatch.db"
    shutil.copy(demo_db, path)
    with sqlite3.connect(path) as conn:
        (article,) = conn.execute("select min(id) from articles").fetchone()
        for n in range(ROWS_SHOWN + 5):
            cur = conn.execute(
                "insert into contracts (article_id, supplier_id, value_gbp, period, status, start,"
                ' "end", sentence, nlp_version) values (?, ?, ?, ?, ?, 0, 1, ?, ?)',
                [article, "capita", 1000.0 + n, "total", "awarded", f"Contract {n}.", "t"],
            )
            conn.execute("insert into contract_councils values (?, 'CMD')", [cur.lastrowid])
    busy = make_datasette(path)
    page = get(busy, "/councilwatch/-/supplier/capita").text
    assert len(rows_of(section(page, "cw-contracts"))) == ROWS_SHOWN + 1  # and the header
    assert f"The newest {ROWS_SHOWN}:" in page
    assert 'href="/councilwatch/contract_checks?supplier=capita">every contract' in page
    council = get(busy, "/councilwatch/-/council/CMD").text
    assert len(rows_of(section(council, "cw-contracts"))) == ROWS_SHOWN + 1
    assert 'href="/councilwatch/contract_checks?council=CMD">every contract' in council
    assert all(
        "not on the register" in row for row in rows_of(section(council, "cw-contracts"))[1:]
    )


@pytest.mark.parametrize("supplier", ["agilisys", "liberata", "amey", "capita"])
def test_newest_articles_are_the_same_either_way(demo_db, supplier):
    from councilwatch.db.supplier_page import ARTICLES_BY_DATE_SQL, ARTICLES_SQL

    with sqlite3.connect(demo_db) as conn:
        by_mentions = conn.execute(ARTICLES_SQL, {"id": supplier}).fetchall()
        by_date = conn.execute(ARTICLES_BY_DATE_SQL, {"id": supplier}).fetchall()
    assert by_mentions == by_date
    assert bool(by_mentions) == (supplier != "capita")
