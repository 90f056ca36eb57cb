"""The published database through Datasette's own test client."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest

from councilwatch.db.datasette_config import datasette_files, datasette_metadata, load_metadata
from councilwatch.serve import datasette_args

from .datasette_client import get, make_datasette

#: Parameters for each canned query; every query in db/datasette/metadata.yml must be listed.
QUERY_PARAMS = {
    "council_profile": {"council": "CMD"},
    "council_money": {"council": "Camden"},
    "council_services": {"council": "camden council"},
    "council_partners": {"council": "LB Camden"},
    "biggest_savings": {},
    "sector_savings": {},
    "shared_services": {"service": "ict"},
    "coverage_over_time": {},
    "services_by_nation": {},
    "councils_most_named": {},
    "councils_together": {"council1": "Islington", "council2": "CMD"},
    "search_articles": {"q": "shared services"},
    "contracts_ending_soon": {"council": ""},
    "new_articles": {"council": "Camden"},
    "new_arrangements": {},
    "new_savings": {},
}


def metadata_file() -> dict:
    return load_metadata()


def test_home_page_names_the_project(datasette):
    response = get(datasette, "/")
    assert response.status_code == 200
    assert "councilwatch" in response.text
    assert "CC BY 4.0" in response.text  # licence
    assert 'href="/councilwatch/sources">' in response.text  # the press is the data source
    database = get(datasette, "/councilwatch")
    assert "raw_pages" not in database.text  # hidden table
    assert "articles_fts_data" not in database.text
    assert "council_profile" in database.text  # canned queries listed


def test_plugins_are_loaded(datasette):
    names = {p["name"] for p in get(datasette, "/-/plugins.json").json()}
    assert {"datasette-cluster-map", "datasette-atom", "councilwatch_pages.py"} <= names
    assert {"councilwatch_cells.py", "councilwatch_guard.py", "councilwatch_dashboard.py"} <= names
    assert "datasette-vega" not in names  # unmaintained since 2018: the dashboard replaced it


def test_article_table_page(datasette):
    response = get(datasette, "/councilwatch/articles")
    assert response.status_code == 200
    assert "Majority Of Local Councils" in response.text


def test_council_facet_counts_mentions(datasette):
    data = get(datasette, "/councilwatch/council_mentions.json?_facet=code&_size=0").json()
    counts = {r["value"]: r["count"] for r in data["facet_results"]["code"]["results"]}
    assert counts["CMD"] >= 1 and counts["ISL"] >= 1
    # the foreign key label shows the council's name
    labels = {r["value"]: r["label"] for r in data["facet_results"]["code"]["results"]}
    assert labels["CMD"] == "Camden"


def test_council_facet_reads_the_summary_and_agrees_with_a_column_facet(datasette, seed_id):
    def counts(query):
        data = get(datasette, f"/councilwatch/council_mentions.json?_size=0&{query}").json()
        (facet,) = data["facet_results"].values()
        return {r["value"]: (r["count"], r["label"]) for r in facet["results"]}

    summary = counts("_facet_council=code")
    assert summary == counts("_facet=code")
    assert summary["CMD"] == (1, "Camden")
    filtered = counts(f"_facet_council=code&article_id={seed_id}")
    assert filtered == counts(f"_facet=code&article_id={seed_id}")
    assert 0 < len(filtered) < len(summary)
    page = get(datasette, "/councilwatch/council_mentions?_facet_council=code").text
    assert 'href="?_facet_council=code">Facet by council</a>' in page


def test_default_facets_on_views(datasette):
    data = get(datasette, "/councilwatch/council_mention_details.json?_size=0").json()
    assert {"code", "nation", "source", "year"} <= set(data["facet_results"])
    nations = {r["value"] for r in data["facet_results"]["nation"]["results"]}
    assert "England" in nations
    money = get(datasette, "/councilwatch/money_details.json?_size=0").json()
    assert {"role", "source", "year"} <= set(money["facet_results"])
    services = get(datasette, "/councilwatch/service_mention_details.json?_size=0").json()
    assert "service" in services["facet_results"]


def test_council_mentions_csv(datasette):
    response = get(datasette, "/councilwatch/council_mentions.csv?_size=max&_labels=on")
    assert response.status_code == 200
    reader = csv.DictReader(io.StringIO(response.text))
    rows = list(reader)
    assert {"article_id", "code", "text", "start", "end", "sentence"} <= set(reader.fieldnames)
    assert any(r["code"] == "CAT" and "Canterbury" in r["sentence"] for r in rows)


def test_streamed_csv_has_every_row(datasette, demo_db):
    with sqlite3.connect(demo_db) as conn:
        (total,) = conn.execute("select count(*) from council_mentions").fetchone()
    response = get(datasette, "/councilwatch/council_mentions.csv?_stream=on&_size=5")
    assert response.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == total


def test_full_text_search(datasette):
    data = get(datasette, "/councilwatch/articles.json?_search=Thanet&_shape=array").json()
    assert any("Share Services" in row["title"] for row in data)
    # escaped search mode: an apostrophe is not an FTS syntax error
    assert get(datasette, "/councilwatch/articles.json?_search=council%27s").status_code == 200


def test_arbitrary_sql_cannot_write(datasette):
    response = get(datasette, "/councilwatch.json?sql=DELETE+FROM+articles")
    assert response.status_code == 400
    count = get(datasette, "/councilwatch.json?sql=select+count(*)+as+n+from+articles&_shape=array")
    assert count.json()[0]["n"] > 0


def test_every_canned_query_is_tested():
    queries = metadata_file()["databases"]["councilwatch"]["queries"]
    assert set(queries) == set(QUERY_PARAMS)
    assert all(q.get("title") and q.get("description") for q in queries.values())


@pytest.mark.parametrize("name", sorted(QUERY_PARAMS))
def test_canned_query_runs(datasette, name):
    params = urlencode(QUERY_PARAMS[name])
    response = get(datasette, f"/councilwatch/{name}.json?_shape=array&{params}")
    assert response.status_code == 200, response.text[:500]
    assert response.json(), f"{name} returned no rows on the demo database"
    page = get(datasette, f"/councilwatch/{name}?{params}")
    assert page.status_code == 200
    csv_response = get(datasette, f"/councilwatch/{name}.csv?{params}")
    assert csv_response.status_code == 200 and csv_response.text.count("\n") >= 2


@pytest.mark.parametrize("council", ["CMD", "cmd", "Camden", "camden council", "LB Camden"])
def test_council_profile_takes_a_name_or_a_code(datasette, council):
    query = urlencode({"council": council})
    rows = get(datasette, f"/councilwatch/council_profile.json?_shape=array&{query}").json()
    shared = [r for r in rows if "Share Services" in r["title"]]
    assert shared and shared[0]["partners"] == "ISL"
    assert "£4,000,000 saving" in shared[0]["money"]
    assert "ict" in shared[0]["services"].split(", ")


def test_unknown_council_in_a_query_says_so(datasette):
    page = get(datasette, "/councilwatch/council_profile?council=Atlantis")
    assert page.status_code == 200
    assert "No council matches “Atlantis”" in page.text
    rows = get(datasette, "/councilwatch/council_profile.json?_shape=array&council=Atlantis")
    assert rows.json() == []
    several = get(datasette, "/councilwatch/council_money?council=Kingston").text
    assert "fits 2 councils" in several
    assert 'href="/councilwatch/-/council/KTT"' in several
    known = get(datasette, "/councilwatch/council_money?council=Camden").text
    assert "cw-council-notice" not in known


def test_councils_together_and_shared_services(datasette):
    rows = get(
        datasette,
        "/councilwatch/councils_together.json?_shape=array&council1=Islington&council2=CMD",
    ).json()
    assert [r["title"] for r in rows] == ["Majority Of Local Councils Now ‘Share Services’"]
    arrangements = get(datasette, "/councilwatch/shared_services.json?_shape=array").json()
    assert any(r["codes"] == "CAT, DOV, THA" for r in arrangements)
    assert any(r["codes"] == "CMD, ISL" and r["saving_gbp"] == 4000000 for r in arrangements)
    # the saving the article states for an arrangement it did not attach one to
    oneSource = [r for r in arrangements if r["codes"] == "HAV, NWM"]
    assert oneSource and oneSource[0]["saving_gbp"] == 9600000
    assert oneSource[0]["saving_basis"] == "given in the article"
    ict = get(datasette, "/councilwatch/shared_services.json?_shape=array&service=ict").json()
    assert ict and all("ict" in r["services"].split(", ") for r in ict)
    assert len(ict) < len(arrangements)


def test_search_query_ranks_title_matches_first(datasette):
    rows = get(datasette, "/councilwatch/search_articles.json?_shape=array&q=oneSource").json()
    assert "oneSource" in rows[0]["title"]
    assert get(datasette, "/councilwatch/search_articles.json?q=%22unbalanced").status_code == 200


@pytest.mark.parametrize(
    "view",
    [
        "article_councils",
        "council_mention_details",
        "money_details",
        "service_mention_details",
        "arrangement_summary",
        "council_coverage",
        "mentions_per_month",
        "coverage_by_month",
        "articles_per_month",
        "money_scopes",
        "money_councils",
        "money_by_council",
        "arrangement_savings",
        "council_month_counts",
    ],
)
def test_views_have_rows(datasette, view):
    data = get(datasette, f"/councilwatch/{view}.json?_shape=array").json()
    assert data


def test_every_column_is_described(demo_db):
    tables = metadata_file()["databases"]["councilwatch"]["tables"]
    with sqlite3.connect(demo_db) as conn:
        views_sql = (datasette_files()["metadata"].parents[1] / "v1_views.sql").read_text()
        names = re.findall(r"CREATE VIEW (\w+)", views_sql)
        names += ["articles", "councils", "council_mentions", "money_mentions"]
        names += ["service_mentions", "arrangements", "arrangement_councils", "services"]
        for name in names:
            columns = [r[1] for r in conn.execute(f'pragma table_info("{name}")')]
            described = tables.get(name, {}).get("columns", {})
            missing = [c for c in columns if not described.get(c)]
            assert not missing, f"{name}: no description for {missing}"


def test_amounts_in_pounds_and_article_links(datasette, seed_id):
    page = get(datasette, "/councilwatch/money_mentions?_sort_desc=amount_gbp").text
    assert "£4,000,000" in page
    query = get(datasette, "/councilwatch/biggest_savings").text
    assert f'<a href="/councilwatch/-/article/{seed_id}">{seed_id}</a>' in query
    # the unit still works for filters
    data = get(datasette, "/councilwatch/money_mentions.json?amount_gbp__gt=5000000").json()
    assert data["rows"]


def test_map_page(datasette):
    page = get(datasette, "/councilwatch/council_coverage")
    assert "datasette-cluster-map.js" in page.text


def test_article_view_highlights_facts(datasette, seed_id):
    page = get(datasette, f"/councilwatch/-/article/{seed_id}")
    assert page.status_code == 200
    text = page.text
    assert '<mark class="council">Islington</mark>' in text
    assert '<mark class="money">£4 million</mark>' in text
    assert "Islington and Camden Councils unveiled" in text
    assert 'class="cw-original" href="http://127.0.0.1:' in text
    for bad in ("999999", "0", "99999999999999999999999", "abc", "-1", "1.5"):
        assert get(datasette, f"/councilwatch/-/article/{bad}").status_code == 404, bad
    row = get(datasette, f"/councilwatch/articles/{seed_id}").text
    assert f"/councilwatch/-/article/{seed_id}" in row


def test_scraped_html_is_escaped(demo_db, tmp_path):
    db_path = tmp_path / "escape.db"
    shutil.copy(demo_db, db_path)
    body = 'Camden said <script>alert("x")</script> and <b>bold</b>.'
    with sqlite3.connect(db_path) as conn:
        cur = conn.execute(
            "insert into articles (url, canonical_url, title, body, content_hash, fetched_at)"
            " values (?, ?, ?, ?, 'h', '2026-01-01')",
            ["javascript:alert(1)", "https://example.org/x", "<script>t()</script>", body],
        )
        article_id = cur.lastrowid
        conn.execute(
            'insert into council_mentions (article_id, code, text, start, "end", sentence,'
            " nlp_version) values (?, 'CMD', 'Camden', 0, 6, ?, 't')",
            [article_id, body],
        )
    datasette = make_datasette(db_path)
    text = get(datasette, f"/escape/-/article/{article_id}").text
    assert "<script>alert" not in text and "<script>t()" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text
    assert '<mark class="council">Camden</mark> said &lt;script&gt;' in text
    assert 'href="javascript:' not in text  # only http(s) originals are linked
    table = get(datasette, "/escape/articles").text
    assert "<script>t()" not in table


def test_metadata_follows_the_database_name():
    metadata = datasette_metadata(Path("corpus.db"))
    assert "corpus" in metadata["databases"]
    assert 'href="/corpus/shared_services"' in metadata["description_html"]
    assert "<code>/corpus/-/council/CMD</code>" in metadata["description_html"]
    assert metadata["source_url"] == "/corpus/sources"


def test_read_only_by_default_immutable_on_request(tmp_path):
    db_path = tmp_path / "serve.db"
    metadata = tmp_path / "metadata.json"
    args = datasette_args(db_path, host="127.0.0.1", port=1, metadata=metadata)
    assert "-i" not in args and str(db_path) in args
    assert "-i" in datasette_args(
        db_path, host="127.0.0.1", port=1, metadata=metadata, immutable=True
    )
    assert "sql_time_limit_ms" in args and "allow_csv_stream" in args
