"""Benchmark body extraction: councilwatch vs plain trafilatura, side by side.

Runs both extractors over the 121 pages of ``../shared/reference/article-extraction``,
writes predictions files to a temporary directory, scores them with
``../shared/tools/score_extraction.py`` and prints F1/precision/recall and pages/s.

Usage (from the repo root)::

    .venv/bin/python bench/extraction.py [--keep DIR]

Skips with a message (exit 0) when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
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


def _ours(html: bytes, url: str | None) -> str:
    return extract_article(html, url or "").body


def _trafilatura(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html) or ""


def run(name: str, extract: Callable[[bytes, str | None], str], pages: dict, out: Path) -> float:
    """Extract every page, write ``out/name.json``; return pages per second."""
    predictions = {}
    started = time.perf_counter()
    for page_id, (html, url) in pages.items():
        predictions[page_id] = {"articleBody": extract(html, url)}
    elapsed = time.perf_counter() - started
    (out / f"{name}.json").write_text(json.dumps(predictions, ensure_ascii=False))
    return len(pages) / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write predictions here instead of a temp dir")
    args = parser.parse_args(argv)
    if not (BENCH / "ground-truth.json").exists() or not SCORER.exists():
        print(f"skipped: benchmark not found at {BENCH} (needs ../shared beside the checkout)")
        return 0
    truth = json.loads((BENCH / "ground-truth.json").read_text())
    pages = {
        page_id: (
            gzip.decompress((BENCH / "html" / f"{page_id}.html.gz").read_bytes()),
            v.get("url"),
        )
        for page_id, v in truth.items()
    }
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        speeds = {
            "trafilatura-defaults": run("trafilatura-defaults", _trafilatura, pages, out),
            "councilwatch": run("councilwatch", _ours, pages, out),
        }
        scored = subprocess.run(
            [sys.executable, str(SCORER), str(BENCH / "ground-truth.json")]
            + [str(out / f"{name}.json") for name in speeds],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    for line, speed in zip(scored.strip().splitlines(), speeds.values(), strict=True):
        print(f"{line}  pages/s={speed:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
