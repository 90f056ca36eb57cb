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

from councilwatch.sample_site.server import running_sample_site
from councilwatch.serve import free_port

from ..conftest import FAST_CRAWL, REPO

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


@pytest.mark.timeout(120)
def test_deploy_to_scrapyd_and_schedule_a_crawl(scrapyd, tmp_path):
    url, home = scrapyd
    if not DEPLOY.exists():
        pytest.skip("scrapyd-deploy is not installed (scrapyd-client, in the test extra)")
    project = project_copy(tmp_path / "project", url)
    deployed = subprocess.run(
        [str(DEPLOY), "local"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert deployed.returncode == 0, deployed.stderr[-3000:]
    assert '"status": "ok"' in deployed.stdout, deployed.stdout + deployed.stderr
    assert api(url + "listspiders.json?project=councilwatch")["spiders"] == ["news"]
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
        "councilwatch/db/schema.sql",
    } <= names
    assert "settings = councilwatch.pipeline.settings" in entry_points

    db = tmp_path / "councilwatch.db"
    fast = [("setting", value) for value in FAST_CRAWL[1::2]]
    with running_sample_site() as base:
        job = api(
            url + "schedule.json",
            [
                ("project", "councilwatch"),
                ("spider", "news"),
                ("start_urls", f"{base}/robots.txt"),
                ("setting", f"COUNCILWATCH_DB={db}"),
                *fast,
            ],
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
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (17,)
        assert conn.execute("SELECT count(*) FROM crawl_errors").fetchone() == (0,)
        assert conn.execute("SELECT command, status FROM crawl_runs").fetchall() == [
            ("scrapy crawl news", "finished")
        ]
    finally:
        conn.close()
