"""Hostile-site run: crawl the hostile site over loopback and count what the crawler did.

    .venv/bin/python bench/hostile.py [--other-host]

Prints the requests each host received, the requests refused before any connection (a
private address, an off-site host), the bad links skipped, the bounds hit, the errors
recorded in crawl_errors, the articles stored, and the article pages served whole that
were neither stored nor recorded (silently lost: should be 0).
``tests/pipeline/test_hostile_crawl.py`` crawls the site the same way.
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

from councilwatch.sample_site.hostile import HostileSite

#: The start URLs: robots.txt (its sitemap index: the junk sitemap, the big gzipped one,
#: the 400-level chain, the generator), the feed, and two start URLs that redirect.
START_PATHS = ("/robots.txt", "/feed.xml", "/start/off-site/", "/start/on-site/")
#: No politeness delays against loopback, quick retries, a 1 MB size limit (the oversized
#: page then needs only 2 MB).
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "false",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "DOWNLOAD_MAXSIZE": "1000000",
    "COUNCILWATCH_RETRY_BACKOFF_BASE": "0.05",
}
#: The page served garbled on its first attempt only.
GARBLED_ONCE = "gzip-garbled-on-the-first-attempt"


def crawl_args(
    site: HostileSite,
    db: Path,
    start_paths: tuple[str, ...] = START_PATHS,
    *,
    other_host: bool = False,
) -> list[str]:
    """``councilwatch crawl`` arguments for a crawl of ``site`` into ``db``; with
    ``other_host`` the other host's feed is a start URL too (so its host is the crawl's
    own, and a redirect there meets its robots.txt)."""
    args = ["crawl", "--db", str(db), "--name", "hostile"]
    args += [arg for name, value in SETTINGS.items() for arg in ("-s", f"{name}={value}")]
    urls = [site.base_url + path for path in start_paths]
    if other_host:
        urls.append(f"{site.other_url}/feed.xml")
    for url in urls:
        args += ["--start-url", url]
    return args


def report(site: HostileSite, db: Path) -> dict:
    """The figures of a finished crawl of ``site`` into ``db``."""
    conn = sqlite3.connect(db)
    stored = {
        u.removeprefix(site.base_url) for (u,) in conn.execute("SELECT canonical_url FROM articles")
    }
    errors = [
        (u.removeprefix(site.base_url), r)
        for u, r in conn.execute("SELECT url, reason FROM crawl_errors")
    ]
    (stats,) = conn.execute("SELECT stats FROM crawl_runs").fetchone()
    conn.close()
    scrapy = json.loads(stats)["scrapy"]
    pages = site.pages
    served = Counter(h for h in site.hits if h in pages.by_path)
    whole = {p for p, n in served.items() if n > 1 or pages.by_slug[GARBLED_ONCE] != p}
    recorded = {u for u, _ in errors}
    return {
        "requests_to_the_site": len(site.hits),
        "requests_to_the_other_host": len(site.other_hits),
        "requests_downloaded": scrapy.get("downloader/request_count", 0),
        "refused_private_address": scrapy.get("councilwatch/refused/address", 0),
        "refused_off_site": scrapy.get("councilwatch/refused/offsite", 0),
        "refused_by_robots_txt_after_a_redirect": sum(
            "Forbidden by robots.txt" in r for _, r in errors
        ),
        "bad_links_skipped": scrapy.get("councilwatch/bad_links", 0),
        "sitemaps_too_deep": scrapy.get("councilwatch/sitemaps_too_deep", 0),
        "entries_read_from_the_big_sitemap": scrapy.get("councilwatch/not_article_urls", 0),
        "errors_recorded": len(errors),
        "articles_stored": len(stored),
        "articles_served_whole": len(whole),
        "served_whole_not_stored_but_recorded": sorted((whole - stored) & recorded),
        "lost": sorted(whole - stored - recorded),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--other-host", action="store_true",
        help="start on the other host's feed too: its robots.txt then refuses the redirect",
    )  # fmt: skip
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="councilwatch-hostile-")) / "hostile.db"
    with HostileSite() as site:
        result = subprocess.run(
            [sys.executable, "-m", "councilwatch", *crawl_args(site, db, other_host=args.other_host)],
            capture_output=True, text=True,
        )  # fmt: skip
    print(result.stdout.strip(), file=sys.stderr)
    print(json.dumps({"exit_code": result.returncode, **report(site, db)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
