"""The NLP stage over stored articles: stream bodies in batches, run the pipeline (in this
process or in worker processes), replace each article's facts in one transaction per batch.

Resumable: without ``everything`` only articles whose ``nlp_version`` is missing or old are
read, so an interrupted run simply continues. With ``everything`` (re-process all) the run is
recorded in ``process_runs`` with the last article id committed, in the same transaction as
each batch; the next ``everything`` run of the same NLP version resumes after it.

Example:
    >>> from councilwatch.db.schema import connect
    >>> from councilwatch.db.store import store_article
    >>> from councilwatch.reference_data import load_reference_data
    >>> conn = connect(":memory:")
    >>> load_reference_data(conn)
    >>> _ = store_article(conn, {"url": "http://x/1", "body": "Kent County Council saved £2m."})
    >>> process_articles(conn)
    1
    >>> conn.execute("SELECT code FROM council_mentions").fetchone()[0]
    'KEN'
"""

from __future__ import annotations

import functools
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any, TextIO

from councilwatch.db.nlp_queue import (
    Item,
    article_url,
    count_pending,
    finish_process_run,
    note_batch_done,
    pending_batches,
    start_process_run,
)
from councilwatch.db.store import record_error, replace_facts_many
from councilwatch.nlp import NLP_VERSION
from councilwatch.worker_pool import ordered_results

ProgressCallback = Callable[[int, int], None]
#: The characters of an article's body the NLP stage reads by default: generous (a long news
#: article has 30,000), so only pages that are not news in size are cut. The cost grows with
#: the body, so one crawled page of megabytes would otherwise hold up a whole run.
MAX_BODY_CHARS = 1_000_000
# One pipeline per process (the writer's, or each worker's), built on first use.
_NLP = None


def analyse_batch(batch: list[Item], batch_size: int = 64) -> list[dict[str, Any]]:
    """Facts for one batch of articles (in a worker process, a Dask task, or in-process).

    If the batch fails, its articles are analysed one by one, so one bad article
    costs only itself: its entry is ``{"error": reason}`` instead of facts. spaCy is
    imported here, on the first batch, so a run with nothing to analyse never loads it.
    """
    from councilwatch.nlp.analyse import analyse_texts
    from councilwatch.nlp.language import bounded_vocabulary, build_pipeline

    global _NLP
    if _NLP is None:
        _NLP = build_pipeline()
    try:
        items = ((body, published) for _, body, published in batch)
        with bounded_vocabulary(_NLP):
            return list(analyse_texts(_NLP, items, batch_size=batch_size))
    except Exception:
        if len(batch) == 1:
            _, body, published = batch[0]
            try:
                with bounded_vocabulary(_NLP):
                    return list(analyse_texts(_NLP, [(body, published)]))
            except Exception as exc:
                return [{"error": f"{type(exc).__name__}: {exc}"}]
        return [facts for item in batch for facts in analyse_batch([item], batch_size)]


