"""Link the stored register to the rest of the database: each award's buyer to a council's
register code, each award supplier to the supplier table.

Buyers: a ``GB-LAE-<code>`` identifier is a register code already (Contracts Finder uses
mySociety's codes, the gazetteer's); other buyers are linked by name through the NLP
gazetteer (:mod:`councilwatch.nlp.buyer_names`), as of the date of their newest award.
Suppliers: by Companies House number (``GB-COH``, normalised), else by name (the supplier
table's names and variants, compared as :mod:`councilwatch.nlp.company_names` keys).
Runs after every register crawl (``councilwatch register crawl``) and on its own
(``councilwatch register link``); linking is recomputed each time, so a better gazetteer
relinks what it can.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from councilwatch.db import register_store
from councilwatch.nlp.buyer_names import BuyerNames
from councilwatch.nlp.company_names import CompanyNames
from councilwatch.reference_data import load_reference_data
from councilwatch.spiders.ocds_awards import company_number

LAE_PREFIX = "GB-LAE-"


@dataclass(frozen=True)
class LinkFigures:
    awards: int
    buyers_linked: int
    suppliers: int
    suppliers_linked: int

    def share(self, part: int, whole: int) -> str:
        return f"{part / whole:.0%}" if whole else "-"

    def line(self) -> str:
        return (
            f"{self.buyers_linked} of {self.awards} awards have their buyer linked to a council "
            f"({self.share(self.buyers_linked, self.awards)}); {self.suppliers_linked} of "
            f"{self.suppliers} award suppliers linked to the supplier table "
            f"({self.share(self.suppliers_linked, self.suppliers)})."
        )


def buyer_code(
    names: BuyerNames,
    buyer_id: str | None,
    identifier: str | None,
    name: str | None,
    date: str | None,
) -> tuple[str | None, str | None]:
    """``(code, how)`` for one buyer: how is ``identifier`` or ``name``; ``(None, None)``.

    >>> names = BuyerNames.load()
    >>> buyer_code(names, "GB-LAE-IPS", "GB-LAE-IPS", "Ipswich Borough Council", None)
    ('IPS', 'identifier')
    >>> buyer_code(names, "GB-CFS-1", "GB-CFS-1", "LONDON BOROUGH OF HAVERING", "2022-10-20")
    ('HAV', 'name')
    >>> buyer_code(names, "GB-CFS-2", None, "Defra Network eTendering Portal", None)
    (None, None)
    """
    councils = names.gazetteer.councils
    for value in (identifier, buyer_id):
        if value and value.startswith(LAE_PREFIX) and value[len(LAE_PREFIX) :] in councils:
            return value[len(LAE_PREFIX) :], "identifier"
    code = names.code(name, (date or "")[:10] or None)
    return (code, "name") if code else (None, None)


def link_buyers(conn: sqlite3.Connection, names: BuyerNames | None = None) -> int:
    """Link every stored award's buyer; return the awards whose link changed."""
    names = names or BuyerNames.load()
    links = []
    for row in register_store.award_buyers(conn):
        code, how = buyer_code(
            names, row["buyer_id"], row["buyer_identifier"], row["buyer_name"], row["date"]
        )
        links.append({**dict(row), "code": code, "link": how})
    return register_store.set_buyer_codes(conn, links)


@dataclass
class SupplierIndex:
    """The supplier table by Companies House number and by name key.

    >>> index = SupplierIndex.build([{"id": "capita", "name": "Capita",
    ...     "company_number": "2299747", "variants": ["Capita Business Services"]}])
    >>> index.supplier("CAPITA BUSINESS SERVICES LIMITED", None), index.supplier("X", "02299747")
    (('capita', 'name'), ('capita', 'company_number'))
    """

    names: CompanyNames
    by_number: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: Iterable[Mapping]) -> SupplierIndex:
        index = cls(CompanyNames.load())
        for row in rows:
            if number := company_number(row.get("company_number")):
                index.by_number.setdefault(number, row["id"])
            for name in [row.get("name"), *(row.get("variants") or [])]:
                if key := index.names.key(name):
                    index.by_name.setdefault(key, row["id"])
        return index

    def supplier(self, name: str | None, number: str | None) -> tuple[str | None, str | None]:
        """``(supplier id, how)`` for a register supplier; ``(None, None)`` when unknown."""
        if number and number in self.by_number:
            return self.by_number[number], "company_number"
        if (key := self.names.key(name)) and key in self.by_name:
            return self.by_name[key], "name"
        return None, None


def link_suppliers(conn: sqlite3.Connection) -> int:
    """Link every award supplier to the supplier table; return the rows whose link changed."""
    index = SupplierIndex.build(register_store.supplier_table(conn))
    links = []
    for row in register_store.award_supplier_names(conn):
        supplier_id, how = index.supplier(row["name"], row["company_number"])
        links.append({**dict(row), "supplier_id": supplier_id, "link": how})
    return register_store.set_supplier_ids(conn, links)


def link_register(conn: sqlite3.Connection) -> LinkFigures:
    """Load the reference tables (the councils and suppliers links point to), link buyers
    and suppliers; return the figures after linking."""
    load_reference_data(conn)
    link_buyers(conn)
    link_suppliers(conn)
    return LinkFigures(**register_store.link_counts(conn))
