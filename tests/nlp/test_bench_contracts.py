"""The generated contract check (bench/contract_eval.py) on a small sample of the supplier
table: every frame and status, through the pipeline's API (the full run is in BENCHMARKS.md)."""

from __future__ import annotations

import importlib
import json
import sys

import pytest

from councilwatch.nlp.supplier_table import load_suppliers

from ..conftest import REPO

BENCH = REPO / "bench"


@pytest.fixture(scope="module")
def contract_eval():
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module("contract_eval")


def test_frames_cover_every_status_and_negatives(contract_eval):
    frames = json.loads(contract_eval.FRAMES.read_text(encoding="utf-8"))
    statuses = {f["status"] for f in frames["positive"]}
    assert statuses == {"tendered", "awarded", "extended", "ended", "terminated", "disputed",
                        "insourced"}  # fmt: skip
    assert frames["negative"] and all("{supplier}" in f["text"] or not f["supplier"]
                                      for f in frames["negative"])  # fmt: skip


def test_generated_documents_state_what_they_expect(contract_eval):
    frames = json.loads(contract_eval.FRAMES.read_text(encoding="utf-8"))
    capita = next(s for s in load_suppliers() if s["id"] == "capita")
    docs = contract_eval.Generator(frames, seed=2).documents([capita])
    joint = next(d for d in docs if d.frame == "joint-1")
    assert len(joint.councils) == 2 and joint.status == "awarded" and joint.value
    assert all("Capita" in d.text for d in docs if d.names_supplier)
    assert all(d.status is None for d in docs if d.frame.startswith(("nhs", "expected")))


def test_a_sample_of_the_table_scores_as_the_full_run(contract_eval):
    scores = contract_eval.run(sample=6, seed=4)
    assert scores.docs == 6 * 24
    assert scores.linked / scores.named >= 0.98, scores.misses[:5]
    assert scores.found / scores.expected >= 0.95, scores.misses[:5]
    assert scores.status_ok == scores.found and scores.value_ok == scores.found, scores.misses[:5]
    assert scores.negatives_with_contract == 0, scores.misses[:5]
