"""Scan WARC files with FastWARC: decide on each record from its WARC headers (type, target
URI's domain, capture date) before touching its payload; read the HTTP headers and payload
only of the records kept.

What is skipped is counted by reason; damage is reported through ``on_error`` and counted as
``broken record``: an unreadable record stops the file there (the format cannot be
resynchronised), and a file cut short (a truncated last gzip member, or an uncompressed
file that ends inside its last record) is found by checking the file's tail once, which
FastWARC alone reads without complaint.

This module imports nothing heavy (no Scrapy, no extraction, no spaCy), so a scan that keeps
nothing runs at the WARC reader's speed.

Example (a WARC written with warcio, read back):
    >>> import io, tempfile
    >>> from collections import Counter
    >>> from warcio.warcwriter import WARCWriter
    >>> from warcio.statusandheaders import StatusAndHeaders
    >>> path = Path(tempfile.mkdtemp()) / "x.warc.gz"
    >>> with path.open("wb") as out:
    ...     writer = WARCWriter(out, gzip=True)
    ...     http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    ...     for url in ("https://a.example/1", "https://b.example/2"):
    ...         writer.write_record(writer.create_warc_record(
    ...             url, "response", payload=io.BytesIO(b"<html></html>"), http_headers=http))
    >>> skipped = Counter()
    >>> [r.url for r in scan_warc(path, ScanFilter(domains=("a.example",)), skipped)]
    ['https://a.example/1']
    >>> dict(skipped)
    {'other domain': 1}
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

#: Records whose payload is larger than this are skipped (as the crawler's size limit).
MAX_PAYLOAD = 10 * 1024 * 1024
#: Skip reason of a record that cannot be read whole.
BROKEN = "broken record"
_GZIP_MAGIC = b"\x1f\x8b"
_RESPONSE = int(WarcRecordType.response)
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)

ErrorCallback = Callable[[str, str], None]


@dataclass
class Record:
    """An HTML response taken from a WARC file, ready for page extraction."""

    url: str
    date: str
    content_type: str
    body: bytes


@dataclass(frozen=True)
class ScanFilter:
    """Which records to keep, judged on WARC headers only: ``domains`` (a host or any of its
    subdomains; empty: all), capture dates ``since`` / ``until`` (YYYY-MM-DD, inclusive).

    >>> ScanFilter(domains=("theregister.com",)).skip_reason("https://www.theregister.com/x", "2024-01-01")
    >>> ScanFilter(since="2024-02-01").skip_reason("https://a.example/", "2024-01-31T23:59:59Z")
    'outside the dates'
    """

    domains: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None

    def skip_reason(self, url: str, date: str) -> str | None:
        """Why a response record with this target URI and WARC-Date is skipped, or None."""
        if not url.startswith(("http://", "https://")):
            return "not an http(s) URL"
        if self.domains and not domain_matches(_host(url), self.domains):
            return "other domain"
        day = date[:10]
        if (self.since and day < self.since) or (self.until and day > self.until):
            return "outside the dates"
        return None


def _host(url: str) -> str:
    """The host of an http(s) URL, cheaply (no full URL parse).

    >>> _host("https://User@Www.Example.com:8080/a?b")
    'www.example.com'
    """
    start = url.find("//") + 2
    end = len(url)
    for stop in "/?#":
        found = url.find(stop, start)
        if found != -1 and found < end:
            end = found
    netloc = url[start:end].rsplit("@", 1)[-1]
    return netloc.split(":", 1)[0].lower()


def domain_matches(host: str, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one.

    >>> domain_matches("www.theregister.com", ["theregister.com"])
    True
    >>> domain_matches("notheregister.com", ["theregister.com"])
    False
    """
    host = host.lower().split(":")[0]
    return any(host == d or host.endswith("." + d) for d in (d.lower() for d in domains))


@contextmanager
def open_archive(path: str | Path) -> Iterator[BinaryIO]:
    """A WARC file opened for reading: a local path, or a URL fsspec knows (``s3://...``,
    ``https://...``, ``file://...``; remote file systems need their fsspec package, e.g.
    s3fs)."""
    text = str(path)
    if "://" in text:
        import fsspec  # only for remote paths

        with fsspec.open(text, "rb") as stream:
            yield stream
    else:
        with open(text, "rb") as stream:
            yield stream


def scan_warc(
    path: str | Path,
    keep: ScanFilter,
    skipped: Counter,
    on_error: ErrorCallback | None = None,
) -> Iterator[Record]:
    """The HTML response records of ``path`` that ``keep`` accepts, streamed.

    ``skipped`` counts the other records by reason (``request record``, ``other domain``,
    ``not HTML``, ``broken record``, ...); ``on_error(path_or_url, reason)`` is told about
    damage. Only kept records have their HTTP headers parsed and their payload read.
    """
    where = str(path)
    report = on_error or (lambda _where, _reason: None)
    last_pos, last_reason = None, None
    with open_archive(path) as stream:
        gzipped = stream.read(2) == _GZIP_MAGIC
        stream.seek(0)
        # FastWARC reads a local file itself (faster than through a Python file object)
        source = stream if "://" in where else where
        records = ArchiveIterator(source, parse_http=False)
        type_labels: dict[int, str] = {}
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except OSError as exc:  # a corrupt record or member: FastWARC cannot go on
                skipped[BROKEN] += 1
                after = f" after the record at byte {last_pos}" if last_pos is not None else ""
                report(where, f"unreadable WARC record{after}: {exc}; rest of the file skipped")
                return
            last_pos = record.stream_pos
            record_type = int(record.record_type)
            if record_type != _RESPONSE:
                last_reason = type_labels.get(record_type)
                if last_reason is None:
                    label = f"{record.record_type} record"
                    last_reason = type_labels[record_type] = label
            else:
                headers = record.headers
                url = headers.get("WARC-Target-URI", "")
                last_reason = keep.skip_reason(url, headers.get("WARC-Date", ""))
                if last_reason is None:
                    kept, last_reason = _read_kept(record, url, where, report)
                    if kept is not None:
                        yield kept
                        continue
            skipped[last_reason] += 1
        if last_pos is None:
            return
        damage = _damaged_tail(stream, last_pos, gzipped)
    if damage is None:
        return
    offset, reason = damage
    if offset == last_pos and last_reason == BROKEN:
        return  # the last record was already found broken and reported
    report(where, reason)
    skipped[BROKEN] += 1
    if offset == last_pos and last_reason is not None:
        skipped[last_reason] -= 1  # that record was counted before its damage was known
        if not skipped[last_reason]:
            del skipped[last_reason]


