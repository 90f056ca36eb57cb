"""Import articles from WARC files (our own crawls, or Common Crawl's CC-NEWS).

Scans each file with FastWARC (:mod:`councilwatch.warc_scan`: records judged on their WARC
headers before any payload is read), sends the kept HTML responses in batches through page
extraction, the article gate and the NLP stage (:mod:`councilwatch.page_batches`; in
``processes`` worker processes, or as Dask tasks with :mod:`councilwatch.dask_runner`), and
stores them like a crawl's articles (deduplicated), with their facts. This process is the
only writer. What is skipped is counted by reason; what could not be read or stored is an
error, recorded in ``crawl_errors`` (stage ``import``); pages the gate refused are counted as
``not an article`` and recorded like a crawl's refusals (stage ``extract``).
"""

from __future__ import annotations

import functools
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from councilwatch.db import store
from councilwatch.warc_scan import Record, ScanFilter, scan_warc
from councilwatch.worker_pool import ordered_results

if TYPE_CHECKING:  # page extraction is imported once a record is kept
    from councilwatch.page_batches import Analysis

#: Keep every HTML response.
KEEP_ALL = ScanFilter()
#: Records per batch sent to page extraction and NLP.
BATCH = 32
#: The crawl_errors stage of what an import could not read or store.
STAGE = "import"


@dataclass
class ImportReport:
    """What an import did: articles by outcome, records skipped by reason, errors (records
    that could not be read, articles the database refused)."""

    outcomes: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    errors: int = 0
    #: New or updated articles stored without facts (NLP off, or failed on them).
    unanalysed: int = 0

    def as_dict(self) -> dict:
        return {
            "outcomes": dict(self.outcomes),
            "skipped": dict(self.skipped),
            "errors": self.errors,
        }

    def summary(self) -> str:
        """The one-line account the command prints.

        >>> report = ImportReport(Counter(new=3), Counter({"other domain": 95, "not HTML": 2}))
        >>> report.summary()
        'Articles: 3 new. Skipped records: 95 other domain, 2 not HTML. Errors: 0.'
        """
        outcomes = ", ".join(f"{n} {k}" for k, n in sorted(self.outcomes.items())) or "none"
        skipped = ", ".join(f"{n} {k}" for k, n in self.skipped.most_common()) or "none"
        return f"Articles: {outcomes}. Skipped records: {skipped}. Errors: {self.errors}."


def analyse_records(records: Sequence[Record], *, nlp: bool = True) -> list[tuple[Any, Analysis]]:
    """:func:`~councilwatch.page_batches.analyse_pages` for WARC records (a worker's job)."""
    from councilwatch.page_batches import Page, analyse_pages

    return analyse_pages([Page(r.url, r.body, r.content_type) for r in records], nlp=nlp)


def record_items(
    records: Sequence[Record], results: Sequence[tuple[Any, Analysis]], source: str | None
) -> list[dict]:
    """The crawl items for analysed records: an article item (page, facts) or an error item
    with the gate's reason, in order; plain values, as a Dask task returns them."""
    from councilwatch.extraction.gate import STAGE as EXTRACT_STAGE

    items = []
    for record, (verdict, analysis) in zip(records, results, strict=True):
        if verdict.refusal is not None:
            items.append(
                {
                    "kind": "error",
                    "url": record.url,
                    "stage": EXTRACT_STAGE,
                    "reason": verdict.refusal.reason,
                    "source": source,
                    "status": None,
                }
            )
            continue
        item = {
            "kind": "article",
            **verdict.article.as_dict(),
            "source": source,
            "fetched_at": _iso(record.date),
            "content_type": record.content_type,
            **analysis,
        }
        if "html_gz" not in item:  # the page as fetched, when no worker compressed it
            item["raw_html"] = record.body
        items.append(item)
    return items


