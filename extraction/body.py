"""Article body text from a parsed page.

trafilatura is the base extractor. The page's own structure is used where it
helps: when the page marks its article container (``[itemprop=articleBody]``,
``.entry-content``, ``.article-body``, ``div#body``, a single ``<article>`` ...),
trafilatura runs on that container alone, so related-story boxes, teasers and
comments outside it cannot leak in; a JSON-LD ``articleBody`` is the fallback
when the HTML yields much less text. Boilerplate blocks (share buttons,
newsletter sign-ups, related stories, cookie banners, comments, adverts) are
pruned by class/id before extraction.

>>> import lxml.html
>>> page = ("<html><body><nav>Home News</nav><article><h1>T</h1>"
...         + "<p>Islington and Camden councils agreed to share ICT services.</p>" * 3
...         + "<div class='related-stories'><p>Barnet saves £4m</p></div></article></body></html>")
>>> "Barnet" in extract_body(lxml.html.fromstring(page))
False
"""

from __future__ import annotations

import re
from copy import deepcopy

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from .parser import make_element

# A class or id token naming a boilerplate block (the word, or a part between
# hyphens or underscores, of one of its space-separated names): related-story
# boxes, share buttons, newsletter sign-ups, cookie banners, comments, adverts.
BOILERPLATE_TOKEN = re.compile(
    r"(?:^|[-_\s])(?:related|newsletters?|signup|subscribe|share|sharing|social|cookies?|consent"
    r"|gdpr|comments?|disqus|adverts?|advertisement|ads?|sponsored|promo|outbrain|taboola"
    r"|recommended|recirculation|more-stories|morestories|most-popular|mostpopular|trending"
    r"|breadcrumbs?|read-?more|also-read|author-bio|paywall|feedback)(?:$|[-_\s])",
    re.I,
)
_BODY_CLASS = re.compile(
    r"\b(?:entry-content|article-body|article__body|article-content|story-body|post-content"
    r"|content-body|articleBody|govspeak|field--name-body|field-name-body|td-post-content)\b"
)
MAX_PRUNED_SHARE = 0.4  # never prune a block holding more of the page's <p> text than this
_STRUCTURAL = {"html", "body", "article", "main"}
_ALWAYS_BOILERPLATE = {"nav", "aside", "form", "button", "noscript"}
_MAYBE_BOILERPLATE = etree.XPath(
    "//*[@class or @id] | //nav | //aside | //form | //button | //noscript"
)


def prune_boilerplate(tree: HtmlElement) -> int:
    """Remove boilerplate blocks from ``tree`` in place; return how many were removed.

    A block holding a large share of the page's paragraph text, or carrying a
    body-container class, is kept whatever else its class says (a wrapper named
    e.g. ``entry-content entry-content-read-more`` must not take the article with it).
    """
    search = BOILERPLATE_TOKEN.search
    candidates = []
    for element in _MAYBE_BOILERPLATE(tree):  # document order: outer blocks first
        tag = element.tag
        if tag in _STRUCTURAL:
            continue
        if tag in _ALWAYS_BOILERPLATE:
            candidates.append(element)
            continue
        name, ident = element.get("class"), element.get("id")
        if (name and search(name)) or (ident and search(ident)):
            candidates.append(element)
    if not candidates:
        return 0
    total = _paragraph_text_length(tree) or 1
    removed = 0
    for element in candidates:
        if element.getparent() is None or element.get("itemprop") == "articleBody":
            continue
        if _BODY_CLASS.search(element.get("class") or ""):
            continue
        if _paragraph_text_length(element) > total * MAX_PRUNED_SHARE:
            continue
        element.drop_tree()  # keeps the tail text
        removed += 1
    return removed


#: Class names the page gives its article body: common themes, CMS body fields
#: (Drupal 8+ / 7, GOV.UK govspeak, tagDiv WordPress themes).
BODY_CLASSES = frozenset(
    {
        "entry-content",
        "article-body",
        "article__body",
        "article-content",
        "story-body",
        "post-content",
        "content-body",
        "field--name-body",
        "field-name-body",
        "govspeak",
        "td-post-content",
    }
)
_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what separates class names in HTML
_WITH_CLASS = etree.XPath("//*[@class]")


def _with_body_class(tree: HtmlElement) -> list[HtmlElement]:
    """Elements with a class of :data:`BODY_CLASSES`, in document order (one pass in
    Python: the XPath of 11 ``contains(concat(...))`` tests took ten times longer)."""
    return [
        e
        for e in _WITH_CLASS(tree)
        if not BODY_CLASSES.isdisjoint(_XML_SPACE.split(e.get("class")))
    ]


# The page's own markers of its article body, most specific first.
_CONTAINERS = [
    etree.XPath("//*[@itemprop='articleBody']"),
    etree.XPath("//*[@data-component='text-block']/.."),
    etree.XPath("//div[@id='body' or @id='article-body' or @id='articleBody' or @id='story-body']"),
    _with_body_class,
    etree.XPath("//article"),
]

TRAFILATURA_OPTIONS = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "deduplicate": False,
}
PRUNE = True
DOMINANT_SHARE = 0.8  # of several matching containers, the chosen one holds this share
MIN_CONTAINER_SHARE = 0.6  # container text must keep this share of the full-page text
MIN_JSON_LD_SHARE = 0.3  # HTML text shorter than this share of JSON-LD articleBody -> use it


