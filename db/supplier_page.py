"""The SQL of a supplier's page (``/<database>/-/supplier/<id>``) and of finding one by name.

Like ``db/council_page.py``, each function takes a ``run(sql, params)`` coroutine
(Datasette's ``db.execute`` returning rows as mappings), so the page, the tests and
the benchmark run the same statements.

>>> normalise_supplier_name("  Capita plc ")
'capita'
>>> companies_house_url("02299747")
'https://find-and-update.company-information.service.gov.uk/company/02299747'
"""

from __future__ import annotations

import re
from typing import Any

from .contract_rows import ROWS_SHOWN, awards_sql, contracts_sql
from .council_page import zero_filled
from .page_sections import Run, section_reader

#: How many of a supplier's articles the page lists (newest first).
ARTICLES_SHOWN = 30
CONTRACTS_SQL = contracts_sql("supplier")
AWARDS_SQL = awards_sql("supplier")

SUPPLIER_SQL = """
select s.id, s.name, s.company_number, s.register_name, s.parent, s.sector,
       sec.label as sector_label, p.id as parent_id
from suppliers s
left join supplier_sectors sec on sec.id = s.sector
left join suppliers p on p.name = s.parent and p.id != s.id
where s.id = ?
"""

NAMES_SQL = """
select name, kind from supplier_names where supplier_id = ? and name != ?
order by kind desc, name
"""

#: Suppliers whose parent is this one.
SUBSIDIARIES_SQL = "select id, name from suppliers where parent = ? and id != ? order by name"

#: The councils it supplies: by the press's contracts and by the register's awards.
COUNCILS_SQL = """
with press as (
    select cc.code, count(distinct c.id) as contracts
    from contracts c join contract_councils cc on cc.contract_id = c.id
    where c.supplier_id = :id group by cc.code
), register as (
    select w.buyer_code as code, count(*) as awards
    from award_suppliers s join awards w on w.ocid = s.ocid and w.award_id = s.award_id
    where s.supplier_id = :id and w.buyer_code is not null group by w.buyer_code
), codes as (select code from press union select code from register)
select codes.code, c.nice_name, coalesce(press.contracts, 0) as contracts,
       coalesce(register.awards, 0) as awards
from codes join councils c on c.code = codes.code
left join press on press.code = codes.code
left join register on register.code = codes.code
order by contracts + awards desc, c.nice_name
"""

#: Press coverage: articles per month naming it (the summary table of migration 7).
COVERAGE_SQL = """
select month, articles from supplier_month_counts
where supplier_id = ? and month != '' order by month
"""

#: Its newest articles: from its mentions (few), or down the articles by date until
#: enough are found (many: cheaper than sorting all of them).
ARTICLES_SQL = f"""
select a.id, a.title, a.published, a.source,
       (select count(*) from supplier_mentions m
         where m.article_id = a.id and m.supplier_id = :id) as mentions
from articles a
where a.id in (select article_id from supplier_mentions where supplier_id = :id)
order by a.published desc, a.id desc
limit {ARTICLES_SHOWN}
"""
ARTICLES_BY_DATE_SQL = ARTICLES_SQL.replace(
    "where a.id in (select article_id from supplier_mentions where supplier_id = :id)",
    "where exists (select 1 from supplier_mentions m2"
    " where m2.supplier_id = :id and m2.article_id = a.id)",
)
#: From how many articles naming a supplier its newest are read down the articles by date.
MANY_ARTICLES = 2000


def articles_sql(articles: int) -> str:
    """The statement for the newest articles of a supplier that ``articles`` articles name.

    >>> articles_sql(10) == ARTICLES_SQL, articles_sql(50_000) == ARTICLES_BY_DATE_SQL
    (True, True)
    """
    return ARTICLES_BY_DATE_SQL if articles >= MANY_ARTICLES else ARTICLES_SQL


