"""The NLP benchmarks still run and report what BENCHMARKS.md quotes (tiny sizes: no timing
is asserted here; the figures come from full runs, see BENCHMARKS.md)."""

from __future__ import annotations

import subprocess
import sys

from ..conftest import REPO, SHARED


def bench(script: str, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        capture_output=True, text=True, timeout=300, cwd=REPO, check=True,
    )  # fmt: skip
    return result.stdout.splitlines()


def table_rows(lines: list[str]) -> list[list[str]]:
    rows = [line.strip("|").split("|") for line in lines if line.startswith("| ")]
    return [[cell.strip() for cell in row] for row in rows[1:]]  # without the header


def test_nlp_speed_reports_every_corpus_against_spacys_tokenizer():
    rows = table_rows(bench("nlp_speed.py", "--mb", "0.01", "--repeats", "1"))
    assert [row[0] for row in rows] == ["news", "seed", "gold"]
    for name, texts, facts, spacy_wps, own_wps, full_wps, ratio, components in rows:
        if "skipped" in texts:
            assert not SHARED.exists() and name != "gold"
            continue
        speeds = [float(v.replace(",", "")) for v in (spacy_wps, own_wps, full_wps)]
        assert all(v > 0 for v in speeds) and int(facts) > 0
        assert abs(float(ratio.strip("*")) - speeds[2] / speeds[0]) <= 0.006
        assert abs(float(components) - speeds[2] / speeds[1]) <= 0.006


def test_nlp_memory_keeps_the_vocabulary_at_its_limit_and_every_fact():
    rows = table_rows(bench("nlp_memory.py", "--articles", "40", "--new-words", "5"))
    (limit, _, limited_strings, limited_facts), (none, _, strings, facts) = rows
    assert limit == "300,000" and none == "none"
    assert limited_facts == facts == "80"  # two councils in every article
    assert int(limited_strings.replace(",", "")) <= int(strings.replace(",", ""))