def _read_kept(
    record: WarcRecord, url: str, where: str, report: ErrorCallback
) -> tuple[Record | None, str | None]:
    """Parse a kept record's HTTP headers and read its payload: ``(Record, None)``, or
    ``(None, skip reason)``."""
    headers = record.headers
    try:
        record.parse_http()
    except Exception as exc:  # a broken HTTP head: this record only
        report(url or where, f"unreadable HTTP headers: {exc}")
        return None, BROKEN
    status = record.http_headers.status_code
    if status is None:
        status_line = record.http_headers.status_line
        report(url or where, f"unreadable HTTP headers: status line {status_line!r}")
        return None, BROKEN
    if status != 200:
        return None, f"HTTP {status}"
    content_type = record.http_headers.get("Content-Type", "") or ""
    if "html" not in content_type.lower():
        return None, "not HTML"
    if record.content_length > MAX_PAYLOAD:
        return None, "over the size limit"
    try:
        body = record.reader.read(MAX_PAYLOAD + 1)
    except Exception as exc:  # decompression errors surface here, per record
        report(url, f"unreadable payload: {type(exc).__name__}: {exc}")
        return None, BROKEN
    if len(body) > MAX_PAYLOAD:
        return None, "over the size limit"
    if len(body) < record.content_length:
        got, declared = len(body), record.content_length
        report(
            where,
            f"record {url} cut short ({got} of {declared} payload bytes): the file ends inside it",
        )
        return None, BROKEN
    return Record(url, headers.get("WARC-Date", ""), content_type, body), None


def _damaged_tail(stream: BinaryIO, last_pos: int, gzipped: bool) -> tuple[int, str] | None:
    """``(offset, reason)`` if the file is cut short after the last record FastWARC gave
    (which starts at ``last_pos``), else None. Reads only that record's bytes onwards."""
    stream.seek(last_pos)
    if gzipped:
        offset = _first_broken_member(stream, last_pos)
        if offset is None:
            return None
        return offset, f"truncated or corrupt gzip member at byte {offset}; skipped from there"
    tail = stream.read()
    cut = _cut_record(tail)
    if cut is None:
        return None
    at, what = cut
    return last_pos + at, f"WARC file ends inside a record at byte {last_pos + at} ({what})"


def _first_broken_member(stream: BinaryIO, start: int, chunk_size: int = 1 << 20) -> int | None:
    """Byte offset of the first truncated or corrupt gzip member from ``start`` to the end of
    ``stream``, or None when every member ends cleanly.

    ``start`` must be a member's start; for a file compressed as one stream (not one member
    per record, as CC-NEWS is) FastWARC reports positions inside it, and the whole file is
    checked from its first byte instead.
    """
    pending, offset = b"", start
    while True:
        pending = pending or stream.read(chunk_size)
        if not pending:
            return None
        member_start = offset
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while True:
            try:
                decompressor.decompress(pending)
            except zlib.error:
                if member_start == start and start > 0:  # not a member boundary
                    stream.seek(0)
                    return _first_broken_member(stream, 0, chunk_size)
                return member_start
            if decompressor.eof:
                offset += len(pending) - len(decompressor.unused_data)
                pending = decompressor.unused_data
                break
            offset += len(pending)
            pending = stream.read(chunk_size)
            if not pending:
                return member_start


def _cut_record(tail: bytes) -> tuple[int, str] | None:
    """Where an uncompressed WARC's tail (its last record onwards) is cut short, or None.

    >>> record = b"WARC/1.0\\r\\nContent-Length: 5\\r\\n\\r\\nhello\\r\\n\\r\\n"
    >>> _cut_record(record) is None
    True
    >>> _cut_record(record[:-7])
    (0, 'payload 2 of 5 bytes')
    >>> _cut_record(record + record[:12])
    (40, 'headers cut short')
    """
    at = 0
    while at < len(tail):
        if not tail[at:].strip():
            return None  # trailing blank lines
        head_end = tail.find(b"\r\n\r\n", at)
        if head_end == -1:
            return at, "headers cut short"
        length = _CONTENT_LENGTH.search(tail, at, head_end + 2)
        if length is None:
            return at, "no Content-Length"
        payload_start = head_end + 4
        end = payload_start + int(length.group(1))
        if end > len(tail):
            return at, f"payload {len(tail) - payload_start} of {int(length.group(1))} bytes"
        at = end
        while tail[at : at + 2] == b"\r\n":
            at += 2
    return None
