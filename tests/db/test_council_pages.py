"""Council pages, finding a council by name, council links everywhere, readable cells, feeds."""

from __future__ import annotations

import re
import sqlite3
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from councilwatch.db.contract_rows import ROWS_SHOWN
from councilwatch.sample_site.data import sample_articles

from .datasette_client import get, make_datasette

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(
    "typed", ["Camden", "camden council", "LB Camden", "CMD", "cmd", "London Borough of Camden"]
)
def test_finding_camden_by_what_an_analyst_types(datasette, typed):
    response = get(datasette, f"/councilwatch/-/council?q={quote(typed)}")
    assert response.status_code == 302
    assert response.headers["location"] == "/councilwatch/-/council/CMD"


def test_several_matches_are_listed_and_none_says_so(datasette):
    several = get(datasette, "/councilwatch/-/council?q=Kingston")
    assert several.status_code == 200
    links = re.findall(r'href="/councilwatch/-/council/(\w+)"', several.text.split("cw-find")[-1])
    assert {"KHL", "KTT"} <= set(links)
    none = get(datasette, "/councilwatch/-/council?q=Atlantis")
    assert none.status_code == 200 and "No council matches “Atlantis”" in none.text
    empty = get(datasette, "/councilwatch/-/council?q=")
    assert "Type a council's name" in empty.text


def test_camden_page(datasette):
    page = get(datasette, "/councilwatch/-/council/CMD")
    assert page.status_code == 200
    text = page.text
    assert "<title>Camden (CMD) · councilwatch</title>" in text
    for fact in ("London Borough of Camden", "London borough", "England", "London"):
        assert fact in text, fact
    # its articles, its money, its services, its partner and their arrangement
    assert "Majority Of Local Councils Now ‘Share Services’" in text
    assert re.search(r"£4,000,000 a year</td><td><a href=\"/councilwatch/-/article/\d+\"", text)
    assert "ICT / IT services in general" in text
    partners = text.split('class="cw-partners"')[1].split("</p>")[0]
    assert '<a class="cw-council" href="/councilwatch/-/council/ISL">Islington</a>' in partners
    arrangements = text.split('class="cw-arrangements"')[1].split("</table>")[0]
    assert "proposed" in arrangements and "£4,000,000 a year" in arrangements
    # coverage over time, and its feeds for an analyst's reader
    assert 'data-month="2015-11" data-articles="1"' in text
    feeds = re.findall(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', text
    )
    assert "/councilwatch/new_articles.atom?council=CMD" in feeds
    assert len(feeds) == 3


def test_predecessors_and_successors_link_each_other(datasette):
    old = get(datasette, "/councilwatch/-/council/BKM").text
    assert "abolished 2020-03-31" in old
    assert 'class="cw-successors"><a class="cw-council" href="/councilwatch/-/council/BUC">' in old
    new = get(datasette, "/councilwatch/-/council/BUC").text
    predecessors = new.split('class="cw-predecessors"')[1].split("</dd>")[0]
    assert 'href="/councilwatch/-/council/BKM"' in predecessors
    assert 'href="/councilwatch/-/council/AYL"' in predecessors


def test_council_page_addresses(datasette):
    assert get(datasette, "/councilwatch/-/council/cmd").headers["location"].endswith("/CMD")
    assert get(datasette, "/councilwatch/-/council/Camden").headers["location"].endswith("/CMD")
    assert get(datasette, "/councilwatch/-/council/ZZZ").status_code == 404
    quiet = get(datasette, "/councilwatch/-/council/ORK")  # a council no article names
    assert quiet.status_code == 200 and "No article names this council yet." in quiet.text


