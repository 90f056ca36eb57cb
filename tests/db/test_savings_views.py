"""Whose each pound figure is (money_scopes, money_councils), the saving each arrangement's
article states (arrangement_savings), and the summary table the triggers keep true."""

from __future__ import annotations

import re

import pytest

from councilwatch.db.migrations import SCHEMA_VERSION
from councilwatch.db.schema import connect
from councilwatch.reference_data import load_reference_data


@pytest.fixture
def conn(tmp_path):
    conn = connect(tmp_path / "savings.db")
    load_reference_data(conn)
    yield conn
    conn.close()


def add_article(conn, body: str, published: str = "2016-03-01T09:00:00+00:00") -> int:
    cur = conn.execute(
        "insert into articles (url, canonical_url, title, body, content_hash, published,"
        " fetched_at) values (?, ?, 't', ?, 'h', ?, '2026-01-01')",
        [
            f"https://example.org/{len(body)}-{published}",
            f"c-{body[:40]}-{published}",
            body,
            published,
        ],
    )
    return cur.lastrowid


def add_council(conn, article_id: int, body: str, words: str, code: str) -> None:
    start = body.index(words)
    sentence = next(s for s in split(body) if words in s)
    conn.execute(
        'insert into council_mentions (article_id, code, text, start, "end", sentence, nlp_version)'
        " values (?, ?, ?, ?, ?, ?, 't')",
        [article_id, code, words, start, start + len(words), sentence],
    )


def add_money(conn, article_id: int, body: str, words: str, amount: float, role="saving") -> int:
    start = body.index(words)
    sentence = next(s for s in split(body) if words in s)
    return conn.execute(
        'insert into money_mentions (article_id, amount_gbp, period, role, text, start, "end",'
        " sentence, nlp_version) values (?, ?, 'year', ?, ?, ?, ?, ?, 't')",
        [article_id, amount, role, words, start, start + len(words), sentence],
    ).lastrowid


def split(body: str) -> list[str]:
    return re.split(r"(?<=\.)\s+", body)


def scope(conn, money_id: int) -> tuple[str, list[str]]:
    (kind,) = conn.execute(
        "select scope from money_scopes where money_id = ?", [money_id]
    ).fetchone()
    codes = [r[0] for r in conn.execute(
        "select code from money_councils where money_id = ? order by code", [money_id])]  # fmt: skip
    return kind, codes


def test_a_figure_belongs_to_the_councils_its_sentence_names(conn):
    body = "Islington and Camden will save £4m a year. Camden leads the work."
    a = add_article(conn, body)
    add_council(conn, a, body, "Islington", "ISL")
    add_council(conn, a, body, "Camden", "CMD")
    add_council(conn, a, body, "Camden leads", "CMD")  # named elsewhere: not this figure's
    money = add_money(conn, a, body, "£4m", 4e6)
    assert scope(conn, money) == ("council", ["CMD", "ISL"])


def test_the_council_is_the_articles_main_council(conn):
    body = "Kent County Council has a new network. Medway joins later. Kent pays most. The council expects to save £1.3m a year."
    a = add_article(conn, body)
    add_council(conn, a, body, "Kent County Council", "KEN")
    add_council(conn, a, body, "Medway", "MDW")
    add_council(conn, a, body, "Kent pays", "KEN")
    money = add_money(conn, a, body, "£1.3m", 1.3e6)
    assert scope(conn, money) == ("council", ["KEN"])
    (basis,) = conn.execute(
        "select basis from money_councils where money_id = ?", [money]
    ).fetchone()
    assert basis == "the article's main council"


@pytest.mark.parametrize(
    "sentence",
    [
        "Councils have to achieve £10bn of savings by 2020.",
        "All councils could save £10bn by sharing.",
        "UK councils spend £2bn on IT.",
        "Local government must find £5bn of savings.",
        "Central government cut £6bn from councils.",
    ],
)
def test_a_sentence_about_councils_in_general_is_sector_wide(conn, sentence):
    body = f"Camden shares its ICT. {sentence}"
    a = add_article(conn, body)
    add_council(conn, a, body, "Camden", "CMD")
    money = add_money(conn, a, body, "£" + sentence.split("£")[1].split(" ")[0], 1e10)
    assert scope(conn, money) == ("sector", [])


@pytest.mark.parametrize(
    "sentence",
    ["The three councils will save £4m.", "Both councils save £1m.", "The trust saves £1m."],
)
def test_particular_unnamed_councils_are_unattributed(conn, sentence):
    body = f"Camden and Islington share ICT. {sentence}"
    a = add_article(conn, body)
    add_council(conn, a, body, "Camden", "CMD")
    money = add_money(conn, a, body, "£" + sentence.split("£")[1].split(".")[0].split(" ")[0], 4e6)
    assert scope(conn, money) == ("unattributed", [])


