"""The home dashboard: six panels, one set of filters driving all of them."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3

import pytest

from councilwatch.db.dashboard import Filters, panel_sql

from .datasette_client import get


def panels(datasette, **filters):
    """Every panel's rows for ``filters``, through the same SQL the page runs."""
    f = Filters.from_args(filters)
    db = datasette.get_database("councilwatch")

    async def run():
        out = {}
        for name, sql in panel_sql(f).items():
            params = {k: v for k, v in f.params().items() if f":{k}" in sql}
            out[name] = [dict(r) for r in (await db.execute(sql, params)).rows]
        out["most_named"] = out["map"][:10]
        return out

    return asyncio.run(run())


def map_data(html: str) -> list[dict]:
    found = re.search(
        r'<script type="application/json" id="cw-map-data">(.*?)</script>', html, re.S
    )
    return json.loads(found.group(1))


def test_home_page_is_the_dashboard(datasette):
    page = get(datasette, "/")
    assert page.status_code == 200
    for panel in ("map", "per-month", "most-named", "arrangements", "savings", "recent"):
        assert f'id="panel-{panel}"' in page.text, panel
    named = get(datasette, "/councilwatch/-/dashboard")
    assert named.status_code == 200 and map_data(named.text) == map_data(page.text)
    assert 'form class="cw-find"' in page.text  # find a council from the home page
    councils = map_data(page.text)
    assert {"CMD", "ISL", "CAT"} <= {c["code"] for c in councils}
    camden = next(c for c in councils if c["code"] == "CMD")
    assert 51 < camden["latitude"] < 52 and -1 < camden["longitude"] < 0


def test_articles_per_month_are_zero_filled(datasette, demo_db):
    rows = panels(datasette)["per_month"]
    months = [r["month"] for r in rows]
    assert months == sorted(months) and len(set(months)) == len(months)
    with sqlite3.connect(demo_db) as conn:
        dated = dict(
            conn.execute(
                "select substr(published, 1, 7), count(*) from articles"
                " where published is not null group by 1"
            ).fetchall()
        )
    assert {r["month"]: r["articles"] for r in rows if r["articles"]} == dated
    assert (months[0], months[-1]) == (min(dated), max(dated))
    assert any(r["articles"] == 0 for r in rows)  # the gaps show
    # consecutive months, none skipped
    for a, b in zip(months, months[1:], strict=False):
        year, month = int(a[:4]), int(a[5:])
        assert b == (f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}")
    page = get(datasette, "/").text
    assert page.count('class="bar zero"') == sum(1 for r in rows if not r["articles"])
    chart = page.split('id="panel-per-month"')[1].split("</svg>")[0]
    assert chart.count("<rect") == len(rows)
    assert f'data-month="{months[-1]}"' in chart
    assert f'<text x="0" y="12">{max(r["articles"] for r in rows)} at most</text>' in chart


def test_date_filter_narrows_every_panel(datasette):
    rows = panels(datasette, since="2015-01", until="2016-12")
    assert [r["month"] for r in rows["per_month"]][0] == "2015-01"
    assert [r["month"] for r in rows["per_month"]][-1] == "2016-12"
    for name in ("recent", "arrangements", "savings"):
        assert rows[name], name
        assert all("2015-01" <= r["published"][:7] <= "2016-12" for r in rows[name]), name
    everything = panels(datasette)
    assert sum(c["articles"] for c in rows["map"]) < sum(c["articles"] for c in everything["map"])


def test_nation_filter_narrows_every_panel(datasette, demo_db):
    rows = panels(datasette, nation="Scotland")
    assert rows["most_named"] and rows["map"]
    assert all(c["nation"] == "Scotland" for c in rows["map"])
    assert [a["codes"] for a in rows["arrangements"]] == ["ANS, DND, PKN"]
    with sqlite3.connect(demo_db) as conn:
        scottish = {
            r[0]
            for r in conn.execute(
                "select m.article_id from council_mentions m join councils c on c.code = m.code"
                " where c.nation = 'Scotland'"
            )
        }
    assert rows["recent"] and {r["id"] for r in rows["recent"]} <= scottish
    assert sum(r["articles"] for r in rows["per_month"]) == len(scottish)


def test_type_and_service_filters(datasette):
    boroughs = panels(datasette, type="London borough")
    assert boroughs["map"] and all(c["type"] == "London borough" for c in boroughs["map"])
    ict = panels(datasette, service="ict")
    assert ict["arrangements"]
    assert all("ict" in a["services"].split(", ") for a in ict["arrangements"])
    everything = panels(datasette)
    assert len(ict["arrangements"]) < len(everything["arrangements"])
    assert sum(r["articles"] for r in ict["per_month"]) < sum(
        r["articles"] for r in everything["per_month"]
    )
    page = get(datasette, "/?service=ict").text
    assert '<option value="ict" selected>' in page
    assert "/councilwatch/shared_services?service=ict" in page


def test_biggest_savings_are_council_level(datasette):
    rows = panels(datasette)["savings"]
    assert rows and rows == sorted(rows, key=lambda r: -r["amount_gbp"])
    assert all(r["amount_gbp"] < 1e10 for r in rows)  # the £10bn for all councils is apart
    assert (rows[0]["amount_gbp"], rows[0]["codes"]) == (4000000, "CMD, ISL")
    page = get(datasette, "/").text
    assert "Biggest council-level savings" in page and "/councilwatch/sector_savings" in page


def test_filters_ignore_malformed_values(datasette):
    for query in ("since=2016-13", "until=yesterday", "nation=Atlantis", "service=nothing"):
        page = get(datasette, f"/?{query}")
        assert page.status_code == 200, query
    assert "No shared-service arrangement matches" in get(datasette, "/?nation=Atlantis").text


@pytest.mark.parametrize("url", ["/", "/councilwatch/articles", "/councilwatch/-/council/CMD",
                                 "/councilwatch/council_profile", "/councilwatch"])  # fmt: skip
def test_every_page_header_finds_a_council(datasette, url):
    page = get(datasette, url).text
    assert '<form class="cw-find" role="search" action="/councilwatch/-/council"' in page
