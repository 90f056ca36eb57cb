"""Property-based tests: page extraction never raises on arbitrary input, except the one
documented refusal (clearly not HTML)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from councilwatch.extraction.extract import NotAnArticle, extract_article

TEXT = st.one_of(
    st.lists(
        st.sampled_from(["Camden", "Council", "£4m", "shared", "ICT", "&amp;", "<", "\n", "’"]),
        max_size=60,
    ).map(" ".join),
    st.text(max_size=400),
)
TAGS = st.sampled_from(["p", "div", "article", "script", "style", "h1", "span", "a", "time"])


@st.composite
def html_documents(draw) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(TAGS)
        closed = draw(st.booleans())
        parts.append(f"<{tag}>{draw(TEXT)}" + (f"</{tag}>" if closed else ""))
    head = draw(st.sampled_from(["", "<head><title>t</title></head>", '<meta charset="utf-16">']))
    document = f"<html>{head}<body>{''.join(parts)}</body></html>"
    encoding = draw(st.sampled_from(["utf-8", "latin-1", "utf-16"]))
    return document.encode(encoding, errors="replace")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=st.one_of(html_documents(), st.binary(max_size=2000)))
def test_extraction_never_raises_unexpectedly(html):
    try:
        article = extract_article(html, "https://example.org/news/2020/01/02/story/")
    except NotAnArticle:
        return  # the one documented refusal: clearly not HTML
    assert isinstance(article.body, str)
    assert article.title is None or isinstance(article.title, str)
