"""Scrapyd: deploy the project with scrapyd-deploy (scrapy.cfg's `local` target) to a
real Scrapyd on loopback, schedule a crawl of the sample site over its HTTP API."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from councilwatch.sample_site.data import sample_articles
from councilwatch.sample_site.server import running_sample_site
from councilwatch.serve import free_port

from ..conftest import FAST_CRAWL, REPO, run_cli

pytest.importorskip("scrapyd", reason="scrapyd is in the test extra: pip install -e '.[test]'")
DEPLOY = Path(sys.executable).with_name("scrapyd-deploy")

#: What scrapyd-deploy needs to build the egg: the build config and the package folders.
PROJECT_FILES = ("pyproject.toml", "setup.py", "scrapy.cfg", "README.md")
PACKAGE_DIRS = ("councilwatch", "spiders", "extraction", "pipeline", "nlp", "db", "sample_site")


def api(url: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def scrapyd(tmp_path: Path):
    """A Scrapyd on a free loopback port, its eggs, logs and databases under tmp_path."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\n"
        "items_dir =\n"
        "poll_interval = 0.5\n"
        "max_proc = 1\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapyd"],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(150):
            try:
                if api(url + "daemonstatus.json")["status"] == "ok":
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            pytest.fail("Scrapyd did not start")
        yield url, home
    finally:
        process.terminate()
        process.wait(timeout=10)


def project_copy(dest: Path, scrapyd_url: str) -> Path:
    """The project's sources in ``dest``, scrapy.cfg's `local` target aimed at ``scrapyd_url``
    (scrapyd-deploy builds the egg beside scrapy.cfg, so the checkout stays untouched)."""
    dest.mkdir()
    for name in PROJECT_FILES:
        shutil.copy2(REPO / name, dest / name)
    for name in PACKAGE_DIRS:
        shutil.copytree(
            REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.db*")
        )
    cfg = dest / "scrapy.cfg"
    text = cfg.read_text()
    assert "url = http://127.0.0.1:6800/" in text
    cfg.write_text(text.replace("url = http://127.0.0.1:6800/", f"url = {scrapyd_url}"))
    return dest


def deploy(url: str, tmp_path: Path) -> None:
    """Deploy a copy of the project with `scrapyd-deploy local`."""
    if not DEPLOY.exists():
        pytest.skip("scrapyd-deploy is not installed (scrapyd-client, in the test extra)")
    project = project_copy(tmp_path / "project", url)
    deployed = subprocess.run(
        [str(DEPLOY), "local"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert deployed.returncode == 0, deployed.stderr[-3000:]
    assert '"status": "ok"' in deployed.stdout, deployed.stdout + deployed.stderr


def run_job(url: str, home: Path, fields: list[tuple[str, str]]) -> str:
    """Schedule a `news` job with these spider arguments / settings, wait for it to
    finish and return its log (checked free of tracebacks and deprecation warnings)."""
    fast = [("setting", value) for value in FAST_CRAWL[1::2]]
    job = api(
        url + "schedule.json", [("project", "councilwatch"), ("spider", "news"), *fields, *fast]
    )
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        jobs = api(url + "listjobs.json?project=councilwatch")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the Scrapyd job did not finish: {jobs}")
    log = next((home / "logs").rglob(f"{job['jobid']}.log")).read_text()
    assert "Traceback" not in log, log[-3000:]
    assert "ScrapyDeprecationWarning" not in log
    return log


@pytest.mark.timeout(120)
def test_deploy_to_scrapyd_and_schedule_a_crawl(scrapyd, tmp_path):
    url, home = scrapyd
    deploy(url, tmp_path)
    assert api(url + "listspiders.json?project=councilwatch")["spiders"] == [
        "contracts-finder",
        "find-a-tender",
        "news",
    ]
    (egg,) = (home / "eggs" / "councilwatch").glob("*.egg")
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert {
        "councilwatch/spiders/news.py",
        "councilwatch/spiders/sources.json",
        "councilwatch/extraction/extract.py",
        "councilwatch/cli/__init__.py",
        "councilwatch/db/datasette/metadata.yml",
        "councilwatch/pipeline/settings.py",
        "councilwatch/db/v1_tables.sql",
        "councilwatch/db/v4_register.sql",
        "councilwatch/db/v5_contract_checks.sql",
        "councilwatch/nlp/data/buyer_names.json",
    } <= names
    assert "settings = councilwatch.pipeline.settings" in entry_points

    db = tmp_path / "councilwatch.db"
    with running_sample_site() as base:
        run_job(
            url, home, [("start_urls", f"{base}/robots.txt"), ("setting", f"COUNCILWATCH_DB={db}")]
        )
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (len(sample_articles()),)
        assert conn.execute("SELECT count(*) FROM crawl_errors").fetchone() == (0,)
        assert conn.execute("SELECT command, status FROM crawl_runs").fetchall() == [
            ("scrapy crawl news", "finished")
        ]
    finally:
        conn.close()


@pytest.mark.timeout(150)
def test_a_scrapyd_job_with_redis_url_is_a_worker(scrapyd, redis_url, tmp_path):
    """`setting=REDIS_URL=...` makes a Scrapyd job a Redis worker (the project's add-on):
    its items go to Redis, not to a database, and `councilwatch load` stores them."""
    import redis

    from councilwatch.pipeline.redis_keys import RedisKeys

    url, home = scrapyd
    deploy(url, tmp_path)
    with running_sample_site() as base:
        run_job(
            url, home,
            [("start_urls", f"{base}/robots.txt"), ("setting", f"REDIS_URL={redis_url}"),
             ("setting", "COUNCILWATCH_IDLE_TIMEOUT=1"),
             ("setting", "COUNCILWATCH_DB=/nonexistent/councilwatch.db")],
        )  # fmt: skip
    keys = RedisKeys.for_spider("news")
    count = len(sample_articles())
    assert redis.Redis.from_url(redis_url).llen(keys.items) == count
    db = tmp_path / "councilwatch.db"
    loaded = run_cli("load", "--redis", redis_url, "--db", str(db))
    assert f"Loaded {count} items (run 1): {count} new articles" in loaded.stdout, loaded.stderr[
        -2000:
    ]
