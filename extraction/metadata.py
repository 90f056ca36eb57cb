"""Article metadata from a parsed page: JSON-LD, OpenGraph, meta tags, <time>, URL.

Sources in order of trust: JSON-LD (NewsArticle and friends, also inside
``@graph`` and lists, with ``@id`` references resolved) -> OpenGraph and
``article:*`` -> other meta (author, parsely-*, sailthru.*, dc.*) -> ``<time
datetime>`` -> a date in the URL path.

>>> import lxml.html
>>> tree = lxml.html.fromstring(
...     '<html lang="en-GB"><head><meta property="og:title" content="Councils share IT | Example"/>'
...     '<meta property="og:site_name" content="Example"/></head><body><p>x</p></body></html>')
>>> meta = extract_metadata(tree, "https://example.org/2015/11/02/councils/")
>>> meta.title, meta.published, meta.language
('Councils share IT', '2015-11-02', 'en-GB')
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "blogposting",
    "liveblogposting",
    "techarticle",
    "report",
    "scholarlyarticle",
    "socialmediaposting",
}
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$|[-_])")
_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?"
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?\s*$")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
_SPACE = re.compile(r"\s+")


@dataclass
class Metadata:
    """Metadata fields of one page (the Article fields minus url and body)."""

    title: str | None = None
    standfirst: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    language: str | None = None
    site_name: str | None = None
    json_ld_body: str | None = None
    #: "article" when the page says it is one (JSON-LD article type or og:type article),
    #: else the og:type it declares ("website", "profile", ...), else None (unknown).
    page_type: str | None = None


def clean_text(value: Any) -> str | None:
    """Unescape entities, collapse whitespace; None for empty/non-strings.

    >>> clean_text("  Caf&eacute;\\n  news ")
    'Café news'
    """
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    text = _SPACE.sub(" ", html.unescape(value)).strip()
    return text or None


# ---------------------------------------------------------------- dates


def normalise_date(value: Any) -> str | None:
    """ISO 8601 string for a date value; keeps the source's zone, invents none.

    >>> normalise_date("2019-11-18T18:54:53Z")
    '2019-11-18T18:54:53+00:00'
    >>> normalise_date("2015-11-02"), normalise_date("2015-11-02 09:30")
    ('2015-11-02', '2015-11-02T09:30:00')
    >>> normalise_date("Mon, 18 Nov 2019 10:00:00 +0000")
    '2019-11-18T10:00:00+00:00'
    """
    text = clean_text(value)
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            if hour is None:
                return date(int(year), int(month), int(day)).isoformat()
            stamp = f"{year}-{month}-{day}T{int(hour):02d}:{minute}:{second or '00'}"
            if zone:
                zone = "+00:00" if zone == "Z" else zone
                if len(zone) == 3:
                    zone += ":00"
                elif ":" not in zone:
                    zone = f"{zone[:3]}:{zone[3:]}"
                stamp += zone
            return datetime.fromisoformat(stamp).isoformat()
        except ValueError:
            return None
    match = _COMPACT.match(text)
    if match:
        year, month, day, hour, minute, second = match.groups()
        try:
            if hour is None:
                return date(int(year), int(month), int(day)).isoformat()
            return datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
            ).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def date_from_url(url: str | None) -> str | None:
    """A /YYYY/MM/DD/ date in a URL path.

    >>> date_from_url("https://www.theregister.com/2023/06/09/boade/")
    '2023-06-09'
    """
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------- JSON-LD


def _load_json(text: str) -> Any:
    text = text.strip()
    if text.startswith("<!--"):
        text = text[4:]
    if text.endswith("-->"):
        text = text[:-3]
    text = text.strip().rstrip(";")
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:  # trailing commas are a common hand-written mistake
        return json.loads(re.sub(r",\s*([}\]])", r"\1", text), strict=False)
    except ValueError:
        return None


def _walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _types(node: dict) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def json_ld_objects(tree: HtmlElement) -> list[dict]:
    """Every JSON object found in the page's ld+json scripts, depth first."""
    objects: list[dict] = []
    for script in tree.iterfind(".//script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _load_json(script.text or "")
        if data is not None:
            objects.extend(_walk(data))
    return objects


def _is_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//|^www\.", text))


def _names(value: Any, index: dict[str, dict]) -> list[str]:
    """Person names from a JSON-LD author value (string, object, @id, list)."""
    if isinstance(value, list):
        return [name for item in value for name in _names(item, index)]
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str):
            value = index.get(value["@id"], value)
        name = value.get("name")
        return _names(name, index) if name is not None else []
    text = clean_text(value)
    return [text] if text else []


