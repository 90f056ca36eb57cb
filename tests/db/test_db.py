"""The SQLite layer: schema, idempotent article storage, facts replaced per article."""

from __future__ import annotations

import gzip
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from councilwatch.db import store
from councilwatch.db.schema import NotACouncilwatchDatabase, check_database_file, connect

FACTS = {
    "councils": [
        {"code": "CMD", "text": "Camden", "start": 0, "end": 6, "sentence": "Camden saves £4m."}
    ],
    "money": [
        {
            "text": "£4m",
            "amount_gbp": 4_000_000,
            "period": "total",
            "years": None,
            "role": "saving",
            "start": 13,
            "end": 16,
            "sentence": "Camden saves £4m.",
        }
    ],
    "services": [],
    "arrangements": [
        {
            "councils": ["CMD", "ISL"],
            "partners": [],
            "services": [],
            "vehicle": None,
            "saving_gbp": 4_000_000,
            "period": "year",
            "status": "proposed",
            "sentence": "Camden saves £4m.",
            "start": 0,
            "end": 17,
        }
    ],
}


def article(**changes) -> dict:
    record = {
        "url": "https://example.org/news/a/?utm_source=rss",
        "canonical_url": "https://example.org/news/a/",
        "source": None,
        "title": "Camden saves",
        "body": "Camden saves £4m.",
        "authors": ["A Writer"],
        "published": "2015-11-02T09:00:00+00:00",
        "fetched_at": "2026-01-01T00:00:00+00:00",
    }
    return {**record, **changes}


def with_councils(conn: sqlite3.Connection) -> sqlite3.Connection:
    """``conn`` with Camden and Islington in its reference rows."""
    store.load_reference_rows(
        conn,
        "councils",
        [
            {"code": "CMD", "official_name": "London Borough of Camden", "nice_name": "Camden"},
            {
                "code": "ISL",
                "official_name": "London Borough of Islington",
                "nice_name": "Islington",
            },
        ],
        key="code",
    )
    return conn


@pytest.fixture
def conn(db_path):
    conn = with_councils(connect(db_path))
    yield conn
    conn.close()


def test_new_database_is_wal_and_stamped(conn, db_path):
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    check_database_file(db_path)  # does not raise


def test_other_sqlite_files_are_refused(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(NotACouncilwatchDatabase, match="not a councilwatch database"):
        check_database_file(other)
    with pytest.raises(NotACouncilwatchDatabase, match="no such database file"):
        check_database_file(tmp_path / "missing.db")
    (tmp_path / "text.db").write_text("hello, I am not SQLite" * 100)
    with pytest.raises(NotACouncilwatchDatabase, match="not a SQLite database"):
        check_database_file(tmp_path / "text.db")


def test_storing_twice_keeps_one_row_and_the_alias(conn):
    assert store.store_article(conn, article(), raw_html=b"<html>") == ("new", 1)
    assert store.store_article(conn, article(), raw_html=b"<html>") == ("unchanged", 1)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    aliases = [r[0] for r in conn.execute("SELECT url FROM article_aliases")]
    assert aliases == ["https://example.org/news/a/?utm_source=rss"]


def test_same_text_at_another_url_becomes_an_alias(conn):
    store.store_article(conn, article())
    outcome = store.store_article(
        conn,
        article(url="https://syndicated.example/x", canonical_url="https://syndicated.example/x"),
    )
    assert outcome == ("alias", 1)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert "https://syndicated.example/x" in store.known_urls(conn)


def test_changed_text_updates_and_clears_facts(conn):
    _, article_id = store.store_article(conn, article())
    with conn:
        store.replace_facts(conn, article_id, FACTS, "test-1")
    assert conn.execute("SELECT nlp_version FROM articles").fetchone()[0] == "test-1"
    outcome = store.store_article(conn, article(body="Camden now saves £5m."))
    assert outcome == ("updated", article_id)
    assert conn.execute("SELECT count(*) FROM council_mentions").fetchone()[0] == 0
    assert conn.execute("SELECT nlp_version FROM articles").fetchone()[0] is None


def test_replace_facts_is_idempotent(conn):
    _, article_id = store.store_article(conn, article())
    for _ in range(2):
        with conn:
            store.replace_facts(conn, article_id, FACTS, "test-1")
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("council_mentions", "money_mentions", "arrangements", "arrangement_councils")
    }
    assert counts == {
        "council_mentions": 1,
        "money_mentions": 1,
        "arrangements": 1,
        "arrangement_councils": 2,
    }


