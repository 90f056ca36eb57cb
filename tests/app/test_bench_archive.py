"""The archive benchmarks run and report what BENCHMARKS.md quotes, on tiny samples:
``bench/warc_scan.py`` (a small CC-NEWS-like file) and ``bench/e2e.py --overlap-only``
(a small sample site crawled over loopback)."""

from __future__ import annotations

import json
import subprocess
import sys

from ..conftest import REPO


def run_bench(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=REPO, timeout=timeout
    )


def test_warc_scan_writes_a_cc_news_like_file_and_reports_the_ratio(tmp_path):
    out = tmp_path / "scan.json"
    result = run_bench(
        "bench/warc_scan.py", "--responses", "150", "--repeats", "1", "--work", str(tmp_path),
        "--keep", "--json", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text())
    captures = figures["captures"]
    assert sum(captures.values()) == 150
    assert captures["wanted"] <= 0.1 * 150 and captures["revisit"] and captures["not_html"]
    summary = figures["import_summary"]
    assert "Articles: none." in summary and "150 request record" in summary
    others = 150 - captures["revisit"]
    assert f"{others} other domain" in summary and "Errors: 0." in summary
    assert figures["ratio_vs_floor_http"] > 0 and "ratio floor/ours" in result.stdout
    kept = figures["keep"]["summary"]
    assert " new" in kept and f"{others - captures['wanted']} other domain" in kept


def test_e2e_overlap_only_measures_the_overlapped_crawl_against_bare_scrapy():
    result = run_bench("bench/e2e.py", "--articles", "120", "--overlap-only", "--repeats", "1")
    assert result.returncode == 0, result.stderr[-3000:]
    path = result.stdout.strip().splitlines()[-1].removeprefix("results: ")
    figures = json.loads(open(path).read())
    stages = figures["stages"]
    assert stages["crawl_workers"]["items"] == 120
    assert stages["crawl_workers"]["analysed"] == 120  # facts stored during the crawl
    assert stages["crawl_workers"]["processes"] >= 3  # the crawl and its two workers
    assert stages["e2e"]["tree_rss_mb"] > stages["crawl_workers"]["peak_rss_mb"]
    assert figures["ratios"]["e2e"] > 0 and "x the bare-Scrapy floor" in result.stdout
