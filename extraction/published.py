"""The published (and modified) date of a page.

Precise structured dates come first: JSON-LD ``datePublished``, then the meta
tags (``article:published_time``, ``<meta itemprop="datePublished">``, ...),
then the article's own ``<time datetime>`` (one inside related items, comments
or embeds is not the article's). The day the page shows its readers is then
checked against that value: a UTC timestamp cut to its date gives the wrong day
for an article published in the evening in America or just after midnight in
Britain, so when the dateline shows the day before or after (and the time of
day makes the shift a time-zone one), the page's own day wins, and the value is
given in the page's own offset where the page says which it is. A page without
structured dates takes its written dateline, then the date in its URL, and last
htmldate's search of the whole page (on the same parsed tree).

>>> import lxml.html
>>> from councilwatch.extraction.values import meta_tags
>>> page = lxml.html.fromstring(
...     '<html><head><meta property="article:published_time" content="2019-11-19T04:31:13+00:00">'
...     '</head><body><h1>Audi reveals e-tron</h1><p class="byline">Chris Davies - Nov 18, 2019,'
...     ' 10:31 pm CST</p><p>Text.</p></body></html>')
>>> find_dates(page, None, meta_tags(page), title="Audi reveals e-tron").published
'2019-11-18T22:31:13-06:00'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from .datelines import Dateline, find_datelines
from .timestamps import date_from_url, normalise_date, parse_stamp

__all__ = ["PageDates", "find_dates"]

#: Meta tags holding the publication date, most precise first.
PUBLISHED_TAGS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article:published",
    "article.published",
    "og:pubdate",
    "pubdate",
    "pub_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "dc.date",
    "date",
    "publishdate",
    "publish-date",
    "published_at",
    "datecreated",
    "article.created",
    "article_date_original",
)
MODIFIED_TAGS = ("article:modified_time", "og:updated_time", "dcterms.modified", "datemodified")
# Ancestors whose content is not the article's own: related items, comments, embeds.
_EMBEDDED_TAGS = {"aside", "footer", "nav", "blockquote", "iframe", "figure", "figcaption", "form"}
_EMBEDDED_NAMES = re.compile(
    r"(?:^|[-_\s])(?:related|comments?|recommend\w*|sidebar|widget|teaser|promo|trending|popular"
    r"|more-?(?:posts|stories|news)|outbrain|taboola|newsletter|embed\w*|tweet|twitter"
    r"|list-of-entities|caption)(?:$|[-_\s])",
    re.I,
)
_SKIP_TEXT = {"script", "style", "noscript", "template", "svg", "button", "select"}
_MODIFIED_HINT = re.compile(r"modif|updat", re.I)
HEADLINE_TEXT = 600  # characters of text read after the headline for its dateline
BYLINE_TEXT = 200  # a byline or dateline is shorter than this
EXTENSIVE_SEARCH_ELEMENTS = (
    5_000  # htmldate reads all the text of pages up to this size (news: < 1,600)
)
_COUNT_ELEMENTS = etree.XPath("count(//*)")
_WORD = re.compile(r"\W+")
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PageDates:
    """The published and modified dates of a page, ISO 8601."""

    published: str | None
    modified: str | None


def _structured(
    first: Any, tags: dict[str, list[str]], keys: tuple[str, ...], times: list[str]
) -> str | None:
    """The first structured date of ``first`` (a JSON-LD value), the meta tags ``keys``
    and the ``<time datetime>`` values, in that order; a bare day gives way to a later
    value with the time of that same day."""
    values = (first, *(v for key in keys for v in tags.get(key, ())), *times)
    found = None
    for value in values:
        iso = normalise_date(value)
        if iso is None:
            continue
        if found is None:
            found = iso
        if len(found) > 10:
            return found
        if len(iso) > 10 and iso[:10] == found:
            return iso
    return found


def _named_embedded(element: HtmlElement) -> bool:
    """Whether the class or id of ``element`` names comments, related items, embeds."""
    name, ident = element.get("class"), element.get("id")
    return bool(
        (name and _EMBEDDED_NAMES.search(name)) or (ident and _EMBEDDED_NAMES.search(ident))
    )


def is_embedded(element: HtmlElement) -> bool:
    """Whether ``element`` sits in content that is not the article's own."""
    for ancestor in element.iterancestors():
        tag = ancestor.tag
        if tag in ("body", "html"):
            return False
        if tag in _EMBEDDED_TAGS or _named_embedded(ancestor):
            return True
    return False


