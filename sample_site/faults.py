"""Deterministic fault injection for the sample site: which response goes wrong, and how.

A :class:`FaultPlan` decides, from ``(seed, path, attempt)`` alone, whether the response to
the ``attempt``-th request (counted from 1) for ``path`` is faulty and which kind of fault
it gets. A :class:`FaultLog` counts attempts per path and records what was served, so
tests and benchmarks can compare with what a crawler recorded.

Kinds (see :data:`FAULT_KINDS`); *permanent* kinds hit every attempt on a path, the others
are *transient* (drawn again on each attempt, so a retry usually succeeds):

* ``timeout`` – no response: the connection hangs ``hang_seconds`` then is closed.
* ``http_500`` – 500 Internal Server Error.
* ``http_503`` – 503 Service Unavailable with ``Retry-After`` (1–5 seconds).
* ``reset`` – the connection is reset (TCP RST) before any response.
* ``truncated`` – ``Content-Length`` of the full page, half of it sent, then closed.
* ``bad_gzip`` – ``Content-Encoding: gzip`` on bytes that are not gzip.
* ``wrong_charset`` – the full, correct UTF-8 page, but the header says
  ``charset=iso-8859-1`` or ``charset=utf-16`` (a degraded article, not intact).
* ``malformed_xml`` – feed only: a 200 response with the feed cut off mid-document.
* ``huge`` (permanent) – a 20 MB page (the article padded), over Scrapy's 10 MB limit.
* ``binary`` (permanent) – random bytes labelled ``text/html; charset=utf-8``.
* ``redirect_loop`` (permanent) – 302 to ``<path>?loop=1``, which 302s back to ``<path>``.

Which responses can fail: article pages (every kind but ``malformed_xml``), the feed
(transient kinds except ``wrong_charset``, plus ``malformed_xml``) and sitemap files named
by the sitemap index plus the news sitemap (``timeout``, ``http_500``, ``http_503``,
``reset``, ``truncated``: all retried by Scrapy). Never: robots.txt, ``/sitemap.xml``
(the sitemap index, or the single sitemap of a small site), listings, static files, the
about page, 404s, ``/__faults__.json`` and HEAD requests.

>>> plan = FaultPlan(rate=0.3, seed=1)
>>> plan.decide("/news/a/", 1, "article") == plan.decide("/news/a/", 1, "article")
True
>>> FaultPlan(rate=0.0).decide("/news/a/", 1, "article") is None
True
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

TRANSIENT_KINDS = (
    "timeout",
    "http_500",
    "http_503",
    "reset",
    "truncated",
    "bad_gzip",
    "wrong_charset",
    "malformed_xml",
)
PERMANENT_KINDS = ("huge", "binary", "redirect_loop")
FAULT_KINDS = TRANSIENT_KINDS + PERMANENT_KINDS
TARGET_KINDS: dict[str, tuple[str, ...]] = {
    "article": tuple(k for k in FAULT_KINDS if k != "malformed_xml"),
    "feed": ("timeout", "http_500", "http_503", "reset", "truncated", "bad_gzip", "malformed_xml"),
    "sitemap": ("timeout", "http_500", "http_503", "reset", "truncated"),
}
#: Share of a path's fault probability spent on permanent kinds (when both are enabled).
PERMANENT_SHARE = 0.1
HUGE_SIZE = 20 * 1024 * 1024


def unit(*parts: object) -> float:
    """A uniform number in [0, 1) fixed by ``parts`` (stable across runs and machines).

    >>> unit(1, "/a/", 2) == unit(1, "/a/", 2), 0 <= unit("x") < 1
    (True, True)
    """
    key = "\x1f".join(map(str, parts)).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / 2**64


@dataclass(frozen=True)
class FaultPlan:
    """Which responses fail: a share ``rate`` of them, deterministic for ``seed``.

    ``hang_seconds`` is how long a ``timeout`` fault holds the connection; ``kinds``
    restricts the kinds used (default: all). Over many requests to eligible paths the
    share of faulty responses is ``rate``: a path is permanently broken with probability
    ``rate * PERMANENT_SHARE``, and every attempt on the other paths fails with the
    probability that makes up the rest.

    >>> FaultPlan(rate=1.0, seed=3, kinds=frozenset({"http_503"})).decide("/x/", 1, "feed")
    'http_503'
    """

    rate: float = 0.0
    seed: int = 0
    hang_seconds: float = 60.0
    kinds: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, not {self.rate}")
        unknown = set(self.kinds or ()) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {', '.join(sorted(unknown))}")

    def kinds_for(self, target: str) -> tuple[str, ...]:
        """The kinds that may hit a ``target`` (``article``, ``feed`` or ``sitemap``)."""
        return tuple(k for k in TARGET_KINDS[target] if self.kinds is None or k in self.kinds)

    def permanent_fault(self, path: str, target: str) -> str | None:
        """The permanent fault of ``path``, if it has one (the same on every attempt)."""
        kinds = self.kinds_for(target)
        permanent = [k for k in kinds if k in PERMANENT_KINDS]
        if not permanent or self.rate <= 0:
            return None
        share = self.rate * PERMANENT_SHARE if len(permanent) < len(kinds) else self.rate
        draw = unit(self.seed, path, "permanent")
        if draw >= share:
            return None
        return permanent[min(int(draw / share * len(permanent)), len(permanent) - 1)]

    def decide(self, path: str, attempt: int, target: str) -> str | None:
        """The fault for the ``attempt``-th request (from 1) of ``path``, or None."""
        if self.rate <= 0:
            return None
        permanent = self.permanent_fault(path, target)
        if permanent is not None:
            return permanent
        kinds = self.kinds_for(target)
        transient = [k for k in kinds if k not in PERMANENT_KINDS]
        if not transient:
            return None
        share = self.rate * PERMANENT_SHARE if len(transient) < len(kinds) else 0.0
        chance = (self.rate - share) / (1 - share)
        draw = unit(self.seed, path, attempt)
        if draw >= chance:
            return None
        return transient[min(int(draw / chance * len(transient)), len(transient) - 1)]


class FaultLog:
    """Thread-safe record of requests to fault-eligible paths and what each one got.

    >>> log = FaultLog()
    >>> log.record("/a/", log.next_attempt("/a/"), "http_500")
    >>> log.record("/a/", log.next_attempt("/a/"), None)
    >>> log.history("/a/"), log.served_intact("/a/"), log.counts()
    (['http_500', None], True, {'http_500': 1})
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._attempts: Counter[str] = Counter()
        self._history: dict[str, list[str | None]] = {}
        self._counts: Counter[str] = Counter()
        self.requests = 0

    def next_attempt(self, path: str) -> int:
        """Count one more request for ``path`` and return its number (from 1)."""
        with self._lock:
            self._attempts[path] += 1
            return self._attempts[path]

    def record(self, path: str, attempt: int, kind: str | None) -> None:
        """Record that attempt ``attempt`` on ``path`` was served with fault ``kind``."""
        with self._lock:
            history = self._history.setdefault(path, [])
            history.extend([None] * (attempt - len(history)))
            history[attempt - 1] = kind
            self.requests += 1
            if kind is not None:
                self._counts[kind] += 1

    def counts(self) -> dict[str, int]:
        """Injected faults by kind (kinds never injected are left out)."""
        with self._lock:
            return dict(self._counts)

    def history(self, path: str) -> list[str | None]:
        """What each request for ``path`` got, in order: a fault kind or None (intact)."""
        with self._lock:
            return list(self._history.get(path, []))

    def served_intact(self, path: str) -> bool:
        """Whether some request for ``path`` was answered with the intact page."""
        return None in self.history(path)

    def summary(self, plan: FaultPlan, *, detail: bool = False) -> dict[str, Any]:
        """A JSON-ready report (served as ``/__faults__.json``; ``?detail=1`` adds paths)."""
        with self._lock:
            report: dict[str, Any] = {
                "rate": plan.rate,
                "seed": plan.seed,
                "hang_seconds": plan.hang_seconds,
                "requests": self.requests,
                "faults": dict(self._counts),
                "total_faults": sum(self._counts.values()),
                "paths_requested": len(self._history),
                "paths_served_intact": sum(None in h for h in self._history.values()),
                "permanent_kinds": list(PERMANENT_KINDS),
            }
            if detail:
                report["paths"] = {p: list(h) for p, h in self._history.items()}
        return report
