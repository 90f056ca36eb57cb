"""Shared fixtures: paths, the reference material beside the checkout, temp databases."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file in ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference material not available: {path} (../shared beside the checkout)")
    return path


def run_on_terminal(*args: str) -> tuple[subprocess.CompletedProcess, bytes]:
    """Run ``councilwatch ARGS`` with stderr on a pseudo-terminal (stdout piped); return
    the process and what the terminal showed."""
    primary, secondary = os.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "councilwatch", *args],
            stdout=subprocess.PIPE, stderr=secondary, text=True, cwd=REPO, timeout=300,
        )  # fmt: skip
        os.close(secondary)
        shown = b""
        while chunk := _read(primary):
            shown += chunk
    finally:
        os.close(primary)
    return result, shown


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal's other end is closed: all read
        return b""


def query(db: Path, sql: str, *params) -> list[tuple]:
    """All rows of ``sql`` on the SQLite file ``db`` (opened and closed for the query)."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def run_cli(*args: str, env: dict | None = None, timeout: float = 300, input: str | None = None):
    """Run the installed ``councilwatch`` command in a subprocess; return CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "councilwatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )


#: Scrapy settings that drop the politeness delays for crawls of our own loopback servers.
FAST_CRAWL = (
    "-s", "AUTOTHROTTLE_ENABLED=false",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "-s", "LOG_LEVEL=WARNING",
)  # fmt: skip


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "councilwatch.db"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A database built once by ``councilwatch demo --no-serve``: a real crawl of the
    sample site over loopback, the NLP stage and the load into SQLite."""
    path = tmp_path_factory.mktemp("demo") / "councilwatch.db"
    result = run_cli("demo", "--no-serve", "--db", str(path), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return path
