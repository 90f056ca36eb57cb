"""``councilwatch run``: crawl then process, once, for cron or a systemd timer.

A lock file next to the database stops a second run from overlapping the first;
each run is a ``crawl_runs`` row with its counts and per-source figures.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from councilwatch.crawl_outcome import CrawlOutcome
from councilwatch.crawl_stats import CrawlFigures
from councilwatch.db import store
from councilwatch.db.schema import connect
from councilwatch.pipeline.run_status import record_run_end
from councilwatch.process import process_articles
from councilwatch.reference_data import load_reference_data

#: Exit code of a run that found another run holding the lock (EX_TEMPFAIL).
EXIT_LOCKED = 75


class RunLocked(Exception):
    """Another run holds the database's lock."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def run_lock(db_path: Path) -> Iterator[Path]:
    """Hold an exclusive, non-blocking lock for ``db_path``; released on exit or crash.

    >>> import tempfile
    >>> db = Path(tempfile.mkdtemp()) / "x.db"
    >>> with run_lock(db):  # doctest: +IGNORE_EXCEPTION_DETAIL
    ...     with run_lock(db):
    ...         pass
    Traceback (most recent call last):
    ...
    councilwatch.run.RunLocked: ...
    """
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise RunLocked(f"{db_path} is in use by another councilwatch run ({holder})") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}")
    handle.flush()
    try:
        yield path
    finally:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def run_once(
    db_path: Path,
    crawl: Callable[[int], Mapping],
    *,
    command: str = "councilwatch run",
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Crawl (``crawl(run_id)`` returns Scrapy's stats) then process new articles.

    Must be called with :func:`run_lock` held. Returns the run's counts, its
    ``status`` and ``outcome`` (:class:`~councilwatch.crawl_outcome.CrawlOutcome`). A
    crawl that failed or was interrupted is recorded so, and its articles are left
    for the next run's NLP stage; so is an NLP stage stopped by Ctrl-C.
    """
    conn = connect(db_path)
    load_reference_data(conn)
    run_id = store.start_run(conn, command)
    outcome = CrawlOutcome("failed", "the run stopped on an unexpected error")
    counts: dict = {}
    stats: Mapping = {}
    try:
        stats = crawl(run_id)
        outcome = CrawlOutcome.from_stats(stats)
        counts = {**CrawlFigures.from_stats(stats).run_counts(), "articles_processed": 0}
        if outcome.status == "finished":
            try:
                counts["articles_processed"] = process_articles(conn, progress=progress)
            except KeyboardInterrupt:
                outcome = CrawlOutcome("interrupted", "stopped during the NLP stage (Ctrl-C)")
        return {"run_id": run_id, "status": outcome.status, "outcome": outcome, **counts}
    finally:
        record_run_end(conn, run_id, status=outcome.status, counts=counts, stats={"scrapy": stats})
        conn.close()
