"""A loopback mimic of the UK public-procurement OCDS APIs, for the register spiders' tests
and the demo.

Contracts Finder:

- ``GET /Published/Notices/OCDS/Search?publishedFrom=&publishedTo=&stages=&limit=&cursor=``
- ``GET /Published/OCDS/Record/{ocid}`` and ``GET /Published/OCDS/Release/{id}``

Find a Tender:

- ``GET /api/1.0/ocdsReleasePackages?updatedFrom=&updatedTo=&stages=&limit=&cursor=``
- ``GET /api/1.0/ocdsReleasePackages/{ocid or notice id}``, ``GET /api/1.0/ocdsRecordPackages/{ocid}``

Both search endpoints answer a release package of the releases dated in the range,
newest first, ``limit`` (1-100, default 100) at a time, with ``links.next`` (the same
URL plus ``cursor``, a base64 of the filters and the position, as the live APIs do)
on every page but the last. Faults are scripted by the number of the search request
(:class:`ApiOptions`): Contracts Finder's 403 rate-limit page (after which it keeps
refusing for ``forbidden_seconds``), Find a Tender's 400 JSON, 429 with and without
``Retry-After``, 503 "Service Unavailaible", 504, ``links.next`` missing from a page
that has more behind it, and the two kinds of invalid JSON the live service emits
(``1e9999`` and ``000``). Contracts Finder's bytes are UTF-8, ISO-8859-1 or
Windows-1252 (characters outside the charset as JSON ``\\u`` escapes).

>>> import json, urllib.request
>>> register = Register(ReleaseStore([{"ocid": "o-1", "id": "r-1", "tag": ["award"],
...                                    "date": "2022-10-20T09:00:00+01:00"}]), ReleaseStore([]))
>>> with running_procurement_api(register) as api:
...     url = api.base_url + "/Published/Notices/OCDS/Search?limit=5"
...     page = json.load(urllib.request.urlopen(url))
>>> [r["id"] for r in page["releases"]], "links" in page
(['r-1'], False)
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from .procurement_data import (
    CONTRACTS_FINDER,
    FIND_A_TENDER,
    Register,
    ReleaseStore,
    parse_moment,
)

__all__ = [
    "FAULTS",
    "ApiOptions",
    "Hit",
    "ProcurementApi",
    "Register",
    "ReleaseStore",
    "running_procurement_api",
]

CF_SEARCH = "/Published/Notices/OCDS/Search"
CF_RECORD = "/Published/OCDS/Record/"
CF_RELEASE = "/Published/OCDS/Release/"
FTS_SEARCH = "/api/1.0/ocdsReleasePackages"
FTS_RECORD = "/api/1.0/ocdsRecordPackages/"

CF_PARAMETERS = ("publishedFrom", "publishedTo", "stages", "limit", "cursor")
FTS_PARAMETERS = ("stages", "limit", "cursor", "updatedFrom", "updatedTo")

#: The faults a search request can be given, by name.
FAULTS = {
    "403": "Contracts Finder's rate-limit page (HTML), then refusals for forbidden_seconds",
    "400": "Find a Tender's 400 JSON error (a refused parameter)",
    "429": "429 Too Many Requests with Retry-After",
    "429-no-retry-after": "429 from the load balancer, without Retry-After",
    "503": "503 Service Unavailaible with Retry-After",
    "504": "504 Gateway Time-out without Retry-After",
    "no-next": "a page with more results behind it but no links.next",
    "1e9999": "invalid JSON: a number written 1e9999",
    "leading-zeros": "invalid JSON: a number written 000",
}

PUBLISHER = {
    "name": "Cabinet Office",
    "scheme": "GB-GOR",
    "uid": "D2",
    "uri": "https://www.gov.uk/government/organisations/cabinet-office",
}
OGL3 = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
POLICY = "https://www.gov.uk/government/publications/open-contracting"
CF_EXTENSIONS = [
    "https://standard.open-contracting.org/profiles/eu/master/en/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_tenderDatePublished_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_budget_breakdown_extension/master/extension.json",
    "https://raw.githubusercontent.com/CCS-OCDS/ocds_awards_datePublished_extension/master/extension.json",
    "https://raw.githubusercontent.com/CCS-OCDS/ocds_partyDetails_vcse_extension/master/extension.json",
    "https://raw.githubusercontent.com/CCS-OCDS/ocds_tender_suitability_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/master/extension.json",
]
FTS_EXTENSIONS = CF_EXTENSIONS[:1]
FORBIDDEN_PAGE = (
    "<html><head><title>Forbidden - Contracts Finder</title></head><body>"
    "<h1>Request forbidden</h1><p>Your request has been forbidden. The request rate limit "
    "may have been exceeded; no further requests should be made until after 5 minutes.</p>"
    "</body></html>"
)
GATEWAY_TIMEOUT = (
    "<html><head><title>504 Gateway Time-out</title></head>"
    "<body><center><h1>504 Gateway Time-out</h1></center></body></html>"
)
#: Placeholder keys the invalid-JSON faults turn into the live service's bad numbers.
_QUIRKS = {
    "1e9999": ('"maximumLotsBidPerSupplier":"@quirk@"', '"maximumLotsBidPerSupplier":1e9999'),
    "leading-zeros": ('"numberOfTenderers":"@quirk@"', '"numberOfTenderers": 000'),
}
_CURSOR = re.compile(r"[A-Za-z0-9+/=]{0,300}")
_MOMENT_19 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?")


@dataclass
class ApiOptions:
    """How the mimic behaves.

    ``faults`` maps an API (``contracts-finder`` or ``find-a-tender``) to ``{n: fault}``:
    its n-th search request (from 1, refused ones included) gets that fault (a name of
    :data:`FAULTS`). ``encoding`` is the charset of Contracts Finder's bytes
    (``utf-8``, ``iso-8859-1`` or ``cp1252``), declared in ``Content-Type`` only when
    ``declare_charset``. ``rate_limit`` ``(n, seconds)`` refuses a search request that
    comes less than ``seconds`` after the n-th request before it (Contracts Finder with a
    403, Find a Tender with the load balancer's 429).
    """

    faults: dict[str, dict[int, str]] = field(default_factory=dict)
    encoding: str = "utf-8"
    declare_charset: bool = True
    forbidden_seconds: float = 300.0
    retry_after: int = 11
    rate_limit: tuple[int, float] | None = None

    def __post_init__(self) -> None:
        for api, script in self.faults.items():
            if api not in (CONTRACTS_FINDER, FIND_A_TENDER):
                raise ValueError(f"unknown API {api!r}: {CONTRACTS_FINDER} or {FIND_A_TENDER}")
            unknown = sorted(set(script.values()) - set(FAULTS))
            if unknown:
                raise ValueError(f"unknown fault(s) {', '.join(unknown)}: {', '.join(FAULTS)}")
        "£".encode(self.encoding)  # LookupError for an unknown charset


@dataclass
class Hit:
    """One request the mimic answered."""

    api: str | None
    path: str
    query: dict[str, str]
    status: int
    at: float
    fault: str | None = None


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """A request the API refuses with a 400 (bad parameter or cursor) or a 404."""

    def __init__(self, status: int, message: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.message, self.detail = status, message, detail


@dataclass
class ProcurementApi:
    """The state of one running mimic: its data, options, counters and request log."""

    register: Register
    options: ApiOptions = field(default_factory=ApiOptions)
    base_url: str = ""
    hits: list[Hit] = field(default_factory=list)
    searches: dict[str, int] = field(default_factory=dict)
    forbidden_until: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def search_hits(self, api: str) -> list[Hit]:
        """The search requests of one API, in order."""
        return [h for h in self.hits if h.api == api and h.path in (CF_SEARCH, FTS_SEARCH)]

    def answer(self, target: str) -> Answer:
        """The response to ``GET target`` (path and query)."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        api = (
            CONTRACTS_FINDER
            if path.startswith("/Published/")
            else FIND_A_TENDER
            if path.startswith("/api/")
            else None
        )
        fault = None
        if path in (CF_SEARCH, FTS_SEARCH):
            fault = self._fault_for(api or "")
        try:
            answer = self._route(api, path, parts.query, query, fault)
        except ApiError as exc:
            answer = self._error(api, path, exc)
        with self.lock:
            self.hits.append(Hit(api, path, query, answer.status, time.monotonic(), fault))
        return answer

    def _fault_for(self, api: str) -> str | None:
        with self.lock:
            number = self.searches[api] = self.searches.get(api, 0) + 1
            now = time.monotonic()
            fault = self.options.faults.get(api, {}).get(number)
            if api == CONTRACTS_FINDER and now < self.forbidden_until:
                return fault or "403"
            if fault is None and self.options.rate_limit and self._over_rate(api, now):
                fault = "403" if api == CONTRACTS_FINDER else "429-no-retry-after"
            if fault == "403":
                self.forbidden_until = now + self.options.forbidden_seconds
            return fault

    def _over_rate(self, api: str, now: float) -> bool:
        count, seconds = self.options.rate_limit  # type: ignore[misc]
        recent = [h for h in self.search_hits(api) if now - h.at < seconds]
        return len(recent) >= count

    def _route(
        self, api: str | None, path: str, raw_query: str, query: dict, fault: str | None
    ) -> Answer:
        if path == "/robots.txt":
            return Answer(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if fault and fault not in ("no-next", *_QUIRKS):
            return self._fault_answer(api or "", fault)
        if path == CF_SEARCH:
            return self._json(api, self._search(CONTRACTS_FINDER, raw_query, query, fault), fault)
        if path == FTS_SEARCH:
            return self._json(api, self._search(FIND_A_TENDER, raw_query, query, fault), fault)
        if path.startswith(CF_RECORD):
            return self._json(api, self._record(CONTRACTS_FINDER, path[len(CF_RECORD) :]))
        if path.startswith(CF_RELEASE):
            return self._json(api, self._release(path[len(CF_RELEASE) :]))
        if path.startswith(FTS_SEARCH + "/"):
            return self._json(api, self._fts_package(path[len(FTS_SEARCH) + 1 :]))
        if path.startswith(FTS_RECORD):
            return self._json(api, self._record(FIND_A_TENDER, path[len(FTS_RECORD) :]))
        raise ApiError(404, "Not Found", f"no such resource: {path}")

    # -- search ------------------------------------------------------------------------

    def _search(self, api: str, raw_query: str, query: dict, fault: str | None) -> dict:
        names = CF_PARAMETERS if api == CONTRACTS_FINDER else FTS_PARAMETERS
        if api == FIND_A_TENDER:
            unknown = [name for name in query if name not in names]
            if unknown:
                raise ApiError(
                    400,
                    "Request parameters unknown",
                    f"Request parameter '{unknown[0]}' is not recognised, allowed parameters "
                    f"are: {', '.join(names)}",
                )
        # a UTC offset's '+' left unescaped in a URL reads as a space
        filters = {
            k: query[k].replace(" ", "+")
            for k in names
            if k in query and k not in ("cursor", "limit")
        }
        limit = _limit(query.get("limit", "100"))
        offset = 0
        if query.get("cursor"):
            filters, limit, offset = _read_cursor(query["cursor"], filters, limit)
        start_name, end_name = (
            ("publishedFrom", "publishedTo")
            if api == CONTRACTS_FINDER
            else ("updatedFrom", "updatedTo")
        )
        start = _moment(filters.get(start_name), start_name, api)
        end = _moment(filters.get(end_name), end_name, api)
        stages = [s for s in filters.get("stages", "").split(",") if s]
        found = self.register.store(api).search(start, end, stages)
        page = found[offset : offset + limit]
        path = CF_SEARCH if api == CONTRACTS_FINDER else FTS_SEARCH
        own_query = "&".join(p for p in raw_query.split("&") if p and not p.startswith("cursor="))
        uri = f"{self.base_url}{path}" + (f"?{own_query}" if own_query else "")
        package = self._package(api, uri, page)
        if offset + limit < len(found) and fault != "no-next":
            cursor = _cursor(filters, limit, offset + limit, api)
            package["links"] = {"next": f"{uri}{'&' if own_query else '?'}cursor={cursor}"}
        return package

    def _package(self, api: str, uri: str, releases: list[dict], license: str = OGL3) -> dict:
        newest = releases[0]["date"] if releases else _now()
        return {
            "uri": uri,
            "version": "1.1",
            "extensions": CF_EXTENSIONS if api == CONTRACTS_FINDER else FTS_EXTENSIONS,
            "publishedDate": newest,
            "publisher": PUBLISHER,
            "license": license,
            "publicationPolicy": POLICY,
            "releases": releases,
        }

    # -- single releases and records -----------------------------------------------------

    def _release(self, release_id: str) -> dict:
        release = self.register.contracts_finder.by_id(release_id)
        if release is None:
            raise ApiError(404, "Not Found", f"no release {release_id}")
        uri = f"{self.base_url}{CF_RELEASE}{quote(release_id)}"
        # The documented sample of this endpoint carries the OGL v2 licence.
        return self._package(CONTRACTS_FINDER, uri, [release], OGL3.replace("3", "2"))

    def _fts_package(self, key: str) -> dict:
        store = self.register.find_a_tender
        releases = store.by_ocid(key) or [r for r in store.releases if r.get("id") == key]
        if not releases:
            raise ApiError(404, "Not Found", f"no release package {key}")
        return self._package(FIND_A_TENDER, f"{self.base_url}{FTS_SEARCH}/{quote(key)}", releases)

    def _record(self, api: str, ocid: str) -> dict:
        releases = self.register.store(api).by_ocid(ocid)
        if not releases:
            raise ApiError(404, "Not Found", f"no record {ocid}")
        prefix = CF_RELEASE if api == CONTRACTS_FINDER else FTS_SEARCH + "/"
        links = [f"{self.base_url}{prefix}{quote(r['id'])}" for r in releases]
        record_path = CF_RECORD if api == CONTRACTS_FINDER else FTS_RECORD
        package = self._package(api, f"{self.base_url}{record_path}{quote(ocid)}", [])
        del package["releases"]
        package["packages"] = links
        package["records"] = [
            {
                "ocid": ocid,
                "releases": [
                    {"url": link, "date": r["date"], "tag": r.get("tag", [])}
                    for link, r in zip(links, releases, strict=True)
                ],
                "compiledRelease": releases[0],
            }
        ]
        return package

    # -- bytes ---------------------------------------------------------------------------

    def _json(self, api: str | None, document: dict, fault: str | None = None) -> Answer:
        quirk = _QUIRKS.get(fault or "")
        if quirk and document.get("releases"):
            document = dict(document)
            first = dict(document["releases"][0])
            placeholder_key = quirk[0].split(":")[0].strip('"')
            first["tender"] = {placeholder_key: "@quirk@", **(first.get("tender") or {})}
            document["releases"] = [first, *document["releases"][1:]]
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        if quirk:
            text = text.replace(*quirk)
        encoding = self.options.encoding if api == CONTRACTS_FINDER else "utf-8"
        content_type = "application/json"
        if self.options.declare_charset or encoding == "utf-8":
            content_type += f"; charset={encoding}"
        return Answer(200, encode_json_text(text, encoding), content_type)

    def _fault_answer(self, api: str, fault: str) -> Answer:
        retry_after = {"Retry-After": str(self.options.retry_after)}
        if fault == "403":
            return Answer(403, FORBIDDEN_PAGE.encode(), "text/html; charset=utf-8")
        if fault == "400":
            raise ApiError(
                400,
                "Request parameters unknown",
                "Request parameter 'statuses' is not recognised, allowed parameters are: "
                + ", ".join(FTS_PARAMETERS),
            )
        if fault == "429":
            return Answer(429, b"Too Many Requests", "text/plain", retry_after)
        if fault == "429-no-retry-after":
            return Answer(429, b"12 request limit in 2 minute exceeded", "text/plain")
        if fault == "503":
            return Answer(503, b"Service Unavailaible", "text/plain", retry_after)
        return Answer(504, GATEWAY_TIMEOUT.encode(), "text/html")

    def _error(self, api: str | None, path: str, exc: ApiError) -> Answer:
        body = {
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "status": exc.status,
            "error": "Bad Request" if exc.status == 400 else "Not Found",
            "message": exc.message,
            "path": path,
            "exception": exc.detail,
        }
        return Answer(exc.status, json.dumps(body).encode(), "application/json")


def encode_json_text(text: str, encoding: str) -> bytes:
    """JSON text as bytes in ``encoding``; characters it lacks become ``\\u`` escapes.

    Every non-ASCII character of JSON text is inside a string, where an escape means the
    same character.

    >>> encode_json_text('{"a":"£ • \\u202f"}', "iso-8859-1")
    b'{"a":"\\xa3 \\\\u2022 \\\\u202f"}'
    >>> encode_json_text('{"a":"£ •"}', "cp1252")
    b'{"a":"\\xa3 \\x95"}'
    """
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        return text.encode("utf-8")

    def escape(match: re.Match) -> str:
        char = match.group()
        try:
            char.encode(encoding)
            return char
        except UnicodeEncodeError:
            return json.dumps(char)[1:-1]

    return re.sub(r"[^\x00-\x7f]", escape, text).encode(encoding)


def _limit(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise ApiError(400, "Invalid limit", f"limit must be a number from 1 to 100, not {value!r}")
    return int(value)


def _moment(value: str | None, name: str, api: str) -> datetime | None:
    if not value:
        return None
    if api == FIND_A_TENDER and not _MOMENT_19.fullmatch(value):
        raise ApiError(400, "Invalid date", f"{name} must be YYYY-MM-DDTHH:MM:SS, not {value!r}")
    try:
        return parse_moment(value)
    except ValueError as exc:
        raise ApiError(400, "Invalid date", f"{name} is not an ISO 8601 date: {value!r}") from exc


def _cursor(filters: dict, limit: int, position: int, api: str) -> str:
    parts = [f"{k}={v}" for k, v in filters.items()]
    if api == CONTRACTS_FINDER:
        parts.append(f"limit={limit}")
    parts.append(f"nextCursor={position}")
    return base64.b64encode("|".join(parts).encode()).decode()


def _read_cursor(cursor: str, filters: dict, limit: int) -> tuple[dict, int, int]:
    """The filters, limit and position a cursor stands for."""
    cursor = cursor.replace(" ", "+")  # base64's '+' left unescaped in a URL reads as a space
    if not _CURSOR.fullmatch(cursor):
        raise ApiError(400, "Invalid cursor", "cursor must be base64, at most 300 characters")
    try:
        text = base64.b64decode(cursor, validate=True).decode()
        fields = dict(part.split("=", 1) for part in text.split("|"))
        position = int(fields.pop("nextCursor"))
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise ApiError(400, "Invalid cursor", f"cursor {cursor!r} is not one of ours") from exc
    limit = int(fields.pop("limit", limit))
    return {**filters, **fields}, limit, position


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class _ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    api: ProcurementApi


class _Handler(BaseHTTPRequestHandler):
    server: _ApiServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        answer = self.server.api.answer(self.path)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def running_procurement_api(
    register: Register, options: ApiOptions | None = None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[ProcurementApi]:
    """Serve ``register`` on ``host:port`` (0: a free port) in a thread; yield the state."""
    server = _ApiServer((host, port), _Handler)
    api = ProcurementApi(register, options or ApiOptions())
    api.base_url = f"http://{host}:{server.server_address[1]}"
    server.api = api
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()


def parse_fault(text: str) -> tuple[str, int, str]:
    """``API:N:FAULT`` (``find-a-tender:3:429``) as ``(api, n, fault)``; ValueError if not.

    >>> parse_fault("find-a-tender:3:429")
    ('find-a-tender', 3, '429')
    """
    api, _, rest = text.partition(":")
    number, _, fault = rest.partition(":")
    if api not in (CONTRACTS_FINDER, FIND_A_TENDER) or not number.isdigit() or fault not in FAULTS:
        raise ValueError(
            f"{text!r} is not API:N:FAULT (API {CONTRACTS_FINDER} or {FIND_A_TENDER}, "
            f"FAULT one of {', '.join(FAULTS)})"
        )
    return api, int(number), fault


def serve_procurement_api_forever(
    register: Register, options: ApiOptions, host: str = "127.0.0.1", port: int = 8002
) -> None:
    """Serve until interrupted (Ctrl-C), printing the base URL."""
    with running_procurement_api(register, options, host, port) as api:
        print(f"Procurement API mimic at {api.base_url}/ (Ctrl-C to stop)", flush=True)
        print(
            f"  {api.base_url}{CF_SEARCH}?publishedFrom=2022-10-19&limit=100  "
            f"({len(register.contracts_finder)} Contracts Finder releases)\n"
            f"  {api.base_url}{FTS_SEARCH}?updatedFrom=2022-10-19T00:00:00&limit=100  "
            f"({len(register.find_a_tender)} Find a Tender releases)",
            flush=True,
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
