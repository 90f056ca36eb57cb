"""The press against the register (the contract_checks view) on fixtures where each outcome
occurs: confirmed (values within 1%, or no press value, or a yearly value over its term),
value differs (both figures shown), not on the register (another supplier, another
council, dates years apart), and register awards the press never mentioned."""

from __future__ import annotations

import pytest

from councilwatch.db import register_store
from councilwatch.db.schema import connect
from councilwatch.reference_data import load_reference_data


def add_article(conn, article_id, published, title="A story"):
    conn.execute(
        "INSERT INTO articles (id, url, canonical_url, title, published, body, content_hash, "
        "fetched_at) VALUES (?, ?, ?, ?, ?, 'body', ?, '2026-01-01')",
        (article_id, f"http://news/{article_id}", f"http://news/{article_id}", title, published,
         f"hash{article_id}"),
    )  # fmt: skip


def add_contract(conn, cid, article_id, councils, supplier, value=None, *, period="total",
                 years=None, start=None, end=None, status="awarded"):  # fmt: skip
    conn.execute(
        "INSERT INTO contracts (id, article_id, supplier_id, value_gbp, period, years, "
        'start_date, end_date, status, start, "end", sentence, nlp_version) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 10, ?, 'test')",
        (cid, article_id, supplier, value, period, years, start, end, status, f"sentence {cid}"),
    )
    for code in councils:
        conn.execute("INSERT INTO contract_councils VALUES (?, ?)", (cid, code))


def add_award(conn, ocid, council, supplier, value, *, date, start=None, end=None):
    release = {"ocid": ocid, "id": f"{ocid}-r", "source": "contracts-finder", "url": None,
               "date": date, "date_utc": date + "T00:00:00Z", "tag": '["award"]',
               "fetched_at": "2026-01-01", "raw": "{}"}  # fmt: skip
    award = {"ocid": ocid, "award_id": f"{ocid}-1", "source": "contracts-finder",
             "release_id": f"{ocid}-r", "release_date_utc": date + "T00:00:00Z",
             "buyer_name": f"{council} Council", "title": f"award {ocid}", "value": value,
             "currency": "GBP", "date": date, "contract_start": start, "contract_end": end,
             "notice_url": f"https://www.contractsfinder.service.gov.uk/Notice/{ocid}",
             "suppliers": [{"position": 0, "name": f"{supplier} Ltd"}]}  # fmt: skip
    register_store.store_release(conn, release, [award])
    conn.execute("UPDATE awards SET buyer_code = ? WHERE ocid = ?", (council, ocid))
    conn.execute("UPDATE award_suppliers SET supplier_id = ? WHERE ocid = ?", (supplier, ocid))


@pytest.fixture
def conn(tmp_path):
    conn = connect(tmp_path / "checks.db")
    load_reference_data(conn)  # councils and suppliers, which contracts refer to
    yield conn
    conn.close()


def checks(conn, **where):
    sql = "SELECT * FROM contract_checks"
    if where:
        sql += " WHERE " + " AND ".join(f"{k} IS ?" for k in where)
    return [
        dict(r) for r in conn.execute(sql + " ORDER BY contract_id, ocid", list(where.values()))
    ]


