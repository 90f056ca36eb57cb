"""What councilwatch's Datasette publishes, and what it does not.

- ``raw_pages`` (the pages as fetched) is not a published table: its table, row,
  CSV, JSON and blob pages are refused (403), and SQL run through Datasette cannot
  read its columns (``not authorized``); ``crawl_runs`` and ``crawl_errors`` stay
  browsable. The database file is not downloadable (``allow_download`` off in
  ``settings.json``).
- No server paths: ``pragma_database_list`` shows no file name and
  ``/-/databases.json`` lists names, not paths.
- Search input that holds no word (``q=``, ``q="``, ``_search=%22``) matches
  nothing instead of failing with an FTS5 syntax error, and the page says why.

>>> escape_search('"'), escape_search("shared services")
('""', '"shared" "services"')
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl
from datasette.utils import escape_fts
from datasette.utils.asgi import Response

#: Tables no one may read through Datasette.
PRIVATE_TABLES = {"raw_pages"}
#: Columns of SQLite's own tables that hold server paths.
PATH_COLUMNS = {("pragma_database_list", "file")}
#: Query parameters and table arguments that are full-text searches.
SEARCH_PARAMETERS = ("q", "_search")


def escape_search(query: str | None) -> str:
    """Datasette's ``escape_fts``, but ``""`` (a valid query matching nothing) when the
    input holds no word, instead of an empty string FTS5 rejects."""
    return escape_fts(query or "") or '""'


def authorizer(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
    """SQLite authorizer: no reading private tables' columns, no server paths."""
    if action == sqlite3.SQLITE_READ:
        if arg1 in PRIVATE_TABLES and arg2:
            return sqlite3.SQLITE_DENY
        if (arg1, arg2) in PATH_COLUMNS:
            return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


@hookimpl(trylast=True)  # after Datasette's own escape_fts, to replace it
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, escape_search, deterministic=True)
    conn.set_authorizer(authorizer)


@hookimpl
def permission_allowed(action: str, resource: Any) -> bool | None:
    if action == "view-table" and isinstance(resource, tuple) and resource[1] in PRIVATE_TABLES:
        return False
    return None


def search_notice(args: Any, has_search: bool) -> str | None:
    """A one-line explanation when a search box was submitted without a word in it.

    >>> search_notice({"q": '"'}, True)
    'Type one or more words to search for: “\"” has none.'
    >>> search_notice({"q": ""}, True)
    'Type one or more words to search for.'
    >>> search_notice({"q": "camden"}, True) is None
    True
    """
    if not has_search:
        return None
    for name in SEARCH_PARAMETERS:
        if name in args and not escape_fts(args[name] or ""):
            value = (args[name] or "").strip()
            if not value:
                return "Type one or more words to search for."
            return f"Type one or more words to search for: “{value}” has none."
    return None


@hookimpl
def extra_template_vars(template: str, request: Any) -> dict:
    if request is None or template not in ("query.html", "table.html"):
        return {}
    return {"cw_search_notice": search_notice(request.args, True)}


async def databases_json(datasette: Any) -> Response:
    """``/-/databases.json`` without the files' paths on the server."""
    listed = []
    for name, db in datasette.databases.items():
        if name == "_internal":
            continue
        listed.append(
            {
                "name": name,
                "route": db.route,
                "is_mutable": db.is_mutable,
                "is_memory": db.is_memory,
                "hash": db.hash,
            }
        )
    return Response.json(listed)


@hookimpl
def register_routes() -> list:
    return [(r"^/-/databases(\.json)?$", databases_json)]
