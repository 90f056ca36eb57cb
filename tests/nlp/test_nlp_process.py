"""`councilwatch process`: batches into a real SQLite file, worker processes, resuming."""

from __future__ import annotations

import pytest

from councilwatch.db.schema import connect
from councilwatch.db.store import store_article
from councilwatch.nlp import NLP_VERSION
from councilwatch.process import ProgressReport, process_articles
from councilwatch.reference_data import load_reference_data

from ..conftest import run_cli, run_on_terminal

TEXTS = [
    "Islington and Camden Councils plan to merge their ICT services to save £4 million a year.",
    "Kent County Council awarded a £9.5m broadband contract to a Kent-based firm.",
    "Havering and Newham have brought together 21 services, saving £9.6m a year.",
    "The City of London Corporation was fined £120,000 by the ICO after a data breach.",
    "Camden, New Jersey, spent $4.5 million on Wi-Fi.",
]
N_ARTICLES = 25


class Stop(Exception):
    pass


def make_db(path, n: int = N_ARTICLES):
    conn = connect(path)
    load_reference_data(conn)
    for i in range(n):
        body = f"Story {i}. " + TEXTS[i % len(TEXTS)]
        store_article(conn, {"url": f"http://example.test/{i}", "body": body,
                             "published": "2016-01-01"})  # fmt: skip
    return conn


def facts(conn) -> dict[str, list[tuple]]:
    queries = {
        "councils": 'SELECT article_id, code, start, "end", nlp_version FROM council_mentions',
        "money": "SELECT article_id, amount_gbp, role, period, start FROM money_mentions",
        "services": "SELECT article_id, service, start FROM service_mentions",
        "arrangements": "SELECT a.article_id, c.code, a.status FROM arrangements a "
        "JOIN arrangement_councils c ON c.arrangement_id = a.id",
    }
    return {k: sorted(tuple(r) for r in conn.execute(q)) for k, q in queries.items()}


def processed_at(conn) -> dict[int, str | None]:
    return dict(conn.execute("SELECT id, processed_at FROM articles").fetchall())


def test_one_and_two_processes_give_identical_facts(tmp_path):
    one, two = make_db(tmp_path / "one.db"), make_db(tmp_path / "two.db")
    assert process_articles(one, batch_size=4) == N_ARTICLES
    assert process_articles(two, batch_size=4, processes=2) == N_ARTICLES
    assert facts(one) == facts(two)
    assert facts(one)["councils"] and all(r[-1] == NLP_VERSION for r in facts(one)["councils"])


def test_rerun_replaces_facts_and_new_only_skips_done(tmp_path):
    conn = make_db(tmp_path / "cw.db")
    process_articles(conn, batch_size=8)
    first = facts(conn)
    assert process_articles(conn, batch_size=8) == 0  # nothing new
    assert process_articles(conn, everything=True, batch_size=8) == N_ARTICLES
    assert facts(conn) == first  # replaced, not duplicated


def test_interrupted_run_resumes_without_redoing_finished_batches(tmp_path):
    conn = make_db(tmp_path / "cw.db")
    calls = []

    def stop_after_two(done: int, total: int) -> None:
        calls.append((done, total))
        if len(calls) == 2:
            raise Stop

    with pytest.raises(Stop):
        process_articles(conn, batch_size=5, progress=stop_after_two)
    done_first = {k: v for k, v in processed_at(conn).items() if v}
    assert len(done_first) == 10
    assert process_articles(conn, batch_size=5) == N_ARTICLES - 10
    after = processed_at(conn)
    assert all(after[k] == v for k, v in done_first.items())  # not processed again
    assert all(after.values())


