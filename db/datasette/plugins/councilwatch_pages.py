"""councilwatch's Datasette plugin: the article view and money formatting.

Loaded by Datasette from ``--plugins-dir db/datasette/plugins``. Adds:

- ``/<database>/-/article/<id>``: an article's text with every extracted fact
  highlighted (``<mark>``), each fact beside the sentence it came from, and a link
  to the original URL. All scraped text is escaped.
- ``render_cell``: amounts in pounds (``amount_gbp``, ``saving_gbp``) shown as
  ``£4,000,000``; ``article_id`` in views and queries links to the article view;
  an article's title links to its article view.

>>> str(mark_spans("Camden <b>", [(0, 6)]))
'<mark>Camden</mark> &lt;b&gt;'
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

#: Columns holding pounds sterling.
MONEY_COLUMNS = {"amount_gbp", "saving_gbp", "largest_saving_gbp"}
#: Tables whose ``article_id`` is a foreign key Datasette already labels and links.
FK_TABLES = {
    "council_mentions",
    "money_mentions",
    "service_mentions",
    "arrangements",
    "article_aliases",
    "raw_pages",
}


def format_gbp(value: Any) -> str | None:
    """``£`` and thousands separators; None when ``value`` is not a number.

    >>> format_gbp(4000000.0), format_gbp(1250.5), format_gbp("x")
    ('£4,000,000', '£1,250.50', None)
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if float(value).is_integer():
        return f"£{int(value):,}"
    return f"£{value:,.2f}"


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


async def article_view(datasette: Any, request: Any) -> Response:
    """``/<database>/-/article/<id>``: the article with its facts highlighted."""
    database = request.url_vars["database"]
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise NotFound(f"Database not found: {database}") from None
    article = await load_article(db, int(request.url_vars["id"]))
    if article is None:
        raise NotFound("Article not found")
    return Response.html(
        await datasette.render_template(
            "councilwatch_article.html",
            {"database": database, "article": annotate(article)},
            request=request,
        )
    )


@hookimpl
def register_routes() -> list:
    return [(r"^/(?P<database>[^/]+)/-/article/(?P<id>[0-9]+)$", article_view)]


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | str | None:
    if column in MONEY_COLUMNS:
        return format_gbp(value)
    if column == "article_id" and table not in FK_TABLES and isinstance(value, int):
        href = datasette.urls.path(f"/{database}/-/article/{value}")
        return Markup(f'<a href="{escape(href)}">{value}</a>')
    if table == "articles" and column == "title" and "id" in row.keys():
        href = datasette.urls.path(f"/{database}/-/article/{row['id']}")
        return Markup(f'<a href="{escape(href)}">{escape(value or "(untitled)")}</a>')
    return None
