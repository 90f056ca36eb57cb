"""Render the sample site's pages, feed and sitemaps from article data.

Rendering uses :class:`string.Template` files from ``templates/`` and escapes every piece
of text itself. It takes any list of article dicts (see :mod:`.data`), so generated
articles can be rendered next to the shipped ones.

>>> renderer = SiteRenderer("http://127.0.0.1:8000", sample_articles())
>>> any(article_path(a).startswith("/news/2015/11/02/") for a in renderer.articles)
True
>>> b"Page not found" in render_not_found("http://127.0.0.1:8000", "/nope/")
True
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from email.utils import format_datetime
from functools import cache
from importlib import resources
from itertools import islice
from string import Template
from typing import Any

from .data import SampleArticle, block_text, block_type, parse_datetime, sample_articles
from .generate import complete_article

Page = tuple[str, bytes]

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
}
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Real feeds list the latest stories only.
FEED_SIZE = 50
#: Google News sitemaps hold at most 1000 URLs.
NEWS_SITEMAP_SIZE = 1000
AD_AFTER_PARAGRAPH = 2
RELATED_AFTER_PARAGRAPH = 3


def esc(text: object) -> str:
    """Escape text for HTML or XML content and attribute values.

    >>> esc('H&F <"tri-borough">')
    'H&amp;F &lt;&quot;tri-borough&quot;&gt;'
    """
    return html.escape(str(text), quote=True)


def json_for_script(data: Any) -> str:
    """Serialise JSON for a ``<script>`` element: ``<``, ``>`` and ``&`` become escapes.

    >>> json_for_script({"headline": "</script>"})
    '{"headline": "\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, indent=None)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def slugify(text: str) -> str:
    """A URL slug: lower case, runs of other characters become one hyphen.

    >>> slugify("Skills & training")
    'skills-training'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@cache
def template(name: str) -> Template:
    """A template file from ``templates/``."""
    folder = resources.files("councilwatch.sample_site") / "templates"
    return Template((folder / name).read_text(encoding="utf-8"))


@cache
def site_config() -> dict[str, Any]:
    """The site's settings and chrome data (``templates/site.json``)."""
    folder = resources.files("councilwatch.sample_site") / "templates"
    return json.loads((folder / "site.json").read_text(encoding="utf-8"))


def article_path(article: SampleArticle) -> str:
    """The URL path of an article: ``/news/YYYY/MM/DD/<slug>/`` (local publication date).

    >>> article_path({"slug": "x", "published": "2015-11-02T12:41:00+00:00"})
    '/news/2015/11/02/x/'
    """
    day = parse_datetime(article["published"])
    return f"/news/{day:%Y/%m/%d}/{article['slug']}/"


def section_label(section: str) -> str:
    """The display name of a section slug."""
    return site_config()["sections"].get(section, section.replace("-", " ").title())


def display_date(value: str) -> str:
    """A human-readable date such as ``2 November 2015, 12:41``."""
    moment = parse_datetime(value)
    return f"{moment.day} {moment:%B %Y, %H:%M}"


def page_path(prefix: str, number: int) -> str:
    """Path of page ``number`` of a listing at ``prefix`` (page 1 is the prefix itself)."""
    return prefix if number == 1 else f"{prefix}page/{number}/"


