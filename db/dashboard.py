"""The SQL of the home dashboard: eight panels, each narrowed by the same filters.

Filters (all optional): ``since`` / ``until`` (months, ``YYYY-MM``, inclusive),
``nation``, ``type`` (council type) and ``service`` (a taxonomy id). A filter on
councils (nation, type) keeps the articles naming such a council; a filter on a
service keeps the articles naming that service. Only the filters given become
SQL, so an unfiltered panel reads the summary table ``council_month_counts``.

>>> f = Filters.from_args({"since": "2015-01", "nation": "Wales", "until": "bad"})
>>> f.since, f.until, f.nation
('2015-01', None, 'Wales')
>>> sorted(f.params())
['nation', 'since']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

PANEL_ROWS = 10
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass
class Filters:
    """The dashboard's filters; empty strings and malformed months count as not given."""

    since: str | None = None
    until: str | None = None
    nation: str | None = None
    type: str | None = None
    service: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        values = {f.name: (args.get(f.name) or "").strip() or None for f in fields(cls)}
        for name in ("since", "until"):
            if values[name] and not _MONTH.match(values[name]):
                values[name] = None
        return cls(**values)

    def params(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def councils_filtered(self) -> bool:
        return bool(self.nation or self.type)

    def council_condition(self, alias: str) -> str:
        """SQL on ``councils`` row ``alias`` for the nation and type filters."""
        parts = []
        if self.nation:
            parts.append(f"{alias}.nation = :nation")
        if self.type:
            parts.append(f"{alias}.type = :type")
        return " and ".join(parts) or "1"

    def article_conditions(
        self, alias: str = "a", *, services: bool = True, councils: bool = True
    ) -> list[str]:
        """SQL conditions on ``articles`` row ``alias`` for every filter (its months
        only, and the services' or the councils' filters too when asked).

        >>> Filters(since="2015-01", service="ict").article_conditions("a", services=False)
        ['a.published >= :since']
        """
        out = []
        if self.since:
            out.append(f"{alias}.published >= :since")
        if self.until:
            # months are inclusive: anything before the next month's first day
            out.append(f"{alias}.published < :until || '-32'")
        if services and self.service:
            out.append(
                f"{alias}.id in (select article_id from service_mentions where service = :service)"
            )
        if councils and self.councils_filtered():
            out.append(
                f"{alias}.id in (select k.article_id from article_council_kinds k"
                f" where {self.kind_condition('k')})"
            )
        return out

    def kind_condition(self, alias: str) -> str:
        """SQL on ``article_council_kinds`` row ``alias`` for the nation and type filters
        (the kind both name when both are given).

        >>> Filters(nation="Wales", type="unitary").kind_condition("k")
        "k.kind = 'nation_type' and k.value = :nation || '|' || :type"
        """
        if self.nation and self.type:
            return f"{alias}.kind = 'nation_type' and {alias}.value = :nation || '|' || :type"
        kind = "nation" if self.nation else "type"
        return f"{alias}.kind = '{kind}' and {alias}.value = :{kind}"

    def kind_date_conditions(self, alias: str) -> list[str]:
        """The kind and the months on ``article_council_kinds`` row ``alias`` (dated
        articles only)."""
        out = [self.kind_condition(alias), f"{alias}.published != ''"]
        if self.since:
            out.append(f"{alias}.published >= :since")
        if self.until:
            out.append(f"{alias}.published < :until || '-32'")
        return out

    def month_conditions(self, column: str) -> list[str]:
        out = []
        if self.since:
            out.append(f"{column} >= :since")
        if self.until:
            out.append(f"{column} <= :until")
        return out


def _where(conditions: list[str]) -> str:
    return " where " + " and ".join(conditions) if conditions else ""


def articles_per_month_sql(f: Filters) -> str:
    """Articles per month, every month of the range (zeros included)."""
    start = ":since" if f.since else "(select min(month) from counts)"
    end = ":until" if f.until else "(select max(month) from counts)"
    if not (f.service or f.councils_filtered()):  # the summary table has these counts
        return f"""
with counts as (
    select month, articles from article_month_counts{_where(f.month_conditions("month"))}
), months(month) as (
    select {start}
    union all
    select strftime('%Y-%m', month || '-01', '+1 month') from months where month < {end}
)
select months.month, coalesce(counts.articles, 0) as articles
from months left join counts on counts.month = months.month
where months.month is not null
order by months.month
"""
    if f.councils_filtered():  # the articles naming such a council, by date
        conditions = f.kind_date_conditions("k")
        if f.service:
            conditions.append(
                "k.article_id in (select article_id from service_mentions where service = :service)"
            )
        counted = f"""
    select substr(k.published, 1, 7) as month, count(*) as articles
    from article_council_kinds k{_where(conditions)}
    group by month"""
    else:
        conditions = ["a.published is not null", *f.article_conditions("a")]
        counted = f"""
    select substr(a.published, 1, 7) as month, count(*) as articles
    from articles a{_where(conditions)}
    group by month"""
    return f"""
with counts as ({counted}
), months(month) as (
    select {start}
    union all
    select strftime('%Y-%m', month || '-01', '+1 month') from months where month < {end}
)
select months.month, coalesce(counts.articles, 0) as articles
from months left join counts on counts.month = months.month
where months.month is not null
order by months.month
"""


def council_counts_sql(f: Filters, limit: int | None) -> str:
    """Councils by articles naming them, with coordinates (the map and the top list)."""
    tail = f" limit {int(limit)}" if limit else ""
    if not (f.service or f.since or f.until):  # whole corpus: the per-council summary
        where = _where([f.council_condition("c")] if f.councils_filtered() else [])
        return f"""
select c.code, c.nice_name as council, c.type, c.nation, c.latitude, c.longitude,
       n.articles, n.mentions
from council_counts n join councils c on c.code = n.code{where}
order by n.articles desc, n.mentions desc, c.code{tail}
"""
    if not f.service:
        conditions = ["n.month != ''", *f.month_conditions("n.month")]
        if f.councils_filtered():
            conditions.append(f.council_condition("c"))
        return f"""
select c.code, c.nice_name as council, c.type, c.nation, c.latitude, c.longitude,
       sum(n.articles) as articles, sum(n.mentions) as mentions
from council_month_counts n join councils c on c.code = n.code{_where(conditions)}
group by c.code
order by articles desc, mentions desc, c.code{tail}
"""
    if not (f.since or f.until):  # whole corpus: the per-service summary
        where = _where(
            ["n.service = :service"] + ([f.council_condition("c")] if f.councils_filtered() else [])
        )
        return f"""
select c.code, c.nice_name as council, c.type, c.nation, c.latitude, c.longitude,
       n.articles, n.mentions
from service_council_counts n join councils c on c.code = n.code{where}
order by n.articles desc, n.mentions desc, c.code{tail}
"""
    conditions = []
    if f.since or f.until:
        dated = f.article_conditions("a", services=False, councils=False)
        conditions.append(
            "m.article_id in (select a.id from articles a where " + " and ".join(dated) + ")"
        )
    if f.councils_filtered():
        conditions.append(f.council_condition("c"))
    return f"""
select c.code, c.nice_name as council, c.type, c.nation, c.latitude, c.longitude,
       count(distinct m.article_id) as articles, count(*) as mentions
from (select distinct article_id from service_mentions where service = :service) s
cross join council_mentions m on m.article_id = s.article_id  -- from the service's articles
join councils c on c.code = m.code{_where(conditions)}
group by c.code
order by articles desc, mentions desc, c.code{tail}
"""


def arrangements_sql(f: Filters) -> str:
    """The latest shared-service arrangements with the savings their articles state (the
    ten newest are picked first, so only theirs are worked out)."""
    conditions = f.article_conditions("a", services=False, councils=False)
    if f.service:
        conditions.append(
            "ar.id in (select arrangement_id from arrangement_services where service = :service)"
        )
    if f.councils_filtered():
        conditions.append(
            "ar.id in (select ac.arrangement_id from arrangement_councils ac"
            f" join councils c on c.code = ac.code where {f.council_condition('c')})"
        )
    # unfiltered, down the newest articles (their index) until ten arrangements are
    # found; under a council or service filter, from those arrangements (fewer)
    joined = "join" if f.service or f.councils_filtered() else "cross join"
    return f"""
select s.id, s.article_id, s.title, s.published, s.codes, s.councils, s.services, s.vehicle,
       s.status, s.saving_gbp, s.period, s.years, s.saving_basis
from arrangement_summary s
where s.id in (
    select ar.id from articles a {joined} arrangements ar on ar.article_id = a.id{_where(conditions)}
    order by a.published desc
    limit {PANEL_ROWS}
)
order by s.published desc, s.id desc
"""


def council_savings_sql(f: Filters) -> str:
    """The biggest council-level savings (council_money_figures), with whose they are
    (money_scopes, for the ten kept): read in order of amount until ten are found."""
    councils = ""
    if f.councils_filtered():  # the figure's own councils, not its article's
        councils = f" join councils c on c.code = k.code and {f.council_condition('c')}"
    conditions = [
        "mm.role = 'saving'",
        f"exists (select 1 from council_money_figures k{councils} where k.money_id = mm.id)",
        *f.article_conditions("a", councils=False),
    ]
    return f"""
select mm.id as money_id, mm.amount_gbp, mm.period, mm.years, mm.text, mm.sentence,
       a.id as article_id, a.title, a.published, sc.codes, sc.basis
from money_mentions mm join articles a on a.id = mm.article_id
join money_scopes sc on sc.money_id = mm.id
where mm.id in (
    select mm.id from money_mentions mm  -- in order of amount (CROSS JOIN keeps it outer)
    cross join articles a on a.id = mm.article_id{_where(conditions)}
    order by mm.amount_gbp desc, mm.id desc
    limit {PANEL_ROWS}
)
order by mm.amount_gbp desc, mm.id desc
"""


def recent_articles_sql(f: Filters) -> str:
    """The newest articles; under a council filter, down the articles naming such a
    council in date order (article_council_kinds)."""
    codes = """(select group_concat(code, ', ') from (select distinct code from council_mentions m
         where m.article_id = a.id order by code)) as codes"""
    if f.councils_filtered():
        conditions = [*f.kind_date_conditions("k"), *f.article_conditions("a", councils=False)]
        return f"""
select a.id, a.title, a.published, a.source,
       {codes}
from article_council_kinds k join articles a on a.id = k.article_id{_where(conditions)}
order by k.published desc, k.article_id desc
limit {PANEL_ROWS}
"""
    conditions = ["a.published is not null", *f.article_conditions("a")]
    return f"""
select a.id, a.title, a.published, a.source,
       {codes}
from articles a{_where(conditions)}
order by a.published desc, a.id desc
limit {PANEL_ROWS}
"""


def _contract_conditions(f: Filters, by_council: bool = True) -> list[str]:
    """Conditions on a press contract ``c`` (its article ``a``): the article's months, the
    contract's services, its councils' nation and type. Tenders are left out: a
    shortlisted bidder does not supply the council yet."""
    out = [
        "c.status != 'tendered'",
        *f.article_conditions("a", services=False, councils=False),
    ]
    if f.service:
        out.append("c.id in (select contract_id from contract_services where service = :service)")
    if by_council and f.councils_filtered():
        out.append(
            "c.id in (select cc.contract_id from contract_councils cc"
            f" join councils k on k.code = cc.code where {f.council_condition('k')})"
        )
    return out


def suppliers_by_councils_sql(f: Filters) -> str:
    """Suppliers by the councils they supply: the councils of their contracts in the press
    and, unless a service is asked for (the register classifies by CPV, not by our
    services), the buyers of their register awards."""
    press_conditions = _contract_conditions(f, by_council=False)
    if f.councils_filtered():
        press_conditions.append(
            f"cc.code in (select k.code from councils k where {f.council_condition('k')})"
        )
    register = ""
    if not f.service:
        conditions = ["s.supplier_id is not null", "w.buyer_code is not null"]
        if f.since:
            conditions.append("w.date >= :since")
        if f.until:
            conditions.append("w.date < :until || '-32'")
        if f.councils_filtered():
            conditions.append(
                f"w.buyer_code in (select k.code from councils k where {f.council_condition('k')})"
            )
        register = f"""
    union all
    select s.supplier_id, w.buyer_code as code, 'register' as evidence
    from award_suppliers s join awards w on w.ocid = s.ocid and w.award_id = s.award_id{_where(conditions)}"""
    dated = "\n    join articles a on a.id = c.article_id" if f.since or f.until else ""
    return f"""
with pairs as (
    select c.supplier_id, cc.code, 'press' as evidence
    from contracts c{dated}
    join contract_councils cc on cc.contract_id = c.id{_where(press_conditions)}{register}
)
select p.supplier_id, t.name as supplier, count(distinct p.code) as councils,
       max(p.evidence = 'press') as in_press, max(p.evidence = 'register') as on_register
from pairs p join suppliers t on t.id = p.supplier_id
group by p.supplier_id
order by councils desc, t.name
limit {PANEL_ROWS}
"""


def suppliers_by_value_sql(f: Filters) -> str:
    """Suppliers by the value of their council contracts in the press: each contract's
    total (a yearly figure times its term; a year's worth when no term is given)."""
    conditions = ["c.value_gbp is not null", *_contract_conditions(f)]
    dated = "\n    join articles a on a.id = c.article_id" if f.since or f.until else ""
    return f"""
select c.supplier_id, t.name as supplier,
       sum(case when c.period = 'year' and c.years > 0 then c.value_gbp * c.years
                else c.value_gbp end) as value_gbp,
       count(*) as contracts
from contracts c{dated}
join suppliers t on t.id = c.supplier_id{_where(conditions)}
group by c.supplier_id
order by value_gbp desc, t.name
limit {PANEL_ROWS}
"""


#: Values offered by the filter menus.
OPTIONS_SQL = {
    "nation": "select distinct nation from councils where nation is not null order by nation",
    "type": "select distinct type from councils where type is not null order by type",
    "service": "select id, label from services order by service_group, label",
}


def panel_sql(f: Filters) -> dict[str, str]:
    """Every panel's SQL for these filters, by panel name (the most-named councils are the
    map's first :data:`PANEL_ROWS` rows)."""
    return {
        "per_month": articles_per_month_sql(f),
        "map": council_counts_sql(f, None),  # its first rows are the most-named councils
        "arrangements": arrangements_sql(f),
        "savings": council_savings_sql(f),
        "recent": recent_articles_sql(f),
        "suppliers_by_councils": suppliers_by_councils_sql(f),
        "suppliers_by_value": suppliers_by_value_sql(f),
    }
