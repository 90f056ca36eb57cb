"""The summaries of migration 8 (article_council_kinds, service_council_counts,
council_money_figures) against a recount from the facts, and the filtered dashboard panels that
read them against the same panels worked out in Python from the facts."""

from __future__ import annotations

import random
import sqlite3

import pytest

from councilwatch.db.dashboard import PANEL_ROWS, Filters, panel_sql
from councilwatch.db.migrations import SCHEMA_VERSION
from councilwatch.db.schema import connect
from councilwatch.reference_data import load_reference_data

from .datasette_client import get
from .test_savings_views import add_article, add_council, add_money


@pytest.fixture
def conn(tmp_path):
    conn = connect(tmp_path / "kinds.db")
    load_reference_data(conn)
    yield conn
    conn.close()


def add_service(conn, article_id: int, service: str) -> None:
    conn.execute(
        'insert into service_mentions (article_id, service, text, start, "end", sentence,'
        " nlp_version) values (?, ?, 'IT', 0, 2, 'IT.', 't')",
        [article_id, service],
    )


def rows(conn, sql: str) -> set[tuple]:
    return {tuple(r) for r in conn.execute(sql)}


def kept(conn) -> tuple[set, set, set]:
    kinds = rows(conn, "select kind, value, published, article_id from article_council_kinds")
    services = rows(conn, "select service, code, articles, mentions from service_council_counts")
    money = rows(
        conn, "select money_id, code, article_id, role, amount_gbp from council_money_figures"
    )
    return kinds, services, money


def recount(conn) -> tuple[set, set, set]:
    """The three summaries counted again from the fact tables (and the councils)."""
    kinds = set()
    for nation, type_, published, article_id in conn.execute(
        "select c.nation, c.type, coalesce(a.published, ''), m.article_id from council_mentions m"
        " join councils c on c.code = m.code join articles a on a.id = m.article_id"
    ):
        kinds |= {("nation", nation, published, article_id), ("type", type_, published, article_id),
                  ("nation_type", f"{nation}|{type_}", published, article_id)}  # fmt: skip
    services = rows(
        conn,
        "select s.service, m.code, count(distinct m.article_id), count(*)"
        " from (select distinct article_id, service from service_mentions) s"
        " join council_mentions m on m.article_id = s.article_id group by 1, 2",
    )
    money = set()
    for money_id, codes, article_id, role, amount in conn.execute(
        "select sc.money_id, sc.codes, mm.article_id, mm.role, mm.amount_gbp from money_scopes sc"
        " join money_mentions mm on mm.id = sc.money_id where sc.scope = 'council'"
    ):
        money |= {(money_id, code, article_id, role, amount) for code in codes.split(", ")}
    return kinds, services, money


def test_the_summaries_follow_every_write(conn):
    body = "Cardiff Council will save £2m. Camden and Cardiff share ICT. The council saves £1m."
    a = add_article(conn, body, "2016-03-01")
    b = add_article(conn, body + " More.", "2016-04-01")
    for article in (a, b):
        add_council(conn, article, body, "Cardiff", "CRF")
        add_council(conn, article, body, "Camden", "CMD")
        add_service(conn, article, "ict")
        add_money(conn, article, body, "£2m", 2e6)
        add_money(conn, article, body, "£1m", 1e6, role="spend")
        add_council(conn, article, body, "Cardiff share", "CRF")  # after its figures
    add_service(conn, a, "ict")
    add_service(conn, a, "audit")
    assert kept(conn) == recount(conn)
    kinds, services, money = kept(conn)
    assert ("nation", "Wales", "2016-03-01", a) in kinds
    assert ("ict", "CRF", 2, 4) in services and ("audit", "CMD", 1, 1) in services
    # its £2m is Cardiff's (named in its sentence), its £1m too ("the council": Cardiff is
    # named most)
    assert {(row[1], row[3]) for row in money if row[2] == a} == {
        ("CRF", "saving"),
        ("CRF", "spend"),
    }
    steps = [
        "update articles set published = '2017-01-05' where id = {b}",
        "update articles set published = null where id = {a}",
        "delete from council_mentions where article_id = {a} and text = 'Cardiff'",
        "delete from service_mentions where article_id = {a} and service = 'ict'",
        "delete from service_mentions where article_id = {b}",
        "update money_mentions set role = 'fine' where article_id = {b} and role = 'saving'",
        "delete from money_mentions where article_id = {a} and role = 'spend'",
        "delete from council_mentions where article_id = {b} and code = 'CRF'",
        "delete from articles where id = {a}",
    ]
    for step in steps:
        conn.execute(step.format(a=a, b=b))
        assert kept(conn) == recount(conn), step
    conn.commit()


