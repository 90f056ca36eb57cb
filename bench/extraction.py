"""Benchmark body extraction: councilwatch vs plain trafilatura, side by side.

Runs both extractors over the 121 pages of ``../shared/reference/article-extraction``,
writes predictions files to a temporary directory, scores them with
``../shared/tools/score_extraction.py`` and prints F1/precision/recall and pages/s.

Speed: ``--repeats`` (3) passes of each extractor over all pages, alternating
(trafilatura, councilwatch, trafilatura, ...) so both see the same machine load;
pages/s is the median pass, by wall clock and by the process's CPU time (the
steadier figure on a shared machine). Both start from the page bytes:
``trafilatura.extract(html)`` parses them itself, as ``extract_article`` does.
``--profile N`` then prints the N most expensive functions of one councilwatch
pass under cProfile.

Usage (from the repo root)::

    .venv/bin/python bench/extraction.py [--repeats 3] [--profile 30] [--keep DIR]

Skips with a message (exit 0) when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from councilwatch.extraction.extract import extract_article

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BENCH = SHARED / "reference" / "article-extraction"
SCORER = SHARED / "tools" / "score_extraction.py"

Pages = dict[str, tuple[bytes, str | None]]


def _ours(html: bytes, url: str | None) -> str:
    return extract_article(html, url or "").body


def _trafilatura(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html) or ""


EXTRACTORS: dict[str, Callable[[bytes, str | None], str]] = {
    "trafilatura-defaults": _trafilatura,
    "councilwatch": _ours,
}


def predict(extract: Callable[[bytes, str | None], str], pages: Pages) -> dict:
    """``{page_id: {"articleBody": text}}`` for every page."""
    return {page_id: {"articleBody": extract(html, url)} for page_id, (html, url) in pages.items()}


def timed_pass(extract: Callable[[bytes, str | None], str], pages: Pages) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one pass over ``pages``."""
    wall, cpu = time.perf_counter(), time.process_time()
    for html, url in pages.values():
        extract(html, url)
    return time.perf_counter() - wall, time.process_time() - cpu


def load_pages() -> Pages:
    truth = json.loads((BENCH / "ground-truth.json").read_text())
    return {
        page_id: (
            gzip.decompress((BENCH / "html" / f"{page_id}.html.gz").read_bytes()),
            v.get("url"),
        )
        for page_id, v in truth.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write predictions here instead of a temp dir")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes of each (median)")
    parser.add_argument("--profile", type=int, metavar="N", help="print the top N of a cProfile")
    args = parser.parse_args(argv)
    if not (BENCH / "ground-truth.json").exists() or not SCORER.exists():
        print(f"skipped: benchmark not found at {BENCH} (needs ../shared beside the checkout)")
        return 0
    pages = load_pages()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        for name, extract in EXTRACTORS.items():  # also warms both up before timing
            (out / f"{name}.json").write_text(
                json.dumps(predict(extract, pages), ensure_ascii=False)
            )
        scored = subprocess.run(
            [sys.executable, str(SCORER), str(BENCH / "ground-truth.json")]
            + [str(out / f"{name}.json") for name in EXTRACTORS],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in EXTRACTORS}
    for _ in range(args.repeats):
        for name, extract in EXTRACTORS.items():
            times[name].append(timed_pass(extract, pages))
    speed = {
        name: (
            len(pages) / statistics.median(w for w, _ in runs),
            len(pages) / statistics.median(c for _, c in runs),
        )
        for name, runs in times.items()
    }
    for line, (wall, cpu) in zip(scored.strip().splitlines(), speed.values(), strict=True):
        print(f"{line}  pages/s={wall:.1f} (CPU {cpu:.1f})")
    ours, theirs = speed["councilwatch"], speed["trafilatura-defaults"]
    print(
        f"councilwatch / trafilatura pages/s: {ours[0] / theirs[0]:.2f}x wall,"
        f" {ours[1] / theirs[1]:.2f}x CPU (medians of {args.repeats})"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(timed_pass, _ours, pages)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
