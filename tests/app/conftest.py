"""Fixtures of the application's tests: the sample site's article pages as WARC records."""

from __future__ import annotations

import pytest

from councilwatch.sample_site.pages import SitePages
from councilwatch.sample_site.render import article_path
from councilwatch.sample_site.server import sample_articles

BASE = "https://samplepress.example"


@pytest.fixture(scope="module")
def site_pages():
    return SitePages(BASE, sample_articles())


@pytest.fixture(scope="module")
def article_records(site_pages):
    return [
        (
            (
                f"{BASE}{article_path(a)}",
                site_pages.get(article_path(a))[1],
                "text/html; charset=utf-8",
            ),
            {},
        )
        for a in sample_articles()
    ]
