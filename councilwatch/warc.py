"""Import articles from WARC files (our own crawls, or Common Crawl's CC-NEWS).

Streams each file with warcio (plain or gzip per record, as CC-NEWS publishes),
keeps HTML ``response`` records of the chosen domains and dates, and runs the same
page extraction, deduplication and storage as a crawl. What is skipped is counted
by reason; broken records are recorded in ``crawl_errors`` (stage ``import``).
"""

from __future__ import annotations

import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from councilwatch.db import store
from councilwatch.extraction.gate import STAGE as EXTRACT_STAGE
from councilwatch.extraction.gate import Verdict, judge_page
from councilwatch.pipeline.store_items import SourceTally, StoreFailed, save_tallies, store_item
from councilwatch.reference_data import load_reference_data
from councilwatch.spiders.news import error_item

#: Records whose payload is larger than this are skipped (as the crawler's size limit).
MAX_PAYLOAD = 10 * 1024 * 1024


@dataclass
class Record:
    """An HTML response taken from a WARC file, ready for page extraction."""

    url: str
    date: str
    content_type: str
    body: bytes


@dataclass
class ImportReport:
    """What an import did: articles by outcome, records skipped by reason, errors."""

    outcomes: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    errors: int = 0

    def as_dict(self) -> dict:
        return {
            "outcomes": dict(self.outcomes),
            "skipped": dict(self.skipped),
            "errors": self.errors,
        }