def _fact_rows(conn) -> dict[str, list[tuple]]:
    tables = ("council_mentions", "money_mentions", "arrangements", "arrangement_councils")
    rows = {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}
    rows["counts"] = [tuple(r) for r in conn.execute("SELECT * FROM council_counts ORDER BY 1")]
    rows["articles"] = [tuple(r) for r in conn.execute("SELECT id, nlp_version FROM articles")]
    return rows


def test_a_batch_of_facts_gives_the_rows_of_one_article_at_a_time(conn, tmp_path):
    islington = {**FACTS, "councils": [{**FACTS["councils"][0], "code": "ISL"}] * 2}
    one_by_one = connect(tmp_path / "other.db")
    councils = [
        dict(r) for r in conn.execute("SELECT code, official_name, nice_name FROM councils")
    ]
    store.load_reference_rows(one_by_one, "councils", councils, key="code")
    for db in (conn, one_by_one):
        for n in range(3):
            url = f"https://example.org/{n}"
            store.store_article(db, article(url=url, canonical_url=url, body=f"Story {n}."))
    batch = [(1, FACTS, "v1"), (2, islington, "v1"), (3, {}, "v2")]
    with conn:
        store.replace_facts_many(conn, batch)
    for article_id, facts, version in batch:
        with one_by_one:
            store.replace_facts(one_by_one, article_id, facts, version)
    rows = _fact_rows(conn)
    assert rows == _fact_rows(one_by_one)  # ids included
    assert rows["articles"] == [(1, "v1"), (2, "v1"), (3, "v2")]
    assert len(rows["council_mentions"]) == 3 and len(rows["arrangement_councils"]) == 4
    assert sorted(r[:3] for r in rows["counts"]) == [("CMD", 1, 1), ("ISL", 1, 2)]


def test_a_failing_fact_batch_leaves_nothing_half_written(conn):
    _, article_id = store.store_article(conn, article())
    bad = {**FACTS, "councils": [{**FACTS["councils"][0], "code": "NOPE"}]}  # unknown code
    with pytest.raises(sqlite3.IntegrityError):
        with conn:
            store.replace_facts(conn, article_id, FACTS, "test-1")
            store.replace_facts(conn, article_id, bad, "test-2")
    assert conn.execute("SELECT count(*) FROM council_mentions").fetchone()[0] == 0
    assert conn.execute("SELECT nlp_version FROM articles").fetchone()[0] is None


def test_full_text_search_follows_updates(conn):
    store.store_article(conn, article())
    store.store_article(conn, article(body="Islington merges ICT."))
    hits = conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'islington'"
    ).fetchall()
    assert len(hits) == 1
    assert not conn.execute(
        "SELECT 1 FROM articles_fts WHERE articles_fts MATCH 'body:saves'"
    ).fetchall()


def test_runs_and_errors_are_recorded(conn):
    run_id = store.start_run(conn, "test")
    store.record_error(conn, run_id, "http://x/feed", "discover", "not well-formed XML")
    store.finish_run(conn, run_id, status="finished", counts={"errors": 1}, stats={"a": 1})
    row = conn.execute("SELECT status, errors, finished_at FROM crawl_runs").fetchone()
    assert row["status"] == "finished" and row["errors"] == 1 and row["finished_at"]
    assert conn.execute("SELECT reason FROM crawl_errors").fetchone()[0] == "not well-formed XML"


def table_rows(conn, table: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]


