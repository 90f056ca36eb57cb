"""How a crawl ended, from its close reason and stats: a ``crawl_runs`` status and why.

The one judgement of a crawl's outcome: the store pipeline writes it into the run's row,
``councilwatch run`` into its own, and the commands turn it into their exit code.

``finished``
    the crawl did its job (errors on single URLs are recorded, not failures of the run);
``interrupted``
    stopped by SIGINT or SIGTERM before the end (a ``--jobdir`` crawl resumes);
``failed``
    it could not do its job: the database refused to store what it found, none of the
    start URLs could be fetched, it could not start, or it stopped for another reason.

>>> run_status("finished", {"councilwatch/articles_new": 3})
('finished', '')
>>> run_status("shutdown", {})
('interrupted', 'stopped by a signal before the end (SIGINT or SIGTERM)')
>>> run_status("finished", {"councilwatch/start_urls": 2, "councilwatch/start_failed": 2})
('failed', 'none of the 2 start URLs could be fetched (see crawl_errors)')
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from councilwatch.db import store

#: Crawl close reasons that mean it ran to its end.
FINISHED_REASONS = (None, "finished", "max_articles")
#: The close reason of a crawl stopped because the database refused writes.
STORE_FAILED = "store_failed"
#: The close reason of a crawl that could not start (its error under CRAWL_ERROR_KEY).
CRAWL_ERROR = "crawl_error"
CRAWL_ERROR_KEY = "councilwatch/crawl_error"
#: Stats keys the store pipeline and the spider count into.
STORE_ERROR_KEY = "councilwatch/store_failed_reason"
STORED_KEYS = ("articles_new", "articles_updated", "articles_unchanged", "articles_alias")


def run_status(reason: str | None, stats: Mapping[str, Any]) -> tuple[str, str]:
    """``(status, why)`` of a crawl closed with ``reason``; ``why`` is '' when finished."""
    if reason == "shutdown":
        return "interrupted", "stopped by a signal before the end (SIGINT or SIGTERM)"
    store_error = stats.get(STORE_ERROR_KEY)
    stored = sum(int(stats.get(f"councilwatch/{key}", 0)) for key in STORED_KEYS)
    if reason == STORE_FAILED or (store_error and not stored):
        refused = int(stats.get("councilwatch/store_failed", 0))
        return "failed", (
            f"the database refused to store what the crawl found ({store_error}): "
            f"articles stored {stored}, refused {refused}"
        )
    if reason == CRAWL_ERROR:
        return "failed", f"the crawl could not run ({stats.get(CRAWL_ERROR_KEY)})"
    if reason not in FINISHED_REASONS:
        return "failed", f"the crawl stopped early ({reason})"
    starts = int(stats.get("councilwatch/start_urls", 0))
    if starts and int(stats.get("councilwatch/start_failed", 0)) >= starts:
        return "failed", f"none of the {starts} start URLs could be fetched (see crawl_errors)"
    return "finished", ""


def record_run_end(
    conn: sqlite3.Connection, run_id: int, *, status: str, counts: Mapping, stats: Mapping
) -> None:
    """Write a run's ending (:func:`councilwatch.db.store.finish_run`), and when the
    database refuses it (a full disk), once more after checkpointing the log."""
    try:
        store.finish_run(conn, run_id, status=status, counts=counts, stats=stats)
    except sqlite3.OperationalError:
        store.checkpoint(conn)
        store.finish_run(conn, run_id, status=status, counts=counts, stats=stats)
