"""The project's supplier table (extraction contract §7.1): suppliers, their press names, sectors.

``suppliers.csv`` has one row per supplier (a company group as the press names it),
``supplier_variants.csv`` its other names, ``supplier_sectors.csv`` the sectors.
:class:`SupplierNames` resolves a written name to a supplier id, the way gold sets name
suppliers ("Capita plc", "Liberata UK Ltd", "the Access Group").

Example:
    >>> capita = next(s for s in load_suppliers() if s["id"] == "capita")
    >>> capita["name"], capita["company_number"]
    ('Capita', '02299747')
    >>> SupplierNames.load().resolve("CAPITA BUSINESS SERVICES LTD")
    'capita'
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

SUPPLIER_FIELDS = ("id", "name", "company_number", "register_name", "parent", "sector")
VARIANT_KINDS = ("name", "context")

# words a written company name may carry that do not tell one supplier from another
_LEGAL = re.compile(
    r"(?:\s+(?:plc|ltd|limited|llp|inc|uk|gb|group|holdings|co|company|corporation|"
    r"corp|se|sa|ag|nv|bv|llc))+$"
)
_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"['’]s$")


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV file whose leading ``#`` lines are comments."""
    with path.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(line for line in f if not line.startswith("#"))


@lru_cache(maxsize=4)
def _load(data_dir: Path) -> tuple[tuple[dict[str, str | None], ...], tuple[tuple[str, ...], ...]]:
    suppliers = tuple(
        {k: (row[k] or None) for k in SUPPLIER_FIELDS}
        for row in _csv_rows(data_dir / "suppliers.csv")
    )
    variants = tuple(
        (row["id"], row["variant"], row["kind"])
        for row in _csv_rows(data_dir / "supplier_variants.csv")
    )
    return suppliers, variants


def load_suppliers(data_dir: Path | None = None) -> list[dict[str, str | None]]:
    """Every supplier as a dict of :data:`SUPPLIER_FIELDS` (empty fields are ``None``).

    >>> len(load_suppliers()) >= 150
    True
    """
    return [dict(s) for s in _load(Path(data_dir or DATA_DIR))[0]]


def load_supplier_variants(data_dir: Path | None = None) -> list[tuple[str, str, str]]:
    """``(supplier id, name, kind)`` for every press name, the suppliers' own names first;
    kind ``context`` names ("Apple", "Sage") link only where a company is meant.

    >>> ("nec-software-solutions", "Northgate Public Services", "name") in load_supplier_variants()
    True
    """
    suppliers, variants = _load(Path(data_dir or DATA_DIR))
    kinds = {(sid, name): kind for sid, name, kind in variants}
    out = [(s["id"], s["name"], kinds.get((s["id"], s["name"]), "name")) for s in suppliers]
    seen = {(sid, name) for sid, name, _ in out}
    for sid, name, kind in variants:  # a row naming the supplier's own name sets its kind
        if (sid, name) not in seen:
            seen.add((sid, name))
            out.append((sid, name, kind))
    return out


def load_sectors(data_dir: Path | None = None) -> list[dict[str, str]]:
    """The sectors a supplier may have: ``{"id", "label"}`` rows.

    >>> [s["id"] for s in load_sectors()][:3]
    ['outsourcing', 'it_services', 'software']
    """
    return list(_csv_rows(Path(data_dir or DATA_DIR) / "supplier_sectors.csv"))


def name_key(name: str) -> str:
    """A written company name reduced to what tells suppliers apart: entities decoded,
    case folded, "&" as "and", punctuation, a possessive, a leading "the" and trailing legal
    or generic words ("plc", "Ltd", "UK", "Group") dropped.

    >>> name_key("The Access Group"), name_key("Xerox (UK) Ltd."), name_key("Ernst &amp; Young LLP")
    ('access', 'xerox', 'ernst and young')
    >>> name_key("Zellis's")
    'zellis'
    """
    text = html.unescape(name).strip()
    text = _POSSESSIVE.sub("", text).casefold().replace("&", " and ")
    text = _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()
    text = text.removeprefix("the ")
    stripped = _LEGAL.sub("", text)
    return stripped or text


@dataclass
class SupplierNames:
    """Supplier ids by :func:`name_key` of every name and variant.

    >>> names = SupplierNames.load()
    >>> names.resolve("Northgate Public Services"), names.resolve("Sopra Steria Limited")
    ('nec-software-solutions', 'sopra-steria')
    >>> names.resolve("Acme Widgets") is None
    True
    """

    by_key: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, data_dir: Path | None = None) -> SupplierNames:
        names = cls()
        for sid, name, _ in load_supplier_variants(data_dir):
            names.by_key.setdefault(name_key(name), sid)
        return names

    def resolve(self, name: str) -> str | None:
        """The id of the supplier ``name`` names, or ``None`` when the table has none."""
        return self.by_key.get(name_key(name))