@dataclass(frozen=True)
class _Time:
    element: HtmlElement
    value: str | None  # its datetime attribute, normalised
    modified: bool


def _article_times(tree: HtmlElement) -> list[_Time]:
    times = []
    for element in tree.iterfind(".//time"):
        if is_embedded(element):
            continue
        hint = " ".join((element.get("itemprop") or "", element.get("class") or ""))
        times.append(
            _Time(
                element, normalise_date(element.get("datetime")), bool(_MODIFIED_HINT.search(hint))
            )
        )
    return times


def _before(element: HtmlElement) -> str:
    """The text just before ``element`` ("Updated " in "Updated <time>...</time>")."""
    previous = element.getprevious()
    text = previous.tail if previous is not None else element.getparent().text
    return (text or "")[-24:]


def _headline(tree: HtmlElement, title: str | None) -> HtmlElement | None:
    """The page's headline: the ``<h1>`` that reads as the title."""
    key = _WORD.sub(" ", title or "").strip().casefold()
    if not key:
        return None
    for h1 in tree.iter("h1"):
        text = _WORD.sub(" ", h1.text_content()).strip().casefold()
        if text and (text in key or key in text or text[:30] == key[:30]):
            return h1
    return None


def _readable(element: HtmlElement) -> bool:
    """Whether the text of ``element`` can hold the article's dateline: not a script,
    a caption or an aside; a block named like comments or related items only when it
    is as short as a byline ("page_comments" themes put the date in)."""
    tag = element.tag
    if not isinstance(tag, str) or tag in _SKIP_TEXT or tag in _EMBEDDED_TAGS:
        return False
    if not _named_embedded(element):
        return True
    return len(element.text_content()) <= BYLINE_TEXT


def _collect(element: HtmlElement, out: list[str], budget: list[int]) -> None:
    if _readable(element):
        if element.text:
            out.append(element.text)
            budget[0] -= len(element.text)
        for child in element:
            if budget[0] <= 0:
                return
            _collect(child, out, budget)
    if element.tail:
        out.append(element.tail)
        budget[0] -= len(element.tail)


def _text_after(element: HtmlElement, limit: int = HEADLINE_TEXT) -> str:
    """About ``limit`` characters of the readable text after ``element``."""
    out: list[str] = []
    budget = [limit]
    if element.tail:
        out.append(element.tail)
        budget[0] -= len(element.tail)
    node: HtmlElement | None = element
    while node is not None and budget[0] > 0:
        for sibling in node.itersiblings():
            _collect(sibling, out, budget)
            if budget[0] <= 0:
                break
        node = node.getparent()
        if node is not None and node.tag == "body":
            break
    return " ".join(" ".join(out).split())


def _text_before(element: HtmlElement, limit: int = BYLINE_TEXT) -> str:
    """About ``limit`` characters of the readable text just before ``element`` in its
    header block (its own and its parent's earlier siblings): a dateline above the
    headline."""
    out: list[str] = []
    budget = [limit]
    node: HtmlElement | None = element
    for _ in range(2):
        if node is None or node.tag == "body":
            break
        for sibling in node.itersiblings(preceding=True):
            piece: list[str] = []
            _collect(sibling, piece, [limit])
            out[:0] = piece
            budget[0] -= sum(map(len, piece))
            if budget[0] <= 0:
                break
        node = node.getparent()
    return " ".join(" ".join(out).split())[-limit:]


