"""End to end: the demo crawls the sample site over loopback, runs the NLP stage and
loads SQLite; the seed article comes out with its facts."""

from __future__ import annotations

import shutil

from councilwatch.sample_site.data import sample_articles

from ..conftest import query as rows
from ..conftest import run_cli


def seed_id(db) -> int:
    ((article_id,),) = rows(db, "SELECT id FROM articles WHERE title LIKE '%Share Services%'")
    return article_id


def test_every_sample_article_is_stored_once(demo_db):
    stored = rows(demo_db, "SELECT title FROM articles ORDER BY title")
    assert sorted(t for (t,) in stored) == sorted(a["title"] for a in sample_articles())
    assert not rows(demo_db, "SELECT * FROM crawl_errors")
    # one run for the sample site, one for each register
    assert rows(demo_db, "SELECT command, status FROM crawl_runs ORDER BY command") == [
        ("scrapy crawl contracts-finder", "finished"),
        ("scrapy crawl find-a-tender", "finished"),
        ("scrapy crawl news", "finished"),
    ]


def test_the_demo_register_is_crawled_and_linked(demo_db):
    from councilwatch.sample_site.procurement_data import Register, demo_folder

    register = Register.from_folder(demo_folder())
    want = {(r["ocid"], r["id"]) for api in ("contracts-finder", "find-a-tender")
            for r in register.store(api).releases}  # fmt: skip
    assert set(rows(demo_db, "SELECT ocid, id FROM ocds_releases")) == want
    awards = rows(demo_db, "SELECT buyer_code, buyer_link FROM awards ORDER BY buyer_code")
    assert [code for code, _ in awards] == ["BDF", "BNE", "BNE", "BST", "HAV", "HCK", "KEN", "LDS"]
    assert ("BNE", "identifier") in awards and ("KEN", "name") in awards
    assert rows(demo_db, "SELECT count(*) FROM award_suppliers WHERE supplier_id IS NULL") == [(0,)]


def test_the_demo_shows_every_outcome_of_the_check(demo_db):
    checks = rows(
        demo_db,
        "SELECT outcome, council, supplier, ocid FROM contract_checks ORDER BY outcome, council",
    )
    by_outcome: dict = {}
    for outcome, council, supplier, ocid in checks:
        by_outcome.setdefault(outcome, set()).add((council, supplier, ocid is not None))
    # the sample articles' contracts against the demo register (sample_site/register/)
    assert {("BDF", "liberata", True), ("LDS", "cgi", True)} <= by_outcome["confirmed"]
    assert ("BST", "amey", True) in by_outcome["value differs"]
    assert {("SOM", "agilisys", False), ("LDS", "fujitsu", False)} <= by_outcome[
        "not on the register"
    ]
    assert ("BNE", "capita", True) in by_outcome["not in the press"]
    ((press, register),) = rows(
        demo_db,
        "SELECT press_total_gbp, award_value FROM contract_checks "
        "WHERE outcome = 'value differs' AND council = 'BST'",
    )
    assert register == 60e6 and press > 90e6  # £12m a year over the register's eight years


def test_boilerplate_stays_out_of_bodies(demo_db):
    for (body,) in rows(demo_db, "SELECT body FROM articles"):
        assert "cookie" not in body.lower()
        assert "Related stories" not in body
        assert "Leave a comment" not in body


def test_seed_article_councils(demo_db):
    article_id = seed_id(demo_db)
    codes = {
        c
        for (c,) in rows(
            demo_db, "SELECT code FROM council_mentions WHERE article_id = ?", article_id
        )
    }
    assert codes - {"NGM"} == {"ISL", "CMD", "CAT", "DOV", "THA"}


def test_seed_article_money_with_role_and_period(demo_db):
    money = rows(
        demo_db,
        "SELECT amount_gbp, role, period, years FROM money_mentions WHERE article_id = ? "
        "ORDER BY amount_gbp, years",
        seed_id(demo_db),
    )
    assert money == [
        (2_700_000.0, "saving", "total", 4),
        (4_000_000.0, "saving", "year", None),
        (10_000_000_000.0, "saving", "total", 2),
        (10_000_000_000.0, "saving", "total", 3),
    ]


def test_seed_article_arrangements(demo_db):
    members = rows(
        demo_db,
        "SELECT a.id, group_concat(c.code) FROM arrangements a "
        "JOIN arrangement_councils c ON c.arrangement_id = a.id "
        "WHERE a.article_id = ? GROUP BY a.id",
        seed_id(demo_db),
    )
    assert sorted(sorted(m.split(",")) for _, m in members) == [
        ["CAT", "DOV", "THA"],
        ["CMD", "ISL"],
    ]
    details = rows(
        demo_db,
        "SELECT vehicle, saving_gbp, period, status FROM arrangements WHERE article_id = ? "
        "ORDER BY saving_gbp",
        seed_id(demo_db),
    )
    assert details == [
        ("East Kent Services", 2_700_000.0, "total", "live"),
        (None, 4_000_000.0, "year", "proposed"),
    ]


def test_every_fact_points_into_its_article_body(demo_db):
    for table in ("council_mentions", "money_mentions", "service_mentions"):
        for text, start, end, body, sentence in rows(
            demo_db,
            f'SELECT m.text, m.start, m."end", a.body, m.sentence FROM {table} m '
            "JOIN articles a ON a.id = m.article_id",
        ):
            assert body[start:end] == text, (table, text)
            assert text in sentence and sentence in body


def test_seed_services(demo_db):
    services = {
        s
        for (s,) in rows(
            demo_db, "SELECT service FROM service_mentions WHERE article_id = ?", seed_id(demo_db)
        )
    }
    assert {"ict", "telephony", "crm", "disaster_recovery", "workplace"} <= services


def test_running_the_demo_again_leaves_the_same_rows(demo_db, tmp_path):
    again = tmp_path / "again.db"
    shutil.copy(demo_db, again)
    tables = ("articles", "council_mentions", "money_mentions", "service_mentions", "arrangements")
    before = {t: rows(again, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    result = run_cli("demo", "--no-serve", "--db", str(again), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    after = {t: rows(again, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    assert after == before
    assert rows(again, "SELECT count(*) FROM crawl_runs")[0][0] == 6  # news and 2 registers
    assert rows(again, "SELECT count(*) FROM ocds_releases") == rows(
        demo_db, "SELECT count(*) FROM ocds_releases"
    )
    assert f"0 new articles, {len(sample_articles())} already stored" in result.stderr
