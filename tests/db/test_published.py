"""What the published site gives out and what it refuses: raw pages, the database file,
server paths, broken search input and ids that are not articles."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3

import pytest

from .datasette_client import get, make_datasette


@pytest.fixture(scope="module")
def served(demo_db, tmp_path_factory):
    """The demo database under a path of its own, served immutable as `serve` does."""
    path = tmp_path_factory.mktemp("published-at-a-private-path") / "councilwatch.db"
    shutil.copy(demo_db, path)
    return path, make_datasette(path, immutable=True)


def raw_page_id(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("select article_id from raw_pages limit 1").fetchone()[0]


def test_raw_pages_are_not_published(served):
    path, datasette = served
    article_id = raw_page_id(path)
    for url in (
        "/councilwatch/raw_pages",
        "/councilwatch/raw_pages.json",
        "/councilwatch/raw_pages.csv?_stream=on",
        f"/councilwatch/raw_pages/{article_id}",
        f"/councilwatch/raw_pages/{article_id}.blob?_blob_column=html_gz",
    ):
        response = get(datasette, url)
        assert response.status_code == 403, url
        assert b"<html" not in response.content or b"Forbidden" in response.content
    for sql in ("select html_gz from raw_pages", "select content_type from raw_pages"):
        response = get(datasette, "/councilwatch.json", params={"sql": sql})
        assert response.status_code == 400
        assert "prohibited" in response.json()["error"]
    # the keys stay readable: an article's row page counts its raw page
    row = get(datasette, f"/councilwatch/articles/{article_id}")
    assert row.status_code == 200


def test_database_file_is_not_downloadable(served):
    _, datasette = served
    assert get(datasette, "/councilwatch.db").status_code == 403
    assert "councilwatch.db" not in get(datasette, "/councilwatch").text.split("<footer")[0]


def test_no_server_path_in_responses(served):
    path, datasette = served
    private = str(path.parent)
    listing = get(
        datasette, "/councilwatch.json?_shape=array&sql=select+*+from+pragma_database_list"
    )
    assert listing.status_code == 200
    assert listing.json() == [{"seq": 0, "name": "main", "file": None}]
    databases = get(datasette, "/-/databases.json").json()
    assert [d["name"] for d in databases] == ["councilwatch"]
    for url in ("/-/databases.json", "/-/metadata.json", "/-/settings.json", "/-/plugins.json",
                "/", "/councilwatch", "/councilwatch/articles", "/-/versions.json"):  # fmt: skip
        assert private not in get(datasette, url).text, url


def test_operators_pages_stay_browsable(served):
    _, datasette = served
    for table in ("crawl_runs", "crawl_errors", "crawl_run_sources", "source_health"):
        assert get(datasette, f"/councilwatch/{table}").status_code == 200, table
    runs = get(datasette, "/councilwatch/crawl_runs.json?_shape=array").json()
    assert runs and runs[0]["status"]


@pytest.mark.parametrize(
    "url",
    [
        "/councilwatch/search_articles?q=",
        "/councilwatch/search_articles?q=%22",
        "/councilwatch/search_articles?q=%22%22",
        "/councilwatch/search_articles?q=%2A%2B",
        "/councilwatch/articles?_search=%22",
        "/councilwatch/articles?_search=",
        "/councilwatch/articles?_search=%28",
    ],
)
def test_search_input_without_a_word_is_explained(served, url):
    _, datasette = served
    page = get(datasette, url)
    assert page.status_code == 200, page.text[:300]
    assert page.text.count('class="cw-notice cw-search-notice"') == 1
    assert "Type one or more words to search for" in page.text
    data = get(datasette, url.replace("?", ".json?") + "&_shape=array")
    assert data.status_code == 200


def test_search_still_finds_words(served):
    _, datasette = served
    rows = get(datasette, "/councilwatch/search_articles.json?_shape=array&q=oneSource").json()
    assert rows and "oneSource" in rows[0]["title"]
    page = get(datasette, "/councilwatch/search_articles?q=oneSource").text
    assert "Type one or more words" not in page


def test_every_table_csv_link_streams_the_whole_table(served):
    path, datasette = served
    page = get(datasette, "/councilwatch/council_mentions?_size=5").text
    assert 'council_mentions.csv?_size=5&amp;_labels=on&amp;_stream=on"' in page
    with sqlite3.connect(path) as conn:
        (total,) = conn.execute("select count(*) from council_mentions").fetchone()
    whole = get(datasette, "/councilwatch/council_mentions.csv?_size=5&_labels=on&_stream=on")
    assert len(list(csv.DictReader(io.StringIO(whole.text)))) == total > 5
    for table in ("articles", "money_by_council", "councils", "arrangement_summary"):
        assert "_stream=on" in get(datasette, f"/councilwatch/{table}").text, table


def test_pages_that_are_not_there_are_404(served):
    _, datasette = served
    for url in (
        "/councilwatch/-/article/99999999999999999999999",
        "/councilwatch/-/article/0",
        "/councilwatch/-/article/abc",
        "/councilwatch/-/council/ZZZ",
        "/nowhere/-/council/CMD",
        "/nowhere/-/article/1",
        "/no/such/page",
    ):
        assert get(datasette, url).status_code == 404, url


def test_a_database_from_an_older_councilwatch_says_what_to_do(demo_db, tmp_path):
    old = tmp_path / "councilwatch.db"
    shutil.copy(demo_db, old)
    with sqlite3.connect(old) as conn:
        conn.execute("drop table council_counts")
        conn.execute("drop table council_month_counts")
    datasette = make_datasette(old)  # mutable: it sees the WAL the drops went to
    for url in ("/", "/councilwatch/-/council/CMD"):
        page = get(datasette, url)
        assert page.status_code == 503, url
        assert "run <code>councilwatch process" in page.text
        assert "council_month_counts, council_counts" in page.text
    assert get(datasette, "/councilwatch/articles").status_code == 200
