"""The NLP stage's body cap: a long body is analysed up to ``--max-body-chars`` characters,
and each article cut is counted in the summary and recorded in ``crawl_errors``."""

from __future__ import annotations

from councilwatch.db.schema import connect
from councilwatch.db.store import store_article
from councilwatch.process import MAX_BODY_CHARS, process_articles
from councilwatch.reference_data import load_reference_data

from ..conftest import run_cli

HEAD = "Kent County Council saved £2m on its data centre. "
TAIL = "Leeds City Council spent £300k on a new CRM. "
LONG = HEAD + "Nothing of note happened. " * 200 + TAIL  # 5,300 characters


def make_db(path) -> None:
    conn = connect(path)
    load_reference_data(conn)
    store_article(conn, {"url": "http://example.test/long", "body": LONG})
    store_article(conn, {"url": "http://example.test/short", "body": TAIL})
    conn.close()


def councils(conn) -> list[tuple[str, str]]:
    rows = conn.execute(
        "SELECT a.url, m.code FROM council_mentions m JOIN articles a ON a.id = m.article_id"
    )
    return sorted(tuple(r) for r in rows)


def test_a_body_over_the_cap_is_analysed_up_to_it_and_recorded(tmp_path):
    make_db(tmp_path / "c.db")
    conn = connect(tmp_path / "c.db")
    cut: list[int] = []
    assert process_articles(conn, max_body_chars=1_000, cut=cut) == 2
    long_id = conn.execute("SELECT id FROM articles WHERE url LIKE '%/long'").fetchone()[0]
    assert cut == [long_id]
    # the long article's second council lies past the cap; the short one is whole
    assert councils(conn) == [
        ("http://example.test/long", "KEN"),
        ("http://example.test/short", "LDS"),
    ]
    (row,) = conn.execute("SELECT url, stage, reason FROM crawl_errors").fetchall()
    assert tuple(row) == (
        "http://example.test/long",
        "nlp",
        f"article {long_id}: body cut to 1,000 of {len(LONG):,} characters for NLP",
    )
    # offsets are those of the stored body
    start, end = conn.execute('SELECT start, "end" FROM council_mentions').fetchone()
    assert LONG[start:end] == "Kent County Council"


def test_no_cap_and_the_default_cap_read_the_whole_body(tmp_path):
    assert len(LONG) < MAX_BODY_CHARS
    for name, cap in (("none.db", None), ("default.db", MAX_BODY_CHARS)):
        make_db(tmp_path / name)
        conn = connect(tmp_path / name)
        cut: list[int] = []
        process_articles(conn, max_body_chars=cap, cut=cut)
        assert cut == []
        assert ("http://example.test/long", "LDS") in councils(conn)
        assert conn.execute("SELECT count(*) FROM crawl_errors").fetchone()[0] == 0


def test_process_command_counts_the_articles_cut(tmp_path):
    db = tmp_path / "c.db"
    make_db(db)
    result = run_cli("process", "--db", str(db), "--max-body-chars", "1000")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Processed 2 articles (1 cut to 1,000 characters)."
    assert result.stderr == ""  # no progress line in a cron log: only on a terminal
    conn = connect(db)
    reasons = [r[0] for r in conn.execute("SELECT reason FROM crawl_errors WHERE stage = 'nlp'")]
    assert len(reasons) == 1 and "body cut to 1,000" in reasons[0]
    uncapped = tmp_path / "u.db"
    make_db(uncapped)
    result = run_cli("process", "--db", str(uncapped), "--max-body-chars", "0")
    assert result.stdout.strip() == "Processed 2 articles."  # 0: no cap
    assert ("http://example.test/long", "LDS") in councils(connect(uncapped))


def test_process_command_help_states_the_default_cap():
    result = run_cli("process", "--help")
    assert f"[default: {MAX_BODY_CHARS}]" in " ".join(result.stdout.split())