TOTAL_ARTICLES_SQL = """
select coalesce(sum(articles), 0) as articles, coalesce(sum(mentions), 0) as mentions
from supplier_month_counts where supplier_id = ?
"""

#: Every name a supplier goes by, for finding one (see :func:`find_suppliers`).
ALL_NAMES_SQL = """
select s.id, s.name, s.id as other from suppliers s
union all select s.id, s.name, s.name from suppliers s
union all select s.id, s.name, n.name from supplier_names n join suppliers s on s.id = n.supplier_id
union all select s.id, s.name, s.register_name from suppliers s where s.register_name is not null
"""

#: Words a company's name may carry or drop in the press.
_SUFFIXES = frozenset({"plc", "ltd", "limited", "llp", "inc", "group", "holdings", "uk", "the"})


def normalise_supplier_name(name: str) -> str:
    """Lower case, letters and digits only, company suffixes (plc, ltd, group, uk) dropped.

    >>> normalise_supplier_name("CAPITA BUSINESS SERVICES LIMITED")
    'capita business services'
    """
    words = re.sub(r"[^0-9a-z]+", " ", name.lower()).split()
    return " ".join(w for w in words if w not in _SUFFIXES)


def companies_house_url(number: str | None) -> str | None:
    """The public Companies House page of a company number, or None without one."""
    if not number:
        return None
    return f"https://find-and-update.company-information.service.gov.uk/company/{number}"


async def find_suppliers(run: Run, query: str) -> list[dict[str, str]]:
    """The suppliers ``query`` names: those one of whose names (or id) it is, once
    normalised; else those whose names contain it (at least three characters). Each is
    ``{"id", "name"}``, by name.

    ``capita`` and ``Capita plc`` find Capita alone; ``soft`` finds every supplier with
    "soft" in a name.
    """
    wanted = normalise_supplier_name(query)
    if not wanted:
        return []
    rows = [dict(r) for r in await run(ALL_NAMES_SQL, [])]
    exact: dict[str, str] = {}
    partial: dict[str, str] = {}
    for row in rows:
        name = normalise_supplier_name(row["other"] or "")
        if name == wanted:
            exact[row["id"]] = row["name"]
        elif len(wanted) >= 3 and re.search(rf"\b{re.escape(wanted)}", name):
            partial[row["id"]] = row["name"]
    found = exact or partial
    return [{"id": k, "name": v} for k, v in sorted(found.items(), key=lambda kv: kv[1].lower())]


async def supplier_page_data(run: Run, supplier_id: str) -> dict[str, Any] | None:
    """Everything the supplier page shows, or None for an unknown id. A section whose
    SQL is too slow is left empty and named in ``slow``."""
    found = await run(SUPPLIER_SQL, [supplier_id])
    if not found:
        return None
    supplier = dict(found[0])
    slow: list[str] = []
    rows = section_reader(run, slow)
    coverage = [
        (r["month"], r["articles"]) for r in await rows("coverage", COVERAGE_SQL, [supplier_id])
    ]
    totals = await rows("totals", TOTAL_ARTICLES_SQL, [supplier_id])
    total = totals[0] if totals else {"articles": 0, "mentions": 0}
    return {
        "supplier": supplier,
        "companies_house_url": companies_house_url(supplier["company_number"]),
        "names": await rows("names", NAMES_SQL, [supplier_id, supplier["name"]]),
        "subsidiaries": await rows(
            "subsidiaries", SUBSIDIARIES_SQL, [supplier["name"], supplier_id]
        ),
        "councils": await rows("councils", COUNCILS_SQL, {"id": supplier_id}),
        "contracts": await rows("contracts", CONTRACTS_SQL, {"id": supplier_id}),
        "awards": await rows("awards", AWARDS_SQL, {"id": supplier_id}),
        "coverage": zero_filled(coverage),
        "totals": total,
        "articles": await rows("articles", articles_sql(total["articles"]), {"id": supplier_id}),
        "rows_shown": ROWS_SHOWN,
        "slow": slow,
    }
