"""`councilwatch import-warc` on WARC files written here from the sample site's pages,
with broken records, non-HTML payloads, other domains and duplicates."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from councilwatch.sample_site.pages import SitePages
from councilwatch.sample_site.render import article_path
from councilwatch.sample_site.server import sample_articles

from ..conftest import query, run_cli

BASE = "https://samplepress.example"


def response(writer: WARCWriter, url: str, body: bytes, content_type: str, *,
             date: str = "2024-05-01T10:00:00Z", status: str = "200 OK"):  # fmt: skip
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )  # fmt: skip


def write_warc(path: Path, records: list[tuple], *, gzipped: bool = True) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for args, kwargs in records:
            writer.write_record(response(writer, *args, **kwargs))


@pytest.fixture(scope="module")
def site_pages():
    return SitePages(BASE, sample_articles())


@pytest.fixture(scope="module")
def article_records(site_pages):
    return [
        (
            (
                f"{BASE}{article_path(a)}",
                site_pages.get(article_path(a))[1],
                "text/html; charset=utf-8",
            ),
            {},
        )
        for a in sample_articles()
    ]


def test_import_stores_each_article_once_and_reports_what_it_skipped(
    db_path, tmp_path, site_pages, article_records
):
    first, second = article_records[:10], article_records[10:]
    extra = [
        ((f"{BASE}/static/logo.svg", site_pages.get("/static/logo.svg")[1], "image/svg+xml"), {}),
        ((f"{BASE}/feed/", site_pages.get("/feed/")[1], "application/rss+xml"), {}),
        (
            (
                "https://other.example/news/x/",
                site_pages.get(article_path(sample_articles()[0]))[1],
                "text/html",
            ),
            {},
        ),
        ((f"{BASE}/news/old/", b"<html>old</html>", "text/html"), {"date": "2009-01-01T00:00:00Z"}),
        ((f"{BASE}/gone/", b"gone", "text/html"), {"status": "404 Not Found"}),
        ((f"{BASE}/", site_pages.get("/")[1], "text/html; charset=utf-8"), {}),  # an index page
        # the same story again, with tracking parameters
        ((first[0][0][0] + "?utm_source=cc", first[0][0][1], first[0][0][2]), {}),
    ]
    write_warc(tmp_path / "a.warc.gz", first + extra)  # gzip per record, as CC-NEWS
    write_warc(tmp_path / "b.warc", second, gzipped=False)
    result = run_cli(
        "import-warc", str(tmp_path / "*.warc*"), "--db", str(db_path),
        "--domain", "samplepress.example", "--since", "2020-01-01", "--source", "archive",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    titles = sorted(t for (t,) in query(db_path, "SELECT title FROM articles"))
    assert titles == sorted(a["title"] for a in sample_articles())
    assert query(db_path, "SELECT DISTINCT source FROM articles") == [("archive",)]
    assert query(db_path, "SELECT count(*) FROM raw_pages") == [(len(titles),)]
    assert query(db_path, "SELECT count(*) FROM articles WHERE nlp_version IS NULL") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM council_mentions")[0][0] > 20
    out = result.stdout
    for reason in (
        "2 not HTML",
        "1 other domain",
        "1 outside the dates",
        "1 HTTP 404",
        "1 not an article",
    ):
        assert reason in out, out
    assert "1 unchanged" in out  # the duplicate with tracking parameters
    ((run_status,),) = query(db_path, "SELECT status FROM crawl_runs")
    assert run_status == "finished"
    assert query(db_path, "SELECT source, articles_new FROM crawl_run_sources") == [
        ("archive", len(titles))
    ]

    again = run_cli(
        "import-warc", str(tmp_path / "*.warc*"), "--db", str(db_path), "--no-process",
        "--domain", "samplepress.example", "--since", "2020-01-01",
    )  # fmt: skip
    assert again.returncode == 0
    assert f"Articles: {len(titles) + 1} unchanged." in again.stdout
    assert query(db_path, "SELECT count(*) FROM articles") == [(len(titles),)]


def test_a_broken_record_is_recorded_and_the_rest_still_imported(
    db_path, tmp_path, article_records
):
    good = tmp_path / "good.warc.gz"
    write_warc(good, article_records[:3])
    broken = tmp_path / "broken.warc.gz"
    members = good.read_bytes()
    # a truncated gzip member after two good files' worth of records
    write_warc(broken, article_records[3:5])
    broken.write_bytes(broken.read_bytes() + gzip.compress(b"WARC/1.0\r\nWARC-Type: response")[:25])
    result = run_cli("import-warc", str(good), str(broken), "--db", str(db_path), "--no-process")
    assert result.returncode == 0, result.stderr[-3000:]
    assert query(db_path, "SELECT count(*) FROM articles") == [(5,)]
    errors = query(db_path, "SELECT url, stage, reason FROM crawl_errors")
    assert len(errors) == 1 and errors[0][0].endswith("broken.warc.gz") and errors[0][1] == "import"
    assert "1 broken record" in result.stdout
    assert members  # the good file is untouched


def test_missing_files_are_one_clear_error(db_path, tmp_path):
    result = run_cli("import-warc", str(tmp_path / "nope-*.warc.gz"), "--db", str(db_path))
    assert result.returncode == 1
    assert "no such WARC file" in result.stderr
