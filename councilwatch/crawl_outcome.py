"""What a crawl's end means for the command that ran it: a status, one line why, an exit code.

``crawl`` and ``run`` exit with a status an operator (cron, a systemd timer) can trust:

=====  ==========================================================================
code   meaning
=====  ==========================================================================
0      done: the crawl ran to its end (failures of single URLs are in crawl_errors)
1      failed: nothing could be stored (the database refused writes), none of the
       start URLs could be fetched, or the crawl stopped early; one line says why
2      usage: a bad option (e.g. a ``--start-url`` that is not an http(s) URL)
75     ``run`` only: another run holds the lock (``EX_TEMPFAIL``: try again later)
130    interrupted by SIGINT or SIGTERM (a ``--jobdir`` crawl resumes)
=====  ==========================================================================

>>> outcome = CrawlOutcome.from_stats({"finish_reason": "shutdown"})
>>> outcome.status, outcome.exit_code
('interrupted', 130)
>>> CrawlOutcome.from_stats({"finish_reason": "finished"}).exit_code
0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from councilwatch.pipeline.run_status import run_status

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2  # click's own code for a usage error
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a process stopped by Ctrl-C

EXIT_CODES = {"finished": EXIT_OK, "failed": EXIT_FAILED, "interrupted": EXIT_INTERRUPTED}


@dataclass(frozen=True)
class CrawlOutcome:
    """A crawl's status (``finished``, ``interrupted``, ``failed``), why, and exit code."""

    status: str
    why: str

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> CrawlOutcome:
        status, why = run_status(stats.get("finish_reason"), stats)
        return cls(status, why)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def message(self) -> str:
        """The one line said on stderr when the crawl did not finish ('' when it did)."""
        if self.status == "finished":
            return ""
        return f"Error: crawl {self.status}: {self.why}"