def _keywords(value: Any) -> list[str]:
    if isinstance(value, list):
        return [k for item in value for k in _keywords(item)]
    text = clean_text(value)
    return [k.strip() for k in text.split(",") if k.strip()] if text else []


def _from_json_ld(objects: list[dict], meta: dict[str, Any]) -> None:
    # Index full nodes only: a bare {"@id": ...} reference must not shadow its target.
    index = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str) and len(o) > 1}
    articles = [o for o in objects if _types(o) & ARTICLE_TYPES]
    if not articles:
        return
    meta["page_type"] = "article"
    # Prefer the richest article object (the page's own, not a teaser in a list).
    best = max(articles, key=lambda o: ("headline" in o, "datePublished" in o, len(o)))
    meta["title"] = clean_text(best.get("headline")) or clean_text(best.get("name"))
    meta["standfirst"] = clean_text(best.get("description"))
    meta["authors"] = _names(best.get("author"), index) or _names(best.get("creator"), index)
    meta["published"] = normalise_date(best.get("datePublished") or best.get("dateCreated"))
    meta["modified"] = normalise_date(best.get("dateModified"))
    section = best.get("articleSection")
    meta["section"] = clean_text(section)
    meta["tags"] = _keywords(best.get("keywords"))
    language = best.get("inLanguage")
    meta["language"] = clean_text(language if isinstance(language, str) else None)
    url = best.get("url")
    entity = best.get("mainEntityOfPage")
    if not isinstance(url, str) and isinstance(entity, dict):
        url = entity.get("@id") or entity.get("url")
    elif not isinstance(url, str) and isinstance(entity, str):
        url = entity
    meta["url"] = url if isinstance(url, str) and _is_url(url) else None
    body = best.get("articleBody")
    if isinstance(body, str) and body.strip():
        meta["body"] = html.unescape(body).strip()