def test_a_council_that_changes_nation_moves_its_articles(conn):
    body = "Camden shares ICT."
    a = add_article(conn, body)
    add_council(conn, a, body, "Camden", "CMD")
    conn.execute("update councils set nation = 'Wales' where code = 'CMD'")
    assert kept(conn) == recount(conn)
    assert ("nation", "Wales", "2016-03-01T09:00:00+00:00", a) in kept(conn)[0]


def test_the_summaries_are_filled_for_a_database_that_had_none(tmp_path):
    conn = connect(tmp_path / "old.db")
    load_reference_data(conn)
    body = "Cardiff Council will save £2m. Camden shares ICT."
    a = add_article(conn, body)
    add_council(conn, a, body, "Cardiff", "CRF")
    add_council(conn, a, body, "Camden", "CMD")
    add_service(conn, a, "ict")
    add_money(conn, a, body, "£2m", 2e6)
    facts = recount(conn)
    # as a database of version 7 was: none of migration 8's tables
    for table in ("article_council_kinds", "service_council_counts", "council_money_figures"):
        conn.execute(f"drop table {table}")
    conn.execute("delete from schema_migrations where version = 8")
    conn.execute("pragma user_version = 7")
    conn.commit()
    conn.close()
    conn = connect(tmp_path / "old.db")
    assert conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert kept(conn) == recount(conn) == facts and all(facts)
    conn.close()


