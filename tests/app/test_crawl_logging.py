"""Quiet by default for cron: a crawl says one line at the end and nothing on stderr unless
something needs an operator; ``-v`` / ``--log-level`` bring Scrapy's log back; progress only
on a terminal."""

from __future__ import annotations

from councilwatch.sample_site.data import sample_articles
from councilwatch.sample_site.server import running_sample_site

from ..conftest import run_cli, run_on_terminal

#: No politeness delays against our own loopback server, and the log level left alone.
QUICK = ("-s", "AUTOTHROTTLE_ENABLED=false", "-s", "DOWNLOAD_DELAY=0")


def test_a_clean_crawl_prints_one_line_and_nothing_on_stderr(db_path):
    with running_sample_site() as base:
        result = run_cli("crawl", "--db", str(db_path), "--start-url", f"{base}/robots.txt", *QUICK)
    assert result.returncode == 0
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    assert line.startswith("Crawl finished: ") and f"{len(sample_articles())} new articles" in line


def test_verbose_and_log_level_bring_scrapys_log_back(tmp_path):
    with running_sample_site() as base:
        verbose = run_cli(
            "crawl", "--db", str(tmp_path / "v.db"), "--start-url", f"{base}/feed/", "-v", *QUICK
        )
        debug = run_cli(
            "crawl", "--db", str(tmp_path / "d.db"), "--start-url", f"{base}/feed/",
            "--log-level", "debug", *QUICK,
        )  # fmt: skip
    assert verbose.returncode == 0 and debug.returncode == 0
    assert "[scrapy.core.engine] INFO: Spider opened" in verbose.stderr
    assert "Closing spider (finished)" in verbose.stderr
    assert "DEBUG: Crawled (200)" not in verbose.stderr
    assert "DEBUG: Crawled (200)" in debug.stderr


def test_run_shows_progress_on_a_terminal_only(tmp_path):
    with running_sample_site() as base:
        args = ["run", "--start-url", f"{base}/feed/", "--name", "sample", *QUICK]
        piped = run_cli(*args, "--db", str(tmp_path / "piped.db"))
        terminal, shown = run_on_terminal(*args, "--db", str(tmp_path / "tty.db"))
    assert piped.returncode == 0 and terminal.returncode == 0
    assert piped.stderr == ""
    assert piped.stdout.startswith("Run 1 finished: ") and len(piped.stdout.splitlines()) == 1
    assert b"articles/s" in shown  # the NLP stage's progress, on the terminal
