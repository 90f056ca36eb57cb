"""Fault-injection run: crawl a misbehaving sample site and count what happened.

    .venv/bin/python bench/fault_injection.py [--extra-articles 300] [--fault-rate 0.3] [--seed 7]

Prints faults injected by kind, requests retried, articles recovered after a fault,
failures recorded in crawl_errors, and articles lost (served intact but not stored).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from councilwatch.sample_site.render import article_path
from councilwatch.sample_site.server import SampleSite

CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "false",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "DOWNLOAD_TIMEOUT": "2",
    "RETRY_TIMES": "6",
    "COUNCILWATCH_RETRY_BACKOFF_BASE": "0.05",
    "COUNCILWATCH_RETRY_AFTER_MAX": "0.2",
    "LOG_LEVEL": "ERROR",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra-articles", type=int, default=300)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp()) / "faults.db"
    site = SampleSite(
        "127.0.0.1",
        0,
        extra_articles=args.extra_articles,
        fault_rate=args.fault_rate,
        seed=args.seed,
        hang_seconds=4,
    )
    settings = [arg for name, value in CRAWL_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
    with site:
        subprocess.run(
            [sys.executable, "-m", "councilwatch", "crawl", "--db", str(db), "--name", "faulty",
             "--start-url", f"{site.base_url}/robots.txt", *settings],
            check=True,
        )  # fmt: skip
    conn = sqlite3.connect(db)
    stored = {urlsplit(u).path for (u,) in conn.execute("SELECT canonical_url FROM articles")}
    recorded = conn.execute("SELECT count(*) FROM crawl_errors").fetchone()[0]
    (stats,) = conn.execute("SELECT stats FROM crawl_runs").fetchone()
    conn.close()
    scrapy_stats = json.loads(stats)["scrapy"]
    paths = {article_path(a) for a in site.articles}
    faulted = {p for p in paths if any(h is not None for h in site.faults.history(p))}
    report = {
        "articles": len(paths),
        "faults_injected": sum(site.faults.counts().values()),
        "faults_by_kind": dict(sorted(site.faults.counts().items())),
        "requests_retried": scrapy_stats.get("retry/count", 0),
        "articles_with_faults": len(faulted),
        "recovered": len(faulted & stored),
        "stored": len(stored),
        "failures_recorded": recorded,
        "lost": len({p for p in paths if site.faults.served_intact(p)} - stored),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