MONEY_SENTENCES = ("{name} Council expects to save £1m a year.", "The council expects to save £1m.",
                   "Councils across the UK could save £1m.", "It costs £1m.")  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A small random corpus: 400 articles (some undated), mentions of 40 councils of every
    nation, services, pound figures and 40 arrangements (one article each)."""
    rng = random.Random(8)
    conn = connect(tmp_path_factory.mktemp("corpus") / "corpus.db")
    load_reference_data(conn)
    councils = conn.execute(
        "select code, nice_name, nation, type from councils where end_date is null order by code"
    ).fetchall()
    picked = [c for c in councils if c[2] != "England"][:15] + [
        c for c in councils if c[2] == "England"
    ][::10][:25]
    services = ["ict", "audit", "crm", "education", "applications"]
    services = [
        s for s in services if conn.execute("select 1 from services where id = ?", [s]).fetchone()
    ]
    for i in range(1, 401):
        published = (
            None
            if i % 37 == 0
            else f"20{10 + i % 8:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00"
        )
        conn.execute(
            "insert into articles (id, url, canonical_url, title, body, content_hash, published,"
            " fetched_at) values (?, ?, ?, 't', 'b', 'h', ?, '2026-01-01')",
            [i, f"https://example.org/{i}", f"https://example.org/{i}", published],
        )
        named = rng.sample(picked, rng.randint(0, 4))
        for code, name, *_ in named + rng.sample(named, min(len(named), 1)):
            conn.execute(
                'insert into council_mentions (article_id, code, text, start, "end", sentence,'
                " nlp_version) values (?, ?, ?, 0, 5, ?, 't')",
                [
                    i,
                    code,
                    name,
                    rng.choice([f"{name} Council agreed.", MONEY_SENTENCES[0].format(name=name)]),
                ],
            )
        for service in rng.sample(services, rng.randint(0, 2)):
            add_service(conn, i, service)
        for _ in range(rng.randint(0, 2)):
            template = rng.choice(MONEY_SENTENCES)
            name = rng.choice(named)[1] if named else "Nowhere"
            conn.execute(
                'insert into money_mentions (article_id, amount_gbp, period, role, text, start,'
                " \"end\", sentence, nlp_version) values (?, ?, 'year', ?, '£1m', 0, 3, ?, 't')",
                [i, rng.randint(1, 50) * 1e5, rng.choice(["saving", "saving", "spend"]),
                 template.format(name=name)],
            )  # fmt: skip
    for n in range(1, 41):
        conn.execute(
            'insert into arrangements (id, article_id, status, start, "end", sentence, nlp_version)'
            " values (?, ?, 'live', 0, 10, 'Shared.', 't')",
            [n, n * 9],
        )
        for code, *_ in rng.sample(picked, rng.randint(1, 3)):
            conn.execute("insert into arrangement_councils values (?, ?)", [n, code])
        conn.execute("insert into arrangement_services values (?, ?)", [n, rng.choice(services)])
    conn.commit()
    yield conn
    conn.close()


def facts(conn) -> dict:
    arts = {r[0]: r[1] for r in conn.execute("select id, published from articles")}
    kinds = {r[0]: (r[1], r[2]) for r in conn.execute("select code, nation, type from councils")}
    mentions = [tuple(r) for r in conn.execute("select article_id, code from council_mentions")]
    services = rows(conn, "select article_id, service from service_mentions")
    return {"articles": arts, "kinds": kinds, "mentions": mentions, "services": services}


def matches(f: Filters, place: tuple) -> bool:
    return (not f.nation or place[0] == f.nation) and (not f.type or place[1] == f.type)


def expected(conn, f: Filters) -> dict:
    """The filtered panels worked out in Python from the facts."""
    data = facts(conn)
    arts = data["articles"]

    def kept(article_id: int) -> bool:
        published = arts[article_id]
        if f.since and not (published and published[:7] >= f.since):
            return False
        if f.until and not (published and published[:7] <= f.until):
            return False
        if f.service and (article_id, f.service) not in data["services"]:
            return False
        return True

    named = {a for a, code in data["mentions"] if matches(f, data["kinds"][code])}
    chosen = {a for a in arts if kept(a) and (not f.councils_filtered() or a in named)}
    per_month: dict[str, int] = {}
    for a in chosen:
        if arts[a]:
            per_month[arts[a][:7]] = per_month.get(arts[a][:7], 0) + 1
    recent = sorted((a for a in chosen if arts[a]), key=lambda a: (arts[a], a), reverse=True)
    council_map: dict[str, list] = {}
    for a, code in data["mentions"]:
        if kept(a) and matches(f, data["kinds"][code]):
            entry = council_map.setdefault(code, [set(), 0])
            entry[0].add(a)
            entry[1] += 1
    savings = []
    for money_id, codes, article_id, amount in conn.execute(
        "select sc.money_id, sc.codes, mm.article_id, mm.amount_gbp from money_scopes sc"
        " join money_mentions mm on mm.id = sc.money_id"
        " where sc.scope = 'council' and mm.role = 'saving'"
    ):
        if kept(article_id) and any(matches(f, data["kinds"][c]) for c in codes.split(", ")):
            savings.append((amount, money_id))
    arrangements = []
    for ar_id, article_id in conn.execute("select id, article_id from arrangements"):
        codes = conn.execute(
            "select code from arrangement_councils where arrangement_id = ?", [ar_id]
        )
        services = conn.execute(
            "select 1 from arrangement_services where arrangement_id = ? and service = ?",
            [ar_id, f.service],
        )
        if (f.since or f.until) and not kept_dates(arts[article_id], f):
            continue
        if (f.service and not services.fetchone()) or not any(
            matches(f, data["kinds"][code]) for (code,) in codes
        ):
            continue
        arrangements.append((arts[article_id] or "", ar_id))
    return {
        "per_month": per_month,
        "recent": recent[:PANEL_ROWS],
        "map": {code: (len(e[0]), e[1]) for code, e in council_map.items()},
        "savings": [m for _, m in sorted(savings, reverse=True)[:PANEL_ROWS]],
        "arrangements": {a for _, a in sorted(arrangements, reverse=True)[:PANEL_ROWS]},
    }


def kept_dates(published: str | None, f: Filters) -> bool:
    return (
        bool(published)
        and (not f.since or published[:7] >= f.since)
        and (not f.until or published[:7] <= f.until)
    )


FILTERS = [
    {"nation": "Wales"},
    {"nation": "Scotland", "since": "2012-01", "until": "2015-06"},
    {"type": "London borough"},
    {"nation": "England", "type": "London borough"},
    {"service": "ict"},
    {"service": "crm", "since": "2014-01"},
    {"service": "ict", "nation": "Wales"},
    {"since": "2011-01", "until": "2012-12"},
]


@pytest.mark.parametrize("args", FILTERS, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items()))
def test_filtered_panels_give_the_rows_of_a_recount(corpus, args):
    f = Filters.from_args(args)
    corpus.row_factory = sqlite3.Row
    try:
        rows = {
            name: [dict(r) for r in corpus.execute(sql, {k: v for k, v in f.params().items() if f":{k}" in sql})]
            for name, sql in panel_sql(f).items()
        }  # fmt: skip
    finally:
        corpus.row_factory = None
    want = expected(corpus, f)
    assert {r["month"]: r["articles"] for r in rows["per_month"] if r["articles"]} == want[
        "per_month"
    ]
    assert [r["id"] for r in rows["recent"]] == want["recent"]
    assert {r["code"]: (r["articles"], r["mentions"]) for r in rows["map"]} == want["map"]
    assert [r["money_id"] for r in rows["savings"]] == want["savings"]
    assert {r["id"] for r in rows["arrangements"]} == want["arrangements"]
    assert want["recent"] and want["map"]  # the corpus has something under each filter


@pytest.mark.parametrize(
    "table", ["article_council_kinds", "service_council_counts", "council_money_figures"]
)
def test_the_summaries_are_tables_of_their_own_name(datasette, table):
    """No canned query shadows them (``council_money`` is one: the council's figures)."""
    page = get(datasette, f"/councilwatch/{table}.json?_size=1&_shape=objects")
    assert page.status_code == 200 and page.json()["rows"], table
