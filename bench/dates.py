"""Benchmark publication dates: councilwatch against htmldate, side by side.

Scores the published date of councilwatch's page extraction and of htmldate
(extensive and fast mode, ``original_date=True``: the publication date, not the
last update) on the date gold set ``bench/dates-gold.json``: the 127 HTML pages
of ``../shared/reference/article-extraction`` and ``../shared/reference/real-pages``,
each with the date the page shows, read from the page itself.

A prediction is right when its day equals the gold day. Counted as htmldate's
own evaluation does: right = true positive, a wrong day = false positive, no
date where the page has one = false negative, no date where it has none = true
negative; precision = TP / (TP + FP), recall = TP / (TP + FN).
pages/s is the median of ``--repeats`` timed passes over all pages, from the
page bytes (each side parses the page itself); for councilwatch the pass is
parsing and metadata extraction, the part of ``extract_article`` that finds the
date.

Usage (from the repo root)::

    .venv/bin/python bench/dates.py [--repeats 3] [--misses]

Skips with a message (exit 0) when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from htmldate import find_date

from councilwatch.extraction.extract import parse_html
from councilwatch.extraction.metadata import extract_metadata

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "dates-gold.json"
REFERENCE = ROOT.parent / "shared" / "reference"

Page = tuple[str, bytes, str | None, str | None]  # path, bytes, url, gold day


def load_pages(gold_path: Path = GOLD, reference: Path = REFERENCE) -> list[Page]:
    """The gold set's pages with their bytes (``.gz`` files decompressed)."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    pages = []
    for path, entry in gold["pages"].items():
        data = (reference / path).read_bytes()
        if path.endswith(".gz"):
            data = gzip.decompress(data)
        pages.append((path, data, entry.get("url"), entry.get("date")))
    return pages


def councilwatch_date(data: bytes, url: str | None) -> str | None:
    """The published date councilwatch's extraction gives the page."""
    tree = parse_html(data)
    return extract_metadata(tree, url).published if tree is not None else None


def htmldate_extensive(data: bytes, url: str | None) -> str | None:
    return find_date(data, extensive_search=True, original_date=True, url=url)


def htmldate_fast(data: bytes, url: str | None) -> str | None:
    return find_date(data, extensive_search=False, original_date=True, url=url)


SYSTEMS: dict[str, Callable[[bytes, str | None], str | None]] = {
    "councilwatch": councilwatch_date,
    "htmldate extensive": htmldate_extensive,
    "htmldate fast": htmldate_fast,
}


@dataclass
class Score:
    """Counts of one system over the gold set, and its speed."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    pages_per_s: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: str | None, gold: str | None) -> str:
        """Count one page; return its outcome (``tp``, ``fp``, ``fn`` or ``tn``)."""
        day = predicted[:10] if predicted else None
        outcome = (
            ("tn" if gold is None else "fn") if day is None else ("tp" if day == gold else "fp")
        )
        setattr(self, outcome, getattr(self, outcome) + 1)
        return outcome


def score(
    system: Callable[[bytes, str | None], str | None], pages: list[Page], repeats: int = 3
) -> tuple[Score, list[tuple[str, str | None, str | None]]]:
    """Score ``system`` on ``pages``; also return its misses (path, predicted, gold)."""
    result = Score()
    misses = []
    for path, data, url, gold in pages:
        predicted = system(data, url)
        if result.add(predicted, gold) in ("fp", "fn"):
            misses.append((path, predicted, gold))
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _path, data, url, _gold in pages:
            system(data, url)
        timings.append(time.perf_counter() - started)
    result.pages_per_s = len(pages) / statistics.median(timings)
    return result, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed passes (median)")
    parser.add_argument("--misses", action="store_true", help="list every page got wrong")
    args = parser.parse_args(argv)
    if not REFERENCE.is_dir():
        print(f"skipped: reference pages not found at {REFERENCE} (needs ../shared)")
        return 0
    pages = load_pages()
    dated = sum(1 for page in pages if page[3])
    print(f"{len(pages)} pages, {dated} with a date, {len(pages) - dated} without")
    print(
        f"{'system':<20} {'P':>6} {'R':>6} {'F1':>6}  {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}  pages/s"
    )
    for name, system in SYSTEMS.items():
        result, misses = score(system, pages, args.repeats)
        print(
            f"{name:<20} {result.precision:6.3f} {result.recall:6.3f} {result.f1:6.3f}"
            f"  {result.tp:4d} {result.fp:4d} {result.fn:4d} {result.tn:4d}"
            f"  {result.pages_per_s:7.1f}"
        )
        if args.misses:
            for path, predicted, gold in misses:
                print(f"    {path}: got {predicted}, page shows {gold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
