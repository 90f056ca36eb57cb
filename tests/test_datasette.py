"""The published database through Datasette's own test client."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest
from councilwatch.pipeline.serve import datasette_files, datasette_metadata
from datasette.app import Datasette


@pytest.fixture(scope="module")
def datasette(demo_db):
    files = datasette_files()
    return Datasette(
        [str(demo_db)],
        metadata=datasette_metadata(demo_db),
        template_dir=str(files["templates"]) if files["templates"].is_dir() else None,
        plugins_dir=str(files["plugins"]) if files["plugins"].is_dir() else None,
        settings={"sql_time_limit_ms": 3000},
    )


def get(datasette, path):
    return asyncio.run(datasette.client.get(path))


def test_home_page_names_the_project(datasette):
    response = get(datasette, "/")
    assert response.status_code == 200
    assert "councilwatch" in response.text
    assert "raw_pages" not in response.text  # hidden table


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


def test_council_mentions_csv(datasette):
    response = get(datasette, "/councilwatch/council_mentions.csv?_size=max&_labels=on")
    assert response.status_code == 200
    reader = csv.DictReader(io.StringIO(response.text))
    rows = list(reader)
    assert {"article_id", "code", "text", "start", "end", "sentence"} <= set(reader.fieldnames)
    assert any(r["code"] == "CAT" and "Canterbury" in r["sentence"] for r in rows)


def test_full_text_search(datasette):
    data = get(datasette, "/councilwatch/articles.json?_search=Thanet&_shape=array").json()
    assert any("Share Services" in row["title"] for row in data)


def test_arbitrary_sql_cannot_write(datasette):
    response = get(datasette, "/councilwatch.json?sql=DELETE+FROM+articles")
    assert response.status_code == 400
    count = get(datasette, "/councilwatch.json?sql=select+count(*)+as+n+from+articles&_shape=array")
    assert count.json()[0]["n"] > 0
