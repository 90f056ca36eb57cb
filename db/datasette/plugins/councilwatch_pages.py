"""councilwatch's Datasette pages: the article view and the council pages.

Loaded by Datasette from ``--plugins-dir db/datasette/plugins``. Adds:

- ``/<database>/-/article/<id>``: an article's text with every extracted fact
  highlighted (``<mark>``), each fact beside the sentence it came from, and a link
  to the original URL. All scraped text is escaped. An id that is not an article
  (or not a number SQLite can hold) is a 404.
- ``/<database>/-/council/<code>``: a council's page (see ``db/council_page.py``);
  ``/<database>/-/council?q=Camden`` finds a council by name or code and redirects
  to its page, lists the councils when several fit, and says so when none does.

>>> str(mark_spans("Camden <b>", [(0, 6)]))
'<mark>Camden</mark> &lt;b&gt;'
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from councilwatch.db.contract_rows import describe_rows
from councilwatch.db.council_names import CouncilIndex
from councilwatch.db.council_page import COUNCIL_SQL, council_page_data
from councilwatch.db.month_chart import month_chart
from councilwatch.db.page_fragments import render_fragment
from councilwatch.db.page_sections import on_one_connection
from councilwatch.db.publish_format import (
    describe_saving,
    format_gbp,
    json_list,
    missing_objects,
)

#: How long one section of a council page may take before the page says it is too slow.
SECTION_TIME_LIMIT_MS = 1500
#: The largest rowid SQLite stores; a longer id cannot be an article.
MAX_ROWID = 2**63 - 1


def mark_spans(text: str, spans: list[tuple[int, int]], css: list[str] | None = None) -> Markup:
    """Escape ``text`` and wrap each (start, end) span in ``<mark>``; overlaps are skipped.

    >>> str(mark_spans("a <i> b", [(2, 5)], ["council"]))
    'a <mark class="council">&lt;i&gt;</mark> b'
    """
    classes = css or [""] * len(spans)
    out: list[str] = []
    pos = 0
    for (start, end), cls in sorted(zip(spans, classes, strict=True)):
        if start < pos or end <= start or end > len(text):
            continue
        attr = f' class="{escape(cls)}"' if cls else ""
        out.append(str(escape(text[pos:start])))
        out.append(f"<mark{attr}>{escape(text[start:end])}</mark>")
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def sentence_offset(body: str, sentence: str, start: int, end: int) -> int | None:
    """Where ``sentence`` starts in ``body`` so that it contains ``start:end``, or None.

    >>> sentence_offset("One. Two three.", "Two three.", 9, 14)
    5
    """
    at = body.rfind(sentence, 0, start + 1)
    if at != -1 and at + len(sentence) >= end:
        return at
    at = body.find(sentence)
    if at != -1 and at <= start and at + len(sentence) >= end:
        return at
    return None


def sentence_with_marks(
    body: str, sentence: str, spans: list[tuple[int, int]], anchor: tuple[int, int]
) -> Markup:
    """The sentence with the body spans (absolute offsets) that fall inside it marked.

    ``anchor`` is the fact's own span, used to place the sentence in the body.
    When it cannot be placed, the fact's words are looked up in the sentence.

    >>> str(sentence_with_marks("Hi. Camden saves.", "Camden saves.", [(4, 10)], (4, 10)))
    '<mark>Camden</mark> saves.'
    """
    at = sentence_offset(body, sentence, *anchor)
    if at is None:
        words = body[anchor[0] : anchor[1]]
        i = sentence.find(words) if words else -1
        return mark_spans(sentence, [(i, i + len(words))] if i >= 0 else [])
    inside = [(s - at, e - at) for s, e in spans if s >= at and e <= at + len(sentence)]
    return mark_spans(sentence, inside)


async def load_article(db: Any, article_id: int) -> dict | None:
    """The article row and its facts, as plain dicts."""
    rows = (await db.execute("select * from articles where id = ?", [article_id])).rows
    if not rows:
        return None
    article = dict(rows[0])

    async def query(sql: str) -> list[dict]:
        return [dict(r) for r in (await db.execute(sql, [article_id])).rows]

    article["councils"] = await query(
        """select m.*, c.nice_name as council, c.official_name from council_mentions m
           left join councils c on c.code = m.code where m.article_id = ? order by m.start"""
    )
    article["money"] = await query(
        "select * from money_mentions where article_id = ? order by start"
    )
    article["services"] = await query(
        """select sm.*, s.label from service_mentions sm left join services s on s.id = sm.service
           where sm.article_id = ? order by sm.start"""
    )
    article["arrangements"] = await query(
        """select ar.*,
             (select group_concat(c.nice_name || ' (' || ac.code || ')', ', ')
                from arrangement_councils ac left join councils c on c.code = ac.code
                where ac.arrangement_id = ar.id) as members,
             (select group_concat(ac.code || '=' || coalesce(c.nice_name, ac.code), '|')
                from arrangement_councils ac left join councils c on c.code = ac.code
                where ac.arrangement_id = ar.id) as member_pairs,
             (select group_concat(service, ', ') from arrangement_services s
                where s.arrangement_id = ar.id) as shared_services
           from arrangements ar where ar.article_id = ? order by ar.start"""
    )
    return article


def annotate(article: dict) -> dict:
    """Add the marked-up body and each fact's marked-up sentence to ``article``."""
    body = article["body"] or ""
    kinds = [("council", article["councils"]), ("money", article["money"])]
    kinds.append(("service", article["services"]))
    spans = [(f["start"], f["end"]) for _, facts in kinds for f in facts]
    css = [kind for kind, facts in kinds for _ in facts]
    article["body_html"] = mark_spans(body, spans, css)
    for _, facts in kinds:
        for fact in facts:
            fact["amount"] = format_gbp(fact.get("amount_gbp"))
            anchor = (fact["start"], fact["end"])
            fact["sentence_html"] = sentence_with_marks(body, fact["sentence"], [anchor], anchor)
    for arrangement in article["arrangements"]:
        arrangement["saving"] = format_gbp(arrangement["saving_gbp"])
        pairs = (arrangement.get("member_pairs") or "").split("|")
        arrangement["member_list"] = [tuple(p.split("=", 1)) for p in pairs if "=" in p]
        anchor = (arrangement["start"], arrangement["end"])
        inside = [
            (s, e) for s, e in spans if s >= anchor[0] and e <= anchor[1] and anchor[1] > anchor[0]
        ]
        arrangement["sentence_html"] = sentence_with_marks(
            body, arrangement["sentence"], inside, anchor
        )
    url = article.get("url") or ""
    article["safe_url"] = url if url.startswith(("http://", "https://")) else None
    return article


