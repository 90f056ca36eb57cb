"""`councilwatch serve` and `councilwatch demo` as an analyst meets them: real processes on
127.0.0.1, the database file refused, nothing left in the temp folder, and the demo's
"Original" links opening because the sample site keeps serving beside Datasette."""

from __future__ import annotations

import html
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from councilwatch.sample_site.data import sample_articles
from councilwatch.serve import free_port

from ..conftest import REPO
from ..conftest import query as rows


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@contextmanager
def running(args: list[str], base: str, env: dict | None = None, timeout: float = 120):
    """Run ``councilwatch ARGS`` until ``base``/-/versions.json answers; stop it after."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "councilwatch", *args],
        cwd=REPO, env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail(
                        f"councilwatch {args[0]} did not start:\n{proc.stderr.read()[-3000:]}"
                    )
                time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_serve_leaves_nothing_in_the_temp_folder_and_refuses_the_file(demo_db, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    db = tmp_path / "private-folder" / "councilwatch.db"
    db.parent.mkdir()
    shutil.copy(demo_db, db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(["serve", "--db", str(db), "--port", str(port)], base, env={"TMPDIR": str(tmp)}):
        assert [p.name for p in tmp.iterdir() if p.name.startswith("councilwatch-")]  # in use
        status, home = fetch(f"{base}/")
        assert status == 200 and 'id="panel-map"' in home
        assert fetch(f"{base}/councilwatch.db")[0] == 403
        assert fetch(f"{base}/councilwatch/raw_pages.csv?_stream=on")[0] == 403
        for url in (
            "/-/databases.json",
            "/councilwatch.json?sql=select+*+from+pragma_database_list",
        ):
            status, text = fetch(base + url)
            assert status == 200 and str(db.parent) not in text, url
        assert fetch(f"{base}/councilwatch/-/article/99999999999999999999999")[0] == 404
    assert not [p.name for p in tmp.iterdir() if p.name.startswith("councilwatch-")]


def test_demo_original_links_open(tmp_path):
    db = tmp_path / "demo.db"
    port, site_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    args = ["demo", "--db", str(db), "--port", str(port), "--site-port", str(site_port)]
    with running(args, base, timeout=300):
        urls = rows(db, "SELECT id, url, title FROM articles")
        assert len(urls) == len(sample_articles())
        for _id, url, title in urls:
            assert url.startswith(f"http://127.0.0.1:{site_port}/")
            status, page = fetch(url)
            assert status == 200 and title in html.unescape(page)
        article_id, url, _ = urls[0]
        status, view = fetch(f"{base}/demo/-/article/{article_id}")
        assert status == 200 and f'class="cw-original" href="{url}"' in view
    # both stopped with the demo
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{site_port}/", timeout=2)
