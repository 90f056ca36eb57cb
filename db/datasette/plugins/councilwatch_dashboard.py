"""councilwatch's home page: a dashboard of the corpus, and the council search on every page.

- ``/`` (and ``/<database>/-/dashboard``): eight panels (map of councils by coverage,
  articles per month with empty months shown, the councils most often named, the
  latest shared-service arrangements with their savings, the biggest council-level
  savings, recent articles, the top suppliers by councils supplied and by contract
  value), all narrowed by the same filters: months, nation,
  council type and service (see ``db/dashboard.py``).
- Every page's header has a "Find a council" box (``/<database>/-/council?q=``).
- Column descriptions on table pages are folded away under one "Column
  descriptions" line.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from councilwatch.db.dashboard import OPTIONS_SQL, PANEL_ROWS, Filters, panel_sql
from councilwatch.db.month_chart import month_chart
from councilwatch.db.page_sections import connection_runner, finished, section_reader
from councilwatch.db.publish_format import (
    describe_saving,
    format_gbp,
    missing_objects,
    split_list,
)

#: How long one panel may take before the page shows it as too slow for these filters.
PANEL_TIME_LIMIT_MS = 1500


async def councilwatch_database(datasette: Any) -> str | None:
    """The first database served that holds councilwatch's tables (looked up once)."""
    known = datasette.__dict__.get("_councilwatch_database")
    if known in datasette.databases:
        return known
    for name, db in datasette.databases.items():
        if name == "_internal":
            continue
        if await db.table_exists("councils") and await db.table_exists("articles"):
            datasette.__dict__["_councilwatch_database"] = name
            return name
    return None


async def dashboard_data(db: Any, filters: Filters) -> dict[str, Any]:
    """Rows of every panel, and the filter menus' options, read in one go on one
    connection (each panel under its own time limit)."""
    params = filters.params()
    statements = panel_sql(filters)

    def read(conn: sqlite3.Connection) -> tuple[dict, list, dict]:
        slow: list[str] = []
        rows = section_reader(connection_runner(conn, PANEL_TIME_LIMIT_MS), slow)
        panels = {  # one slow panel must not fail the page
            name: finished(rows(name, sql, {k: v for k, v in params.items() if f":{k}" in sql}))
            for name, sql in statements.items()
        }
        options = {name: [tuple(r) for r in conn.execute(sql)] for name, sql in OPTIONS_SQL.items()}
        return panels, slow, options

    panels, slow, options = await db.execute_fn(read)
    panels["most_named"] = panels["map"][:PANEL_ROWS]
    for row in panels["arrangements"]:
        row["saving"] = describe_saving(row["saving_gbp"], row["period"], row["years"])
        row["code_list"] = split_list(row["codes"])
    for row in panels["savings"]:
        row["amount"] = describe_saving(row["amount_gbp"], row["period"], row["years"])
        row["code_list"] = split_list(row["codes"])
    for row in panels["recent"]:
        row["code_list"] = split_list(row["codes"])
    if "map" in slow:
        slow.append("most_named")
    return {"panels": panels, "options": options, "slow": slow}


async def upgrade_notice(
    datasette: Any, request: Any, database: str, missing: list[str]
) -> Response:
    """A one-line page for a database written by an older councilwatch."""
    return Response.html(
        await datasette.render_template(
            "councilwatch_upgrade.html",
            {"database": database, "missing": missing, "metadata": datasette.metadata()},
            request=request,
        ),
        status=503,
    )


async def render_dashboard(datasette: Any, request: Any, database: str) -> Response:
    db = datasette.get_database(database)
    missing = await missing_objects(db)
    if missing:
        return await upgrade_notice(datasette, request, database, missing)
    filters = Filters.from_args(request.args)
    data = await dashboard_data(db, filters)
    months = data["panels"]["per_month"]
    names = {row[0]: row[1] for row in data["options"]["service"]}
    return Response.html(
        await datasette.render_template(
            "councilwatch_dashboard.html",
            {
                "database": database,
                "filters": filters,
                "filter_query": urlencode(filters.params()),
                "service_label": names.get(filters.service or ""),
                "per_month_chart": month_chart(
                    [(m["month"], m["articles"]) for m in months],
                    "Articles per month",
                    height=220,
                    show_peak=True,
                ),
                "format_gbp": format_gbp,
                "metadata": datasette.metadata(),
                **data,
            },
            request=request,
        )
    )


async def home(datasette: Any, request: Any) -> Response:
    """``/``: the dashboard of the councilwatch database served."""
    database = await councilwatch_database(datasette)
    if database is None:
        from datasette.views.index import IndexView

        return await IndexView.as_view(datasette)(request, None)
    return await render_dashboard(datasette, request, database)


async def dashboard(datasette: Any, request: Any) -> Response:
    """``/<database>/-/dashboard``: the same dashboard for a named database."""
    database = request.url_vars["database"]
    if database not in datasette.databases:
        raise NotFound(f"Database not found: {database}")
    return await render_dashboard(datasette, request, database)


@hookimpl
def register_routes() -> list:
    return [(r"^/$", home), (r"^/(?P<database>[^/]+)/-/dashboard$", dashboard)]


@hookimpl
def extra_template_vars(datasette: Any, database: str | None) -> Any:
    async def inner() -> dict:
        name = database if database in datasette.databases else None
        return {"cw_database": name or await councilwatch_database(datasette)}

    return inner


FOLD_COLUMN_DESCRIPTIONS = """
document.querySelectorAll('dl.column-descriptions').forEach(function (dl) {
  var details = document.createElement('details');
  details.className = 'cw-column-descriptions';
  var summary = document.createElement('summary');
  summary.textContent = 'Column descriptions';
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(summary);
  details.appendChild(dl);
  dl.classList.add('cw-folded');
});
"""


@hookimpl
def extra_body_script() -> str:
    return FOLD_COLUMN_DESCRIPTIONS