def test_store_articles_matches_storing_one_by_one(conn, tmp_path):
    syndicated = "https://syndicated.example/x"
    records = [
        {**article(), "raw_html": b"<html>a</html>", "content_type": "text/html"},
        article(url=syndicated, canonical_url=syndicated),  # same text: an alias
        article(),  # unchanged
        article(body="Camden now saves £5m."),  # updated
        article(url="https://example.org/news/b/", canonical_url=None, body="Islington too."),
    ]
    one_by_one = connect(tmp_path / "one.db")
    expected = [
        store.store_article(
            one_by_one,
            {k: v for k, v in r.items() if k not in ("raw_html", "content_type")},
            raw_html=r.get("raw_html"),
            content_type=r.get("content_type"),
        )
        for r in records
    ]
    assert store.store_articles(conn, records) == expected
    assert [o for o, _ in expected] == ["new", "alias", "unchanged", "updated", "new"]
    for table in ("articles", "article_aliases"):
        assert table_rows(conn, table) == table_rows(one_by_one, table)
    raw = conn.execute("SELECT article_id, content_type FROM raw_pages").fetchall()
    assert [tuple(r) for r in raw] == [(1, "text/html")]


def test_a_page_compressed_and_hashed_beforehand_is_stored_as_given(conn):
    """What a worker process hands the store (page_batches): the page already compressed
    and the body's hash; the store writes them as they are."""
    body = "Camden Council saves £4m."
    html_gz = store.compress_page(b"<html>worker</html>")
    record = {**article(body=body), "html_gz": html_gz, "content_hash": store.content_hash(body)}
    assert store.store_articles(conn, [record]) == [("new", 1)]
    assert conn.execute("SELECT html_gz FROM raw_pages").fetchone()[0] == html_gz
    again = {**article(body=body + "  "), "raw_html": b"<html>crawl</html>"}
    assert store.store_articles(conn, [again]) == [("unchanged", 1)]  # same hash


def test_store_articles_is_all_or_nothing(conn):
    records = [article(), article(url="https://example.org/news/b/", canonical_url=None)]
    records[1]["source"] = "not-in-sources"  # foreign key violation
    records[1]["body"] = "Another story."
    with pytest.raises(sqlite3.IntegrityError):
        store.store_articles(conn, records)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_store_pipeline_batches_and_isolates_refused_articles(db_path):
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from councilwatch.pipeline.store_items import StoreArticlePipeline

    settings = {"COUNCILWATCH_DB": str(db_path), "COUNCILWATCH_STORE_BATCH": 3}
    crawler = get_crawler(settings_dict=settings)
    crawler.spider = Spider(name="test")
    pipeline = StoreArticlePipeline.from_crawler(crawler)
    pipeline.open_spider()
    items = [
        {"kind": "article", "url": f"https://example.org/news/{i}/", "title": "T",
         "body": f"Story {i}.", "source": "example"}
        for i in range(5)
    ]  # fmt: skip
    items[4]["section"] = ["not", "text"]  # the database cannot take it: this batch fails
    for item in items[:2]:
        pipeline.process_item(item)
    assert connect(db_path).execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    pipeline.process_item(items[2])  # the batch is full: written in one transaction
    assert connect(db_path).execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    for item in items[3:]:
        pipeline.process_item(item)
    pipeline.close_spider()  # writes the last, partial batch article by article
    check = connect(db_path)
    assert check.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    assert [r[0] for r in check.execute("SELECT url FROM crawl_errors")] == [items[4]["url"]]
    assert crawler.stats.get_value("councilwatch/articles_new") == 4
    assert crawler.stats.get_value("councilwatch/errors") == 1
    assert [item.get("outcome") for item in items] == ["new"] * 4 + [None]


def test_a_batch_keeps_the_first_alias_and_the_latest_raw_page(conn):
    first = {**article(), "raw_html": b"<html>first</html>", "content_type": "text/html"}
    changed = {**article(body="Camden now saves £5m."), "raw_html": b"<html>second</html>"}
    elsewhere = article(url="https://mirror.example/a", canonical_url="https://mirror.example/a")
    elsewhere["body"] = "Camden now saves £5m."  # the updated text, under another URL
    outcomes = store.store_articles(conn, [first, changed, elsewhere])
    assert outcomes == [("new", 1), ("updated", 1), ("alias", 1)]
    (html_gz,) = conn.execute("SELECT html_gz FROM raw_pages WHERE article_id = 1").fetchone()
    assert gzip.decompress(html_gz) == b"<html>second</html>"
    aliases = {r[0] for r in conn.execute("SELECT url FROM article_aliases")}
    assert aliases == {"https://example.org/news/a/?utm_source=rss", "https://mirror.example/a"}
    assert store.store_articles(conn, [first]) == [("updated", 1)]  # back to the first text
    assert conn.execute("SELECT count(*) FROM article_aliases").fetchone()[0] == 2