def _datelines(
    tree: HtmlElement,
    times: list[_Time],
    title: str | None,
    day_first: bool,
    year_hint: int | None,
) -> list[Dateline]:
    """The dates the page writes for its readers about the article, in order: its
    ``<time>`` elements' text, then the text following the headline, then the text
    just above it."""
    lines: list[Dateline] = []
    for item in times:
        text = item.element.text_content().strip()
        if not text or len(text) > 200:
            continue
        found = find_datelines(
            _before(item.element) + text, day_first=day_first, year_hint=year_hint
        )
        lines.extend(replace(line, updated=True) if item.modified else line for line in found)
    headline = _headline(tree, title)
    if headline is not None:
        for text in (_text_after(headline), _text_before(headline)):
            lines.extend(find_datelines(text, day_first=day_first, year_hint=year_hint))
    return lines


def _utc(stamp: datetime) -> datetime:
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp


def _plausible_shift(stamp: datetime, day: date) -> bool:
    """Whether a time-zone offset (UTC-12 to UTC+14) can put ``stamp`` on ``day``."""
    minutes = stamp.hour * 60 + stamp.minute
    if day == stamp.date() - _DAY:
        return minutes < 12 * 60
    if day == stamp.date() + _DAY:
        return minutes >= 10 * 60
    return False


def _offset_zone(delta: timedelta) -> tzinfo | None:
    """A zone for a wall-clock difference that is a whole quarter hour within UTC-12..+14."""
    seconds = delta.total_seconds()
    quarters = round(seconds / 900)
    if abs(seconds - quarters * 900) > 90 or not -48 <= quarters <= 56:
        return None
    return timezone(timedelta(minutes=quarters * 15))


def _on_day(stamp: datetime, line: Dateline) -> str:
    """``stamp`` as the page writes it on ``line``'s day: in the dateline's zone (or the
    offset its time of day implies), else the day alone."""
    utc = _utc(stamp)
    local = line.local()
    if local is not None:
        shifted = utc.astimezone(local.tzinfo)
        return shifted.isoformat() if shifted.date() == line.day else local.isoformat()
    if line.time is not None:
        wall = datetime.combine(line.day, time(*line.time))
        zone = _offset_zone(wall - utc.astimezone(UTC).replace(tzinfo=None))
        if zone is not None:
            return utc.astimezone(zone).isoformat()
    return line.day.isoformat()


def _closest(line: Dateline, day: date) -> Dateline:
    """The reading of ``line`` nearest ``day``: day and month swapped when ambiguous, the
    year before or after when the page wrote none ("Dec 31" beside a 1 January value)."""
    readings = [line]
    if (other := line.swapped()) is not None:
        readings.append(other)
    if not line.year_given:
        for year in (day.year - 1, day.year + 1):
            try:
                readings.append(replace(line, day=line.day.replace(year=year)))
            except ValueError:  # 29 February
                pass
    return min(readings, key=lambda reading: abs(reading.day - day))


def _stamps(tags: dict[str, list[str]], times: list[_Time]) -> list[datetime]:
    values = [
        v for key, vs in tags.items() if "date" in key or "time" in key or "pub" in key for v in vs
    ]
    stamps = []
    for value in values + [t.value for t in times if t.value]:
        iso = normalise_date(value)
        if iso and len(iso) > 10:
            stamps.append(parse_stamp(iso))
    return stamps


def _local_rendering(stamp: datetime, stamps: list[datetime]) -> datetime | None:
    """``stamp`` as another value of the page writes it in local time (same minutes and
    seconds, a time-zone offset apart), expressed in that offset."""
    if stamp.minute == 0 and stamp.second == 0:
        return None
    wall = stamp.replace(tzinfo=None)
    for other in stamps:
        if (other.minute, other.second) != (stamp.minute, stamp.second):
            continue
        delta = other.replace(tzinfo=None) - wall
        if delta and (zone := _offset_zone(delta)) is not None:
            return stamp.astimezone(zone)
    return None