def test_arrangements_show_the_saving_their_article_states(conn):
    body = "Kingston and Sutton councils agreed to merge their ICT teams. Officers estimate the shared service will save £1.2m a year."
    a = add_article(conn, body)
    add_council(conn, a, body, "Kingston", "KTT")
    add_council(conn, a, body, "Sutton", "STN")
    money = add_money(conn, a, body, "£1.2m", 1.2e6)
    sentence = split(body)[0]
    arrangement = conn.execute(
        'insert into arrangements (article_id, status, start, "end", sentence, nlp_version)'
        " values (?, 'agreed', 0, ?, ?, 't')",
        [a, len(sentence), sentence],
    ).lastrowid
    conn.executemany(
        "insert into arrangement_councils values (?, ?)",
        [(arrangement, "KTT"), (arrangement, "STN")],
    )
    row = conn.execute(
        "select saving_gbp, period, saving_basis, money_id from arrangement_savings"
        " where arrangement_id = ?",
        [arrangement],
    ).fetchone()
    assert tuple(row) == (1.2e6, "year", "given in the article", money)
    summary = conn.execute(
        "select saving_gbp, saving_basis from arrangement_summary where id = ?", [arrangement]
    ).fetchone()
    assert tuple(summary) == (1.2e6, "given in the article")
    # a second arrangement in the same article: an unattributed figure is no longer theirs
    other = conn.execute(
        'insert into arrangements (article_id, status, start, "end", sentence, nlp_version)'
        " values (?, 'live', 0, 1, 'x', 't')",
        [a],
    ).lastrowid
    assert (
        conn.execute(
            "select count(*) from arrangement_savings where arrangement_id in (?, ?)",
            [arrangement, other],
        ).fetchone()[0]
        == 0
    )


def counts(conn) -> dict:
    by_month = {
        (r[0], r[1]): (r[2], r[3])
        for r in conn.execute("select code, month, articles, mentions from council_month_counts")
    }
    whole = dict(
        (r[0], (r[1], r[2]))
        for r in conn.execute("select code, articles, mentions from council_counts")
    )
    totals = dict(
        (r[0], (r[1], r[2]))
        for r in conn.execute(
            "select code, count(distinct article_id), count(*) from council_mentions group by code"
        )
    )
    assert whole == totals
    return by_month


def recount(conn) -> dict:
    return {
        (r[0], r[1]): (r[2], r[3])
        for r in conn.execute(
            "select m.code, coalesce(substr(a.published, 1, 7), ''), count(distinct m.article_id),"
            " count(*) from council_mentions m join articles a on a.id = m.article_id group by 1, 2"
        )
    }


def month_counts(conn) -> tuple[dict, dict]:
    kept = dict(conn.execute("select month, articles from article_month_counts").fetchall())
    counted = dict(
        conn.execute(
            "select substr(published, 1, 7), count(*) from articles"
            " where published is not null group by 1"
        ).fetchall()
    )
    return kept, counted


def test_summary_counts_follow_every_write(conn):
    body = "Camden and Camden again. Islington too."
    a = add_article(conn, body, "2016-03-01")
    b = add_article(conn, body + " More.", "2016-03-20")
    for article in (a, b):
        add_council(conn, article, body, "Camden", "CMD")
        add_council(conn, article, body, "Camden again", "CMD")
        add_council(conn, article, body, "Islington", "ISL")
    assert counts(conn) == recount(conn) == {("CMD", "2016-03"): (2, 4), ("ISL", "2016-03"): (2, 2)}
    conn.execute("update articles set published = '2017-01-05' where id = ?", [b])
    assert counts(conn) == recount(conn)
    assert counts(conn)[("CMD", "2017-01")] == (1, 2)
    conn.execute("delete from council_mentions where article_id = ? and code = 'ISL'", [a])
    conn.execute("delete from council_mentions where article_id = ? and text = 'Camden'", [b])
    assert counts(conn) == recount(conn)
    conn.execute("update articles set published = null where id = ?", [a])
    assert counts(conn) == recount(conn) and ("CMD", "") in counts(conn)
    kept, counted = month_counts(conn)
    assert kept == counted == {"2017-01": 1}
    conn.execute("delete from articles where id = ?", [b])
    conn.execute("update articles set published = '2015-02-02' where id = ?", [a])
    kept, counted = month_counts(conn)
    assert kept == counted == {"2015-02": 1}
    conn.commit()


def test_summary_is_filled_for_a_database_that_had_none(tmp_path):
    conn = connect(tmp_path / "old.db")
    load_reference_data(conn)
    body = "Camden shares ICT."
    a = add_article(conn, body)
    add_council(conn, a, body, "Camden", "CMD")
    # as a database of version 5 was: no summary tables (migration 6 makes them)
    conn.execute("drop table council_month_counts")
    conn.execute("drop table council_counts")
    conn.execute("delete from schema_migrations where version = 6")
    conn.execute("pragma user_version = 5")
    conn.commit()
    conn.close()
    conn = connect(tmp_path / "old.db")
    assert conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert counts(conn) == recount(conn) == {("CMD", "2016-03"): (1, 1)}
    conn.close()