def _database(datasette: Any, request: Any) -> tuple[str, Any]:
    name = request.url_vars["database"]
    try:
        return name, datasette.get_database(name)
    except KeyError:
        raise NotFound(f"Database not found: {name}") from None


async def article_view(datasette: Any, request: Any) -> Response:
    """``/<database>/-/article/<id>``: the article with its facts highlighted."""
    database, db = _database(datasette, request)
    article_id = int(request.url_vars["id"])
    article = await load_article(db, article_id) if 0 < article_id <= MAX_ROWID else None
    if article is None:
        raise NotFound("Article not found")
    article["authors_list"] = json_list(article.get("authors")) or []
    return Response.html(
        await datasette.render_template(
            "councilwatch_article.html",
            {"database": database, "article": annotate(article)},
            request=request,
        )
    )


async def council_index(db: Any) -> CouncilIndex:
    rows = await db.execute(
        "select code, official_name, nice_name, end_date from councils order by code"
    )
    return CouncilIndex(tuple(row) for row in rows)


async def council_search(datasette: Any, request: Any) -> Response:
    """``/<database>/-/council?q=...``: to the council's page, or the list of candidates."""
    database, db = _database(datasette, request)
    query = (request.args.get("q") or "").strip()
    found = (await council_index(db)).find(query) if query else []
    if len(found) == 1:
        return Response.redirect(datasette.urls.path(f"/{database}/-/council/{found[0].code}"))
    return Response.html(
        await datasette.render_template(
            "councilwatch_councils.html",
            {"database": database, "query": query, "found": found},
            request=request,
        ),
        status=200,
    )