class SiteRenderer:
    """Renders every page of the site for one base URL and one list of articles.

    >>> r = SiteRenderer("http://127.0.0.1:8000/", sample_articles())
    >>> r.base_url
    'http://127.0.0.1:8000'
    """

    def __init__(self, base_url: str, articles: Sequence[SampleArticle]) -> None:
        self.base_url = base_url.rstrip("/")
        self.articles = list(articles)
        self.config = site_config()
        self.per_page = int(self.config["per_page"])
        self.year = max((a["published"][:4] for a in self.articles), default="2015")
        self.latest_modified = max(
            (parse_datetime(a["modified"]) for a in self.articles), default=None
        )
        self.by_section: dict[str, list[int]] = {}
        for index, article in enumerate(self.articles):
            self.by_section.setdefault(article["section"], []).append(index)

    # -- shared chrome -------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + path

    def layout(
        self,
        *,
        title: str,
        description: str,
        path: str,
        main: str,
        head_extra: str = "",
        body_class: str = "",
    ) -> bytes:
        nav = "\n".join(
            f'      <li><a href="{esc(self.url(f"/section/{slug}/"))}">{esc(label)}</a></li>'
            for slug, label in self.config["sections"].items()
        )
        page = template("base.html").substitute(
            language=esc(self.config["language"]),
            page_title=esc(title),
            description=esc(description),
            canonical=esc(self.url(path)),
            base_url=esc(self.base_url),
            site_name=esc(self.config["name"]),
            tagline=esc(self.config["tagline"]),
            head_extra=head_extra,
            body_class=esc(body_class),
            nav_items=nav,
            main=main,
            year=self.year,
        )
        return page.encode("utf-8")

    # -- articles ------------------------------------------------------------------------

    def author_link(self, name: str) -> str:
        href = self.url(f"/author/{slugify(name)}/")
        return f'<a rel="author" class="author" href="{esc(href)}">{esc(name)}</a>'

    def related_for(self, index: int) -> list[SampleArticle]:
        """Up to three other articles, same section first (newest first), then any other."""
        article = self.articles[index]
        same_section = (i for i in self.by_section[article["section"]] if i != index)
        related = [self.articles[i] for i in islice(same_section, 3)]  # not the whole section
        for other_article in self.articles:
            if len(related) >= 3:
                break
            if other_article["section"] != article["section"]:
                related.append(other_article)
        return related

    def render_body(self, article: SampleArticle, inline_related: SampleArticle | None) -> str:
        parts: list[str] = []
        paragraphs = 0
        for block in article.get("body") or []:
            kind = block_type(block)
            if kind == "subheading":
                parts.append(f"    <h2>{esc(block_text(block))}</h2>")
            elif kind == "figure":
                caption = esc(block.get("caption", "")) if isinstance(block, dict) else ""
                parts.append(
                    '    <figure class="inline-image">'
                    f'<img src="{esc(self.url("/static/placeholder.svg"))}" alt="{caption}">'
                    f"<figcaption>{caption}</figcaption></figure>"
                )
            else:
                parts.append(f"    <p>{esc(block_text(block))}</p>")
                paragraphs += 1
                if paragraphs == AD_AFTER_PARAGRAPH:
                    parts.append(
                        '    <div class="ad-slot" data-ad-unit="mpu-1">'
                        "<span>Advertisement</span></div>"
                    )
                if paragraphs == RELATED_AFTER_PARAGRAPH and inline_related is not None:
                    parts.append(self.inline_related(inline_related))
        if paragraphs < RELATED_AFTER_PARAGRAPH and inline_related is not None:
            parts.append(self.inline_related(inline_related))
        return "\n".join(parts)

    def inline_related(self, other: SampleArticle) -> str:
        href = esc(self.url(article_path(other)))
        return (
            f'    <aside class="inline-related"><strong>Related:</strong> '
            f'<a href="{href}">{esc(other["title"])}</a></aside>'
        )

    def article_head(self, article: SampleArticle, url: str) -> str:
        label = section_label(article["section"])
        authors = [
            {"@type": "Person", "name": name, "url": self.url(f"/author/{slugify(name)}/")}
            for name in article["authors"]
        ]
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article["title"],
            "description": article["standfirst"],
            "datePublished": article["published"],
            "dateModified": article["modified"],
            "author": authors,
            "publisher": {
                "@type": "Organization",
                "name": self.config["name"],
                "url": self.url("/"),
                "logo": {"@type": "ImageObject", "url": self.url("/static/logo.svg")},
            },
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "articleSection": label,
            "keywords": article.get("tags", []),
            "inLanguage": self.config["language"],
            "image": self.url("/static/placeholder.svg"),
        }
        meta = [
            ("property", "og:site_name", self.config["name"]),
            ("property", "og:type", "article"),
            ("property", "og:title", article["title"]),
            ("property", "og:description", article["standfirst"]),
            ("property", "og:url", url),
            ("property", "og:image", self.url("/static/placeholder.svg")),
            ("property", "article:published_time", article["published"]),
            ("property", "article:modified_time", article["modified"]),
            *(("property", "article:author", name) for name in article["authors"]),
            ("property", "article:section", label),
            *(("property", "article:tag", tag) for tag in article.get("tags", [])),
            ("name", "author", ", ".join(article["authors"])),
            ("name", "twitter:card", "summary_large_image"),
        ]
        lines = [f'<meta {attr}="{esc(key)}" content="{esc(value)}">' for attr, key, value in meta]
        lines.append(f'<script type="application/ld+json">{json_for_script(ld)}</script>')
        return "\n".join(lines)

    def comments_for(self, index: int, article: SampleArticle) -> list[dict[str, str]]:
        if "comments" in article:
            return list(article["comments"])
        pool = self.config["comments"]
        picks = [pool[index % len(pool)], pool[(index + 3) % len(pool)]]
        return [dict(c, date=article["published"]) for c in picks]

    def render_article(self, index: int) -> bytes:
        article = complete_article(self.articles[index])
        path = article_path(article)
        url = self.url(path)
        label = section_label(article["section"])
        related = self.related_for(index)
        inline = self.articles[(index + 1) % len(self.articles)] if len(self.articles) > 1 else None
        modified_html = ""
        if article["modified"] != article["published"]:
            modified_html = (
                f' <span class="updated">Updated <time class="modified" '
                f'datetime="{esc(article["modified"])}">{esc(display_date(article["modified"]))}'
                "</time></span>"
            )
        lead = ""
        if article.get("image"):
            image = article["image"]
            lead = (
                '  <figure class="lead-image">'
                f'<img src="{esc(self.url("/static/placeholder.svg"))}" '
                f'alt="{esc(image.get("alt", ""))}">'
                f"<figcaption>{esc(image.get('caption', ''))}</figcaption></figure>"
            )
        source_note = ""
        if article.get("source_note"):
            source_note = f'  <p class="source-note">{esc(article["source_note"])}</p>'
        tags = "\n".join(
            f'      <li><a rel="tag" href="{esc(self.url(f"/tag/{slugify(t)}/"))}">{esc(t)}</a></li>'
            for t in article.get("tags", [])
        )
        bios = "\n".join(
            f'    <section class="author-bio"><h2>About {esc(name)}</h2>'
            f"<p>{esc(self.config['author_bios'].get(name, ''))}</p></section>"
            for name in article["authors"]
        )
        related_items = "\n".join(
            f'    <li><a href="{esc(self.url(article_path(a)))}">{esc(a["title"])}</a> '
            f'<time datetime="{esc(a["published"])}">{esc(display_date(a["published"]))}</time></li>'
            for a in related
        )
        comments = self.comments_for(index, article)
        comment_items = "\n".join(
            f'    <li class="comment" id="comment-{n}">'
            f'<p class="comment-author">{esc(c["author"])}</p>'
            f'<time datetime="{esc(c.get("date", article["published"]))}">'
            f"{esc(display_date(c.get('date', article['published'])))}</time>"
            f'<div class="comment-text"><p>{esc(c["text"])}</p></div></li>'
            for n, c in enumerate(comments, 1)
        )
        main = template("article.html").substitute(
            base_url=esc(self.base_url),
            slug=esc(article["slug"]),
            section_url=esc(self.url(f"/section/{article['section']}/")),
            section_label=esc(label),
            title=esc(article["title"]),
            standfirst=esc(article["standfirst"]),
            author_links=" and ".join(self.author_link(n) for n in article["authors"]),
            published=esc(article["published"]),
            published_display=esc(display_date(article["published"])),
            modified_html=modified_html,
            comment_count=len(comments),
            lead_figure=lead,
            body=self.render_body(article, inline),
            source_note=source_note,
            tag_items=tags,
            author_bios=bios,
            related_items=related_items,
            comment_items=comment_items,
        )
        return self.layout(
            title=f"{article['title']} | {self.config['name']}",
            description=article["standfirst"],
            path=path,
            main=main,
            head_extra=self.article_head(article, url),
            body_class="single-article",
        )

    # -- listings ------------------------------------------------------------------------

    def page_count(self, article_count: int) -> int:
        """How many pages a listing of ``article_count`` articles has (at least one)."""
        return max(1, math.ceil(article_count / self.per_page))

    def render_listing_page(
        self,
        prefix: str,
        heading: str,
        articles: Sequence[SampleArticle],
        crumbs: list[tuple[str, str]],
        number: int,
    ) -> bytes:
        """Page ``number`` (from 1) of the listing of ``articles`` at ``prefix``."""
        count = self.page_count(len(articles))
        chunk = articles[(number - 1) * self.per_page : number * self.per_page]
        path = page_path(prefix, number)
        teasers = "\n".join(self.teaser(a) for a in chunk)
        links, head = [], []
        if number > 1:
            prev_url = esc(self.url(page_path(prefix, number - 1)))
            links.append(f'    <a rel="prev" class="newer" href="{prev_url}">Newer stories</a>')
            head.append(f'<link rel="prev" href="{prev_url}">')
        links.append(f'    <span class="page-count">Page {number} of {count}</span>')
        if number < count:
            next_url = esc(self.url(page_path(prefix, number + 1)))
            links.append(f'    <a rel="next" class="older" href="{next_url}">Older stories</a>')
            head.append(f'<link rel="next" href="{next_url}">')
        crumb_items = [
            f'    <li><a href="{esc(self.url(href))}">{esc(text)}</a></li>' for href, text in crumbs
        ]
        crumb_items.append(f'    <li aria-current="page">{esc(heading)}</li>')
        title = heading if number == 1 else f"{heading} – page {number}"
        head += [
            '<meta property="og:type" content="website">',
            f'<meta property="og:title" content="{esc(title)}">',
            f'<meta property="og:url" content="{esc(self.url(path))}">',
        ]
        main = template("list.html").substitute(
            crumbs="\n".join(crumb_items),
            heading=esc(title),
            teasers=teasers,
            pagination="\n".join(links),
        )
        return self.layout(
            title=f"{title} | {self.config['name']}",
            description=f"{heading}: latest stories from {self.config['name']}",
            path=path,
            main=main,
            head_extra="\n".join(head),
            body_class="article-listing",
        )

    def teaser(self, article: SampleArticle) -> str:
        href = esc(self.url(article_path(article)))
        authors = ", ".join(esc(n) for n in article["authors"])
        return (
            f'    <li class="teaser"><h2><a href="{href}">{esc(article["title"])}</a></h2>'
            f'<p class="teaser-standfirst">{esc(article["standfirst"])}</p>'
            f'<p class="teaser-meta">By {authors} · <time datetime="{esc(article["published"])}">'
            f"{esc(display_date(article['published']))}</time></p></li>"
        )

    def listing_groups(self) -> dict[str, tuple[str, list[SampleArticle]]]:
        """Every listing: prefix -> (heading, articles newest first); home page first."""
        groups: dict[str, tuple[str, list[SampleArticle]]] = {"/": ("Latest news", self.articles)}
        sections = self.config["sections"]
        for slug in sections:
            groups[f"/section/{slug}/"] = (section_label(slug), [])
        for article in self.articles:
            section = article["section"]
            keys = [(f"/section/{section}/", sections.get(section) or section_label(section))]
            keys += [(f"/tag/{slugify(t)}/", f"Tag: {t}") for t in article.get("tags", [])]
            keys += [(f"/author/{slugify(n)}/", f"Stories by {n}") for n in article["authors"]]
            for prefix, heading in keys:
                group = groups.get(prefix)
                if group is None:
                    group = groups[prefix] = (heading, [])
                group[1].append(article)
        return groups

    def crumbs_for(self, prefix: str) -> list[tuple[str, str]]:
        """The breadcrumb trail above a listing: none on the home page."""
        return [] if prefix == "/" else [("/", "Home")]

    # -- feeds, sitemaps, robots ---------------------------------------------------------

    def rss(self, limit: int = FEED_SIZE) -> bytes:
        """The RSS feed of the latest ``limit`` articles."""
        items = []
        for article in self.articles[:limit]:
            url = self.url(article_path(article))
            items.append(
                template("rss_item.xml").substitute(
                    title=esc(article["title"]),
                    url=esc(url),
                    pub_date=format_datetime(parse_datetime(article["published"])),
                    creators="\n".join(
                        f"<dc:creator>{esc(n)}</dc:creator>" for n in article["authors"]
                    ),
                    section_label=esc(section_label(article["section"])),
                    standfirst=esc(article["standfirst"]),
                )
            )
        latest = self.latest_modified
        return (
            template("rss.xml")
            .substitute(
                site_name=esc(self.config["name"]),
                base_url=esc(self.base_url),
                tagline=esc(self.config["tagline"]),
                language=esc(self.config["language"]),
                last_build=format_datetime(latest) if latest else "",
                items="\n".join(items),
            )
            .encode("utf-8")
        )

    def sitemap(
        self, listing_paths: Iterable[str], articles: Sequence[SampleArticle] | None = None
    ) -> bytes:
        """A ``<urlset>`` of the listing paths and the articles (default: all of them)."""
        latest = self.latest_modified.isoformat() if self.latest_modified else ""
        chosen = self.articles if articles is None else articles
        entries = [(p, latest) for p in listing_paths]
        entries += [(article_path(a), a["modified"]) for a in chosen]
        urls = "\n".join(
            f"<url><loc>{esc(self.url(path))}</loc><lastmod>{esc(lastmod)}</lastmod></url>"
            for path, lastmod in entries
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}\n</urlset>\n"
        ).encode()

    def sitemap_index(self, paths: Iterable[str]) -> bytes:
        """A ``<sitemapindex>`` naming the sitemap files at ``paths``."""
        latest = self.latest_modified.isoformat() if self.latest_modified else ""
        entries = "\n".join(
            f"<sitemap><loc>{esc(self.url(p))}</loc><lastmod>{esc(latest)}</lastmod></sitemap>"
            for p in paths
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="{SITEMAP_NS}">\n{entries}\n</sitemapindex>\n'
        ).encode()

    def news_sitemap(self, limit: int = NEWS_SITEMAP_SIZE) -> bytes:
        """The Google News sitemap of the latest ``limit`` articles."""
        urls = []
        for a in self.articles[:limit]:
            urls.append(
                f"<url><loc>{esc(self.url(article_path(a)))}</loc><news:news>"
                f"<news:publication><news:name>{esc(self.config['name'])}</news:name>"
                f"<news:language>en</news:language></news:publication>"
                f"<news:publication_date>{esc(a['published'])}</news:publication_date>"
                f"<news:title>{esc(a['title'])}</news:title></news:news></url>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            + "\n".join(urls)
            + "\n</urlset>\n"
        ).encode("utf-8")

    def static_files(self) -> dict[str, Page]:
        folder = resources.files("councilwatch.sample_site") / "static"
        pages: dict[str, Page] = {}
        for entry in folder.iterdir():
            suffix = "." + entry.name.rsplit(".", 1)[-1]
            if entry.is_file() and suffix in STATIC_TYPES:
                pages[f"/static/{entry.name}"] = (STATIC_TYPES[suffix], entry.read_bytes())
        return pages

    def not_found(self, path: str) -> bytes:
        main = template("not_found.html").substitute(path=esc(path), base_url=esc(self.base_url))
        return self.layout(
            title=f"Page not found | {self.config['name']}",
            description="Page not found",
            path=path,
            main=main,
            head_extra='<meta name="robots" content="noindex">',
            body_class="error404",
        )


def render_not_found(base_url: str, path: str) -> bytes:
    """The body of the 404 page for ``path``.

    >>> b"Page not found" in render_not_found("http://127.0.0.1:8000", "/nope/")
    True
    """
    return SiteRenderer(base_url, sample_articles()).not_found(path)


def last_modified(articles: Sequence[SampleArticle]) -> datetime | None:
    """The latest modification time among ``articles`` (None for an empty list)."""
    return max((parse_datetime(a["modified"]) for a in articles), default=None)
