"""How councilwatch's Datasette shows cells in tables, views and query results.

- pounds (``amount_gbp``, ``saving_gbp``) as ``£4,000,000``;
- JSON lists (``authors``, ``tags``, ``partners``) as lists, an empty one as nothing;
- council codes (``code``, ``codes``, ``partner``) as the council's name linked to
  its council page, and a council's name (``council``, ``councils``) likewise;
- service ids (``service``, ``services``) with their label (on hover in lists);
- supplier ids (``supplier_id``, ``supplier``, the supplier table's ``id``) as the
  supplier's name linked to its supplier page, and a supplier's name beside its id
  likewise;
- ``article_id`` and every article title linked to the article page.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

from councilwatch.db.publish_format import (
    CODE_COLUMNS,
    CODE_LIST_COLUMNS,
    JSON_LIST_COLUMNS,
    MONEY_COLUMNS,
    SERVICE_COLUMNS,
    SERVICE_LIST_COLUMNS,
    SUPPLIER_COLUMNS,
    format_gbp,
    json_list,
    reference_names,
    split_list,
)

#: Tables whose ``article_id`` is a foreign key Datasette already labels and links.
FK_TABLES = {
    "council_mentions",
    "money_mentions",
    "service_mentions",
    "arrangements",
    "article_aliases",
}


def _keys(row: Any) -> list[str]:
    try:
        return list(row.keys())
    except AttributeError:
        return []


def council_link(datasette: Any, database: str, code: str, name: str | None) -> str:
    href = datasette.urls.path(f"/{database}/-/council/{code}")
    label = f"{name} ({code})" if name and name != code else code
    return f'<a class="cw-council" href="{escape(href)}">{escape(label)}</a>'


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    if column in MONEY_COLUMNS:
        return format_gbp(value)
    if column in JSON_LIST_COLUMNS:
        items = json_list(value)
        if items is not None:
            return Markup("; ".join(str(escape(i)) for i in items) or "&nbsp;")
    keys = _keys(row)
    if column == "article_id" and table not in FK_TABLES and isinstance(value, int):
        href = datasette.urls.path(f"/{database}/-/article/{value}")
        return Markup(f'<a href="{escape(href)}">{value}</a>')
    if column == "title" and isinstance(value, str | type(None)):
        article_id = None
        if table == "articles" and "id" in keys:
            article_id = row["id"]
        elif "article_id" in keys:
            article_id = row["article_id"]
            article_id = article_id.get("value") if isinstance(article_id, dict) else article_id
        if isinstance(article_id, int):
            href = datasette.urls.path(f"/{database}/-/article/{article_id}")
            return Markup(f'<a href="{escape(href)}">{escape(value or "(untitled)")}</a>')
    if table == "councils":
        return None
    if table == "suppliers" and column not in ("id", "name"):
        return None
    wants_names = column in CODE_COLUMNS | CODE_LIST_COLUMNS | SERVICE_COLUMNS
    wants_names = wants_names or column in SERVICE_LIST_COLUMNS | {"council", "councils"}
    wants_names = wants_names or column in SUPPLIER_COLUMNS | {"id", "name"}
    if not wants_names:
        return None

    async def with_names() -> Any:
        names = await reference_names(datasette, database)
        return _named(datasette, database, names, row, keys, column, value)

    return with_names()


def _named(
    datasette: Any, database: str, names: Any, row: Any, keys: list[str], column: str, value: Any
) -> Markup | None:
    """Cells that hold council codes or service ids, with names (None: leave as is)."""
    supplier = _supplier_cell(datasette, database, names, row, keys, column, value)
    if supplier is not None:
        return supplier
    if isinstance(value, dict):  # a foreign key Datasette expanded: {"value", "label"}
        code, label = value.get("value"), value.get("label")
        if column in CODE_COLUMNS and code in names.councils:
            return Markup(council_link(datasette, database, code, label))
        return None
    if column in CODE_COLUMNS and value in names.councils:
        return Markup(council_link(datasette, database, value, names.councils[value]))
    if column in CODE_LIST_COLUMNS:
        codes = split_list(value)
        if codes and all(c in names.councils for c in codes):
            links = [council_link(datasette, database, c, names.councils[c]) for c in codes]
            return Markup(", ".join(links))
    if column == "council" and "code" not in keys and value in names.councils:
        return Markup(council_link(datasette, database, value, names.councils[value]))
    if column == "council" and "code" in keys and row["code"] in names.councils:
        code = row["code"]
        href = datasette.urls.path(f"/{database}/-/council/{code}")
        return Markup(f'<a class="cw-council" href="{escape(href)}">{escape(value or code)}</a>')
    if column == "councils" and "codes" in keys:
        codes = split_list(row["codes"])
        if codes and all(c in names.councils for c in codes):
            ordered = sorted(codes, key=lambda c: names.councils[c])
            links = []
            for c in ordered:
                href = datasette.urls.path(f"/{database}/-/council/{c}")
                links.append(
                    f'<a class="cw-council" href="{escape(href)}">{escape(names.councils[c])}</a>'
                )
            return Markup(", ".join(links))
    if column in SERVICE_COLUMNS and value in names.services:
        return Markup(f"{escape(names.services[value])} (<code>{escape(value)}</code>)")
    if column in SERVICE_LIST_COLUMNS:
        ids = split_list(value)
        if ids and all(i in names.services for i in ids):
            return Markup(
                ", ".join(
                    f'<abbr title="{escape(names.services[i])}">{escape(i)}</abbr>' for i in ids
                )
            )
    return None


def supplier_link(datasette: Any, database: str, supplier_id: str, name: str | None) -> str:
    href = datasette.urls.path(f"/{database}/-/supplier/{supplier_id}")
    return f'<a class="cw-supplier" href="{escape(href)}">{escape(name or supplier_id)}</a>'


def _supplier_cell(
    datasette: Any, database: str, names: Any, row: Any, keys: list[str], column: str, value: Any
) -> Markup | None:
    """Cells that hold a supplier's id or name, linked to its page (None: not one)."""
    if isinstance(value, dict):
        if column == "supplier_id" and value.get("value") in names.suppliers:
            supplier_id = value["value"]
            return Markup(
                supplier_link(datasette, database, supplier_id, names.suppliers[supplier_id])
            )
        return None
    if not isinstance(value, str):
        return None
    in_suppliers = "company_number" in keys and "sector" in keys  # the supplier table, or a copy
    if column == "id" and not in_suppliers or column == "name" and not in_suppliers:
        return None
    if column == "name":
        supplier_id = row["id"]
        return (
            Markup(supplier_link(datasette, database, supplier_id, value))
            if supplier_id in names.suppliers
            else None
        )
    if value in names.suppliers:
        return Markup(supplier_link(datasette, database, value, names.suppliers[value]))
    if column == "supplier" and "supplier_id" in keys and row["supplier_id"] in names.suppliers:
        return Markup(supplier_link(datasette, database, row["supplier_id"], value))
    if column == "supplier" and "; " in value:
        ids = value.split("; ")
        if all(i in names.suppliers for i in ids):
            return Markup(
                "; ".join(supplier_link(datasette, database, i, names.suppliers[i]) for i in ids)
            )
    return None
