"""The SQL of a council's page (``/<database>/-/council/<code>``).

Each function takes a ``run(sql, params)`` coroutine (Datasette's
``db.execute`` returning rows as mappings) so the same statements serve the
page, the tests and the benchmark.

>>> zero_filled([("2015-01", 2), ("2015-03", 1)])
[('2015-01', 2), ('2015-02', 0), ('2015-03', 1)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .contract_rows import ROWS_SHOWN, awards_sql, contracts_sql
from .page_sections import Run, section_reader

#: How many of a council's articles the page lists (newest first).
ARTICLES_SHOWN = 50
#: From how many articles naming a council its newest are read down the articles by date.
MANY_ARTICLES = 2000
#: How many of its biggest figures of each role the page shows.
TOP_FIGURES = 5

COUNCIL_SQL = "select * from councils where code = ?"

#: Councils whose ``replaced_by`` names this one, and those this one names.
PREDECESSORS_SQL = """
select code, nice_name, end_date from councils
where ',' || replace(coalesce(replaced_by, ''), ' ', '') || ',' like '%,' || ? || ',%'
order by nice_name
"""
SUCCESSORS_SQL = """
select code, nice_name, start_date from councils
where ',' || replace(coalesce((select replaced_by from councils where code = ?), ''), ' ', '') || ','
      like '%,' || code || ',%'
order by nice_name
"""

COVERAGE_SQL = """
select month, articles, mentions from council_month_counts
where code = ? and month != '' order by month
"""

TOTALS_SQL = """
select coalesce(sum(articles), 0) as articles, coalesce(sum(mentions), 0) as mentions,
       min(nullif(month, '')) as first_month, max(nullif(month, '')) as last_month
from council_month_counts where code = ?
"""

ARTICLES_SQL = f"""
select a.id, a.title, a.published, a.source,
       (select count(*) from council_mentions m where m.article_id = a.id and m.code = :code) as mentions
from articles a
where a.id in (select article_id from council_mentions where code = :code)
order by a.published desc, a.id desc
limit {ARTICLES_SHOWN}
"""

#: Its newest articles: from its mentions (few), or down the articles by date until
#: enough are found (many: cheaper than sorting all of them).
ARTICLES_BY_DATE_SQL = ARTICLES_SQL.replace(
    "where a.id in (select article_id from council_mentions where code = :code)",
    "where exists (select 1 from council_mentions m2 where m2.code = :code and m2.article_id = a.id)",
)


def articles_sql(articles: int) -> str:
    """The statement for the newest articles of a council that ``articles`` articles name.

    >>> articles_sql(10) == ARTICLES_SQL, articles_sql(50_000) == ARTICLES_BY_DATE_SQL
    (True, True)
    """
    return ARTICLES_BY_DATE_SQL if articles >= MANY_ARTICLES else ARTICLES_SQL


#: How many of the council's own pound figures (council_money_figures) each role has.
MONEY_ROLES_SQL = """
select role, count(*) as count from council_money_figures where code = :code
group by role order by count desc, role
"""

#: Its biggest figures of one role (the index on council_money_figures gives them in order).
MONEY_SQL = f"""
select mm.id, mm.article_id, mm.amount_gbp, mm.role, mm.period, mm.years, mm.text, k.basis,
       a.title, a.published
from council_money_figures k
join money_mentions mm on mm.id = k.money_id
join articles a on a.id = mm.article_id
where k.code = :code and k.role = :role
order by k.amount_gbp desc, k.money_id desc
limit {TOP_FIGURES}
"""

#: The services named in its articles, by how many (service_council_counts).
SERVICES_SQL = """
select s.id, s.label, s.service_group, n.articles
from service_council_counts n join services s on s.id = n.service
where n.code = :code
order by n.articles desc, s.id
limit 30
"""

#: Its newest arrangements (``ROWS_SHOWN``; the page links to all of them).
ARRANGEMENTS_SQL = f"""
select s.id, s.article_id, s.title, s.published, s.codes, s.councils, s.services, s.vehicle,
       s.status, s.saving_gbp, s.period, s.years, s.saving_basis, s.partners