def _page_zone(lines: list[Dateline], stamps: list[datetime]) -> tzinfo | None:
    """The zone the page writes its times in: a dateline's label, else the offset of
    another of its timestamps."""
    for line in lines:
        local = line.local()
        if local is not None:
            return local.tzinfo
    for other in stamps:
        if other.tzinfo is not None and other.utcoffset():
            return other.tzinfo
    return None


def _reconcile(iso: str, lines: list[Dateline], stamps: list[datetime], url: str | None) -> str:
    """The structured date ``iso``, or the page's own day when its dateline shows
    another one a time-zone shift away."""
    stamp = parse_stamp(iso)
    if not isinstance(stamp, datetime):
        return iso
    day = stamp.date()
    shown = [_closest(line, day) for line in lines if not line.updated]
    if any(line.day == day for line in shown):
        return iso
    offset = stamp.utcoffset()
    if shown and abs(shown[0].day - day) == _DAY:
        dateline = shown[0]
        if offset is None or not offset:
            if _plausible_shift(stamp, dateline.day):
                return _on_day(stamp, dateline)
        elif dateline.time is not None and dateline.time[1] == stamp.minute:
            return _on_day(stamp, dateline)  # the value's own offset is wrong
    if offset is None or offset:
        return iso  # naive: its zone is unknown; or already in the page's own offset
    local = _local_rendering(stamp, stamps)
    if local is not None and local.date() != day:
        return local.isoformat()
    zone = _page_zone(lines, stamps)
    if zone is not None:
        shifted = stamp.astimezone(zone)
        return shifted.isoformat() if shifted.date() != day else iso
    url_day = date_from_url(url)
    if url_day and not shown:
        url_date = date.fromisoformat(url_day)
        if _plausible_shift(stamp, url_date):
            return url_day
    return iso


def _htmldate(tree: HtmlElement, url: str | None) -> str | None:
    """htmldate's search of the whole page, on the already parsed tree."""
    from htmldate import find_date

    # Its extensive search reads every text of the page: on a very large page only its
    # markup and pattern search (seconds rather than minutes on a 2 MB page of text).
    extensive = _COUNT_ELEMENTS(tree) <= EXTENSIVE_SEARCH_ELEMENTS
    try:
        found = find_date(tree, extensive_search=extensive, original_date=True, url=url)
    except Exception:  # a fallback must never take the extraction down
        return None
    return normalise_date(found)


def find_dates(
    tree: HtmlElement,
    url: str | None,
    tags: dict[str, list[str]],
    *,
    json_ld_published: Any = None,
    json_ld_modified: Any = None,
    title: str | None = None,
    language: str | None = None,
) -> PageDates:
    """The published and modified dates of a parsed page.

    ``tags`` are the page's meta tags (:func:`.values.meta_tags`); ``json_ld_*`` the values of its
    JSON-LD article; ``title`` finds the headline, under which the dateline is read;
    ``language`` ("en-US") tells whether "05/10/2018" is day first.
    """
    times = _article_times(tree)
    structured = _structured(
        json_ld_published,
        tags,
        PUBLISHED_TAGS,
        [t.value for t in times if t.value and not t.modified],
    )
    modified = _structured(
        json_ld_modified, tags, MODIFIED_TAGS, [t.value for t in times if t.value and t.modified]
    )
    url_day = date_from_url(url)
    year = structured or url_day
    day_first = not (language or "").lower().startswith("en-us")
    lines = _datelines(tree, times, title, day_first, int(year[:4]) if year else None)
    if structured:
        return PageDates(_reconcile(structured, lines, _stamps(tags, times), url), modified)
    shown = next((line for line in lines if not line.updated and line.year_given), None)
    published = (shown.iso() if shown else None) or url_day or _htmldate(tree, url)
    return PageDates(published, modified)
