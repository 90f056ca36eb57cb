"""The sample site's pages, rendered lazily on request (for sites of any size).

:class:`SitePages` keeps only article metadata and an index from URL path to article or
listing; article pages, listing pages and sitemap files are rendered when asked for and
kept in a small LRU cache, so a site of 50,000 articles starts in seconds with bounded
memory. Robots.txt, the feed (latest 50), the news sitemap (latest 1000), the sitemap
index, the about page and static files are rendered once.

With ``split_sitemaps`` (the default when generated articles are present), ``/sitemap.xml``
is a sitemap index naming ``/sitemaps/pages.xml`` (listings and about) and
``/sitemaps/articles-<k>.xml`` files of at most ``sitemap_size`` articles each, newest
first; otherwise it is one ``<urlset>`` of every listing, article and the about page.

>>> from .data import sample_articles
>>> pages = SitePages("http://127.0.0.1:8000", sample_articles())
>>> pages.get("/robots.txt")[0]
'text/plain; charset=utf-8'
>>> pages.target("/feed/"), pages.target("/robots.txt"), pages.get("/nope/")
('feed', None, None)
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence

from .data import SampleArticle
from .render import HTML, XML, Page, SiteRenderer, article_path, esc, page_path, template

LISTING_PAGE = re.compile(r"^(?P<prefix>/(?:.*/)?)page/(?P<number>[0-9]+)/$")
ARTICLE_SITEMAP = re.compile(r"^/sitemaps/articles-(?P<number>[0-9]+)\.xml$")
PAGES_SITEMAP = "/sitemaps/pages.xml"
DEFAULT_SITEMAP_SIZE = 1000
DEFAULT_CACHE_SIZE = 256


class SitePages:
    """Path -> page for one base URL and one article list, rendered on demand.

    ``articles`` must be sorted newest first (see :func:`.data.sort_articles`).

    >>> from .generate import generate_articles
    >>> from .data import sort_articles
    >>> site = SitePages("http://127.0.0.1:9", sort_articles(generate_articles(30, seed=1)),
    ...                  sitemap_size=10)
    >>> site.sitemap_paths()
    ['/sitemaps/pages.xml', '/sitemaps/articles-1.xml', '/sitemaps/articles-2.xml', '/sitemaps/articles-3.xml']
    """

    def __init__(
        self,
        base_url: str,
        articles: Sequence[SampleArticle],
        *,
        split_sitemaps: bool | None = None,
        sitemap_size: int = DEFAULT_SITEMAP_SIZE,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        if sitemap_size < 1:
            raise ValueError("sitemap_size must be at least 1")
        self.renderer = SiteRenderer(base_url, articles)
        self.articles = self.renderer.articles
        self.base_url = self.renderer.base_url
        self.sitemap_size = sitemap_size
        self.cache_size = cache_size
        if split_sitemaps is None:
            split_sitemaps = any("generated" in a for a in self.articles)
        self.split_sitemaps = split_sitemaps
        self.article_index: dict[str, int] = {}
        for index, article in enumerate(self.articles):
            path = article_path(article)
            if path in self.article_index:
                raise ValueError(f"two articles share the URL path {path}")
            self.article_index[path] = index
        self.groups = self.renderer.listing_groups()
        self._cache: OrderedDict[str, Page] = OrderedDict()
        self._lock = threading.Lock()
        self.fixed = self._fixed_pages()

    def _fixed_pages(self) -> dict[str, Page]:
        r = self.renderer
        pages: dict[str, Page] = {}
        about = template("about.html").substitute(site_name=esc(r.config["name"]))
        pages["/about/"] = (
            HTML,
            r.layout(
                title=f"About | {r.config['name']}",
                description="About this site",
                path="/about/",
                main=about,
                body_class="page",
            ),
        )
        pages["/feed/"] = ("application/rss+xml; charset=utf-8", r.rss())
        if self.split_sitemaps:
            pages["/sitemap.xml"] = (XML, r.sitemap_index(self.sitemap_paths()))
        else:
            pages["/sitemap.xml"] = (XML, r.sitemap(self.listing_paths()))
        pages["/sitemap-news.xml"] = (XML, r.news_sitemap())
        robots = template("robots.txt").substitute(base_url=self.base_url)
        pages["/robots.txt"] = ("text/plain; charset=utf-8", robots.encode("utf-8"))
        pages.update(r.static_files())
        return pages

    # -- what exists -------------------------------------------------------------------

    def listing_paths(self) -> list[str]:
        """First pages of every listing, plus the about page (as in the plain sitemap)."""
        return sorted(self.groups) + ["/about/"]

    def article_sitemap_count(self) -> int:
        """How many ``/sitemaps/articles-<k>.xml`` files there are (0 without splitting)."""
        if not self.split_sitemaps:
            return 0
        return max(1, -(-len(self.articles) // self.sitemap_size))

    def sitemap_paths(self) -> list[str]:
        """The sitemap files named by the sitemap index (empty without splitting)."""
        if not self.split_sitemaps:
            return []
        count = self.article_sitemap_count()
        return [PAGES_SITEMAP] + [f"/sitemaps/articles-{k}.xml" for k in range(1, count + 1)]

    def paths(self) -> Iterator[str]:
        """Every path the site serves (listing pages included)."""
        yield from self.fixed
        yield from self.sitemap_paths()
        for prefix, (_, articles) in self.groups.items():
            for number in range(1, self.renderer.page_count(len(articles)) + 1):
                yield page_path(prefix, number)
        yield from self.article_index

    def target(self, path: str) -> str | None:
        """What fault injection may hit at ``path``: ``article``, ``feed``, ``sitemap`` or None.

        Sitemap files and the news sitemap count as ``sitemap``; robots.txt, the sitemap
        index (``/sitemap.xml``), listings, static files and the about page are None.
        """
        if path in self.article_index:
            return "article"
        if path == "/feed/":
            return "feed"
        if path == "/sitemap-news.xml" or path == PAGES_SITEMAP and self.split_sitemaps:
            return "sitemap"
        if self._article_sitemap_number(path) is not None:
            return "sitemap"
        return None

    def _article_sitemap_number(self, path: str) -> int | None:
        match = ARTICLE_SITEMAP.match(path)
        if not match or not self.split_sitemaps or match["number"] != str(int(match["number"])):
            return None
        number = int(match["number"])
        return number if 1 <= number <= self.article_sitemap_count() else None

    # -- rendering ---------------------------------------------------------------------

    def get(self, path: str) -> Page | None:
        """The (content type, body) at ``path``, or None if there is no such page."""
        page = self.fixed.get(path)
        if page is not None:
            return page
        with self._lock:
            page = self._cache.get(path)
            if page is not None:
                self._cache.move_to_end(path)
                return page
        page = self._render(path)
        if page is not None and self.cache_size > 0:
            with self._lock:
                self._cache[path] = page
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return page

    def _render(self, path: str) -> Page | None:
        r = self.renderer
        index = self.article_index.get(path)
        if index is not None:
            return HTML, r.render_article(index)
        if self.split_sitemaps:
            if path == PAGES_SITEMAP:
                return XML, r.sitemap(self.listing_paths(), [])
            number = self._article_sitemap_number(path)
            if number is not None:
                start = (number - 1) * self.sitemap_size
                return XML, r.sitemap([], self.articles[start : start + self.sitemap_size])
        match = LISTING_PAGE.match(path)
        prefix, number = (match["prefix"], int(match["number"])) if match else (path, 1)
        if match and (number < 2 or match["number"] != str(number)):
            return None
        group = self.groups.get(prefix)
        if group is None:
            return None
        heading, articles = group
        if number > r.page_count(len(articles)):
            return None
        body = r.render_listing_page(prefix, heading, articles, r.crumbs_for(prefix), number)
        return HTML, body
