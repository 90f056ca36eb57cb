"""Saved pages for ``councilwatch extract``: gzip read as a stream, bombs refused quickly."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from councilwatch.extraction.saved_pages import MAX_PAGE_BYTES, PageTooLarge, read_saved_page

PAGES = Path(__file__).parent / "fixtures" / "pages"
GIB = 1 << 30

# Runs `councilwatch extract` in a fresh interpreter and reports its own peak memory
# (VmHWM: ru_maxrss would include the parent's memory from before the exec).
_RUN_EXTRACT = """
import json, re, sys
from pathlib import Path
from click.testing import CliRunner
from councilwatch.cli import cli
result = CliRunner().invoke(cli, ["extract", *sys.argv[1:]])
status = Path("/proc/self/status").read_text()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) * 1024
print(json.dumps({"exit": result.exit_code, "stdout": result.stdout, "stderr": result.stderr, "peak": peak}))
"""


def _bomb(path: Path, inflated: int) -> Path:
    """A gzip file of a few MB that inflates to ``inflated`` bytes (members of zeros)."""
    member = gzip.compress(b"\0" * (64 << 20), compresslevel=9)
    with path.open("wb") as file:
        for _ in range(inflated // (64 << 20)):
            file.write(member)
    return path


def _extract(*paths: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RUN_EXTRACT, *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def test_a_gzip_bomb_is_refused_quickly_with_little_memory(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.html.gz", 2 * GIB)
    assert bomb.stat().st_size < 5 << 20  # a few MB on disk ...
    good = tmp_path / "story.html.gz"
    good.write_bytes(gzip.compress((PAGES / "techpress-article.html").read_bytes()))
    started = time.monotonic()
    result = _extract(bomb, good)
    elapsed = time.monotonic() - started
    errors = result["stderr"].strip().splitlines()
    assert errors == [
        f"{bomb}: more than 20,000,000 bytes once decompressed, the limit of a saved page: refused"
    ]
    assert result["exit"] == 1
    records = [json.loads(line) for line in result["stdout"].splitlines()]
    assert [r["file"] for r in records] == [str(good)]  # the other file is still extracted
    assert result["peak"] < 400 << 20  # ... 2 GiB inflated, not held
    assert elapsed < 60


def test_a_page_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    limit = 1000
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(b"x" * limit))
    assert len(read_saved_page(path, limit)) == limit
    path.write_bytes(gzip.compress(b"x" * (limit + 1)))
    with pytest.raises(PageTooLarge):
        read_saved_page(path, limit)


def test_a_large_plain_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as file:
        file.truncate(MAX_PAGE_BYTES + 1)  # sparse: no disk or memory used
    with pytest.raises(PageTooLarge):
        read_saved_page(path)


def test_gzip_data_without_the_suffix_is_decompressed(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(gzip.compress(b"<p>Hi</p>"))
    assert read_saved_page(path) == b"<p>Hi</p>"


@pytest.mark.parametrize(
    "data",
    [b"\x1f\x8b\x08\x00garbage", gzip.compress(b"<p>Hi</p>", mtime=0)[:-12]],
    ids=["garbage", "cut-short"],
)
def test_a_broken_gzip_is_a_value_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(data)
    with pytest.raises(ValueError, match="not a gzip file"):
        read_saved_page(path)