from arrangement_summary s
where s.id in (
    select ar.id from arrangements ar join articles a on a.id = ar.article_id
    where ar.id in (select arrangement_id from arrangement_councils where code = :code)
    order by a.published desc, ar.id desc
    limit {ROWS_SHOWN}
)
order by s.published desc, s.id desc
"""

PARTNERS_SQL = """
select ac2.code, c.nice_name, count(distinct ac1.arrangement_id) as arrangements
from arrangement_councils ac1
join arrangement_councils ac2 on ac2.arrangement_id = ac1.arrangement_id and ac2.code != ac1.code
join councils c on c.code = ac2.code
where ac1.code = ?
group by ac2.code order by arrangements desc, c.nice_name
"""

PARTNER_BODIES_SQL = """
select j.value as body, count(distinct ar.id) as arrangements
from arrangements ar, json_each(case when json_valid(ar.partners) then ar.partners else '[]' end) j
where ar.id in (select arrangement_id from arrangement_councils where code = ?)
group by j.value order by arrangements desc, body
"""

#: Its contracts as the press reports them, and its awards on the register.
CONTRACTS_SQL = contracts_sql("council")
AWARDS_SQL = awards_sql("council")


def council_suppliers(contracts: Sequence[Mapping], awards: Sequence[Mapping]) -> list[dict]:
    """Its suppliers, from its contracts and its register awards, most contracts first.

    >>> council_suppliers([{"supplier_id": "bt", "supplier_name": "BT"}],
    ...                   [{"supplier_id": "bt", "supplier": "BT"}, {"supplier_id": "sap", "supplier": "SAP"}])
    [{'id': 'bt', 'name': 'BT', 'contracts': 1, 'awards': 1}, {'id': 'sap', 'name': 'SAP', 'contracts': 0, 'awards': 1}]
    """
    out: dict[str, dict] = {}
    for row in contracts:
        entry = out.setdefault(
            row["supplier_id"],
            {"id": row["supplier_id"], "name": row["supplier_name"], "contracts": 0, "awards": 0},
        )
        entry["contracts"] += 1
    for row in awards:
        entry = out.setdefault(
            row["supplier_id"],
            {"id": row["supplier_id"], "name": row["supplier"], "contracts": 0, "awards": 0},
        )
        entry["awards"] += 1
    return sorted(out.values(), key=lambda e: (-e["contracts"] - e["awards"], e["name"]))


def zero_filled(rows: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """``(YYYY-MM, count)`` rows with every month between the first and last, zeros added."""
    if not rows:
        return []
    counts = dict(rows)
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while True:
        key = f"{year:04d}-{month:02d}"
        out.append((key, counts.get(key, 0)))
        if key >= last:
            return out
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


async def council_page_data(run: Run, code: str) -> dict[str, Any] | None:
    """Everything the council page shows, or None for an unknown code. A section whose
    SQL is too slow is left empty and named in ``slow``."""
    found = await run(COUNCIL_SQL, [code])
    if not found:
        return None
    council = dict(found[0])
    slow: list[str] = []
    rows = section_reader(run, slow)
    coverage = [(r["month"], r["articles"]) for r in await rows("coverage", COVERAGE_SQL, [code])]
    by_role = [
        {**role, "top": await rows("money", MONEY_SQL, {"code": code, "role": role["role"]})}
        for role in await rows("money", MONEY_ROLES_SQL, {"code": code})
    ]
    totals = await rows("totals", TOTALS_SQL, [code])
    named_in = totals[0]["articles"] if totals else 0
    contracts = await rows("contracts", CONTRACTS_SQL, {"code": code})
    awards = await rows("awards", AWARDS_SQL, {"code": code})
    return {
        "council": council,
        "predecessors": await rows("predecessors", PREDECESSORS_SQL, [code]),
        "successors": await rows("successors", SUCCESSORS_SQL, [code]),
        "totals": totals[0] if totals else {"articles": 0, "mentions": 0},
        "coverage": zero_filled(coverage),
        "articles": await rows("articles", articles_sql(named_in), {"code": code}),
        "money_by_role": by_role,
        "services": await rows("services", SERVICES_SQL, {"code": code}),
        "arrangements": await rows("arrangements", ARRANGEMENTS_SQL, {"code": code}),
        "partners": await rows("partners", PARTNERS_SQL, [code]),
        "partner_bodies": await rows("partner_bodies", PARTNER_BODIES_SQL, [code]),
        "contracts": contracts,
        "awards": awards,
        "suppliers": council_suppliers(contracts, awards),
        "rows_shown": ROWS_SHOWN,
        "slow": slow,
    }
