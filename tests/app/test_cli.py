"""The command line: help, bad input, analyse and extract per the spec."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys

import pytest

from ..conftest import REPO, run_cli, shared_path


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("crawl", "process", "serve", "demo", "sample-site", "analyse", "extract",
                    "register", "procurement-api"):  # fmt: skip
        assert command in result.stdout


def test_serve_missing_database_is_one_clear_line(tmp_path):
    result = run_cli("serve", "--db", str(tmp_path / "nope.db"))
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "no such database file" in result.stderr


def test_serve_refuses_a_foreign_sqlite_file(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    result = run_cli("serve", "--db", str(other))
    assert result.returncode != 0
    assert "not a councilwatch database" in result.stderr
    assert result.stderr.strip().count("\n") == 0


@pytest.fixture
def busy_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock.getsockname()[1]
    sock.close()


def test_serve_on_a_busy_port_is_one_clear_line(demo_db, busy_port):
    result = run_cli("serve", "--db", str(demo_db), "--port", str(busy_port))
    assert result.returncode != 0
    assert f"port {busy_port} on 127.0.0.1 is already in use" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_demo_on_a_busy_port_fails_before_crawling(tmp_path, busy_port):
    result = run_cli("demo", "--db", str(tmp_path / "d.db"), "--port", str(busy_port))
    assert result.returncode != 0
    assert "already in use" in result.stderr
    assert not (tmp_path / "d.db").exists()


def test_analyse_reports_bad_lines_and_answers_the_rest():
    lines = "\n".join(
        [
            json.dumps({"id": "a", "text": "Camden Council will save £2m a year."}),
            "{not json",
            json.dumps({"id": "b"}),
            json.dumps({"id": "c", "text": "Leeds City Council spent £300k on a new CRM."}),
        ]
    )
    result = run_cli("analyse", input=lines)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"] for d in out] == ["a", "c"]
    assert {c["code"] for c in out[0]["councils"]} == {"CMD"}
    assert out[0]["money"][0]["amount_gbp"] == 2_000_000
    assert ":2:" in result.stderr and ":3:" in result.stderr
    assert "missing text" in result.stderr


def test_analyse_answers_every_valid_line_around_invalid_utf8(tmp_path):
    good = [
        json.dumps({"id": "a", "text": "Camden Council will save £2m a year."}),
        json.dumps({"id": "c", "text": "Leeds City Council spent £300k on a new CRM."}),
    ]
    path = tmp_path / "docs.jsonl"
    bad = b'{"id": "b", "text": "Islington Council \xff\xfe saves \xa34m"}'
    path.write_bytes(good[0].encode() + b"\n" + bad + b"\n" + good[1].encode() + b"\n")
    for result in (
        run_cli("analyse", str(path)),
        run_cli_bytes("analyse", input=path.read_bytes()),
    ):
        assert result.returncode == 1
        assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "c"]
        (error,) = result.stderr.strip().splitlines()
        assert error.endswith(":2: not valid UTF-8 (byte 0xff at column 40)"), error
        assert "Traceback" not in result.stderr


def run_cli_bytes(*args: str, input: bytes):
    """``run_cli`` with bytes on stdin (text out)."""
    result = subprocess.run(
        [sys.executable, "-m", "councilwatch", *args], input=input, capture_output=True, cwd=REPO
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def test_analyse_scores_the_seed_perfectly(tmp_path):
    gold = shared_path("samples", "seed-gold.jsonl")
    scorer = shared_path("tools", "score_nlp.py")
    result = run_cli("analyse", str(gold))
    assert result.returncode == 0, result.stderr
    pred = tmp_path / "pred.jsonl"
    pred.write_text(result.stdout)
    score = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    scores = json.loads(score.stdout)
    assert scores["councils"]["f1"] == 1.0
    assert scores["money"]["f1"] == 1.0
    assert scores["arrangements"]["f1"] == 1.0


def test_extract_a_saved_page(tmp_path):
    page = shared_path(
        "reference", "real-pages", "theregister", "2023-06-09-boade_x86_intel_collab.html"
    )
    result = run_cli("extract", str(page))
    assert result.returncode == 0, result.stderr
    (doc,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert doc["file"] == str(page)
    assert "Intel" in doc["title"]
    assert doc["authors"] == ["Simon Sharwood"]
    assert doc["published"].startswith("2023-06-09")
    assert len(doc["body"]) > 1000


def test_extract_reports_a_broken_file_and_goes_on(tmp_path):
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"not gzip at all")
    good = tmp_path / "good.html"
    good.write_text(
        "<html><head><title>Council news</title></head><body><article><h1>Council news</h1>"
        + "<p>Camden Council has agreed a new ICT contract worth £2m with a supplier.</p>" * 5
        + "</article></body></html>"
    )
    result = run_cli("extract", str(broken), str(good))
    assert result.returncode == 1
    assert "broken.html.gz" in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_scrapy_list_works_from_the_repo_root():
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "scrapy"), "list"] if (REPO / ".venv").exists()
        else [sys.executable, "-m", "scrapy", "list"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["contracts-finder", "find-a-tender", "news"]
