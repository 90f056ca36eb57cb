"""How the published pages show values: pounds, JSON lists, council and service names.

Shared by the Datasette plugins in ``db/datasette/plugins/`` (which cannot import
one another) and the page templates.

>>> format_gbp(4000000.0), format_gbp(1250.5), format_gbp("x")
('£4,000,000', '£1,250.50', None)
>>> json_list('["Megan Price", "Sam Lee"]'), json_list("[]"), json_list("not json")
(['Megan Price', 'Sam Lee'], [], None)
>>> describe_saving(4000000, "year", None), describe_saving(2.7e6, "total", 4)
('£4,000,000 a year', '£2,700,000 over 4 years')
"""

from __future__ import annotations

import json
import time
from typing import Any

#: Columns holding pounds sterling.
MONEY_COLUMNS = frozenset({"amount_gbp", "saving_gbp", "largest_saving_gbp"})
#: Columns holding JSON lists of names.
JSON_LIST_COLUMNS = frozenset({"authors", "tags", "partners"})
#: Columns holding one council register code, or several separated by commas.
CODE_COLUMNS = frozenset({"code", "partner", "code1", "code2"})
CODE_LIST_COLUMNS = frozenset({"codes"})
#: Columns holding a service taxonomy id, or several separated by commas.
SERVICE_COLUMNS = frozenset({"service"})
SERVICE_LIST_COLUMNS = frozenset({"services"})
#: Columns holding a supplier table id (or, in ``supplier``, several separated by "; ").
SUPPLIER_COLUMNS = frozenset({"supplier_id", "supplier"})
#: How long the council and service names are kept before they are read again.
NAMES_TTL_SECONDS = 60.0


def format_gbp(value: Any) -> str | None:
    """``£`` and thousands separators; None when ``value`` is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if float(value).is_integer():
        return f"£{int(value):,}"
    return f"£{value:,.2f}"


def describe_saving(amount: Any, period: str | None, years: int | None) -> str | None:
    """A saving as its article states it: amount, "a year" or "over N years"."""
    text = format_gbp(amount)
    if text is None:
        return None
    if period == "year":
        text += " a year"
    if years:
        text += f" over {years} years"
    return text


def json_list(value: Any) -> list[str] | None:
    """The items of a JSON list held in a text cell, or None when it holds none."""
    if not isinstance(value, str) or not value.startswith("["):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    return [str(item) for item in items]


def split_list(value: Any) -> list[str]:
    """``"CMD, ISL"`` -> ``["CMD", "ISL"]``.

    >>> split_list("CMD, ISL"), split_list(None)
    (['CMD', 'ISL'], [])
    """
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


#: What the dashboard and the council pages read (created by councilwatch's schema).
PAGE_OBJECTS = (
    "council_month_counts",
    "council_counts",
    "article_month_counts",
    "article_council_kinds",
    "service_council_counts",
    "council_money_figures",
    "money_scopes",
    "arrangement_savings",
)


async def missing_objects(db: Any) -> list[str]:
    """The tables and views of :data:`PAGE_OBJECTS` a database (written by an older
    councilwatch) does not have yet, through Datasette's ``db.execute``."""
    if getattr(db, "_councilwatch_complete", False):  # they do not go away once there
        return []
    rows = await db.execute(
        "select name from sqlite_master where type in ('table', 'view')"
        f" and name in ({', '.join('?' * len(PAGE_OBJECTS))})",
        list(PAGE_OBJECTS),
    )
    present = {row[0] for row in rows}
    missing = [name for name in PAGE_OBJECTS if name not in present]
    if not missing:
        db._councilwatch_complete = True
    return missing


class ReferenceNames:
    """Council names, service labels and supplier names of one database, read at most once a minute."""

    def __init__(self) -> None:
        self.councils: dict[str, str] = {}
        self.services: dict[str, str] = {}
        self.suppliers: dict[str, str] = {}
        self.read_at = float("-inf")

    async def refresh(self, db: Any) -> ReferenceNames:
        """Read the names again through Datasette's ``db.execute`` when they are stale."""
        if time.monotonic() - self.read_at < NAMES_TTL_SECONDS:
            return self
        try:
            councils = await db.execute("select code, nice_name from councils")
            services = await db.execute("select id, label from services")
        except Exception:  # not a councilwatch database: no names
            councils = services = []
        try:
            suppliers = await db.execute("select id, name from suppliers")
        except Exception:  # a database from before the supplier table
            suppliers = []
        self.councils = {row[0]: row[1] for row in councils}
        self.services = {row[0]: row[1] for row in services}
        self.suppliers = {row[0]: row[1] for row in suppliers}
        self.read_at = time.monotonic()
        return self


async def reference_names(datasette: Any, database: str) -> ReferenceNames:
    """The :class:`ReferenceNames` of ``database``, kept on the Datasette instance."""
    cache = datasette.__dict__.setdefault("_councilwatch_names", {})
    names = cache.setdefault(database, ReferenceNames())
    return await names.refresh(datasette.get_database(database))
