"""The register spiders crawl the procurement API mimic over loopback with the real Scrapy
engine: every window paged to its end by cursor, 403/429/503/504 waited out, ISO-8859-1
transcoded, invalid JSON rewritten, releases and awards upserted, re-crawls incremental."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest

from councilwatch.sample_site.procurement_api import ApiOptions, running_procurement_api
from councilwatch.sample_site.procurement_data import parse_moment
from councilwatch.spiders.ocds_awards import clean

from ..conftest import REPO, query
from ..registersite import FAST_REGISTER, reference_register, register_crawl

CF = ("--source", "contracts-finder")
FTS = ("--source", "find-a-tender")
#: Four days of October 2022 that hold the two real 100-release search pages.
OCTOBER = ("--since", "2022-10-19", "--until", "2022-10-23")
#: Those days as one Find a Tender window, in pages of 60.
ONE_WINDOW = (
    "-s", "COUNCILWATCH_FIND_A_TENDER_WINDOW=4d", "-s", "COUNCILWATCH_REGISTER_PAGE_SIZE=60"
)  # fmt: skip


def expected(api: str, since="2022-10-19", until="2022-10-23") -> list[dict]:
    store = reference_register().store(api)
    return store.search(parse_moment(since), parse_moment(until), ())


def stored_ids(db) -> set[tuple[str, str]]:
    return set(query(db, "SELECT ocid, id FROM ocds_releases"))


def searches(api, name):
    return api.search_hits(name)


def test_contracts_finder_pages_every_window_to_its_end(db_path):
    with running_procurement_api(reference_register()) as api:
        result = register_crawl(
            db_path, api.base_url, *CF, *OCTOBER, "-s", "COUNCILWATCH_REGISTER_PAGE_SIZE=30"
        )
        hits = searches(api, "contracts-finder")
    assert result.returncode == 0, result.stderr[-3000:]
    want = expected("contracts-finder")
    assert stored_ids(db_path) == {(r["ocid"], r["id"]) for r in want}
    assert len(want) % 30  # the last page is not full (a full one is asked twice)
    assert len(hits) == -(-len(want) // 30)  # one request per page, none twice
    assert all(h.status == 200 for h in hits)
    first, second = hits[0].query, hits[1].query
    assert (first["publishedFrom"], first["publishedTo"]) == (
        "2022-10-19T00:00:00Z",
        "2022-10-23T00:00:00Z",
    )
    # the second page is links.next of the first: the same filters and a cursor
    cursor = base64.b64decode(second["cursor"]).decode()
    assert cursor.endswith("|limit=30|nextCursor=30")
    assert query(db_path, "SELECT status, pages, releases FROM ocds_crawl_windows") == [
        ("complete", len(hits), len(want))
    ]
    assert f"contracts-finder: {len(hits) + 1} pages, {len(want)} new releases" in result.stdout


def test_awards_are_flattened_with_their_suppliers(db_path):
    with running_procurement_api(reference_register()) as api:
        result = register_crawl(db_path, api.base_url, *CF, *OCTOBER)
    assert result.returncode == 0, result.stderr[-3000:]
    releases = expected("contracts-finder")[::-1]  # oldest first: the newest award wins
    awards = {(r["ocid"], a["id"]): (r, a) for r in releases for a in r.get("awards") or []}
    stored = query(
        db_path,
        "SELECT ocid, award_id, buyer_name, value, currency, contract_start, contract_end, "
        "title FROM awards",
    )
    assert len(stored) == len(awards) > 40
    for ocid, award_id, buyer, value, currency, start, end, title in stored:
        release, award = awards[(ocid, award_id)]
        assert buyer == clean(release["buyer"]["name"])
        assert value == award.get("value", {}).get("amount")
        assert currency == award.get("value", {}).get("currency")
        assert (start, end) == (
            award["contractPeriod"].get("startDate"),
            award["contractPeriod"].get("endDate"),
        )
        assert title == clean(award.get("title")) or clean(release["tender"]["title"])
    suppliers = query(db_path, "SELECT count(*) FROM award_suppliers")[0][0]
    assert suppliers == sum(len(a.get("suppliers") or []) for _, a in awards.values())
    newham = query(
        db_path,
        "SELECT buyer_id, buyer_identifier FROM awards WHERE buyer_id LIKE 'GB-LAE-%'",
    )
    assert ("GB-LAE-NWM", "GB-LAE-NWM") in newham or ("GB-LAE-WSX", "GB-LAE-WSX") in newham


def test_a_second_crawl_asks_only_from_the_newest_stored_release(db_path):
    with running_procurement_api(reference_register()) as api:
        first = register_crawl(db_path, api.base_url, *CF, *OCTOBER)
        assert first.returncode == 0, first.stderr[-3000:]
        newest = query(db_path, "SELECT max(date_utc) FROM ocds_releases")[0][0]
        rows = query(db_path, "SELECT count(*) FROM ocds_releases")[0][0]
        awards = query(db_path, "SELECT count(*) FROM awards")[0][0]
        done = len(searches(api, "contracts-finder"))
        second = register_crawl(db_path, api.base_url, *CF, "--until", "2022-10-23")
        assert second.returncode == 0, second.stderr[-3000:]
        again = searches(api, "contracts-finder")[done:]
    assert newest == "2022-10-22T09:01:26Z"
    assert [h.query["publishedFrom"] for h in again] == [newest]
    assert f"contracts-finder from {newest}" in second.stdout
    assert query(db_path, "SELECT count(*) FROM ocds_releases")[0][0] == rows
    assert query(db_path, "SELECT count(*) FROM awards")[0][0] == awards
    assert "1 unchanged" in second.stdout  # the newest release, asked again, upserted


def test_a_crawl_stopped_by_an_error_resumes_from_the_unfinished_window(db_path):
    # Find a Tender refuses the third window's first page with a 400
    options = ApiOptions(faults={"find-a-tender": {3: "400"}})
    window = ("-s", "COUNCILWATCH_FIND_A_TENDER_WINDOW=1d")
    with running_procurement_api(reference_register(), options) as api:
        first = register_crawl(db_path, api.base_url, *FTS, *OCTOBER, *window)
        assert first.returncode == 0, first.stderr[-3000:]
        done = len(searches(api, "find-a-tender"))
        second = register_crawl(db_path, api.base_url, *FTS, "--until", "2022-10-23", *window)
        assert second.returncode == 0, second.stderr[-3000:]
        again = searches(api, "find-a-tender")[done:]
    errors = query(db_path, "SELECT stage, reason FROM crawl_errors")
    assert errors == [
        (
            "fetch",
            "HTTP 400: Request parameter 'statuses' is not recognised, allowed parameters are: "
            "stages, limit, cursor, updatedFrom, updatedTo",
        )
    ]
    assert again[0].query["updatedFrom"] == "2022-10-21T00:00:00Z"
    assert stored_ids(db_path) == {(r["ocid"], r["id"]) for r in expected("find-a-tender")}
    statuses = query(db_path, "SELECT start, status FROM ocds_crawl_windows ORDER BY start")
    assert ("2022-10-21T00:00:00Z", "complete") in statuses
    assert all(status in ("complete", "superseded") for _, status in statuses)


def test_one_request_at_a_time_and_the_delay_keep_under_a_rate_limit(db_path):
    # the mimic refuses a request that comes within 0.5 s of the one before it
    options = ApiOptions(rate_limit=(1, 0.5), forbidden_seconds=0)
    with running_procurement_api(reference_register(), options) as api:
        result = register_crawl(
            db_path, api.base_url, *CF, *OCTOBER, "-s", "COUNCILWATCH_REGISTER_PAGE_SIZE=30",
            "-s", "COUNCILWATCH_CONTRACTS_FINDER_DELAY=0.6",
        )  # fmt: skip
        hits = searches(api, "contracts-finder")
    assert result.returncode == 0, result.stderr[-3000:]
    assert [h.status for h in hits] == [200] * 7
    gaps = [b.at - a.at for a, b in zip(hits, hits[1:], strict=False)]
    assert min(gaps) >= 0.55


def test_403_is_waited_out_then_the_crawl_goes_on(db_path):
    options = ApiOptions(faults={"contracts-finder": {2: "403"}}, forbidden_seconds=0.5)
    with running_procurement_api(reference_register(), options) as api:
        result = register_crawl(
            db_path, api.base_url, *CF, *OCTOBER, "-s", "COUNCILWATCH_REGISTER_PAGE_SIZE=50"
        )
        hits = searches(api, "contracts-finder")
    assert result.returncode == 0, result.stderr[-3000:]
    assert [h.status for h in hits[:3]] == [200, 403, 200]
    assert hits[2].at - hits[1].at >= 1.0  # COUNCILWATCH_REGISTER_FORBIDDEN_WAIT=1
    assert hits[2].query == hits[1].query
    assert stored_ids(db_path) == {(r["ocid"], r["id"]) for r in expected("contracts-finder")}
    assert query(db_path, "SELECT count(*) FROM crawl_errors") == [(0,)]


def test_an_api_that_keeps_refusing_is_left_alone(db_path):
    options = ApiOptions(faults={"contracts-finder": {2: "403"}}, forbidden_seconds=60)
    args = (
        "-s",
        "COUNCILWATCH_REGISTER_PAGE_SIZE=50",
        "-s",
        "COUNCILWATCH_CONTRACTS_FINDER_WINDOW=1d",
    )
    with running_procurement_api(reference_register(), options) as api:
        result = register_crawl(db_path, api.base_url, *CF, *OCTOBER, *args)
        hits = searches(api, "contracts-finder")
    assert result.returncode == 0, result.stderr[-3000:]
    # one page, then the 403 and the 3 waits of COUNCILWATCH_REGISTER_FORBIDDEN_RETRIES
    assert [h.status for h in hits] == [200, 403, 403, 403, 403]
    assert "refused with HTTP 403, stopped" in result.stdout
    # the first day's window was complete; the second was refused; no third was asked
    assert query(db_path, "SELECT status FROM ocds_crawl_windows ORDER BY start") == [
        ("complete",),
        ("incomplete",),
    ]
    reason = query(db_path, "SELECT reason FROM crawl_errors")[0][0]
    assert reason.startswith("HTTP 403: Forbidden - Contracts Finder Request forbidden")


@pytest.mark.parametrize("fault", ["429", "429-no-retry-after", "503", "504"])
def test_find_a_tender_busy_answers_are_retried_after_a_wait(db_path, fault):
    options = ApiOptions(faults={"find-a-tender": {2: fault}}, retry_after=1)
    with running_procurement_api(reference_register(), options) as api:
        result = register_crawl(db_path, api.base_url, *FTS, *OCTOBER, *ONE_WINDOW)
        hits = searches(api, "find-a-tender")
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits[1].fault == fault and hits[2].query == hits[1].query
    waited = hits[2].at - hits[1].at
    if fault in ("429", "503"):
        assert waited >= 1.0  # Retry-After: 1
    else:
        assert waited >= 0.2  # the backoff base
    assert stored_ids(db_path) == {(r["ocid"], r["id"]) for r in expected("find-a-tender")}
    assert query(db_path, "SELECT count(*) FROM crawl_errors") == [(0,)]


def test_a_missing_links_next_mid_sequence_is_asked_again(db_path):
    options = ApiOptions(faults={"find-a-tender": {2: "no-next"}})
    with running_procurement_api(reference_register(), options) as api:
        result = register_crawl(
            db_path, api.base_url, *FTS, *OCTOBER, "-s", "COUNCILWATCH_FIND_A_TENDER_WINDOW=4d",
            "-s", "COUNCILWATCH_REGISTER_PAGE_SIZE=30",
        )  # fmt: skip
        hits = searches(api, "find-a-tender")
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits[1].fault == "no-next" and hits[2].query == hits[1].query
    assert stored_ids(db_path) == {(r["ocid"], r["id"]) for r in expected("find-a-tender")}


def test_invalid_json_is_rewritten_before_parsing(db_path):
    options = ApiOptions(faults={"find-a-tender": {1: "1e9999", 2: "leading-zeros"}})
    with running_procurement_api(reference_register(), options) as api:
        result = register_crawl(db_path, api.base_url, *FTS, *OCTOBER, *ONE_WINDOW)
    assert result.returncode == 0, result.stderr[-3000:]
    assert query(db_path, "SELECT count(*) FROM crawl_errors") == [(0,)]
    raws = [json.loads(raw) for (raw,) in query(db_path, "SELECT raw FROM ocds_releases")]
    lots = [r["tender"].get("maximumLotsBidPerSupplier") for r in raws]
    tenderers = [r["tender"].get("numberOfTenderers") for r in raws]
    assert lots.count(9999999) == 1 and tenderers.count(0) == 1
    assert stored_ids(db_path) == {(r["ocid"], r["id"]) for r in expected("find-a-tender")}


@pytest.mark.parametrize(("encoding", "declared"), [("iso-8859-1", True), ("cp1252", False)])
def test_latin1_bytes_are_transcoded(db_path, encoding, declared):
    options = ApiOptions(encoding=encoding, declare_charset=declared)
    with running_procurement_api(reference_register(), options) as api:
        result = register_crawl(db_path, api.base_url, *CF, *OCTOBER)
    assert result.returncode == 0, result.stderr[-3000:]
    want = {(r["ocid"], r["id"]): r for r in expected("contracts-finder")}
    raws = query(db_path, "SELECT ocid, id, raw FROM ocds_releases")
    assert len(raws) == len(want)
    pounds = 0
    for ocid, release_id, raw in raws:
        assert json.loads(raw) == want[(ocid, release_id)]
        pounds += "£" in raw
    assert pounds > 5


def test_scrapy_crawl_runs_the_register_spiders_by_name(db_path):
    with running_procurement_api(reference_register()) as api:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "find-a-tender",
             "-a", "since=2022-10-21", "-a", "until=2022-10-22",
             "-s", f"COUNCILWATCH_DB={db_path}",
             "-s", f"COUNCILWATCH_FIND_A_TENDER_URL={api.base_url}", *FAST_REGISTER],
            capture_output=True, text=True, timeout=300, cwd=REPO,
        )  # fmt: skip
        hits = searches(api, "find-a-tender")
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits[0].query["updatedFrom"] == "2022-10-21T00:00:00Z"
    assert len(hits) == 4  # 6-hour windows
    assert stored_ids(db_path) == {
        (r["ocid"], r["id"])
        for r in expected("find-a-tender", since="2022-10-21", until="2022-10-22")
    }
    assert query(db_path, "SELECT command, status FROM crawl_runs") == [
        ("scrapy crawl find-a-tender", "finished")
    ]


def test_bad_options_get_one_line_errors(db_path):
    from ..conftest import run_cli

    result = run_cli("register", "crawl", "--db", str(db_path), "--source", "ted")
    assert result.returncode == 2 and "Invalid value for '--source'" in result.stderr
    result = run_cli(
        "register", "crawl", "--db", str(db_path), "--since", "2022-10-20", "--until", "2022-10-01"
    )
    assert result.returncode == 2 and "is before --since" in result.stderr
    result = run_cli("register", "crawl", "--db", str(db_path), "--since", "yesterday")
    assert result.returncode == 2 and "is not a date" in result.stderr
