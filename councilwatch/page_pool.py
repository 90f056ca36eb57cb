"""Page extraction and the NLP stage for a crawl, in worker processes fed in batches, so the
crawl process only fetches and stores (the single SQLite writer) and both cores work.

The news spider hands each fetched article page to :meth:`PagePool.analyse_page` (when
``COUNCILWATCH_EXTRACT_PROCESSES`` > 0 and ``COUNCILWATCH_PAGE_POOL`` names this class, the
project default) and awaits the gate's verdict and the article's facts; the store pipeline
writes article and facts together, so ``councilwatch process`` finds nothing left to do.

Batching: a page goes to a worker at once when one is idle; while all are busy, pages wait
and leave together (up to ``COUNCILWATCH_PAGE_BATCH``) as soon as a worker is free, with at
most one batch queued per worker. So batches grow only when the workers are the bottleneck,
and Scrapy's own limit on responses in the item pipelines bounds what waits.

Settings: ``COUNCILWATCH_EXTRACT_PROCESSES`` (workers), ``COUNCILWATCH_PAGE_BATCH`` (most
pages per batch, default 16), ``COUNCILWATCH_CRAWL_NLP`` (run the NLP stage in the workers,
default True).

What the pool saw goes to the crawl's stats under ``councilwatch/page_pool/``: batches and
pages sent, the largest batch, and the seconds (from the first page to the last result) in
which no batch was at a worker (``starved_s``: the crawl process was not feeding them) and
in which every worker was busy with pages left waiting (``saturated_s``).
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from scrapy.crawler import Crawler

from councilwatch.page_batches import Analysis, Page, analyse_pages, warm_up

DEFAULT_BATCH = 16


class PageWorkersDied(Exception):
    """The worker process analysing a page died (new workers take the next pages)."""


class PagePool:
    """Worker processes that extract and analyse fetched pages, a batch at a time."""

    def __init__(self, processes: int, batch_size: int = DEFAULT_BATCH, nlp: bool = True) -> None:
        self.processes = max(processes, 1)
        self.batch_size = max(batch_size, 1)
        self.nlp = nlp
        self.analyse = functools.partial(analyse_pages, nlp=nlp)
        self.executor: ProcessPoolExecutor | None = None
        self.waiting: list[tuple[Page, asyncio.Future]] = []
        self.in_flight = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.figures = PoolFigures()
        self.stats: Any = None  # the crawl's stats collector, when built from a crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PagePool:
        """The pool for a crawl. With NLP on, the database gets the reference tables the
        facts point to; a Redis worker (no database of its own) runs extraction only."""
        settings = crawler.settings
        nlp = settings.getbool("COUNCILWATCH_CRAWL_NLP", True) and not settings.get("REDIS_URL")
        if nlp:
            from contextlib import closing

            from councilwatch.db.schema import connect
            from councilwatch.reference_data import load_reference_data

            with closing(connect(settings["COUNCILWATCH_DB"])) as conn:
                load_reference_data(conn)
        pool = cls(
            settings.getint("COUNCILWATCH_EXTRACT_PROCESSES", 1),
            settings.getint("COUNCILWATCH_PAGE_BATCH", DEFAULT_BATCH),
            nlp,
        )
        pool.stats = crawler.stats
        return pool

    def start(self) -> None:
        """Start the workers now, each loading extraction and the NLP pipeline, so their
        start-up overlaps what the crawl does before its first article (robots, feeds,
        sitemaps); the spider calls this when it opens. Without it the first batch starts
        them. :meth:`shutdown` stops them whether or not a page ever came."""
        pool = self._pool()
        for _ in range(self.processes):
            pool.submit(warm_up, self.nlp)
        if self.stats is not None:
            self.stats.set_value("councilwatch/page_pool/started_early", self.processes)

    async def analyse_page(
        self, body: bytes, url: str, content_type: str | None
    ) -> tuple[Any, Analysis]:
        """The gate's verdict on one page and its article's facts (``{}`` without NLP)."""
        self.loop = asyncio.get_running_loop()
        future = self.loop.create_future()
        self.waiting.append((Page(url, body, content_type), future))
        self._send()
        self.figures.state(self.in_flight, self.processes, bool(self.waiting))
        return await future

    def _send(self) -> None:
        """Hand waiting pages to the workers: at once to an idle one, and one batch queued
        per busy one."""
        while self.waiting and self.in_flight < 2 * self.processes:
            if self.in_flight >= self.processes and len(self.waiting) < self.batch_size:
                return  # every worker busy: let the batch fill until one is free
            batch, self.waiting = (
                self.waiting[: self.batch_size],
                self.waiting[self.batch_size :],
            )
            self.in_flight += 1
            self.figures.sent(len(batch))
            done = self._pool().submit(self.analyse, [page for page, _ in batch])
            done.add_done_callback(functools.partial(self._finished, batch))

    def _pool(self) -> ProcessPoolExecutor:
        if self.executor is None:
            context = multiprocessing.get_context("spawn")  # no forked reactor
            self.executor = ProcessPoolExecutor(self.processes, mp_context=context)
        return self.executor

    def _finished(self, batch: list[tuple[Page, asyncio.Future]], done: Future) -> None:
        """Called in the executor's thread: pass the results to the event loop."""
        self.loop.call_soon_threadsafe(self._deliver, batch, done)

    def _deliver(self, batch: list[tuple[Page, asyncio.Future]], done: Future) -> None:
        self.in_flight -= 1
        try:
            results = done.result()
        except Exception as exc:  # a worker died under this batch
            if self.executor is not None:
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.executor = None
            failure = PageWorkersDied(f"{type(exc).__name__}: {exc}")
            for _, future in batch:
                if not future.done():
                    future.set_exception(failure)
        else:
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
        self._send()
        self.figures.state(self.in_flight, self.processes, bool(self.waiting))
        self._record()

    def _record(self) -> None:
        """Put the figures in the crawl's stats (after every batch, so a run's saved stats
        have them however the crawl ends)."""
        if self.stats is not None:
            for name, value in self.figures.as_stats().items():
                self.stats.set_value(f"councilwatch/page_pool/{name}", value)

    def shutdown(self, cancel_futures: bool = True) -> None:
        """Stop the workers (the spider calls this when it closes)."""
        for _, future in self.waiting:
            future.cancel()
        self.waiting = []
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=cancel_futures)
            self.executor = None


