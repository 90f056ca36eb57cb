"""The HTML parser of page extraction: lxml's HTML parser, building ``HtmlElement`` trees.

lxml.html's own parser decides the Python class of every element it hands out
by calling a Python method (``<form>`` gets ``FormElement``, ...); on the pages
here that lookup took about a third of the time of walking a tree, in our code
and in trafilatura's alike. This parser gives every element the plain
``HtmlElement`` class from C, so trees walk faster and are still the
``HtmlElement`` trees trafilatura and htmldate take.

>>> tree = lxml.html.document_fromstring(b"<form><p>Hi</p></form>", parser=HTML_PARSER)
>>> type(tree.find(".//form")).__name__, tree.text_content()
('HtmlElement', 'Hi')
"""

from __future__ import annotations

import lxml.html
from lxml import etree

__all__ = ["HTML_PARSER", "make_element"]

HTML_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    remove_comments=True,
    remove_pis=True,
    encoding="utf-8",
)
HTML_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def make_element(tag: str) -> lxml.html.HtmlElement:
    """A new element of a tree made by :data:`HTML_PARSER`.

    >>> make_element("div").tag
    'div'
    """
    return HTML_PARSER.makeelement(tag)
