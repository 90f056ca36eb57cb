"""Contracts ending in the next 12 months as a Datasette query and an Atom feed."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

from councilwatch.db.schema import connect
from councilwatch.reference_data import load_reference_data

from .test_contract_checks import add_article, add_award, add_contract
from .test_datasette import get, make_datasette

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_lists_contracts_ending_soon_and_says_when_none_do(tmp_path):
    db = tmp_path / "councilwatch.db"
    conn = connect(db)
    load_reference_data(conn)
    soon = date.today() + timedelta(days=60)
    add_article(conn, 1, "2019-05-01", "Barnet renews with Capita")
    add_contract(conn, 1, 1, ["BNE"], "capita", 5e6, end=soon.isoformat(), status="extended")
    add_award(conn, "ocds-k", "KEN", "agilisys", 2e6, date="2020-01-01",
              start="2020-02-01", end=soon.isoformat())  # fmt: skip
    conn.commit()
    conn.close()
    datasette = make_datasette(db)
    response = get(datasette, "/councilwatch/contracts_ending_soon.atom?council=")
    assert response.status_code == 200
    assert (
        response.headers["content-type"].startswith("application/xml")
        or "atom" in (response.headers["content-type"])
    )
    feed = ElementTree.fromstring(response.text)
    titles = sorted(e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry"))
    assert titles == [
        f"Barnet and Capita: ends {soon}",
        f"Kent and Agilisys: ends {soon}",
    ]
    links = {e.find(f"{ATOM}link").get("href") for e in feed.iter(f"{ATOM}entry")}
    assert {"http://news/1", "https://www.contractsfinder.service.gov.uk/Notice/ocds-k"} == links
    only_kent = get(datasette, "/councilwatch/contracts_ending_soon.json?council=ken&_shape=array")
    assert [(r["council"], r["evidence"]) for r in only_kent.json()] == [("KEN", "register")]
    nothing = get(datasette, "/councilwatch/contracts_ending_soon.json?council=CMD&_shape=array")
    assert [r["atom_title"] for r in nothing.json()] == ["Nothing ends in the next 12 months"]