class PoolFigures:
    """How a pool's workers were fed: batches, pages, and the time spent with no batch at a
    worker (starved) or with every worker busy and pages waiting (saturated).

    >>> figures = PoolFigures(clock=iter([0.0, 1.0, 3.0, 3.5]).__next__)
    >>> figures.sent(3)
    >>> figures.state(1, 2, False)  # t=0: one worker busy
    >>> figures.state(0, 2, False)  # t=1: none: starved from here
    >>> figures.state(2, 2, True)  # t=3: both busy, pages waiting: saturated from here
    >>> figures.state(0, 2, False)  # t=3.5
    >>> figures.as_stats()
    {'batches': 1, 'pages': 3, 'largest_batch': 3, 'starved_s': 2.0, 'saturated_s': 0.5}
    """

    def __init__(self, clock: Any = time.monotonic) -> None:
        self.clock = clock
        self.batches = self.pages = self.largest = 0
        self.starved = self.saturated = 0.0
        self.since: float | None = None
        self.current = ""

    def sent(self, pages: int) -> None:
        self.batches += 1
        self.pages += pages
        self.largest = max(self.largest, pages)

    def state(self, in_flight: int, processes: int, waiting: bool) -> None:
        """Note the pool's state after a change (a page came, a batch came back)."""
        now = self.clock()
        if self.since is not None:
            if self.current == "starved":
                self.starved += now - self.since
            elif self.current == "saturated":
                self.saturated += now - self.since
        self.since = now
        if in_flight == 0:
            self.current = "starved"
        elif in_flight >= processes and waiting:
            self.current = "saturated"
        else:
            self.current = ""

    def as_stats(self) -> dict[str, Any]:
        return {
            "batches": self.batches,
            "pages": self.pages,
            "largest_batch": self.largest,
            "starved_s": round(self.starved, 2),
            "saturated_s": round(self.saturated, 2),
        }
