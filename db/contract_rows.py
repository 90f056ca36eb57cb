"""Contracts and register awards as the supplier and council pages list them.

One statement for both pages, narrowed to a supplier (``supplier_id = :id``) or to a
council (``code = :code``): the press's contracts, one row per contract and council,
with the register check's outcome (the ``contract_checks`` view) and the article each
comes from; and the register's awards with whether the press reported them.

>>> "p.supplier_id = :id" in contracts_sql("supplier")
True
>>> contracts_sql("buyer")
Traceback (most recent call last):
...
ValueError: contracts by supplier or council, not 'buyer'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

#: How many contracts and awards a page lists (newest first; the rest are a link away).
ROWS_SHOWN = 50

By = Literal["supplier", "council"]
_PRESS_KEY = {"supplier": "p.supplier_id = :id", "council": "p.code = :code"}
_REGISTER_KEY = {"supplier": "r.supplier_id = :id", "council": "r.council = :code"}


def _check(by: str) -> None:
    if by not in _PRESS_KEY:
        raise ValueError(f"contracts by supplier or council, not {by!r}")


def contracts_sql(by: By) -> str:
    """The press's contracts of one supplier or one council, newest article first. The
    newest are picked first, then the check's outcome is worked out for those only, by
    the rule of the ``contract_checks`` view (``confirmed`` when a matching award's value
    agrees, ``value differs`` when awards match but none agrees)."""
    _check(by)
    return f"""
with picked as (
    select p.contract_id, p.code, p.supplier_id, p.value_gbp, p.period, p.years,
           p.start_date, p.end_date, p.ends, p.status, p.sentence, a.id as article_id,
           a.title, a.published
    from press_contracts p
    join articles a on a.id = p.article_id
    where {_PRESS_KEY[by]}
    order by a.published desc, p.contract_id desc, p.code
    limit {ROWS_SHOWN}
)
select k.*, c.nice_name, s.name as supplier_name,
       (select group_concat(service, ', ') from contract_services cs
         where cs.contract_id = k.contract_id) as services,
       (select case when max(m.value_agrees) = 1 then 'confirmed'
                    when count(m.award_id) > 0 then 'value differs'
                    else 'not on the register' end
          from contract_matches m
         where m.contract_id = k.contract_id and m.code = k.code) as outcome
from picked k
join suppliers s on s.id = k.supplier_id
left join councils c on c.code = k.code
order by k.published desc, k.contract_id desc, k.code
"""


def awards_sql(by: By) -> str:
    """The register's awards of one supplier or one council (the newest picked first),
    and whether the press reported them (``confirmed``, ``value differs``, ``not in the
    press``)."""
    _check(by)
    return f"""
with picked as (
    select r.* from register_awards r
    where {_REGISTER_KEY[by]}
    order by r.date desc, r.ocid, r.award_id
    limit {ROWS_SHOWN}
)
select r.supplier_id, r.supplier, r.council, r.council_name, r.buyer_name, r.title, r.value,
       r.currency, r.date, r.contract_start, r.contract_end, r.status, r.notice_url, r.source,
       r.ocid, r.award_id, r.register_supplier_name,
       case when r.council is null then 'buyer not linked to a council'
            else (select case when count(*) = 0 then 'not in the press'
                              when max(m.value_agrees) = 1 then 'confirmed'
                              else 'value differs' end
                    from contract_matches m where m.ocid = r.ocid
                     and m.award_id = r.award_id and m.supplier_id = r.supplier_id) end as outcome
from picked r
order by r.date desc, r.ocid, r.award_id
"""


def contract_term(row: Mapping[str, Any]) -> str:
    """The term and dates the press gives, or works out (``ends``).

    >>> contract_term({"years": 7.0, "start_date": "2021-04", "end_date": None, "ends": "2028-04-01"})
    '7 years, from 2021-04, ends 2028-04-01'
    >>> contract_term({"years": None, "start_date": None, "end_date": "2017", "ends": "2017-12-31"})
    'to 2017'
    """
    parts = []
    years = row.get("years")
    if years:
        parts.append(f"{years:g} year{'s' if years != 1 else ''}")
    if row.get("start_date"):
        parts.append(f"from {row['start_date']}")
    if row.get("end_date"):
        parts.append(f"to {row['end_date']}")
    elif row.get("ends"):
        parts.append(f"ends {row['ends']}")
    return ", ".join(parts)


def award_value(row: Mapping[str, Any]) -> str | None:
    """An award's value in its currency (pounds as ``£``).

    >>> award_value({"value": 2400000.0, "currency": "GBP"}), award_value({"value": 5e5, "currency": "EUR"})
    ('£2,400,000', 'EUR 500,000')
    """
    value = row.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    currency = row.get("currency") or "GBP"
    return f"£{value:,.0f}" if currency == "GBP" else f"{currency} {value:,.0f}"


def describe_rows(contracts: list[dict], awards: list[dict]) -> None:
    """Add what the pages show to each row: a contract's ``value``, ``term`` and
    ``service_list``; an award's ``amount``."""
    for row in contracts:
        value = row.get("value_gbp")
        row["value"] = (
            None
            if value is None
            else award_value({"value": value}) + (" a year" if row.get("period") == "year" else "")
        )
        row["term"] = contract_term(row)
        row["service_list"] = [
            s.strip() for s in (row.get("services") or "").split(",") if s.strip()
        ]
    for row in awards:
        row["amount"] = award_value(row)
