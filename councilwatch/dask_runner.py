"""Archive processing on a Dask distributed cluster, this process the single SQLite writer.

``import-warc --dask ADDRESS``: one task per WARC file scans it, extracts and analyses its
kept records (:func:`scan_file`) and returns plain records (article items with their page
and facts, refusals, skip counts, errors); ``process --dask ADDRESS``: one task per batch
of stored articles returns their facts. Tasks are submitted in order with a bounded number
in flight, and each result is fetched and loaded once, in order.

Exactly once: a task's key is derived from what it works on (the file and the import's
options; the batch's article ids and texts and the NLP version), so a task that Dask
retries, or re-runs because the worker holding it died, is the same task and its result is
loaded once; a key met twice in one run (the same file given twice) is loaded once; and
loading is idempotent anyway (articles are deduplicated on canonical URL and text, facts
replaced per article).

Workers need councilwatch installed (the same version) and the WARC paths readable: a
shared file system, or URLs fsspec can open (``s3://...`` with s3fs on the workers).
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from councilwatch.warc import (
    BATCH,
    KEEP_ALL,
    STAGE,
    ArchiveWriter,
    ImportReport,
    _batched,
    analyse_records,
    record_items,
)
from councilwatch.warc_scan import ScanFilter, scan_warc
from councilwatch.worker_pool import windowed

Batch = TypeVar("Batch")
#: Tasks in flight per worker thread of the cluster.
WINDOW = 2
#: Times Dask runs a task again after it raised (a worker dying is not counted here: the
#: scheduler gives its tasks to the other workers).
RETRIES = 2


class DaskUnavailable(Exception):
    """The Dask scheduler could not be reached."""


def task_key(kind: str, *parts: object) -> str:
    """A task key derived from what the task works on.

    >>> task_key("warc", "a.warc.gz", ("x.example",)) == task_key("warc", "a.warc.gz", ("x.example",))
    True
    >>> task_key("warc", "a.warc.gz").startswith("councilwatch-warc-")
    True
    """
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return f"councilwatch-{kind}-{digest}"


@contextmanager
def dask_client(scheduler: str) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler`` (``tcp://HOST:8786``); DaskUnavailable if
    it cannot be reached within 10 seconds."""
    from distributed import Client

    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DaskUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        yield client
    finally:
        client.close()


def dask_results(
    client: Any,
    func: Callable[[Batch], Any],
    batches: Iterable[Batch],
    key_of: Callable[[Batch], str],
) -> Iterator[tuple[Batch, Any]]:
    """``(batch, func(batch))`` in order, each ``func(batch)`` a Dask task keyed
    ``key_of(batch)``; a key already loaded in this run is not submitted again."""
    threads = max(sum(client.nthreads().values()), 1)
    seen: set[str] = set()

    def fresh() -> Iterator[Batch]:
        for batch in batches:
            key = key_of(batch)
            if key not in seen:
                seen.add(key)
                yield batch

    def submit(batch: Batch) -> Any:
        return client.submit(func, batch, key=key_of(batch), pure=False, retries=RETRIES)

    yield from windowed(submit, fresh(), WINDOW * threads)


# -- the archive import ---------------------------------------------------------------------


def scan_file(
    path: str, keep: ScanFilter = KEEP_ALL, source: str | None = None, nlp: bool = True
) -> dict[str, Any]:
    """One file's task: scan, extract, analyse. Returns plain values: ``items`` (article
    items with page and facts, refusals), ``skipped`` (by reason) and ``errors``
    (``(where, reason)`` pairs), for the writer to load. A file that cannot be read at all
    (missing on the worker, say) is one error, not a failed task."""
    skipped: Counter = Counter()
    errors: list[tuple[str, str]] = []
    items: list[dict] = []
    try:
        records = scan_warc(path, keep, skipped, lambda where, why: errors.append((where, why)))
        for batch in _batched(records, BATCH):
            items.extend(record_items(batch, analyse_records(batch, nlp=nlp), source))
    except OSError as exc:
        errors.append((path, f"cannot read the file: {type(exc).__name__}: {exc}"))
    return {"path": path, "items": items, "skipped": dict(skipped), "errors": errors}


def import_with_dask(
    conn: sqlite3.Connection,
    paths: Sequence[str | Path],
    *,
    run_id: int,
    scheduler: str,
    source: str | None = None,
    keep: ScanFilter = KEEP_ALL,
    nlp: bool = True,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """:func:`councilwatch.warc.import_warcs` with one Dask task per file (see the module)."""
    from councilwatch.db.store import record_error

    report = ImportReport()
    writer: ArchiveWriter | None = None
    task = functools.partial(scan_file, keep=keep, source=source, nlp=nlp)

    def key_of(path: str) -> str:
        return task_key("warc", path, keep, source, nlp)

    with dask_client(scheduler) as client:
        for _, result in dask_results(client, task, [str(p) for p in paths], key_of):
            for where, reason in result["errors"]:
                report.errors += 1
                record_error(conn, run_id, where, STAGE, reason)
            report.skipped.update(result["skipped"])
            if result["items"]:
                writer = writer or ArchiveWriter(conn, run_id, source)
                writer.write(result["items"], report)
            if progress:
                progress(report)
    if writer is not None:
        writer.finish()
    return report


# -- the NLP stage --------------------------------------------------------------------------


def nlp_key(nlp_version: str) -> Callable[[list[tuple[int, str, str | None]]], str]:
    """The key of an NLP batch task: the NLP version, the articles' ids and texts."""

    def key_of(batch: list[tuple[int, str, str | None]]) -> str:
        return task_key(f"nlp-{batch[0][0]}", nlp_version, batch)

    return key_of
