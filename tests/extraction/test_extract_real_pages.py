"""Page extraction on real saved pages from ../shared/reference/real-pages (skipped if absent).

Expected title/published/author come from SOURCES.tsv, the record of what each page shows;
the day of publication from the date gold set (bench/dates-gold.json).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from councilwatch.extraction.article import Article
from councilwatch.extraction.extract import NotAnArticle, extract_article

REAL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "real-pages"
pytestmark = pytest.mark.skipif(
    not (REAL / "SOURCES.tsv").exists(), reason=f"real pages not found at {REAL} (../shared absent)"
)


def _html_rows() -> list[dict]:
    if not (REAL / "SOURCES.tsv").exists():
        return []
    with (REAL / "SOURCES.tsv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [r for r in rows if r["local_file"].endswith(".html")]


ROWS = _html_rows()
_CACHE: dict[str, Article] = {}


def _article(row: dict) -> Article:
    if row["local_file"] not in _CACHE:
        data = (REAL / row["local_file"]).read_bytes()
        _CACHE[row["local_file"]] = extract_article(data, "")
    return _CACHE[row["local_file"]]


def _ids(row: dict) -> str:
    return Path(row["local_file"]).stem


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_title(row: dict) -> None:
    expected = re.sub(r"\s*\(.*\)\s*$", "", row["title"]).strip()
    assert _article(row).title == expected


GOLD_DATES = json.loads(
    (Path(__file__).resolve().parents[2] / "bench" / "dates-gold.json").read_text()
)


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_published(row: dict) -> None:
    """The precise structured date of SOURCES.tsv, unless the page's dateline shows
    another day (a UTC timestamp just before midnight): then the day it shows."""
    structured = row["published"].split()[0].replace("Z", "+00:00")
    shown = GOLD_DATES["pages"][f"real-pages/{row['local_file']}"]["date"]
    published = _article(row).published
    assert published[:10] == shown
    if structured[:10] == shown:
        assert published == structured


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_author(row: dict) -> None:
    assert _article(row).authors == [row["author"]]


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_body_and_canonical(row: dict) -> None:
    article = _article(row)
    assert len(article.body) > 500
    assert "\n\n" in article.body
    assert article.canonical_url and article.canonical_url.startswith("https://")
    assert article.language and article.language.startswith("en")


def test_govuk_content_api_json_is_not_an_article() -> None:
    path = next((REAL / "govuk").glob("*.json"))
    with pytest.raises(NotAnArticle, match="JSON"):
        extract_article(path.read_bytes(), "https://www.gov.uk/government/news/x")