def normalise_paragraphs(text: str | None) -> str:
    """One paragraph per block, separated by a blank line.

    >>> normalise_paragraphs(" a \\n\\n\\n b\\n")
    'a\\n\\nb'
    """
    if not text:
        return ""
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _paragraph_text_length(element: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def find_container(tree: HtmlElement) -> HtmlElement | None:
    """The element the page marks as its article body, if any."""
    for xpath in _CONTAINERS:
        found = [e for e in xpath(tree) if isinstance(e, HtmlElement)]
        if not found:
            continue
        # Nested matches count once; several separate ones are teasers unless one dominates.
        found = [e for e in found if not any(a in found for a in e.iterancestors())]
        sizes = [_paragraph_text_length(e) for e in found]
        best = max(range(len(found)), key=sizes.__getitem__)
        if sizes[best] >= 200 and sizes[best] >= DOMINANT_SHARE * sum(sizes):
            return found[best]
        parts = _split_body(found, sizes)
        if parts is not None:
            return parts
    return None


def _split_body(found: list[HtmlElement], sizes: list[int]) -> HtmlElement | None:
    """A body split into blocks of one kind (e.g. around adverts), as one element
    holding copies of them; None unless every non-empty match has the same class."""
    parts = [e for e, size in zip(found, sizes, strict=True) if size]
    if len(parts) < 2 or sum(sizes) < 200 or len({e.get("class") for e in parts}) != 1:
        return None
    joined = make_element("div")
    joined.extend(deepcopy(e) for e in parts)
    return joined


def _trafilatura(tree: HtmlElement, url: str | None) -> str:
    try:
        text = trafilatura.extract(tree, url=url, **TRAFILATURA_OPTIONS)
    except Exception:  # trafilatura must never take the whole extraction down
        text = None
    return normalise_paragraphs(text)


def _wrap(container: HtmlElement) -> HtmlElement:
    root = make_element("html")  # an HtmlElement, so trafilatura takes it as a tree
    body = etree.SubElement(root, "body")
    body.append(deepcopy(container))
    return root


def _same_text(a: str, b: str) -> bool:
    def key(text: str) -> str:
        return re.sub(r"\W+", " ", text).strip().casefold()

    return key(a) == key(b)


def drop_title(text: str, title: str | None) -> str:
    """Remove a leading paragraph that only repeats the headline.

    >>> drop_title("Councils share IT\\n\\nIslington and Camden ...", "Councils share IT")
    'Islington and Camden ...'
    """
    if not title or not text:
        return text
    first, _, rest = text.partition("\n\n")
    return rest if rest and _same_text(first, title) else text


# A sign-up or follow-us call to action set apart in italics or bold.
_PROMO_TEXT = re.compile(
    r"\b(?:sign up|subscribe|newsletter|follow us|join (?:us|our|the)\b.{0,60}\bnetwork)\b", re.I
)


def prune_promo_paragraphs(tree: HtmlElement) -> int:
    """Remove short paragraphs wholly in ``<em>``/``<strong>`` that ask readers to sign up.

    >>> import lxml.html
    >>> doc = lxml.html.fromstring("<div><p>Text.</p><p><em>Sign up to our newsletter</em></p></div>")
    >>> prune_promo_paragraphs(doc), doc.text_content()
    (1, 'Text.')
    """
    removed = 0
    for p in list(tree.iter("p")):
        text = p.text_content().strip()
        children = [c for c in p if isinstance(c.tag, str)]
        if not text or len(text) > 300 or (p.text or "").strip() or len(children) != 1:
            continue
        if children[0].tag not in ("em", "i", "strong", "b") or (children[0].tail or "").strip():
            continue
        if _PROMO_TEXT.search(text):
            p.drop_tree()
            removed += 1
    return removed


def extract_body(
    tree: HtmlElement,
    url: str | None = None,
    json_ld_body: str | None = None,
    *,
    title: str | None = None,
) -> str:
    """Clean body text of a parsed page, paragraphs separated by blank lines.

    Prunes boilerplate from ``tree`` in place: extract metadata first. A leading
    paragraph repeating ``title`` (the headline) is dropped.
    """
    if PRUNE:
        prune_boilerplate(tree)
        prune_promo_paragraphs(tree)
    container = find_container(tree)
    if container is None:
        text = _trafilatura(tree, url)
    else:
        text = scoped = _trafilatura(_wrap(container), url)
        # A container holding most of the page's paragraph text is the article: the
        # whole page would give the same text again. Otherwise (a teaser, a part of
        # the body) the whole page's extraction is the yardstick.
        share = _paragraph_text_length(container) / (_paragraph_text_length(tree) or 1)
        if not scoped or share < MIN_CONTAINER_SHARE:
            full = _trafilatura(tree, url)
            if not scoped or len(scoped) < MIN_CONTAINER_SHARE * len(full):
                text = full
    if json_ld_body:
        ld_text = normalise_paragraphs(json_ld_body)
        if len(text) < MIN_JSON_LD_SHARE * len(ld_text):
            text = ld_text
    return drop_title(text, title)
