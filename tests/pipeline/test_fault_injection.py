"""Fault injection: crawls of a site of 317 articles misbehaving on 30% of its responses
(seeds 1, 2 and 3) store at least 95% of what a clean crawl stores, none twice; every
article not stored is in crawl_errors with the reason of its last fault, and no article
that was ever served intact is lost. The figures are those of ``bench/fault_injection.py``."""

from __future__ import annotations

import pytest

from bench.fault_injection import clean_run, faulty_run
from councilwatch.sample_site.data import sample_articles

EXTRA_ARTICLES = 300
FAULT_RATE = 0.3


@pytest.fixture(scope="module")
def clean_stored(tmp_path_factory) -> int:
    return clean_run(tmp_path_factory.mktemp("clean"), EXTRA_ARTICLES)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_crawl_of_a_faulty_site_recovers_what_a_retry_can(tmp_path, clean_stored, seed):
    run = faulty_run(tmp_path, EXTRA_ARTICLES, FAULT_RATE, seed)
    assert clean_stored == run["articles"] == EXTRA_ARTICLES + len(sample_articles())
    assert run["faults_injected"] > 100  # the site really misbehaved
    assert {"timeout", "http_503", "reset", "truncated", "bad_gzip"} <= set(run["faults_by_kind"])
    assert run["stored"] >= 0.95 * clean_stored, run["not_stored_by_last_fault"]
    assert run["stored_twice"] == []
    assert run["not_stored_without_their_reason"] == []
    assert run["lost"] == []
    # only the permanent kinds are left: every transient fault was retried away
    assert set(run["not_stored_by_last_fault"]) <= {"huge", "binary", "redirect_loop"}