@pytest.mark.parametrize(
    "url",
    [
        "/councilwatch/council_mentions?code=CMD",
        "/councilwatch/council_mention_details?code=CMD",
        "/councilwatch/arrangement_summary",
        "/councilwatch/money_by_council?code=CMD",
        "/councilwatch/councils_most_named",
        "/councilwatch/council_partners?council=Islington",
        "/councilwatch/shared_services",
        "/councilwatch/council_coverage",
        "/councilwatch/arrangement_councils",
        "/councilwatch/councils/CMD",
        "/",
    ],
)
def test_council_codes_link_to_council_pages(datasette, url):
    page = get(datasette, url)
    assert page.status_code == 200
    assert 'class="cw-council" href="/councilwatch/-/council/CMD"' in page.text


def test_article_page_links_its_councils(datasette, seed_id):
    page = get(datasette, f"/councilwatch/-/article/{seed_id}").text
    councils = page.split('class="cw-councils"')[1].split("</ul>")[0]
    assert '<a class="cw-council" href="/councilwatch/-/council/CMD">Camden</a>' in councils
    arrangements = page.split('class="cw-arrangements"')[1].split("</ul>")[0]
    assert 'href="/councilwatch/-/council/ISL">Islington</a>' in arrangements


def test_cells_are_readable(datasette, seed_id):
    articles = get(datasette, "/councilwatch/articles").text
    assert f'<a href="/councilwatch/-/article/{seed_id}">Majority Of Local Councils' in articles
    assert "[&#34;" not in articles and '["' not in articles  # JSON lists shown as lists
    cells = re.findall(r'<td class="col-body[^"]*"[^>]*>(.*?)</td>', articles, re.S)
    assert cells and max(len(c) for c in cells) < 400  # long bodies cut
    services = get(datasette, "/councilwatch/service_mention_details").text
    assert "ICT / IT services in general (<code>ict</code>)" in services
    query = get(datasette, "/councilwatch/council_money?council=CMD").text
    assert f'<a href="/councilwatch/-/article/{seed_id}">Majority Of Local Councils' in query


def test_query_pages_speak_in_words(datasette):
    page = get(datasette, "/councilwatch/council_profile?council=CMD").text
    assert "<title>Council profile · councilwatch</title>" in page
    assert 'id="sql-editor"' not in page and "select" not in page.split("<title>")[1][:80]
    assert "_show_sql=1" in page  # the SQL is one click away
    table = get(datasette, "/councilwatch/money_by_council").text
    assert "<title>Money by council:" in table


def feed_entries(datasette, url):
    response = get(datasette, url)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [
        {child.tag.replace(ATOM, ""): (child.text or child.get("href")) for child in entry}
        for entry in root.iter(f"{ATOM}entry")
    ]


def test_feeds_overall_and_per_council(datasette, demo_db):
    articles = feed_entries(datasette, "/councilwatch/new_articles.atom")
    assert len(articles) == len(sample_articles()) and all(
        e["link"].startswith("http://127.0.0.1:") for e in articles
    )
    camden = feed_entries(datasette, "/councilwatch/new_articles.atom?council=Camden")
    assert [e["title"] for e in camden] == ["Majority Of Local Councils Now ‘Share Services’"]
    savings = feed_entries(datasette, "/councilwatch/new_savings.atom?council=CMD")
    assert [e["title"] for e in savings] == ["£4,000,000 a year: CMD, ISL"]
    overall = feed_entries(datasette, "/councilwatch/new_savings.atom")
    assert not any("£10,000,000,000" in e["title"] for e in overall)  # sector-wide, not here
    arrangements = feed_entries(datasette, "/councilwatch/new_arrangements.atom?council=ISL")
    assert len(arrangements) == 1 and "Saving: £4,000,000 a year." in arrangements[0]["content"]
    unknown = feed_entries(datasette, "/councilwatch/new_arrangements.atom?council=Atlantis")
    assert len(unknown) == 1 and unknown[0]["title"].startswith("No council matches “Atlantis”")
    quiet = feed_entries(datasette, "/councilwatch/new_savings.atom?council=ORK")
    assert [e["title"] for e in quiet] == ["Nothing yet"]


