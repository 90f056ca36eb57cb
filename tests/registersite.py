"""The procurement API mimic for tests: the reference register and a crawl of it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from councilwatch.sample_site.procurement_data import Register

from .conftest import run_cli, shared_path

#: Settings for crawls of the loopback mimic: no politeness delays, short waits.
FAST_REGISTER = (
    "-s", "COUNCILWATCH_CONTRACTS_FINDER_DELAY=0",
    "-s", "COUNCILWATCH_FIND_A_TENDER_DELAY=0",
    "-s", "COUNCILWATCH_REGISTER_FORBIDDEN_WAIT=1",
    "-s", "COUNCILWATCH_RETRY_BACKOFF_BASE=0.2",
    "-s", "LOG_LEVEL=WARNING",
)  # fmt: skip


@lru_cache(maxsize=1)
def _reference(folder: Path) -> Register:
    return Register.from_folder(folder, fill_find_a_tender=True)


def reference_register() -> Register:
    """The shared reference set as the mimic serves it (skips when ../shared is absent)."""
    return _reference(shared_path("reference", "ocds"))


def register_crawl(db: Path, base_url: str, *args: str, timeout: float = 300):
    """``councilwatch register crawl`` of the mimic at ``base_url`` into ``db``."""
    return run_cli(
        "register",
        "crawl",
        "--db",
        str(db),
        "-s",
        f"COUNCILWATCH_CONTRACTS_FINDER_URL={base_url}",
        "-s",
        f"COUNCILWATCH_FIND_A_TENDER_URL={base_url}",
        *FAST_REGISTER,
        *args,
        timeout=timeout,
    )