def test_each_outcome_with_evidence_on_both_sides(conn):
    add_article(conn, 1, "2019-03-10T09:00:00+00:00", "Barnet signs Capita deal")
    add_article(conn, 2, "2021-06-01", "Camden and Islington pick Civica")
    add_article(conn, 3, "2020-01-15", "Leeds extends with BT")
    # confirmed: £320m against £321.5m (within 1%), 2013 + 10 years against 2013-2023
    add_contract(conn, 10, 1, ["BNE"], "capita", 320e6, years=10, start="2013")
    add_award(conn, "ocds-a", "BNE", "capita", 321.5e6, date="2013-08-01",
              start="2013-09-01", end="2023-08-31")  # fmt: skip
    # value differs: £12m in the press, £9m on the register
    add_contract(conn, 20, 2, ["CMD", "ISL"], "civica", 12e6)
    add_award(conn, "ocds-b", "CMD", "civica", 9e6, date="2021-02-01",
              start="2021-04-01", end="2026-03-31")  # fmt: skip
    # not on the register: Leeds and BT appear on the register only with another supplier
    add_contract(conn, 30, 3, ["LDS"], "bt", 5e6, status="extended")
    add_award(conn, "ocds-c", "LDS", "fujitsu", 5e6, date="2019-11-01")
    # a register award no article mentioned
    add_award(conn, "ocds-d", "MAN", "capita", 1e6, date="2022-01-01")

    confirmed = checks(conn, contract_id=10)
    assert [(r["outcome"], r["council"], r["supplier"], r["ocid"]) for r in confirmed] == [
        ("confirmed", "BNE", "capita", "ocds-a")
    ]
    row = confirmed[0]
    assert (row["article_title"], row["article_url"], row["press_sentence"]) == (
        "Barnet signs Capita deal", "http://news/1", "sentence 10")  # fmt: skip
    assert (row["award_title"], row["award_value"], row["award_start"], row["award_end"]) == (
        "award ocds-a", 321.5e6, "2013-09-01", "2023-08-31")  # fmt: skip
    assert row["award_url"].endswith("/Notice/ocds-a") and row["value_agrees"] == 1

    differs = checks(conn, contract_id=20)
    by_council = {r["council"]: r for r in differs}
    assert by_council["CMD"]["outcome"] == "value differs"
    assert (by_council["CMD"]["press_value_gbp"], by_council["CMD"]["award_value"]) == (12e6, 9e6)
    # Islington, the other council of the same contract, has no award of its own
    assert by_council["ISL"]["outcome"] == "not on the register"
    assert by_council["ISL"]["ocid"] is None

    assert [(r["outcome"], r["ocid"]) for r in checks(conn, contract_id=30)] == [
        ("not on the register", None)
    ]
    unmentioned = checks(conn, outcome="not in the press")
    assert {(r["council"], r["supplier"], r["ocid"]) for r in unmentioned} == {
        ("LDS", "fujitsu", "ocds-c"),
        ("MAN", "capita", "ocds-d"),
    }
    assert all(r["article_id"] is None for r in unmentioned)


def test_no_press_value_confirms_and_a_yearly_value_counts_over_its_term(conn):
    add_article(conn, 1, "2018-05-01")
    add_contract(conn, 1, 1, ["KEN"], "agilisys")  # no value in the press
    add_award(conn, "ocds-e", "KEN", "agilisys", 2e6, date="2018-03-01")
    add_contract(conn, 2, 1, ["SUR"], "serco", 4e6, period="year", years=5)
    add_award(conn, "ocds-f", "SUR", "serco", 20.1e6, date="2018-01-10",
              start="2018-04-01", end="2023-03-31")  # fmt: skip
    # a yearly figure without a press term is compared over the award's contract period
    add_contract(conn, 3, 1, ["ESX"], "liberata", 1e6, period="year")
    add_award(conn, "ocds-g", "ESX", "liberata", 3e6, date="2018-01-10",
              start="2018-04-01", end="2021-03-31")  # fmt: skip
    outcomes = {r["contract_id"]: (r["outcome"], r["press_total_gbp"]) for r in checks(conn)}
    assert outcomes[1] == ("confirmed", None)
    assert outcomes[2] == ("confirmed", 20e6)
    assert outcomes[3][0] == "confirmed" and outcomes[3][1] == pytest.approx(3e6, rel=0.01)