def _iso(warc_date: str) -> str:
    try:
        return datetime.fromisoformat(warc_date.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return datetime.now(UTC).isoformat(timespec="seconds")


def _batched(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


class ArchiveWriter:
    """The single writer of an import: stores items (articles with their facts, refusals)
    through the crawl's store path, and counts them in the report.

    Imports the store path (Scrapy's item pipeline module) on first use only, so a scan
    that keeps nothing never loads it.
    """

    def __init__(self, conn: sqlite3.Connection, run_id: int, source: str | None) -> None:
        from councilwatch.pipeline.store_items import SourceTally
        from councilwatch.reference_data import load_reference_data

        load_reference_data(conn)  # the gazetteer the facts point to
        self.conn = conn
        self.run_id = run_id
        self.source = source
        self.tally = SourceTally()
        self.known_sources: set[str] = set()

    def write(self, items: Sequence[dict], report: ImportReport) -> None:
        """Store one batch of items: refusals one by one, articles in one transaction (one
        by one if the database refuses the batch, so only the refused one is an error)."""
        from councilwatch.pipeline.store_items import (
            StoreFailed,
            article_record,
            count_outcome,
            store_facts,
            store_item,
        )

        articles = []
        for item in items:
            if item["kind"] == "error":
                report.skipped["not an article"] += 1
                store_item(self.conn, self.run_id, item, self.tally, self.known_sources)
            else:
                articles.append(item)
        if not articles:
            return
        try:
            records = [article_record(self.conn, item, self.known_sources) for item in articles]
            outcomes = store.store_articles(self.conn, records)
        except sqlite3.Error:
            stored = []
            for item in articles:
                try:
                    store_item(self.conn, self.run_id, item, self.tally, self.known_sources)
                except StoreFailed:  # recorded in crawl_errors by store_item
                    report.errors += 1
                    continue
                stored.append(item)
        else:
            for item, (outcome, article_id) in zip(articles, outcomes, strict=True):
                count_outcome(self.tally, item, outcome, article_id)
            stored = articles
        for item in stored:
            report.outcomes[item["outcome"]] += 1
            if item["outcome"] in ("new", "updated") and item.get("facts") is None:
                report.unanalysed += 1
        store_facts(self.conn, stored)

    def finish(self) -> None:
        """Write the run's per-source figures (``crawl_run_sources``)."""
        from councilwatch.pipeline.store_items import save_tallies

        save_tallies(self.conn, self.run_id, {self.source or "unknown": self.tally}, block_after=1)


def import_warcs(
    conn: sqlite3.Connection,
    paths: Iterable[str | Path],
    *,
    run_id: int,
    source: str | None = None,
    keep: ScanFilter = KEEP_ALL,
    processes: int = 1,
    nlp: bool = True,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Extract, analyse and store every article in ``paths``; return what happened.

    Extraction and NLP run in ``processes`` worker processes (started only once a record is
    kept); this process is the only writer. Idempotent: importing the same files again
    stores nothing new.
    """
    report = ImportReport()

    def on_error(where: str, reason: str) -> None:
        report.errors += 1
        store.record_error(conn, run_id, where, STAGE, reason)

    records = (r for path in paths for r in scan_warc(path, keep, report.skipped, on_error))
    analyse = functools.partial(analyse_records, nlp=nlp)
    writer: ArchiveWriter | None = None
    for batch, results in ordered_results(analyse, _batched(records, BATCH), processes):
        writer = writer or ArchiveWriter(conn, run_id, source)
        writer.write(record_items(batch, results, source), report)
        if progress:
            progress(report)
    if writer is not None:
        writer.finish()
    return report


def import_archives(
    conn: sqlite3.Connection,
    paths: Sequence[str | Path],
    run: Callable[..., ImportReport] = import_warcs,
    **options: Any,
) -> tuple[int, ImportReport]:
    """``run`` (:func:`import_warcs`, or the Dask import) as one ``crawl_runs`` row;
    ``options`` are its own (``source``, ``keep``, ``processes``, ...).

    Returns ``(run id, report)``; a failed import leaves its row ``failed``.
    """
    command = "councilwatch import-warc " + " ".join(str(p) for p in paths)
    run_id = store.start_run(conn, command)
    try:
        report = run(conn, paths, run_id=run_id, **options)
    except BaseException:
        store.finish_run(conn, run_id, status="failed", counts={}, stats={})
        raise
    counts = {
        "articles_new": report.outcomes["new"],
        "articles_updated": report.outcomes["updated"],
        "errors": report.errors,
    }
    store.finish_run(conn, run_id, status="finished", counts=counts, stats=report.as_dict())
    return run_id, report
