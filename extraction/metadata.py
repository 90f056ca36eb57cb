"""Article metadata from a parsed page: JSON-LD, OpenGraph, meta tags.

Sources in order of trust: JSON-LD (NewsArticle and friends, also inside
``@graph`` and lists, with ``@id`` references resolved; read leniently by
:mod:`.json_ld`) -> OpenGraph and ``article:*`` -> other meta (author,
parsely-*, sailthru.*, dc.*). The dates are chosen by :mod:`.published`.

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
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from .json_ld import json_ld_objects
from .published import find_dates
from .values import clean_text, meta_tags

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
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")


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


# ---------------------------------------------------------------- JSON-LD


def _types(node: dict) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


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
    meta["published"] = best.get("datePublished") or best.get("dateCreated")
    meta["modified"] = best.get("dateModified")
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


def extract_metadata(tree: HtmlElement, url: str | None = None) -> Metadata:
    """Metadata of a parsed page. ``url`` resolves relative links and gives a last-resort date."""
    ld: dict[str, Any] = {}
    _from_json_ld(json_ld_objects(tree), ld)
    tags = meta_tags(tree)
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

    language = _language(tree, tags) or ld.get("language")
    dates = find_dates(
        tree,
        url,
        tags,
        json_ld_published=ld.get("published"),
        json_ld_modified=ld.get("modified"),
        title=title,
        language=language,
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
        published=dates.published,
        modified=dates.modified,
        section=ld.get("section")
        or _first(tags, "article:section", "parsely-section", "section", "category"),
        tags=tags_list,
        canonical_url=canonical,
        language=language,
        site_name=site_name,
        json_ld_body=ld.get("body"),
        page_type=ld.get("page_type") or (_first(tags, "og:type") or "").lower() or None,
    )
