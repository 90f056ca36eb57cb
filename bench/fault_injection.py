"""Fault-injection run: crawl the sample site clean, then misbehaving, and compare.

    .venv/bin/python bench/fault_injection.py [--extra-articles 300] [--fault-rate 0.3] [--seeds 1 2 3]

For each seed: faults injected by kind, requests retried, articles stored (and their
share of the clean crawl's), articles stored twice, articles not stored without a
crawl_errors row giving their last fault's reason, and articles lost (served intact
at some attempt but not stored). ``tests/pipeline/test_fault_injection.py`` holds the
same figures to their bounds.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from councilwatch.sample_site.render import article_path
from councilwatch.sample_site.server import SampleSite

#: Short timeouts and waits, so a run takes seconds; the faults and the crawler's
#: handling of them are the real ones.
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "false",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "DOWNLOAD_TIMEOUT": "2",
    "RETRY_TIMES": "6",
    "COUNCILWATCH_RETRY_BACKOFF_BASE": "0.05",
    "COUNCILWATCH_RETRY_AFTER_MAX": "0.2",
}
#: What crawl_errors must say about an article whose last response had this fault.
REASONS = {
    "timeout": ("Timeout", "took longer than"),
    "http_500": ("HTTP 500",),
    "http_503": ("HTTP 503",),
    "reset": ("Connection", "Lost"),
    "truncated": ("DataLoss", "Connection"),
    "bad_gzip": ("Content-Encoding failed",),
    "wrong_charset": (),  # served whole: stored
    "huge": ("DOWNLOAD_MAXSIZE", "download max size"),
    "binary": ("not HTML",),
    "redirect_loop": ("max redirections",),
}


def crawl(site: SampleSite, db: Path) -> None:
    """Crawl ``site`` into ``db`` with ``councilwatch crawl`` (from its robots.txt)."""
    settings = [arg for name, value in CRAWL_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
    subprocess.run(
        [sys.executable, "-m", "councilwatch", "crawl", "--db", str(db), "--name", "faulty",
         "--start-url", f"{site.base_url}/robots.txt", *settings],
        check=True, capture_output=True, text=True,
    )  # fmt: skip


def stored_paths(db: Path) -> list[str]:
    """URL paths of the stored articles, one per row (a path twice: stored twice)."""
    conn = sqlite3.connect(db)
    try:
        return [urlsplit(u).path for (u,) in conn.execute("SELECT canonical_url FROM articles")]
    finally:
        conn.close()


def clean_run(workdir: Path, extra_articles: int) -> int:
    """Articles stored by a crawl of the site without faults."""
    with SampleSite(extra_articles=extra_articles) as site:
        crawl(site, workdir / "clean.db")
    return len(set(stored_paths(workdir / "clean.db")))


def faulty_run(workdir: Path, extra_articles: int, rate: float, seed: int) -> dict:
    """Crawl the site misbehaving on a share ``rate`` of responses; what was kept and lost."""
    db = workdir / f"faults-{seed}.db"
    site = SampleSite(extra_articles=extra_articles, fault_rate=rate, seed=seed, hang_seconds=4)
    with site:
        crawl(site, db)
    stored = stored_paths(db)
    conn = sqlite3.connect(db)
    errors: dict[str, list[str]] = {}
    for url, reason in conn.execute("SELECT url, reason FROM crawl_errors"):
        errors.setdefault(urlsplit(url).path, []).append(reason)
    (stats,) = conn.execute("SELECT stats FROM crawl_runs").fetchone()
    conn.close()
    paths = {article_path(a) for a in site.articles}
    not_stored = paths - set(stored)
    unexplained = sorted(
        p
        for p in not_stored
        if not any(
            any(words in r for words in REASONS[site.faults.history(p)[-1] or "wrong_charset"])
            for r in errors.get(p, [])
        )
    )
    faulted = {p for p in paths if any(h is not None for h in site.faults.history(p))}
    return {
        "seed": seed,
        "articles": len(paths),
        "faults_injected": sum(site.faults.counts().values()),
        "faults_by_kind": dict(sorted(site.faults.counts().items())),
        "requests_retried": json.loads(stats)["scrapy"].get("retry/count", 0),
        "articles_with_faults": len(faulted),
        "recovered": len(faulted & set(stored)),
        "stored": len(set(stored)),
        "stored_twice": sorted(p for p, n in Counter(stored).items() if n > 1),
        "not_stored": len(not_stored),
        "not_stored_by_last_fault": dict(
            Counter(
                site.faults.history(p)[-1] if site.faults.history(p) else "not requested"
                for p in not_stored
            )
        ),  # fmt: skip
        "not_stored_without_their_reason": unexplained,
        "lost": sorted({p for p in paths if site.faults.served_intact(p)} - set(stored)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra-articles", type=int, default=300)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="councilwatch-faults-"))
    clean = clean_run(workdir, args.extra_articles)
    runs = []
    for seed in args.seeds:
        run = faulty_run(workdir, args.extra_articles, args.fault_rate, seed)
        run["share_of_clean"] = round(run["stored"] / clean, 4)
        runs.append(run)
    print(
        json.dumps({"clean_stored": clean, "fault_rate": args.fault_rate, "runs": runs}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