def process_articles(
    conn: sqlite3.Connection,
    *,
    everything: bool = False,
    batch_size: int = 64,
    processes: int = 1,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    max_body_chars: int | None = MAX_BODY_CHARS,
    cut: list[int] | None = None,
) -> int:
    """Extract facts from new (or, with ``everything``, all) articles; return how many.

    Only the first ``max_body_chars`` characters of a body are analysed (``None``: all of
    it; offsets stay those of the stored body). Each article cut is recorded in
    ``crawl_errors`` (stage ``nlp``, "body cut ...") and its id appended to ``cut``.

    The batches are analysed in ``processes`` worker processes, or as tasks on the Dask
    scheduler at ``scheduler`` (``tcp://HOST:8786``, see :mod:`councilwatch.dask_runner`);
    this process writes the facts, batch by batch, in order.

    ``progress(done, total)`` is called after each committed batch; if it raises (or the
    process is interrupted), the batches already committed stay done and the next call
    resumes after them.

    With nothing pending (the same query that picks the articles counts them first) the
    run is recorded and finished at once: no worker, Dask client or spaCy pipeline.
    """
    run_id, after_id = start_process_run(conn, NLP_VERSION, everything=everything)
    total = count_pending(conn, NLP_VERSION, everything=everything, after_id=after_id)
    if not total:
        finish_process_run(conn, run_id)
        return 0
    done = 0
    batches = pending_batches(
        conn, NLP_VERSION, everything=everything, batch_size=batch_size, after_id=after_id
    )
    lengths: dict[int, int] = {}  # the articles cut: their whole body's length
    if max_body_chars is not None:
        batches = _capped(batches, max_body_chars, lengths)
    analyse = functools.partial(analyse_batch, batch_size=batch_size)
    with ExitStack() as stack:
        if scheduler:
            from councilwatch.dask_runner import dask_client, dask_results, nlp_key

            client = stack.enter_context(dask_client(scheduler))
            results = dask_results(client, analyse, batches, nlp_key(NLP_VERSION))
        else:
            results = ordered_results(analyse, batches, processes)
        for batch, facts in results:
            write_facts(conn, run_id, batch, facts)
            for article_id, body, _ in batch:
                if article_id in lengths:
                    _record_cut(conn, article_id, lengths.pop(article_id), len(body))
                    if cut is not None:
                        cut.append(article_id)
            done += len(batch)
            if progress:
                progress(done, total)
    finish_process_run(conn, run_id)
    return done


def write_facts(
    conn: sqlite3.Connection, run_id: int, batch: list[Item], facts: list[dict[str, Any]]
) -> None:
    """Replace the facts of a batch's articles in one transaction that also notes the batch
    done in ``process_runs``; articles the NLP stage failed on are recorded instead."""
    failures, analysed = [], []
    for (article_id, _, _), record in zip(batch, facts, strict=True):
        if "error" in record:
            failures.append((article_id, record["error"]))
        else:
            analysed.append((article_id, record, NLP_VERSION))
    with conn:
        replace_facts_many(conn, analysed)
        note_batch_done(conn, run_id, batch[-1][0], len(batch))
    for article_id, reason in failures:
        _record_failure(conn, article_id, reason)


def _capped(
    batches: Iterator[list[Item]], limit: int, lengths: dict[int, int]
) -> Iterator[list[Item]]:
    """The batches with each body cut to ``limit`` characters; ``lengths`` gets the whole
    length of each body cut, by article id.

    >>> lengths = {}
    >>> list(_capped(iter([[(1, "abcdef", None), (2, "ab", None)]]), 3, lengths)), lengths
    ([[(1, 'abc', None), (2, 'ab', None)]], {1: 6})
    """
    for batch in batches:
        for article_id, body, _ in batch:
            if body is not None and len(body) > limit:
                lengths[article_id] = len(body)
        yield [(i, b[:limit] if b is not None else b, p) for i, b, p in batch]


def _record_cut(conn: sqlite3.Connection, article_id: int, length: int, limit: int) -> None:
    """An article whose body the NLP stage read only in part: its facts come from the
    first ``limit`` characters of ``length``."""
    reason = f"article {article_id}: body cut to {limit:,} of {length:,} characters for NLP"
    record_error(conn, None, article_url(conn, article_id), "nlp", reason)


def _record_failure(conn: sqlite3.Connection, article_id: int, reason: str) -> None:
    """An article the NLP stage could not analyse: recorded in ``crawl_errors`` (stage
    ``nlp``) and left unprocessed, so it is tried again by the next run."""
    record_error(
        conn, None, article_url(conn, article_id), "nlp", f"article {article_id}: {reason}"
    )


class ProgressReport:
    """Print ``done/total articles, N articles/s, ETA`` on a stream (stderr by default).

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> report = ProgressReport(out, clock=iter([0.0, 2.0]).__next__)
        >>> report(10, 40)
        >>> out.getvalue().strip()
        '10/40 articles, 5.0 articles/s, ETA 6s'
    """

    def __init__(
        self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream or sys.stderr
        self.clock = clock
        self.started = clock()

    def __call__(self, done: int, total: int) -> None:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0.0
        end = "\n" if done >= total else ""
        line = f"\r{done}/{total} articles, {rate:.1f} articles/s, ETA {_duration(eta)}"
        print(line, end=end, file=self.stream, flush=True)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
