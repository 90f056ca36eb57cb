"""councilwatch's supplier pages.

Loaded by Datasette from ``--plugins-dir db/datasette/plugins``. Adds:

- ``/<database>/-/supplier/<id>``: a supplier's page (see ``db/supplier_page.py``):
  who it is, the councils it supplies, its contracts as the press reports them with
  the register check's outcome, its press coverage over time and its register awards.
  An unknown id is a 404 (a name that fits one supplier redirects to its page).
- ``/<database>/-/supplier?q=capita``: finds a supplier by name and redirects to its
  page, lists the suppliers when several fit, and says so when none does.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from councilwatch.db.contract_rows import describe_rows
from councilwatch.db.month_chart import month_chart
from councilwatch.db.page_sections import datasette_runner
from councilwatch.db.supplier_page import find_suppliers, supplier_page_data

#: How long one section of a supplier page may take before the page says it is too slow.
SECTION_TIME_LIMIT_MS = 1500


def _runner(db: Any) -> Any:
    return datasette_runner(db, SECTION_TIME_LIMIT_MS)


def _database(datasette: Any, request: Any) -> tuple[str, Any]:
    name = request.url_vars["database"]
    if name not in datasette.databases or not name:
        raise NotFound(f"Database not found: {name}")
    return name, datasette.get_database(name)


async def _has_suppliers(db: Any) -> bool:
    return await db.table_exists("suppliers")


async def supplier_search(datasette: Any, request: Any) -> Response:
    """``/<database>/-/supplier?q=...``: to the supplier's page, or the list of candidates."""
    database, db = _database(datasette, request)
    if not await _has_suppliers(db):
        raise NotFound("This database has no supplier table")
    query = (request.args.get("q") or "").strip()
    found = await find_suppliers(_runner(db), query) if query else []
    if len(found) == 1:
        return Response.redirect(datasette.urls.path(f"/{database}/-/supplier/{found[0]['id']}"))
    return Response.html(
        await datasette.render_template(
            "councilwatch_suppliers.html",
            {"database": database, "query": query, "found": found},
            request=request,
        )
    )


async def supplier_view(datasette: Any, request: Any) -> Response:
    """``/<database>/-/supplier/<id>``: everything councilwatch holds about one supplier."""
    database, db = _database(datasette, request)
    if not await _has_suppliers(db):
        raise NotFound("This database has no supplier table")
    supplier_id = request.url_vars["id"]
    run = _runner(db)
    data = await supplier_page_data(run, supplier_id)
    if data is None:
        found = await find_suppliers(run, supplier_id)
        if len(found) == 1:
            return Response.redirect(
                datasette.urls.path(f"/{database}/-/supplier/{found[0]['id']}")
            )
        raise NotFound(f"No supplier with the id {supplier_id}")
    describe_rows(data["contracts"], data["awards"])
    chart = month_chart(data["coverage"], f"Articles naming {data['supplier']['name']} per month")
    return Response.html(
        await datasette.render_template(
            "councilwatch_supplier.html",
            {"database": database, "chart": chart, "metadata": datasette.metadata(), **data},
            request=request,
        )
    )


@hookimpl
def register_routes() -> list:
    return [
        (r"^/(?P<database>[^/]+)/-/supplier$", supplier_search),
        (r"^/(?P<database>[^/]+)/-/supplier/(?P<id>[^/]+)$", supplier_view),
    ]