async def council_view(datasette: Any, request: Any) -> Response:
    """``/<database>/-/council/<code>``: everything councilwatch holds about one council."""
    database, db = _database(datasette, request)
    code = request.url_vars["code"]

    missing = await missing_objects(db)
    if missing:
        return Response.html(
            await datasette.render_template(
                "councilwatch_upgrade.html",
                {"database": database, "missing": missing, "metadata": datasette.metadata()},
                request=request,
            ),
            status=503,
        )
    data = await on_one_connection(
        db, lambda run: council_page_data(run, code), SECTION_TIME_LIMIT_MS
    )
    if data is None:
        if code.upper() != code and (await db.execute(COUNCIL_SQL, [code.upper()])).rows:
            return Response.redirect(datasette.urls.path(f"/{database}/-/council/{code.upper()}"))
        found = (await council_index(db)).find(code)
        if len(found) == 1:
            return Response.redirect(datasette.urls.path(f"/{database}/-/council/{found[0].code}"))
        raise NotFound(f"No council with the code {code}")
    for row in data["arrangements"]:
        row["saving"] = describe_saving(row["saving_gbp"], row["period"], row["years"])
        row["partner_bodies"] = json_list(row.get("partners")) or []
    describe_rows(data["contracts"], data["awards"])
    for role in data["money_by_role"]:
        for row in role["top"]:
            row["amount"] = describe_saving(row["amount_gbp"], row["period"], row["years"])
    feeds = {
        name: datasette.urls.path(f"/{database}/{name}.atom?" + urlencode({"council": code}))
        for name in ("new_articles", "new_arrangements", "new_savings")
    }
    label = f"Articles naming {data['council']['nice_name']} per month"
    context = {
        "database": database,
        "code": code,
        "feeds": feeds,
        "chart": month_chart(data["coverage"], label),
        "urls": datasette.urls,
        **data,
    }
    body = render_fragment("_councilwatch_council_body.html", context)
    return Response.html(
        await datasette.render_template(
            "councilwatch_council.html",
            {**context, "body": body, "metadata": datasette.metadata()},
            request=request,
        )
    )


@hookimpl
def register_routes() -> list:
    return [
        (r"^/(?P<database>[^/]+)/-/article/(?P<id>[0-9]+)$", article_view),
        (r"^/(?P<database>[^/]+)/-/council$", council_search),
        (r"^/(?P<database>[^/]+)/-/council/(?P<code>[^/]+)$", council_view),
    ]


#: Canned-query parameters that take a council, by name or by code.
COUNCIL_PARAMETERS = ("council", "council1", "council2")


@hookimpl
def prepare_connection(conn: Any) -> None:
    """``council_code(text)``: the code of the one council a name or code names, else NULL."""
    index = CouncilIndex.from_connection(conn)
    conn.create_function("council_code", 1, index.code_for, deterministic=True)


def council_notices(index: CouncilIndex, args: Any, database: str, base: str) -> list[Markup]:
    """One line per council parameter that names no council, or several."""
    notices = []
    for name in COUNCIL_PARAMETERS:
        value = (args.get(name) or "").strip()
        if not value:
            continue
        found = index.find(value)
        if not found:
            notices.append(
                Markup(
                    f"No council matches “{escape(value)}” ({escape(name)}): try its place name"
                    " (e.g. Camden) or its three-letter code (CMD)."
                )
            )
        elif len(found) > 1:
            links = ", ".join(
                f'<a href="{escape(base)}/-/council/{escape(c.code)}">{escape(c.label)}</a>'
                for c in found[:10]
            )
            notices.append(
                Markup(f"“{escape(value)}” fits {len(found)} councils; give one of: {links}.")
            )
    return notices


@hookimpl
def extra_template_vars(template: str, database: str | None, request: Any, datasette: Any) -> Any:
    if template != "query.html" or request is None or database not in datasette.databases:
        return {}
    if not any(request.args.get(name) for name in COUNCIL_PARAMETERS):
        return {}

    async def inner() -> dict:
        index = await council_index(datasette.get_database(database))
        base = datasette.urls.database(database)
        return {"cw_council_notices": council_notices(index, request.args, database, base)}

    return inner
