"""A crawl with page extraction and NLP in worker processes (``councilwatch.page_pool``)
stores each article with its facts as it goes: the same articles and facts as a crawl with
in-process extraction followed by ``councilwatch process``."""

from __future__ import annotations

import json

from ..conftest import FAST_CRAWL, query, run_cli
from ..localsite import serve_pages
from ..pipeline.test_crawl import BODY_A, BODY_B, article_page, rss
from .test_dask import facts

ARTICLES = 12


def crawl(db, base: str, *settings: str) -> None:
    result = run_cli(
        "crawl", "--db", str(db), "--start-url", f"{base}/feed/", *FAST_CRAWL, *settings
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_a_crawl_with_page_workers_stores_articles_with_their_facts(tmp_path):
    pages: dict = {}
    serial, overlapped = tmp_path / "serial.db", tmp_path / "overlapped.db"
    with serve_pages(pages) as (base, _):
        paths = [f"/news/{i}/" for i in range(ARTICLES)]
        pages["/feed/"] = rss(base, paths)
        for i in range(ARTICLES):
            body = f"{BODY_A if i % 2 else BODY_B}\n\nStory number {i}."
            pages[f"/news/{i}/"] = article_page(base, str(i), f"Story {i}", body)
        crawl(serial, base)
        crawl(
            overlapped,
            base,
            "-s",
            "COUNCILWATCH_EXTRACT_PROCESSES=2",
            "-s",
            "COUNCILWATCH_PAGE_BATCH=4",
        )
    assert query(overlapped, "SELECT count(*) FROM articles WHERE nlp_version IS NULL") == [(0,)]
    assert query(serial, "SELECT count(*) FROM articles WHERE nlp_version IS NULL") == [(ARTICLES,)]
    assert run_cli("process", "--db", str(serial)).returncode == 0
    assert facts(overlapped) == facts(serial)
    assert len(facts(overlapped)["councils"]) >= ARTICLES
    (stats,) = query(overlapped, "SELECT stats FROM crawl_runs")[0]
    assert '"councilwatch/extracted_in_workers": 12' in stats
    figures = {
        k.rsplit("/", 1)[1]: v for k, v in json.loads(stats)["scrapy"].items() if "pool" in k
    }
    assert figures["pages"] == ARTICLES  # every page went through a batch of at most 4
    assert ARTICLES / 4 <= figures["batches"] <= ARTICLES and figures["largest_batch"] <= 4
    assert figures["starved_s"] >= 0 and figures["saturated_s"] >= 0


#: Runs ``councilwatch crawl ARGS...`` in this process, then says whether spaCy was loaded
#: and how many of its child processes are still alive.
CRAWL_AND_REPORT = """
import multiprocessing, sys
from councilwatch.cli import cli
cli(["crawl", *sys.argv[1:]], prog_name="councilwatch", standalone_mode=False)
print("spacy loaded:", "spacy" in sys.modules)
print("children left:", len(multiprocessing.active_children()))
"""


def crawl_and_report(db, pages: dict, articles: dict[str, str]) -> list[str]:
    """Crawl a feed of ``articles`` (path: body) with two page workers, in a process of
    its own; return the last two lines it printed."""
    import subprocess
    import sys

    from ..conftest import REPO

    with serve_pages(pages) as (base, _):
        pages["/feed/"] = rss(base, list(articles))
        for i, (path, body) in enumerate(articles.items()):
            pages[path] = article_page(base, str(i), f"Story {i}", body)
        args = ["--db", str(db), "--start-url", f"{base}/feed/", *FAST_CRAWL]
        args += ["-s", "COUNCILWATCH_EXTRACT_PROCESSES=2"]
        result = subprocess.run(
            [sys.executable, "-c", CRAWL_AND_REPORT, *args],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=REPO,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()[-2:]


def test_with_nlp_in_the_workers_the_crawl_process_never_loads_spacy(tmp_path):
    db = tmp_path / "overlapped.db"
    report = crawl_and_report(db, {}, {"/news/0/": BODY_A, "/news/1/": BODY_B})
    assert report == ["spacy loaded: False", "children left: 0"]
    assert query(db, "SELECT count(*) FROM articles WHERE nlp_version IS NOT NULL") == [(2,)]
    assert query(db, "SELECT count(*) FROM council_mentions")[0][0] > 0  # the workers' facts


def test_workers_start_when_the_spider_opens_and_stop_after_a_crawl_with_no_article(tmp_path):
    db = tmp_path / "empty.db"
    report = crawl_and_report(db, {}, {})  # a feed with no entry: nothing to analyse
    assert report[-1] == "children left: 0"
    assert query(db, "SELECT count(*) FROM articles") == [(0,)]
    (stats,) = query(db, "SELECT stats FROM crawl_runs")[0]
    scrapy_stats = json.loads(stats)["scrapy"]
    assert scrapy_stats["councilwatch/page_pool/started_early"] == 2
    assert scrapy_stats.get("councilwatch/page_pool/pages", 0) == 0


def test_the_crawl_modules_and_the_reference_data_do_not_import_spacy():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "import councilwatch.cli, councilwatch.crawl, councilwatch.page_pool, "
        "councilwatch.pipeline.store_items, councilwatch.spiders.news\n"
        "from councilwatch.db.schema import connect\n"
        "from councilwatch.reference_data import load_reference_data\n"
        "load_reference_data(connect(':memory:'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'spacy'))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"