# ---------------------------------------------------------------- meta tags


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for element in tree.iterfind(".//meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        key = key or element.get("http-equiv")
        content = element.get("content")
        if key and content is not None and content.strip():
            tags.setdefault(key.strip().lower(), []).append(content)
    return tags


def _first(tags: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in tags.get(key, []):
            text = clean_text(value)
            if text:
                return text
    return None


def _all(tags: dict[str, list[str]], *keys: str) -> list[str]:
    return [text for key in keys for value in tags.get(key, []) if (text := clean_text(value))]


def _dedupe_names(names: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        name = re.sub(r"^(?:by|from)\s+", "", name.strip(), flags=re.I).strip(" ,;")
        key = name.casefold()
        if not name or _is_url(name) or key in seen or len(name) > 80:
            continue
        seen.add(key)
        result.append(name)
    return result


def _split_authors(values: list[str]) -> list[str]:
    names = []
    for value in values:
        names.extend(p for p in re.split(r"\s*(?:,|;|\band\b|&)\s*", value) if p)
    return names


def strip_site_suffix(title: str, site_name: str | None) -> str:
    """Remove a " | Site name" style suffix (or prefix) from a title.

    >>> strip_site_suffix("Aintree sticks with System C | Digital Health", "Digital Health")
    'Aintree sticks with System C'
    >>> strip_site_suffix("Councils share IT - News - Example", None)
    'Councils share IT - News - Example'
    >>> strip_site_suffix("Councils share IT services across London | UKAuthority", None)
    'Councils share IT services across London'
    """
    if site_name:
        site = site_name.casefold()
        for sep in _TITLE_SEPARATORS:
            if title.casefold().endswith(sep + site):
                return title[: -len(sep + site)].strip()
            if title.casefold().startswith(site + sep):
                return title[len(site + sep) :].strip()
    # Without a known site name only strip a short trailing " | X" segment.
    head, sep, tail = title.rpartition(" | ")
    if sep and head and len(tail) <= 30 and len(tail) < len(head) / 2:
        return head.strip()
    return title


def _language(tree: HtmlElement, tags: dict[str, list[str]]) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        html_el = tree if tree.tag == "html" else next(iter(tree.xpath("/html")), None)
        lang = html_el.get("lang") if html_el is not None else None
    lang = lang or _first(tags, "og:locale", "content-language", "language", "dc.language")
    if not lang:
        return None
    lang = lang.strip().split(",")[0].strip().replace("_", "-")
    return lang or None


def _time_element(tree: HtmlElement) -> tuple[str | None, str | None]:
    published = modified = None
    for element in tree.iterfind(".//time"):
        value = element.get("datetime")
        if not value:
            continue
        hint = " ".join(
            (
                element.get("itemprop") or "",
                element.get("class") or "",
                element.get("pubdate") or "",
            )
        ).lower()
        if "modif" in hint or "updat" in hint:
            modified = modified or normalise_date(value)
        elif published is None:
            published = normalise_date(value)
    return published, modified


def extract_metadata(tree: HtmlElement, url: str | None = None) -> Metadata:
    """Metadata of a parsed page. ``url`` resolves relative links and gives a last-resort date."""
    ld: dict[str, Any] = {}
    _from_json_ld(json_ld_objects(tree), ld)
    tags = _meta_tags(tree)
    site_name = _first(tags, "og:site_name", "application-name", "twitter:site")

    title = ld.get("title") or _first(
        tags, "og:title", "parsely-title", "sailthru.title", "twitter:title", "dc.title"
    )
    if not title:
        element = tree.find(".//title")
        title = clean_text(element.text_content()) if element is not None else None
    if not title:
        h1 = tree.find(".//h1")
        title = clean_text(h1.text_content()) if h1 is not None else None
    if title:
        title = strip_site_suffix(title, site_name)

    authors = ld.get("authors") or []
    if not authors:
        authors = _split_authors(
            _all(tags, "author", "parsely-author", "sailthru.author", "dc.creator", "byl")
        )
        authors += [a for a in _all(tags, "article:author") if not _is_url(a)]
    if not authors:
        authors = [
            t
            for e in tree.xpath('//*[@rel="author" or @itemprop="author"]')
            if (t := clean_text(e.text_content()))
        ][:5]

    time_published, time_modified = _time_element(tree)
    published = (
        ld.get("published")
        or normalise_date(
            _first(
                tags,
                "article:published_time",
                "og:article:published_time",
                "parsely-pub-date",
                "sailthru.date",
                "dc.date.issued",
                "dcterms.created",
                "dc.date",
                "date",
                "pubdate",
                "publishdate",
                "article.published",
            )
        )
        or time_published
        or date_from_url(url)
    )
    modified = (
        ld.get("modified")
        or normalise_date(
            _first(tags, "article:modified_time", "og:updated_time", "dcterms.modified")
        )
        or time_modified
    )

    candidates = [
        link.get("href")
        for link in tree.iterfind(".//link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates += [_first(tags, "og:url"), ld.get("url")]
    canonical = None
    for candidate in candidates:
        candidate = (candidate or "").strip()
        candidate = urljoin(url, candidate) if url and candidate else candidate
        if re.match(r"^https?://[^/\s]+", candidate):
            canonical = candidate
            break

    tags_list = ld.get("tags") or _all(tags, "article:tag")
    if not tags_list:
        tags_list = _keywords(
            _all(tags, "parsely-tags", "sailthru.tags", "news_keywords", "keywords")[:1]
        )
    seen: set[str] = set()
    tags_list = [t for t in tags_list if not (t.casefold() in seen or seen.add(t.casefold()))]

    return Metadata(
        title=title,
        standfirst=ld.get("standfirst")
        or _first(tags, "og:description", "description", "twitter:description", "dc.description"),
        authors=_dedupe_names(authors),
        published=published,
        modified=modified,
        section=ld.get("section")
        or _first(tags, "article:section", "parsely-section", "section", "category"),
        tags=tags_list,
        canonical_url=canonical,
        language=_language(tree, tags) or ld.get("language"),
        site_name=site_name,
        json_ld_body=ld.get("body"),
        page_type=ld.get("page_type") or (_first(tags, "og:type") or "").lower() or None,
    )