def test_reference_rows_sources_feed_state_and_run_figures_are_upserted(conn):
    store.load_reference_rows(
        conn, "services", [{"id": "ict", "service_group": "Corporate", "label": "ICT"}], key="id"
    )
    store.load_reference_rows(
        conn, "services", [{"id": "ict", "service_group": "Corporate", "label": "ICT and digital"}],
        key="id",
    )  # fmt: skip
    assert table_rows(conn, "services") == [("ict", "Corporate", "ICT and digital")]

    store.ensure_source(conn, "theregister", title="The Register", homepage="https://x/")
    store.ensure_source(conn, "theregister", title=None, notes="public sector")
    assert table_rows(conn, "sources") == [
        ("theregister", "The Register", "https://x/", "public sector")
    ]

    store.save_feed_state(conn, "https://x/feed", '"abc"', None, 200)
    store.save_feed_state(conn, "https://x/feed", None, "Thu, 01 Jan 2026", 304)
    assert store.feed_states(conn) == {"https://x/feed": (None, "Thu, 01 Jan 2026")}

    run_id = store.start_run(conn, "councilwatch crawl")
    store.save_run_sources(conn, run_id, [{"source": "theregister", "pages_fetched": 3}])
    store.save_run_sources(
        conn, run_id, [{"source": "theregister", "pages_fetched": 9, "blocked": 1,
                        "newest_published": "2026-01-01"}],
    )  # fmt: skip
    rows = conn.execute(
        "SELECT source, pages_fetched, errors, blocked, newest_published FROM crawl_run_sources"
    ).fetchall()
    assert [tuple(r) for r in rows] == [("theregister", 9, 0, 1, "2026-01-01")]


URLS = [f"https://example.org/news/{n}/" for n in "abc"] + ["https://mirror.example/a"]
BODIES = ["Camden saves £4m.", "camden  saves £4m.", "Islington shares ICT.", "Kent cuts."]
records_of = st.lists(
    st.tuples(st.sampled_from(URLS), st.sampled_from([None, *URLS]), st.sampled_from(BODIES)),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(before=records_of, batch=records_of)
def test_a_batch_stores_what_its_records_would_one_by_one(tmp_path_factory, before, batch):
    """Whatever was stored before and whatever the batch repeats, updates or copies, one
    transaction gives the outcomes and rows of storing the same records one at a time."""
    folder = tmp_path_factory.mktemp("batch")
    dbs = {name: with_councils(connect(folder / f"{name}.db")) for name in ("batch", "single")}
    records = [
        {**article(url=url, canonical_url=canonical, body=body),
         "raw_html": f"<p>{i} {body}</p>".encode(), "content_type": "text/html"}
        for i, (url, canonical, body) in enumerate(before + batch)
    ]  # fmt: skip
    earlier, later = records[: len(before)], records[len(before) :]
    for conn in dbs.values():
        for record in earlier:
            outcome, article_id = store.store_articles(conn, [record])[0]
            with conn:
                store.replace_facts(conn, article_id, {"councils": FACTS["councils"]}, "v1")
    outcomes = store.store_articles(dbs["batch"], later)
    assert outcomes == [store.store_articles(dbs["single"], [r])[0] for r in later]
    for conn in dbs.values():  # the facts stored before were stamped a moment apart
        conn.execute("UPDATE articles SET processed_at = NULL")
    for table in ("articles", "article_aliases", "raw_pages", "council_mentions"):
        assert table_rows(dbs["batch"], table) == table_rows(dbs["single"], table)