def test_interrupted_all_run_resumes_after_last_committed_article(tmp_path):
    conn = make_db(tmp_path / "cw.db")
    process_articles(conn, batch_size=25)
    conn.execute("UPDATE articles SET processed_at = 'before'")
    conn.commit()
    seen: list[int] = []

    def stop_after_three(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 3:
            raise Stop

    with pytest.raises(Stop):
        process_articles(conn, everything=True, batch_size=4, progress=stop_after_three)
    redone = {k for k, v in processed_at(conn).items() if v != "before"}
    assert len(redone) == 12
    conn.executemany(
        "UPDATE articles SET processed_at = 'first run' WHERE id = ?", [(i,) for i in redone]
    )
    conn.commit()
    assert process_articles(conn, everything=True, batch_size=4) == N_ARTICLES - 12
    stamps = processed_at(conn)
    assert all(stamps[k] == "first run" for k in redone)
    assert not any(v == "before" for v in stamps.values())
    runs = conn.execute("SELECT everything, status FROM process_runs ORDER BY id").fetchall()
    assert [tuple(r) for r in runs] == [(0, "finished"), (1, "finished")]
    # a new --all run after a finished one starts from the beginning
    assert process_articles(conn, everything=True, batch_size=25) == N_ARTICLES


def test_progress_report_format():
    import io

    out = io.StringIO()
    ticks = iter([0.0, 10.0, 20.0])
    report = ProgressReport(out, clock=lambda: next(ticks))
    report(50, 100)
    report(100, 100)
    assert "50/100 articles, 5.0 articles/s, ETA 10s" in out.getvalue()
    assert out.getvalue().endswith("ETA 0s\n")


def test_process_command(tmp_path):
    path = tmp_path / "cw.db"
    make_db(path, n=6).close()
    result = run_cli("process", "--db", str(path), "--batch-size", "4", "--processes", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Processed 6 articles." in result.stdout
    assert result.stderr == ""  # piped (a cron log): no progress line
    result = run_cli("process", "--db", str(path))
    assert "Processed 0 articles." in result.stdout


#: Runs ``councilwatch process`` in this process and says afterwards whether spaCy was loaded.
PROCESS_THEN_SAY_SPACY = """
import sys
from councilwatch.cli import cli
try:
    cli(["process", "--db", sys.argv[1]], prog_name="councilwatch")
finally:
    print("spacy loaded:", "spacy" in sys.modules)
"""


def test_process_with_nothing_pending_does_not_load_spacy(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "cw.db"
    make_db(path, n=3).close()
    runs = [
        subprocess.run(
            [sys.executable, "-c", PROCESS_THEN_SAY_SPACY, str(path)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        for _ in range(2)
    ]
    for result in runs:
        assert result.returncode == 0, result.stderr[-2000:]
    assert runs[0].stdout.splitlines() == ["Processed 3 articles.", "spacy loaded: True"]
    assert runs[1].stdout.splitlines() == ["Processed 0 articles.", "spacy loaded: False"]
    conn = connect(path)
    statuses = conn.execute("SELECT status, articles_done FROM process_runs ORDER BY id")
    assert [tuple(row) for row in statuses] == [("finished", 3), ("finished", 0)]


def test_process_shows_progress_on_a_terminal_only(tmp_path):
    path = tmp_path / "cw.db"
    make_db(path, n=6).close()
    result, shown = run_on_terminal("process", "--db", str(path))
    assert result.returncode == 0 and "Processed 6 articles." in result.stdout
    assert b"6/6 articles" in shown and b"ETA" in shown


def test_an_article_the_nlp_stage_fails_on_is_recorded_and_the_rest_processed(
    tmp_path, monkeypatch
):
    from councilwatch import process
    from councilwatch.db.schema import connect
    from councilwatch.db.store import store_article
    from councilwatch.nlp import analyse as nlp_analyse
    from councilwatch.reference_data import load_reference_data

    conn = connect(tmp_path / "x.db")
    load_reference_data(conn)
    for i, body in enumerate(["Kent County Council saved £2m.", "POISON", "Camden Council."]):
        store_article(conn, {"url": f"http://x/{i}", "title": "t", "body": body})
    real = nlp_analyse.analyse_texts

    def failing_on_poison(nlp, items, batch_size=64):
        items = list(items)
        if any(text == "POISON" for text, _ in items):
            raise RuntimeError("cannot analyse this")
        return real(nlp, items, batch_size=batch_size)

    monkeypatch.setattr(nlp_analyse, "analyse_texts", failing_on_poison)
    assert process.process_articles(conn) == 3
    codes = {code for (code,) in conn.execute("SELECT code FROM council_mentions")}
    assert codes == {"KEN", "CMD"}
    ((url, stage, reason),) = conn.execute("SELECT url, stage, reason FROM crawl_errors")
    assert (url, stage) == ("http://x/1", "nlp") and "cannot analyse this" in reason
    pending = [r[0] for r in conn.execute("SELECT url FROM articles WHERE nlp_version IS NULL")]
    assert pending == ["http://x/1"]  # tried again next time


def test_past_the_vocabulary_limit_batches_forget_their_words_and_keep_their_facts(
    tmp_path, monkeypatch
):
    from councilwatch import process
    from councilwatch.nlp import language as nlp_language

    plain, bounded = make_db(tmp_path / "plain.db"), make_db(tmp_path / "bounded.db")
    for conn in (plain, bounded):  # words no other article has
        store_article(conn, {"url": "http://example.test/rare", "published": "2016-01-01",
                             "body": "Kent County Council bought Qwxzorb software."})  # fmt: skip
    assert process_articles(plain, batch_size=4) == N_ARTICLES + 1
    monkeypatch.setattr(process, "_NLP", None)  # a fresh pipeline, past its limit at once
    monkeypatch.setattr(nlp_language, "VOCAB_LIMIT", 0)
    assert process_articles(bounded, batch_size=4) == N_ARTICLES + 1
    assert facts(bounded) == facts(plain)
    assert "Qwxzorb" not in process._NLP.vocab.strings  # dropped with its batch's memory zone


def test_suppliers_and_contracts_are_stored_and_replaced(tmp_path):
    conn = connect(tmp_path / "cw.db")
    load_reference_data(conn)
    body = (
        "Barnet Council has signed a ten-year, £320m contract with Capita to run its "
        "back-office services. Capita plc will take over finance and payroll."
    )
    store_article(conn, {"url": "http://example.test/capita", "body": body,
                         "published": "2013-08-07"})  # fmt: skip
    for everything in (False, True):  # processing again replaces the rows
        process_articles(conn, everything=everything)
        mentions = conn.execute(
            'SELECT supplier_id, text, start, "end" FROM supplier_mentions ORDER BY start'
        ).fetchall()
        assert [tuple(m) for m in mentions] == [
            ("capita", "Capita", body.index("Capita"), body.index("Capita") + 6),
            ("capita", "Capita plc", body.index("Capita plc"), body.index("Capita plc") + 10),
        ]
        rows = conn.execute(
            "SELECT c.supplier_id, c.value_gbp, c.period, c.years, c.status, c.nlp_version, "
            "cc.code, c.sentence FROM contracts c "
            "JOIN contract_councils cc ON cc.contract_id = c.id"
        ).fetchall()
        assert [tuple(r)[:7] for r in rows] == [
            ("capita", 320e6, "total", 10.0, "awarded", NLP_VERSION, "BNE")
        ]
        assert rows[0][7] in body
        services = {r[0] for r in conn.execute("SELECT service FROM contract_services")}
        assert {"finance", "hr_payroll"} <= services
