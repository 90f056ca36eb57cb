"""Batches through worker processes, results in order, a bounded number in flight.

Used by the NLP stage (``process --processes N``) and the archive import
(``import-warc --processes N``): the calling process stays the single SQLite writer and
hands out batches; at most ``window`` batches per worker are waiting, so memory stays
bounded however large the corpus. Workers start on the first batch (a run with nothing to
do starts none) and are spawned, not forked (no copied reactor, database connection or
spaCy state).

Example:
    >>> list(ordered_results(len, [[1, 2], [3]], processes=1))
    [([1, 2], 2), ([3], 1)]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

Batch = TypeVar("Batch")
Result = TypeVar("Result")


def ordered_results(
    func: Callable[[Batch], Result],
    batches: Iterable[Batch],
    processes: int,
    *,
    window: int = 2,
) -> Iterator[tuple[Batch, Result]]:
    """Yield ``(batch, func(batch))`` in the order of ``batches``; ``func`` runs in
    ``processes`` worker processes (in this one when ``processes <= 1``).

    ``func`` must be picklable (a module-level function, or a ``functools.partial`` of one).
    """
    if processes <= 1:
        for batch in batches:
            yield batch, func(batch)
        return
    pool: ProcessPoolExecutor | None = None

    def submit(batch: Batch) -> Future:
        nonlocal pool
        if pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(processes, mp_context=context)
        return pool.submit(func, batch)

    try:
        yield from windowed(submit, batches, window * processes)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def windowed(
    submit: Callable[[Batch], Future], batches: Iterable[Batch], in_flight: int
) -> Iterator[tuple[Batch, Result]]:
    """Yield ``(batch, result)`` in order, with at most ``in_flight`` batches submitted and
    not yet yielded; ``submit(batch)`` returns a future (of a process pool, or of a Dask
    client: anything with ``result()``)."""
    waiting: deque[tuple[Batch, Future]] = deque()
    for batch in batches:
        waiting.append((batch, submit(batch)))
        if len(waiting) >= in_flight:
            done, future = waiting.popleft()
            yield done, future.result()
    while waiting:
        done, future = waiting.popleft()
        yield done, future.result()