def test_a_council_with_many_partners_lists_the_first_and_says_how_many_more(demo_db, tmp_path):
    many = tmp_path / "councilwatch.db"  # the name the pages are served under
    with sqlite3.connect(demo_db) as src, sqlite3.connect(many) as dst:
        src.backup(dst)
    with sqlite3.connect(many) as conn:
        (article_id,) = conn.execute("SELECT min(id) FROM articles").fetchone()
        codes = [c for (c,) in conn.execute("SELECT code FROM councils WHERE code != 'CMD'")]
        arrangement = conn.execute(
            'INSERT INTO arrangements (article_id, status, start, "end", sentence, '
            "nlp_version) VALUES (?, 'live', 0, 1, 'All of them share.', 'test')",
            (article_id,),
        ).lastrowid
        partners = codes[: ROWS_SHOWN + 7]
        conn.executemany(
            "INSERT INTO arrangement_councils (arrangement_id, code) VALUES (?, ?)",
            [(arrangement, code) for code in ["CMD", *partners]],
        )
    page = get(make_datasette(many), "/councilwatch/-/council/CMD")
    assert page.status_code == 200
    listed = page.text.split('class="cw-partners"')[1].split("</p>")[0]
    assert len(re.findall(r'class="cw-council"', listed)) == ROWS_SHOWN
    assert "; and 8 more, in" in listed  # the 57 new partners and Islington, less 50 shown
    assert 'href="/councilwatch/shared_services?council=CMD&amp;service="' in listed


def test_a_council_with_many_arrangements_shows_the_newest_and_links_to_all(demo_db, tmp_path):
    busy = tmp_path / "councilwatch.db"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(busy) as dst:
        src.backup(dst)
    with sqlite3.connect(busy) as conn:
        (article_id,) = conn.execute("SELECT min(id) FROM articles").fetchone()
        before = conn.execute(
            "SELECT count(*) FROM arrangement_councils WHERE code = 'CMD'"
        ).fetchone()[0]
        for n in range(ROWS_SHOWN + 5):
            arrangement = conn.execute(
                'INSERT INTO arrangements (article_id, status, start, "end", sentence, '
                "nlp_version) VALUES (?, 'live', ?, ?, 'They share.', 'test')",
                (article_id, n, n + 1),
            ).lastrowid
            conn.executemany(
                "INSERT INTO arrangement_councils (arrangement_id, code) VALUES (?, ?)",
                [(arrangement, "CMD"), (arrangement, "ISL")],
            )
    datasette = make_datasette(busy)
    page = get(datasette, "/councilwatch/-/council/CMD").text
    table = page.split('class="cw-arrangements"')[1].split("</table>")[0]
    assert table.count("<tr>") == ROWS_SHOWN + 1  # the header and the newest rows
    assert f"The newest {ROWS_SHOWN}: <a" in page
    every = get(
        datasette, "/councilwatch/shared_services.json?council=Camden&service=&_shape=array"
    )
    assert len(every.json()) == before + ROWS_SHOWN + 5
    islington = get(datasette, "/councilwatch/shared_services.json?council=ISL&_shape=array")
    assert all("ISL" in row["codes"] for row in islington.json())


def test_the_council_page_escapes_what_articles_say(demo_db, tmp_path):
    # the page's body is rendered apart from Datasette's templates (db/page_fragments.py):
    # text from crawled pages must still come out escaped
    hostile = tmp_path / "councilwatch.db"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(hostile) as dst:
        src.backup(dst)
    title = '<script>alert("x")</script> Camden & co'
    with sqlite3.connect(hostile) as conn:
        conn.execute(
            "UPDATE articles SET title = ? WHERE id IN "
            "(SELECT article_id FROM council_mentions WHERE code = 'CMD')",
            (title,),
        )
    page = get(make_datasette(hostile), "/councilwatch/-/council/CMD").text
    articles = page.split('class="cw-articles"')[1].split("</table>")[0]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Camden &amp; co" in articles
    assert "<script>alert" not in page
