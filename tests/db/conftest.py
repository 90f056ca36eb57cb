"""Fixtures of the database room's tests: the demo database served in process."""

from __future__ import annotations

import sqlite3

import pytest

from .datasette_client import make_datasette


@pytest.fixture(scope="module")
def datasette(demo_db):
    return make_datasette(demo_db)


@pytest.fixture(scope="module")
def seed_id(demo_db) -> int:
    """Id of the seed article (ids follow the order the crawl stored articles in)."""
    with sqlite3.connect(demo_db) as conn:
        (article_id,) = conn.execute(
            "SELECT id FROM articles WHERE title LIKE '%Share Services%'"
        ).fetchone()
    return article_id


def pytest_terminal_summary(terminalreporter):
    """Say where the browser tests left their screenshots."""
    from .browser_artifacts import ARTIFACTS, TOOK_SCREENSHOTS

    if terminalreporter.config.stash.get(TOOK_SCREENSHOTS, False):
        terminalreporter.write_line(f"Browser screenshots: {ARTIFACTS}")