def domain_matches(host: str, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one.

    >>> domain_matches("www.theregister.com", ["theregister.com"])
    True
    >>> domain_matches("notheregister.com", ["theregister.com"])
    False
    """
    host = host.lower().split(":")[0]
    return any(host == d or host.endswith("." + d) for d in (d.lower() for d in domains))


def first_broken_member(path: Path, chunk_size: int = 1 << 20) -> int | None:
    """Byte offset of the first truncated or corrupt gzip member of ``path``, or None.

    warcio reads a truncated final member as a short record without complaint; this
    check lets the importer record the damage and skip what it would otherwise take
    for a whole (but cut) article.
    """
    with path.open("rb") as stream:
        pending, offset = b"", 0
        while True:
            pending = pending or stream.read(chunk_size)
            if not pending:
                return None  # every member ended cleanly
            member_start = offset
            decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while True:
                try:
                    decompressor.decompress(pending)
                except zlib.error:
                    return member_start
                if decompressor.eof:
                    offset += len(pending) - len(decompressor.unused_data)
                    pending = decompressor.unused_data
                    break
                offset += len(pending)
                pending = stream.read(chunk_size)
                if not pending:
                    return member_start


def read_records(
    path: Path,
    *,
    domains: Iterable[str] = (),
    since: str | None = None,
    until: str | None = None,
    skipped: Counter | None = None,
    on_error: Callable[[str, str], None] | None = None,
) -> Iterator[Record]:
    """HTML response records of ``path`` that pass the filters, streamed.

    ``skipped`` counts the others by reason; ``on_error(url_or_file, reason)`` is
    told about records that cannot be read (the rest of the file is still read
    when the format allows it).
    """
    skipped = skipped if skipped is not None else Counter()
    domains = list(domains)
    broken_at = first_broken_member(path) if path.suffix == ".gz" else None
    if broken_at is not None and on_error:
        on_error(
            str(path), f"truncated or corrupt gzip member at byte {broken_at}; skipped from there"
        )
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
                skipped["broken record"] += 1
                if on_error:
                    on_error(str(path), f"unreadable WARC record: {exc}")
                return  # the stream cannot be resynchronised after a broken member
            if broken_at is not None and records.offset >= broken_at:
                skipped["broken record"] += 1
                return
            if record.rec_type != "response":
                skipped[f"{record.rec_type} record"] += 1
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            date = record.rec_headers.get_header("WARC-Date") or ""
            if not url.startswith(("http://", "https://")):
                skipped["not an http(s) URL"] += 1
                continue
            if domains and not domain_matches(urlsplit(url).netloc, domains):
                skipped["other domain"] += 1
                continue
            if (since and date[:10] < since) or (until and date[:10] > until):
                skipped["outside the dates"] += 1
                continue
            http = record.http_headers
            status = http.get_statuscode() if http else None
            if status != "200":
                skipped[f"HTTP {status}"] += 1
                continue
            content_type = http.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                skipped["not HTML"] += 1
                continue
            try:
                body = record.content_stream().read(MAX_PAYLOAD + 1)
            except Exception as exc:  # decompression errors surface here, per record
                skipped["broken record"] += 1
                if on_error:
                    on_error(url, f"unreadable payload: {type(exc).__name__}: {exc}")
                continue
            if len(body) > MAX_PAYLOAD:
                skipped["over the size limit"] += 1
                continue
            yield Record(url, date, content_type, body)


def extract_record(record: Record) -> tuple[Record, Verdict]:
    """Page extraction and the article gate for one record (as for a crawled page).

    A top-level function so it can run in worker processes.
    """
    return record, judge_page(record.body, record.url, content_type=record.content_type)


def import_warcs(
    conn: sqlite3.Connection,
    paths: Iterable[Path],
    *,
    run_id: int,
    source: str | None = None,
    domains: Iterable[str] = (),
    since: str | None = None,
    until: str | None = None,
    processes: int = 1,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Extract and store every article in ``paths``; return what happened.

    Extraction runs in ``processes`` worker processes; this process is the only
    writer. Idempotent: importing the same files again stores nothing new.
    """
    report = ImportReport()

    def on_error(where: str, reason: str) -> None:
        report.errors += 1
        store.record_error(conn, run_id, where, "import", reason)

    def records() -> Iterator[Record]:
        for path in paths:
            yield from read_records(
                path, domains=domains, since=since, until=until,
                skipped=report.skipped, on_error=on_error,
            )  # fmt: skip

    tally = SourceTally()
    if processes > 1:
        with ProcessPoolExecutor(processes) as pool:
            results = pool.map(extract_record, records(), chunksize=16)
            _store_results(conn, run_id, results, report, tally, source, on_error, progress)
    else:
        results = map(extract_record, records())
        _store_results(conn, run_id, results, report, tally, source, on_error, progress)
    save_tallies(conn, run_id, {source or "unknown": tally}, block_after=1)
    return report


def _store_results(
    conn: sqlite3.Connection,
    run_id: int,
    results: Iterable[tuple[Record, Verdict]],
    report: ImportReport,
    tally: SourceTally,
    source: str | None,
    on_error: Callable[[str, str], None],
    progress: Callable[[ImportReport], None] | None,
) -> None:
    """Store each extracted article as a crawl would (``store_item``), count the rest."""
    known_sources: set[str] = set()
    for record, verdict in results:
        if verdict.refusal is not None:
            report.skipped["not an article"] += 1
            report.errors += 1
            refused = error_item(record.url, EXTRACT_STAGE, verdict.refusal.reason, source)
            store_item(conn, run_id, refused, tally, known_sources)
            continue
        item = {
            "kind": "article",
            **verdict.article.as_dict(),
            "source": source,
            "fetched_at": _iso(record.date),
            "raw_html": record.body,
            "content_type": record.content_type,
        }
        try:
            outcome = store_item(conn, run_id, item, tally, known_sources)
        except StoreFailed:  # recorded in crawl_errors by store_item
            report.errors += 1
            continue
        report.outcomes[outcome] += 1
        if progress and sum(report.outcomes.values()) % 100 == 0:
            progress(report)


def _iso(warc_date: str) -> str:
    try:
        return datetime.fromisoformat(warc_date.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return datetime.now(UTC).isoformat(timespec="seconds")


def import_archives(
    conn: sqlite3.Connection, paths: Sequence[Path], **options: Any
) -> tuple[int, ImportReport]:
    """:func:`import_warcs` as one ``crawl_runs`` row (reference data loaded first);
    ``options`` are :func:`import_warcs`' (``source``, ``domains``, ``since``, ...).

    Returns ``(run id, report)``; a failed import leaves its row ``failed``.
    """
    load_reference_data(conn)
    command = "councilwatch import-warc " + " ".join(str(p) for p in paths)
    run_id = store.start_run(conn, command)
    try:
        report = import_warcs(conn, paths, run_id=run_id, **options)
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