def test_dates_must_overlap(conn):
    add_article(conn, 1, "2024-02-01")
    # the press reports a 2023 award; the register's Capita award for Barnet ran 2003-2008
    add_contract(conn, 1, 1, ["BNE"], "capita", 1e6, start="2023-06", years=3)
    add_award(conn, "ocds-old", "BNE", "capita", 1e6, date="2003-01-01",
              start="2003-04-01", end="2008-03-31")  # fmt: skip
    # no dates in the press: the article's date stands for them, give or take a year
    add_article(conn, 2, "2016-09-01")
    add_contract(conn, 2, 2, ["HAV"], "oracle", 3e6)
    add_award(conn, "ocds-near", "HAV", "oracle", 3e6, date="2017-06-01")
    add_award(conn, "ocds-far", "HAV", "oracle", 3e6, date="2012-06-01")
    assert [(r["outcome"], r["ocid"]) for r in checks(conn, contract_id=1)] == [
        ("not on the register", None)
    ]
    assert [(r["outcome"], r["ocid"]) for r in checks(conn, contract_id=2)] == [
        ("confirmed", "ocds-near")
    ]
    assert {r["ocid"] for r in checks(conn, outcome="not in the press")} == {
        "ocds-old",
        "ocds-far",
    }


def test_awards_without_a_linked_council_or_supplier_are_not_checked(conn):
    add_award(conn, "ocds-x", "BNE", "capita", 1e6, date="2020-01-01")
    conn.execute("UPDATE awards SET buyer_code = NULL")
    add_award(conn, "ocds-y", "BNE", "capita", 1e6, date="2020-01-01")
    conn.execute("UPDATE award_suppliers SET supplier_id = NULL WHERE ocid = 'ocds-y'")
    assert checks(conn) == []


def test_contracts_ending_in_the_next_twelve_months(conn):
    from datetime import date, timedelta

    today = date.today()
    soon, later = today + timedelta(days=100), today + timedelta(days=500)
    add_article(conn, 1, (today - timedelta(days=3000)).isoformat(), "Ten-year deal")
    # by its start and term: ends in about 100 days
    start = soon - timedelta(days=3652)
    add_contract(conn, 1, 1, ["BNE"], "capita", 1e6, years=10, start=start.isoformat())
    add_contract(conn, 2, 1, ["CMD"], "civica", 1e6, end=later.isoformat())  # too late
    add_contract(conn, 3, 1, ["ISL"], "bt", 1e6, end=soon.isoformat(), status="terminated")
    add_contract(conn, 4, 1, ["HAV"], "oracle", 1e6, end=soon.strftime("%Y-%m"))
    add_award(conn, "ocds-soon", "KEN", "agilisys", 2e6, date="2020-01-01",
              start="2020-02-01", end=soon.isoformat() + "T23:59:59Z")  # fmt: skip
    add_award(conn, "ocds-later", "KEN", "serco", 2e6, date="2020-01-01",
              start="2020-02-01", end=later.isoformat())  # fmt: skip
    rows = [dict(r) for r in conn.execute("SELECT * FROM contracts_ending ORDER BY council")]
    found = {(r["evidence"], r["council"], r["supplier"]) for r in rows}
    assert found == {
        ("press", "BNE", "capita"),
        ("press", "HAV", "oracle"),
        ("register", "KEN", "agilisys"),
    }
    barnet = next(r for r in rows if r["council"] == "BNE")
    assert abs(date.fromisoformat(barnet["ends"]) - soon) <= timedelta(days=3)
    assert barnet["title"] == "Ten-year deal" and barnet["sentence"] == "sentence 1"
    kent = next(r for r in rows if r["council"] == "KEN")
    assert kent["ends"] == soon.isoformat() and kent["url"].endswith("/Notice/ocds-soon")


def test_register_awards_per_supplier(conn):
    add_award(conn, "ocds-r1", "BNE", "capita", 3e6, date="2021-01-01", end="2024-01-01")
    add_award(conn, "ocds-r2", "KEN", "capita", 1e6, date="2022-01-01")
    add_award(conn, "ocds-r3", "KEN", "civica", 2e6, date="2022-01-01")
    rows = conn.execute(
        "SELECT supplier, council, council_name, value, contract_end FROM register_awards "
        "WHERE supplier_id = 'capita' ORDER BY date"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("Capita", "BNE", "Barnet", 3e6, "2024-01-01"),
        ("Capita", "KEN", "Kent", 1e6, None),
    ]
