"""What councilwatch's Datasette publishes, and what it does not.

- ``raw_pages`` (the pages as fetched) is not a published table: its table, row,
  CSV, JSON and blob pages are refused (403), and SQL run through Datasette cannot
  read its columns (``not authorized``); ``crawl_runs`` and ``crawl_errors`` stay
  browsable. The database file is not downloadable (``allow_download`` off in
  ``settings.json``).
- Every table's CSV link streams the whole table (``_stream=on``).
- No server paths: ``pragma_database_list`` shows no file name and
  ``/-/databases.json`` lists names, not paths.
- A URL that matches no page is a 404, not a 500 (see the note on rich below).
- Search input that holds no word (``q=``, ``q="``, ``_search=%22``) matches
  nothing instead of failing with an FTS5 syntax error, and the page says why.

>>> escape_search('"'), escape_search("shared services")
('""', '"shared" "services"')
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import datasette.handle_exception
from datasette import hookimpl
from datasette.utils import escape_fts, path_with_format
from datasette.utils.asgi import Response

# Datasette 0.65's error page prints every exception with rich when rich is installed
# (spaCy brings it); outside an ``except`` block (a URL no route matches) rich raises,
# and the 404 becomes a 500. Errors are still logged, as tracebacks, without rich.
datasette.handle_exception.rich = None

#: Tables no one may browse through Datasette, and their columns no SQL may read
#: (their keys stay readable, so an article's row page can count its raw page).
PRIVATE_TABLES = {"raw_pages"}
PRIVATE_COLUMNS = {("raw_pages", "html_gz"), ("raw_pages", "content_type")}
#: Columns of SQLite's own tables that hold server paths.
PATH_COLUMNS = {("pragma_database_list", "file")}
_WORD = re.compile(r"\w")
#: Query parameters and table arguments that are full-text searches.
SEARCH_PARAMETERS = ("q", "_search")


def escape_search(query: str | None) -> str:
    """Datasette's ``escape_fts``, but ``""`` (a valid query matching nothing) when the
    input holds no word, instead of an empty string FTS5 rejects."""
    return escape_fts(query or "") or '""'


def authorizer(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
    """SQLite authorizer: no reading private tables' columns, no server paths."""
    if action == sqlite3.SQLITE_READ:
        if (arg1, arg2) in PRIVATE_COLUMNS:
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
        if name in args and not _WORD.search(args[name] or ""):
            value = (args[name] or "").strip()
            if not value:
                return "Type one or more words to search for."
            return f"Type one or more words to search for: “{value}” has none."
    return None


@hookimpl
def extra_template_vars(template: str, request: Any, datasette: Any) -> dict:
    if request is None or template not in ("query.html", "table.html"):
        return {}
    extra: dict[str, Any] = {"cw_search_notice": search_notice(request.args, True)}
    if template == "table.html":
        # The CSV link an analyst clicks gets every row (streamed), not the first page.
        csv_args = {"_stream": "on", "_labels": "on"}
        extra["url_csv"] = datasette.urls.path(
            path_with_format(request=request, format="csv", extra_qs=csv_args)
        )
    return extra


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
