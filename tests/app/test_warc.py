"""`councilwatch import-warc` on WARC files written here from the sample site's pages,
with broken records, non-HTML payloads, other domains and duplicates."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

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


def test_progress_lines_only_on_a_terminal_or_when_asked(db_path, tmp_path, article_records):
    write_warc(tmp_path / "a.warc.gz", article_records[:2])
    write_warc(tmp_path / "b.warc.gz", article_records[2:4])
    pattern = str(tmp_path / "*.warc.gz")
    quiet = run_cli("import-warc", pattern, "--db", str(db_path), "--no-process")
    assert quiet.returncode == 0, quiet.stderr[-3000:]
    assert quiet.stderr == ""  # as from cron: only the summary line, on stdout
    assert "Articles: 4 new." in quiet.stdout
    asked = run_cli(
        "import-warc", pattern, "--db", str(tmp_path / "b.db"), "--no-process", "--progress"
    )
    assert asked.returncode == 0, asked.stderr[-3000:]
    lines = asked.stderr.splitlines()
    assert lines[0].startswith("Importing 2 WARC file(s)")
    assert lines[1:] and all(line.endswith(" articles stored so far") for line in lines[1:])
    assert lines[-1].strip() == "4 articles stored so far"


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
    assert result.returncode == 65, result.stderr[-3000:]
    assert query(db_path, "SELECT count(*) FROM articles") == [(5,)]
    errors = query(db_path, "SELECT url, stage, reason FROM crawl_errors")
    assert len(errors) == 1 and errors[0][0].endswith("broken.warc.gz") and errors[0][1] == "import"
    assert "1 broken record" in result.stdout
    assert members  # the good file is untouched


def test_missing_files_are_one_clear_error(db_path, tmp_path):
    result = run_cli("import-warc", str(tmp_path / "nope-*.warc.gz"), "--db", str(db_path))
    assert result.returncode == 1
    assert "no such WARC file" in result.stderr


def other_records(writer: WARCWriter, url: str) -> list:
    """A request and a revisit record for ``url`` (CC-NEWS has both kinds)."""
    request = writer.create_warc_record(
        url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        warc_headers_dict={"WARC-Date": "2024-05-01T10:00:00Z"},
    )  # fmt: skip
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    revisit = writer.create_revisit_record(
        url, "sha1:AAAA", url, "2024-04-01T10:00:00Z", http_headers=http
    )
    return [request, revisit]


def test_request_revisit_and_warcinfo_records_are_skipped_by_their_type(
    db_path, tmp_path, article_records
):
    path = tmp_path / "mixed.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record("mixed.warc.gz", {"software": "x"}))
        for args, kwargs in article_records[:2]:
            for record in other_records(writer, args[0]):
                writer.write_record(record)
            writer.write_record(response(writer, *args, **kwargs))
    result = run_cli("import-warc", str(path), "--db", str(db_path), "--no-process")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (
        "Articles: 2 new. Skipped records: 2 request record, 2 revisit record, "
        "1 warcinfo record. Errors: 0." in result.stdout
    )


def test_records_of_other_domains_are_skipped_on_their_headers_without_reading_them(
    db_path, tmp_path, article_records
):
    """A record whose HTTP head is garbage costs nothing when its WARC headers already say
    it is not wanted; the same record on the wanted domain is a recorded error."""
    path = tmp_path / "garbage.warc"
    garbage = b"NOT HTTP AT ALL\r\n\r\n<html>"
    with path.open("wb") as out:
        for url in ("https://other.example/news/x/", f"{BASE}/news/garbage/"):
            out.write(
                b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%d>\r\n"
                b"WARC-Date: 2024-05-01T10:00:00Z\r\nWARC-Target-URI: %s\r\n"
                b"Content-Type: application/http; msgtype=response\r\n"
                b"Content-Length: %d\r\n\r\n%s\r\n\r\n"
                % (len(url), url.encode(), len(garbage), garbage)
            )
        writer = WARCWriter(out, gzip=False)
        args, kwargs = article_records[0]
        writer.write_record(response(writer, *args, **kwargs))
    result = run_cli(
        "import-warc", str(path), "--db", str(db_path), "--no-process",
        "--domain", "samplepress.example",
    )  # fmt: skip
    assert result.returncode == 65
    assert "Articles: 1 new." in result.stdout and "1 other domain" in result.stdout
    assert "1 broken record" in result.stdout and "Errors: 1." in result.stdout
    ((url, reason),) = query(db_path, "SELECT url, reason FROM crawl_errors")
    assert url == f"{BASE}/news/garbage/" and "HTTP" in reason


@pytest.mark.parametrize(
    "cut, gzipped, what",
    [
        (10, False, "the file ends inside it"),  # the last payload cut short
        (1, True, "truncated or corrupt gzip member"),  # only the member's trailer lost
        (300, True, "the file ends inside it"),  # the last record's body cut
    ],
)
def test_a_file_cut_short_is_an_error_not_a_silent_loss(
    db_path, tmp_path, article_records, cut, gzipped, what
):
    """FastWARC reads a cut file without complaint; the import checks the file's tail."""
    path = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
    write_warc(path, article_records[:3], gzipped=gzipped)
    path.write_bytes(path.read_bytes()[:-cut])
    result = run_cli("import-warc", str(path), "--db", str(db_path), "--no-process")
    assert result.returncode == 65, result.stderr[-3000:]
    assert "Errors: 1." in result.stdout and "1 broken record" in result.stdout
    assert "1 error(s) recorded in crawl_errors" in result.stderr
    ((where, stage, reason),) = query(db_path, "SELECT url, stage, reason FROM crawl_errors")
    assert where == str(path) and stage == "import" and what in reason
    stored = query(db_path, "SELECT count(*) FROM articles")[0][0]
    assert stored == (3 if cut == 1 else 2)  # a lost trailer leaves the record whole


def test_an_uncompressed_file_cut_inside_the_last_records_headers(
    db_path, tmp_path, article_records
):
    path = tmp_path / "cut.warc"
    write_warc(path, article_records[:2], gzipped=False)
    whole = path.read_bytes()
    write_warc(path, article_records[2:3], gzipped=False)
    path.write_bytes(whole + path.read_bytes()[:40])
    result = run_cli("import-warc", str(path), "--db", str(db_path), "--no-process")
    assert result.returncode == 65
    assert "Articles: 2 new." in result.stdout and "Errors: 1." in result.stdout
    ((reason,),) = query(db_path, "SELECT reason FROM crawl_errors")
    assert "headers cut short" in reason


def test_worker_processes_and_file_urls_give_the_same_import(db_path, tmp_path, article_records):
    path = tmp_path / "a.warc.gz"
    write_warc(path, article_records)
    result = run_cli(
        "import-warc", path.as_uri().replace("a.warc.gz", "*.warc.gz"), "--db", str(db_path),
        "--processes", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Articles: {len(article_records)} new." in result.stdout
    assert query(db_path, "SELECT count(*) FROM articles WHERE nlp_version IS NULL") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM council_mentions")[0][0] > 20
