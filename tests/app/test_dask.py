"""``import-warc --dask`` and ``process --dask`` on a real dask.distributed cluster: a
scheduler and two worker processes on 127.0.0.1, started here; one worker is killed while
the import runs. Every article is stored once, with the same facts as a local import."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import REPO, query, run_cli
from .test_warc import write_warc

FILES = 8
FACTS = {
    "articles": "SELECT url, title, body, published FROM articles ORDER BY url",
    "councils": 'SELECT a.url, m.code, m.start, m."end" FROM council_mentions m '
    "JOIN articles a ON a.id = m.article_id ORDER BY 1, 3, 2",
    "money": "SELECT a.url, m.amount_gbp, m.role, m.start FROM money_mentions m "
    "JOIN articles a ON a.id = m.article_id ORDER BY 1, 4, 2",
    "services": "SELECT a.url, m.service, m.start FROM service_mentions m "
    "JOIN articles a ON a.id = m.article_id ORDER BY 1, 3, 2",
    "arrangements": "SELECT a.url, r.sentence FROM arrangements r "
    "JOIN articles a ON a.id = r.article_id ORDER BY 1, 2",
}
DASK = [sys.executable, "-m", "distributed.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(argv: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=log.open("wb"), cwd=REPO, start_new_session=True
    )


def wait_for_workers(address: str, count: int, timeout: float = 90) -> None:
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        client.wait_for_workers(count, timeout=timeout)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers without nannies (a killed worker stays
    dead), each its own process; yields the address and the worker processes. Shared by the
    module's tests: the one that kills a worker comes last."""
    tmp_path = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        start(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", str(port), "--no-dashboard"],
            tmp_path / "scheduler.log",
        )
    ]  # fmt: skip
    workers = [
        start(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
             "--no-nanny", "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}"],
            tmp_path / f"worker{i}.log",
        )
        for i in range(2)
    ]  # fmt: skip
    procs.extend(workers)
    try:
        wait_for_workers(address, 2)
        yield address, workers
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def warc_files(tmp_path, article_records):
    folder = tmp_path / "warcs"
    folder.mkdir()
    for i in range(FILES):
        write_warc(folder / f"part-{i}.warc.gz", article_records[i::FILES])
    return folder


def facts(db: Path) -> dict[str, list[tuple]]:
    return {name: query(db, sql) for name, sql in FACTS.items()}


def test_process_on_dask_gives_the_facts_of_a_local_run(tmp_path, cluster, warc_files):
    address, _ = cluster
    local_db, dask_db = tmp_path / "local.db", tmp_path / "dask.db"
    pattern = str(warc_files / "*.warc.gz")
    for db in (local_db, dask_db):
        result = run_cli("import-warc", pattern, "--db", str(db), "--no-process")
        assert result.returncode == 0, result.stderr[-3000:]
    assert run_cli("process", "--db", str(local_db)).returncode == 0
    started = time.monotonic()
    result = run_cli("process", "--db", str(dask_db), "--dask", address, "--batch-size", "4")
    assert result.returncode == 0, result.stderr[-3000:]
    assert time.monotonic() - started < 120
    assert facts(dask_db) == facts(local_db)
    assert query(dask_db, "SELECT count(*) FROM articles WHERE nlp_version IS NULL") == [(0,)]


def test_an_import_on_dask_survives_a_dead_worker_and_matches_a_local_one(
    tmp_path, cluster, warc_files, article_records
):
    address, workers = cluster
    local_db, dask_db = tmp_path / "local.db", tmp_path / "dask.db"
    pattern = str(warc_files / "*.warc.gz")
    local = run_cli("import-warc", pattern, "--db", str(local_db))
    assert local.returncode == 0, local.stderr[-3000:]

    argv = [sys.executable, "-m", "councilwatch", "import-warc", pattern, "--db", str(dask_db),
            "--dask", address, "--progress"]  # fmt: skip
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO
    )
    progress = []
    for line in proc.stderr:  # "N articles stored so far", once per file loaded
        progress.append(line)
        if "stored so far" in line:
            workers[0].send_signal(signal.SIGKILL)  # mid-run: other files still to do
            break
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, "".join(progress) + err[-3000:]
    assert workers[0].wait(timeout=10) == -signal.SIGKILL
    assert f"Articles: {len(article_records)} new." in out

    stored = query(dask_db, "SELECT url, count(*) FROM articles GROUP BY url HAVING count(*) > 1")
    assert stored == []  # every article once
    assert query(dask_db, "SELECT count(*) FROM articles WHERE nlp_version IS NULL") == [(0,)]
    assert facts(dask_db) == facts(local_db)
    assert len(facts(dask_db)["councils"]) > 20

    again = run_cli("import-warc", pattern, "--db", str(dask_db), "--dask", address)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"Articles: {len(article_records)} unchanged." in again.stdout


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path, warc_files):
    address = f"tcp://127.0.0.1:{free_port()}"
    result = run_cli(
        "import-warc", str(warc_files / "part-0.warc.gz"), "--db", str(tmp_path / "x.db"),
        "--dask", address,
    )  # fmt: skip
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(f"Error: cannot reach the Dask scheduler at {address}")
    )
