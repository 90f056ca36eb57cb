"""The procurement API mimic answers as Contracts Finder and Find a Tender do: envelopes,
order, paging by cursor, errors, rate limits, encodings and invalid JSON on demand."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request

import pytest

from councilwatch.sample_site.procurement_api import (
    CF_EXTENSIONS,
    ApiOptions,
    parse_fault,
    running_procurement_api,
)
from councilwatch.sample_site.procurement_data import (
    BadRegisterFolder,
    Register,
    demo_folder,
    parse_moment,
)

from ..conftest import shared_path
from ..registersite import reference_register

CF = "/Published/Notices/OCDS/Search"
FTS = "/api/1.0/ocdsReleasePackages"
WINDOW = "publishedFrom=2022-10-19T00:00:00Z&publishedTo=2022-10-23T00:00:00Z"
FTS_WINDOW = "updatedFrom=2022-10-19T00:00:00&updatedTo=2022-10-23T00:00:00Z"


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def pages(url: str) -> list[dict]:
    out = []
    while url:
        status, _, body = get(url)
        assert status == 200, body[:300]
        out.append(json.loads(body))
        url = out[-1].get("links", {}).get("next")
    return out


def test_search_pages_newest_first_to_a_last_page_without_next():
    register = reference_register()
    with running_procurement_api(register) as api:
        found = pages(f"{api.base_url}{CF}?{WINDOW}&limit=30")
    releases = [r for page in found for r in page["releases"]]
    assert len(releases) == len({(r["ocid"], r["id"]) for r in releases}) > 150
    assert [len(p["releases"]) for p in found[:-1]] == [30] * (len(found) - 1)
    assert "links" not in found[-1] and all("links" in p for p in found[:-1])
    moments = [r["date"] for r in releases]
    assert [parse_moment(m) for m in moments] == sorted(map(parse_moment, moments), reverse=True)
    first = found[0]
    assert list(first)[:8] == [
        "uri",
        "version",
        "extensions",
        "publishedDate",
        "publisher",
        "license",
        "publicationPolicy",
        "releases",
    ]
    assert first["publishedDate"] == first["releases"][0]["date"]
    assert first["extensions"] == CF_EXTENSIONS and first["publisher"]["uid"] == "D2"


def test_the_cursor_is_base64_of_the_filters_and_the_position():
    with running_procurement_api(reference_register()) as api:
        status, _, body = get(f"{api.base_url}{CF}?publishedTo=2022-10-22T10:08:04+01:00&limit=100")
    page = json.loads(body)
    next_url = page["links"]["next"]
    assert next_url.startswith(page["uri"] + "&cursor=")
    cursor = next_url.split("cursor=")[1]
    assert base64.b64decode(cursor).decode() == (
        "publishedTo=2022-10-22T10:08:04+01:00|limit=100|nextCursor=100"
    )
    # the mimic's first page for the real page's request holds the real page's releases
    with open(
        reference_register_file("cf-search_publishedTo-2022-10-22T10-08-04_limit100.json"),
        encoding="utf-8",
    ) as f:
        real = json.load(f)
    assert [r["id"] for r in page["releases"]] == [r["id"] for r in real["releases"]]


def reference_register_file(name: str):
    return shared_path("reference", "ocds", "contracts-finder", "search", name)


def test_find_a_tender_refuses_an_unknown_parameter_and_a_bad_cursor():
    with running_procurement_api(reference_register()) as api:
        status, headers, body = get(f"{api.base_url}{FTS}?statuses=x")
        assert status == 400 and headers["Content-Type"] == "application/json"
        error = json.loads(body)
        assert error["exception"] == (
            "Request parameter 'statuses' is not recognised, allowed parameters are: "
            "stages, limit, cursor, updatedFrom, updatedTo"
        )
        assert set(error) == {"timestamp", "status", "error", "message", "path", "exception"}
        assert get(f"{api.base_url}{FTS}?cursor=bm90IG91cnM=")[0] == 400
        assert get(f"{api.base_url}{FTS}?limit=101")[0] == 400
        assert get(f"{api.base_url}{FTS}?updatedFrom=2022-10-19")[0] == 400  # 19 characters
        status, _, body = get(f"{api.base_url}{FTS}?{FTS_WINDOW}&limit=10")
        assert status == 200 and len(json.loads(body)["releases"]) == 10


@pytest.mark.parametrize(
    ("fault", "status", "body", "retry_after"),
    [
        ("429", 429, b"Too Many Requests", "11"),
        ("429-no-retry-after", 429, b"12 request limit in 2 minute exceeded", None),
        ("503", 503, b"Service Unavailaible", "11"),
        ("504", 504, b"504 Gateway Time-out", None),
    ],
)
def test_scripted_faults_of_find_a_tender(fault, status, body, retry_after):
    options = ApiOptions(faults={"find-a-tender": {2: fault}})
    with running_procurement_api(reference_register(), options) as api:
        assert get(f"{api.base_url}{FTS}?{FTS_WINDOW}")[0] == 200
        got_status, headers, got_body = get(f"{api.base_url}{FTS}?{FTS_WINDOW}")
        assert get(f"{api.base_url}{FTS}?{FTS_WINDOW}")[0] == 200
    assert got_status == status and body in got_body
    assert headers.get("Retry-After") == retry_after


def test_contracts_finder_403_then_refuses_for_a_while():
    options = ApiOptions(faults={"contracts-finder": {1: "403"}}, forbidden_seconds=0.5)
    with running_procurement_api(reference_register(), options) as api:
        status, headers, body = get(f"{api.base_url}{CF}?{WINDOW}")
        assert status == 403 and b"Forbidden - Contracts Finder" in body
        assert get(f"{api.base_url}{CF}?{WINDOW}")[0] == 403  # too soon
        time.sleep(0.6)
        assert get(f"{api.base_url}{CF}?{WINDOW}")[0] == 200


def test_a_rate_limit_refuses_requests_that_come_too_fast():
    options = ApiOptions(rate_limit=(2, 0.5), forbidden_seconds=0)
    with running_procurement_api(reference_register(), options) as api:
        statuses = [get(f"{api.base_url}{FTS}?limit=1")[0] for _ in range(3)]
        time.sleep(0.6)
        statuses.append(get(f"{api.base_url}{FTS}?limit=1")[0])
    assert statuses == [200, 200, 429, 200]


def test_invalid_json_on_demand():
    options = ApiOptions(faults={"find-a-tender": {1: "1e9999", 2: "leading-zeros"}})
    with running_procurement_api(reference_register(), options) as api:
        first = get(f"{api.base_url}{FTS}?limit=2")[2]
        second = get(f"{api.base_url}{FTS}?limit=2")[2]
    assert b'"maximumLotsBidPerSupplier":1e9999' in first
    assert b'"numberOfTenderers": 000,' in second
    with pytest.raises(json.JSONDecodeError):
        json.loads(second)
    assert json.loads(first.replace(b"1e9999", b"9999999"))["releases"]


@pytest.mark.parametrize("encoding", ["iso-8859-1", "cp1252"])
def test_contracts_finder_bytes_in_another_charset_mean_the_same_json(encoding):
    url = f"/Published/Notices/OCDS/Search?{WINDOW}&limit=100"
    with running_procurement_api(reference_register()) as api:
        utf8 = get(api.base_url + url)[2]
    options = ApiOptions(encoding=encoding, declare_charset=False)
    with running_procurement_api(reference_register(), options) as api:
        status, headers, other = get(api.base_url + url)
    assert headers["Content-Type"] == "application/json"
    assert "£".encode(encoding) in other and "£".encode() not in other
    with pytest.raises(UnicodeDecodeError):
        other.decode("utf-8")
    assert json.loads(other.decode(encoding))["releases"] == json.loads(utf8)["releases"]


def test_records_and_single_releases():
    register = reference_register()
    release = next(r for r in register.contracts_finder.releases if r.get("awards"))
    with running_procurement_api(register) as api:
        status, _, body = get(f"{api.base_url}/Published/OCDS/Record/{release['ocid']}")
        assert status == 200
        record = json.loads(body)["records"][0]
        assert record["ocid"] == release["ocid"]
        assert record["compiledRelease"]["ocid"] == release["ocid"]
        status, _, body = get(f"{api.base_url}/Published/OCDS/Release/{release['id']}")
        assert status == 200 and json.loads(body)["releases"] == [release]
        assert get(f"{api.base_url}/Published/OCDS/Release/no-such-release")[0] == 404
        status, _, body = get(f"{api.base_url}/api/1.0/ocdsRecordPackages/{release['ocid']}")
        assert status == 200


def test_the_demo_register_is_served_without_the_reference_set():
    register = Register.from_folder(demo_folder())
    with running_procurement_api(register) as api:
        cf = pages(f"{api.base_url}{CF}?limit=2")
        fts = pages(f"{api.base_url}{FTS}?updatedFrom=2021-01-01T00:00:00")
    assert [len(p["releases"]) for p in cf] == [2, 2, 2, 1]
    assert [r["ocid"] for p in fts for r in p["releases"]] == ["ocds-h6vhtk-03a1f2"]


def test_faults_given_on_the_command_line():
    assert parse_fault("contracts-finder:2:403") == ("contracts-finder", 2, "403")
    for bad in ("contracts-finder:two:403", "ted:1:403", "find-a-tender:1:teapot"):
        with pytest.raises(ValueError, match="is not API:N:FAULT"):
            parse_fault(bad)


def test_bad_register_folders(tmp_path):
    with pytest.raises(BadRegisterFolder, match="no such register folder"):
        Register.from_folder(tmp_path / "missing")
    (tmp_path / "contracts-finder").mkdir()
    (tmp_path / "contracts-finder" / "page.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BadRegisterFolder, match="not a JSON file"):
        Register.from_folder(tmp_path)


def test_unknown_faults_and_charsets_are_refused():
    with pytest.raises(ValueError, match="unknown fault"):
        ApiOptions(faults={"find-a-tender": {1: "teapot"}})
    with pytest.raises(LookupError):
        ApiOptions(encoding="klingon")
