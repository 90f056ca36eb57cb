"""The SQL of a council's page (``/<database>/-/council/<code>``).

Each function takes a ``run(sql, params)`` coroutine (Datasette's
``db.execute`` returning rows as mappings) so the same statements serve the
page, the tests and the benchmark.

>>> zero_filled([("2015-01", 2), ("2015-03", 1)])
[('2015-01', 2), ('2015-02', 0), ('2015-03', 1)]
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

Run = Callable[[str, Sequence[Any] | Mapping[str, Any]], Awaitable[list[Mapping[str, Any]]]]

#: How many of a council's articles the page lists (newest first).
ARTICLES_SHOWN = 50

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

#: The council's own pound figures (see the money_councils view), by role.
MONEY_SQL = """
with arts as (select distinct article_id from council_mentions where code = :code),
figures as (
    select mm.id, mm.article_id, mm.amount_gbp, mm.role, mm.period, mm.years, mm.text,
           'named in its sentence' as basis
    from money_mentions mm
    where mm.article_id in arts
      and exists (select 1 from council_mentions cm where cm.article_id = mm.article_id
                  and cm.code = :code and cm.sentence = mm.sentence)
    union all
    select mm.id, mm.article_id, mm.amount_gbp, mm.role, mm.period, mm.years, mm.text,
           'the article''s main council' as basis
    from money_sentence_signals x join money_mentions mm on mm.id = x.money_id
    where x.article_id in arts and not x.names_council and not x.general and x.the_council
      and (select code from council_mentions where article_id = x.article_id
           group by code order by count(*) desc, min(start) limit 1) = :code
)
select f.*, a.title, a.published
from figures f join articles a on a.id = f.article_id
order by f.role, f.amount_gbp desc
"""

SERVICES_SQL = """
select s.id, s.label, s.service_group, count(distinct sm.article_id) as articles
from service_mentions sm join services s on s.id = sm.service
where sm.article_id in (select article_id from council_mentions where code = ?)
group by s.id order by articles desc, s.id
limit 30
"""

ARRANGEMENTS_SQL = """
select s.id, s.article_id, s.title, s.published, s.codes, s.councils, s.services, s.vehicle,
       s.status, s.saving_gbp, s.period, s.years, s.saving_basis, s.partners
from arrangement_summary s
where s.id in (select arrangement_id from arrangement_councils where code = ?)
order by s.published desc, s.id desc
limit 100
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
    """Everything the council page shows, or None for an unknown code."""
    found = await run(COUNCIL_SQL, [code])
    if not found:
        return None
    council = dict(found[0])
    coverage = [(r["month"], r["articles"]) for r in await run(COVERAGE_SQL, [code])]
    money = [dict(r) for r in await run(MONEY_SQL, {"code": code})]
    by_role: dict[str, dict[str, Any]] = {}
    for row in money:
        role = by_role.setdefault(row["role"], {"role": row["role"], "count": 0, "top": []})
        role["count"] += 1
        if len(role["top"]) < 5:
            role["top"].append(row)
    return {
        "council": council,
        "predecessors": [dict(r) for r in await run(PREDECESSORS_SQL, [code])],
        "successors": [dict(r) for r in await run(SUCCESSORS_SQL, [code])],
        "totals": dict((await run(TOTALS_SQL, [code]))[0]),
        "coverage": zero_filled(coverage),
        "articles": [dict(r) for r in await run(ARTICLES_SQL, {"code": code})],
        "money_by_role": sorted(by_role.values(), key=lambda r: (-r["count"], r["role"])),
        "services": [dict(r) for r in await run(SERVICES_SQL, [code])],
        "arrangements": [dict(r) for r in await run(ARRANGEMENTS_SQL, [code])],
        "partners": [dict(r) for r in await run(PARTNERS_SQL, [code])],
        "partner_bodies": [dict(r) for r in await run(PARTNER_BODIES_SQL, [code])],
    }
