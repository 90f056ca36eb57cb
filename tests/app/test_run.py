"""`councilwatch run`: crawl then process under a lock; runs and source health recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.run import EXIT_LOCKED, run_lock
from councilwatch.sample_site.server import running_sample_site

from ..conftest import FAST_CRAWL, query, run_cli


def test_run_crawls_processes_and_records_the_run(db_path):
    with running_sample_site() as base:
        args = ("run", "--db", str(db_path), "--start-url", f"{base}/feed/", "--name", "sample")
        first = run_cli(*args, *FAST_CRAWL)
        assert first.returncode == 0, first.stderr[-2000:]
        second = run_cli(*args, *FAST_CRAWL)
        assert second.returncode == 0, second.stderr[-2000:]
    runs = query(
        db_path,
        "SELECT command, status, articles_new, pages_fetched, errors FROM crawl_runs ORDER BY id",
    )
    assert [r[:2] for r in runs] == [("councilwatch run", "finished")] * 2
    assert runs[0][2] > 10 and runs[1][2] == 0  # the second run finds nothing new
    (articles,) = query(db_path, "SELECT count(*) FROM articles")[0]
    assert runs[0][2] == articles
    assert query(db_path, "SELECT count(*) FROM articles WHERE nlp_version IS NULL") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM council_mentions")[0][0] > 0
    per_source = query(db_path, "SELECT run_id, source, articles_new FROM crawl_run_sources")
    assert (1, "sample", articles) in per_source
    assert "Run 2 finished: " in second.stdout and "0 new articles" in second.stdout


def test_a_second_run_exits_while_the_first_holds_the_lock(db_path):
    with run_lock(db_path):
        result = run_cli("run", "--db", str(db_path), "--start-url", "http://127.0.0.1:9/feed/")
    assert result.returncode == EXIT_LOCKED
    assert "in use by another councilwatch run (pid" in result.stderr
    assert not db_path.exists() or query(db_path, "SELECT count(*) FROM crawl_runs") == [(0,)]


def test_source_health_flags_a_silent_feed(db_path):
    conn = connect(db_path)
    now = datetime.now(UTC)
    for source, newest_days_ago in (("lively", 1), ("quiet", 60)):
        store.ensure_source(conn, source, title=source.title())
        for i in range(5):
            published = (now - timedelta(days=newest_days_ago + 2 * i)).isoformat()
            store.store_article(
                conn,
                {
                    "url": f"https://{source}.example/news/{i}",
                    "source": source,
                    "title": f"Story {i}",
                    "body": f"{source} story number {i}",
                    "published": published,
                },
            )
    store.ensure_source(conn, "empty")
    health = {row["source"]: row for row in conn.execute("SELECT * FROM source_health").fetchall()}
    conn.close()
    assert health["lively"]["status"] == "ok"
    assert health["quiet"]["status"] == "silent"
    assert health["quiet"]["usual_interval_days"] == 2.0
    assert health["empty"]["status"] == "no articles"
