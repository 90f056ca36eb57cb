"""The generated fact checks (bench/facts_eval.py): its frames are its own, its neighbours are
real neighbours of the same type, and on a small sample every money role and arrangement frame
is read right, with nothing found on the negatives and no supplier as a partner."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from ..conftest import REPO

BENCH = REPO / "bench"
GOLD = REPO / "tests" / "gold"


def bench_module(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def facts_eval():
    return bench_module("facts_eval")


@pytest.fixture(scope="module")
def sample(facts_eval):
    return facts_eval.run(pairs=4, seed=7)


def test_frames_are_not_the_gold_sets_sentences(facts_eval):
    frames = facts_eval.load_frames()
    gold = "\n".join(p.read_text(encoding="utf-8") for p in GOLD.glob("*.jsonl"))
    templates = [t for g in frames["money"] + frames["arrangements"] for t in g["templates"]]
    for template in templates:
        for piece in template.split("{"):
            words = piece.split("}")[-1].strip(" .,")
            if len(words) > 40:
                assert words not in gold, words


def test_neighbours_are_current_councils_of_one_type(facts_eval):
    from councilwatch.nlp.gazetteer import load_councils

    for triple in facts_eval.neighbours(load_councils(), 10, seed=3):
        assert len({c["code"] for c in triple}) == 3
        assert len({(c["type"], c["nation"]) for c in triple}) == 1
        assert not any(c["end_date"] for c in triple)


def test_sample_reads_every_frame_right(sample):
    report, misses = sample
    for family, c in report["money"].items():
        assert c["right"] == c["amounts"] and c["found"] == c["docs"], (family, misses[family][:3])
    assert report["money_confusion"] == {}
    for family, c in report["arrangements"].items():
        assert c.get("extra", 0) == 0 and c.get("supplier as partner", 0) == 0, family
        if family.startswith("negative"):
            continue
        assert c["linked"] and c["found"] == c["linked"], (family, misses[family][:3])
        if family != "private supplier":
            assert c["status right"] == c["found"], (family, misses[family][:3])


def test_report_and_script_end_to_end(facts_eval, sample, tmp_path):
    lines = facts_eval.format_report(sample[0])
    assert lines[0].startswith("| money frame family") and any("**all**" in x for x in lines)
    out = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "facts_eval.py"), "--pairs", "2", "--json", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "| arrangement frame family" in proc.stdout
    assert json.loads(out.read_text())["councils"] == 2
