"""Archive scanning speed: ``councilwatch import-warc`` against FastWARC's bare iteration.

Writes a CC-NEWS-like WARC.gz (one gzip member per record, as Common Crawl publishes them):
a ``warcinfo`` record, then for each capture a ``request`` and a ``response`` record, some
captures as ``revisit`` records; responses from many news hosts, a few per cent from the
wanted one (the bundled sample site's articles), some not HTML (PDF, JPEG, JSON), some not
200; pages padded with inline script data so a record weighs what a real news page does
(~25 KB compressed). The file is kept in ``--work`` and reused for the same parameters.

Then, ``--repeats`` times, alternating, each a subprocess timed by its wall time:

- **floor**: FastWARC's bare iteration of the file (``for record in ArchiveIterator(path):
  pass``, FastWARC reading the file itself; as a user of the library writes it, HTTP
  headers parsed) and the same with ``parse_http=False``;
- **ours**: ``councilwatch import-warc FILE --domain nomatch.example`` (nothing kept: the
  whole command, start-up and database included).

Prints the medians, the ratios floor/ours (1.0: as fast as the library; the target is >= 0.7
against either floor) and what the import skipped; ``--keep`` also times an import of the
wanted domain (extraction, NLP and storage of its articles). Results go to
``bench/results/warc-scan-*.json``.

Usage (from the repo root):
    .venv/bin/python bench/warc_scan.py                      # 5,500 captures, ~120 MB
    .venv/bin/python bench/warc_scan.py --responses 200 --repeats 1 --work /tmp/w  # quick
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
WANTED = "samplepress.example"
TARGET = 0.7
#: Shares of the captures: wanted domain, revisits, not HTML, not 200 (the rest: HTML 200).
MIX = {"wanted": 0.04, "revisit": 0.03, "not_html": 0.04, "not_200": 0.02}
NON_HTML = (
    ("application/pdf", b"%PDF-1.7\n"),
    ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
    ("application/json", b'{"items": ['),
)
HOSTS = 400
DISTINCT_PAGES = 300


def warc_record(warc_type: str, url: str, date: str, block: bytes, extra: str = "") -> bytes:
    """One WARC/1.0 record, gzip-compressed on its own (a member per record)."""
    content_type = {
        "request": "application/http; msgtype=request",
        "response": "application/http; msgtype=response",
        "revisit": "application/http; msgtype=response",
        "warcinfo": "application/warc-fields",
    }[warc_type]
    head = (
        f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        + (f"WARC-Target-URI: {url}\r\n" if url else "")
        + extra
        + f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(head.encode() + block + b"\r\n\r\n") + compressor.flush()


def http_response(status: str, content_type: str, body: bytes) -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nServer: nginx\r\n\r\n"
    ).encode() + body


def _pages(seed: int) -> tuple[list[tuple[str, bytes]], list[bytes]]:
    """The wanted site's article pages (path, html) and other hosts' page templates."""
    from councilwatch.sample_site.pages import SitePages
    from councilwatch.sample_site.render import article_path
    from councilwatch.sample_site.server import site_articles

    articles = site_articles(extra_articles=DISTINCT_PAGES, seed=seed)
    site = SitePages(f"https://{WANTED}", articles)
    pages = [(article_path(a), site.get(article_path(a))[1]) for a in articles]
    templates = [html.replace(WANTED.encode(), b"HOST") for _, html in pages]
    return pages, templates


def _padded(html: bytes, rng: random.Random) -> bytes:
    """A page with an inline script of incompressible data, as trackers and bundles are."""
    blob = base64.b64encode(rng.randbytes(rng.randint(10_000, 26_000)))
    script = b'<script type="application/json" id="__state">"' + blob + b'"</script>'
    return html.replace(b"</head>", script + b"</head>", 1)


def generate(path: Path, responses: int, seed: int) -> dict:
    """Write the CC-NEWS-like WARC.gz; return what is in it (captures by kind)."""
    rng = random.Random(seed)
    pages, templates = _pages(seed)
    hosts = [f"www.news{i:03d}.example" for i in range(HOSTS)]
    start = datetime(2024, 5, 1, tzinfo=UTC)
    made: Counter = Counter()
    with path.open("wb") as out:
        info = b"software: councilwatch bench/warc_scan.py\r\nformat: WARC File Format 1.0\r\n"
        out.write(warc_record("warcinfo", "", start.strftime("%Y-%m-%dT%H:%M:%SZ"), info))
        for n in range(responses):
            date = (start + timedelta(seconds=n * 7)).strftime("%Y-%m-%dT%H:%M:%SZ")
            draw = rng.random()
            if draw < MIX["wanted"]:
                page_path, html = pages[n % len(pages)]
                url, kind = f"https://{WANTED}{page_path}", "wanted"
                block = http_response("200 OK", "text/html; charset=utf-8", _padded(html, rng))
            else:
                host = rng.choice(hosts)
                url = f"https://{host}/news/{n}/story-{rng.randrange(10**6)}/"
                html = rng.choice(templates).replace(b"HOST", host.encode())
                draw -= MIX["wanted"]
                if draw < MIX["not_html"]:
                    content_type, magic = rng.choice(NON_HTML)
                    kind = "not_html"
                    block = http_response("200 OK", content_type, magic + rng.randbytes(20_000))
                elif draw < MIX["not_html"] + MIX["not_200"]:
                    kind = "not_200"
                    block = http_response("404 Not Found", "text/html", b"<html>gone</html>")
                else:
                    kind = "html"
                    block = http_response("200 OK", "text/html; charset=utf-8", _padded(html, rng))
            request = f"GET {url.split('/', 3)[-1]} HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n\r\n"
            out.write(warc_record("request", url, date, request.encode()))
            if kind != "wanted" and rng.random() < MIX["revisit"]:
                kind = "revisit"
                head = block.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
                extra = "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
                out.write(warc_record("revisit", url, date, head, extra))
            else:
                out.write(warc_record("response", url, date, block))
            made[kind] += 1
    return {"captures": dict(made), "bytes": path.stat().st_size}


def floor(path: str, parse_http: bool) -> dict:
    """FastWARC's bare iteration (run as ``warc_scan.py floor PATH 0|1`` in a subprocess)."""
    from fastwarc.warc import ArchiveIterator

    started = time.perf_counter()
    records = sum(1 for _ in ArchiveIterator(path, parse_http=parse_http))
    return {"records": records, "loop_s": time.perf_counter() - started}


def timed(argv: list[str]) -> tuple[float, float, int, str]:
    """Run ``argv``; return its wall time, CPU time (user + system), exit code and stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        text = out.read().decode() if code == 0 else err.read().decode()[-2000:]
    return wall, usage.ru_utime + usage.ru_stime, code, text


def benchmark(responses: int, seed: int, repeats: int, work: Path, keep: bool) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"cc-news-like-{responses}-{seed}.warc.gz"
    manifest = path.with_suffix(".json")
    if not (path.exists() and manifest.exists()):
        print(f"writing {path} ...", file=sys.stderr)
        manifest.write_text(json.dumps(generate(path, responses, seed)), encoding="utf-8")
    contents = json.loads(manifest.read_text(encoding="utf-8"))
    with path.open("rb") as stream:  # into the page cache, for every side alike
        while stream.read(1 << 24):
            pass
    me = [sys.executable, str(Path(__file__).resolve())]
    cli = [sys.executable, "-m", "councilwatch", "import-warc", str(path)]
    runs: dict[str, list[float]] = {"floor_http": [], "floor_raw": [], "ours": []}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    out = ""
    for i in range(repeats):
        for name, argv in (
            ("floor_http", [*me, "floor", str(path), "1"]),
            ("floor_raw", [*me, "floor", str(path), "0"]),
            ("ours", [*cli, "--db", str(work / f"nomatch-{i}.db"), "--domain", "nomatch.example"]),
        ):
            seconds, cpu_s, code, text = timed(argv)
            if code:
                raise SystemExit(f"{name} failed ({code}): {text}")
            runs[name].append(round(seconds, 3))
            cpu[name].append(round(cpu_s, 3))
            out = text if name == "ours" else out
        for f in work.glob(f"nomatch-{i}.db*"):
            f.unlink()
    medians = {name: statistics.median(times) for name, times in runs.items()}
    cpu_medians = {name: statistics.median(times) for name, times in cpu.items()}
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": str(path),
        "file_mb": round(contents["bytes"] / 1e6, 1),
        "captures": contents["captures"],
        "repeats": repeats,
        "runs_s": runs,
        "median_s": medians,
        "cpu_s": cpu,
        "median_cpu_s": cpu_medians,
        "cpu_ratio_vs_floor_http": round(cpu_medians["floor_http"] / cpu_medians["ours"], 2),
        "ratio_vs_floor_http": round(medians["floor_http"] / medians["ours"], 2),
        "ratio_vs_floor_raw": round(medians["floor_raw"] / medians["ours"], 2),
        "import_summary": out.strip(),
        "load": os.getloadavg()[0],
    }
    if keep:
        db = work / "keep.db"
        for f in work.glob("keep.db*"):
            f.unlink()
        seconds, _, _, kept = timed([*cli, "--db", str(db), "--domain", WANTED])
        result["keep"] = {"wall_s": round(seconds, 2), "summary": kept.strip()}
    return result


def table(result: dict) -> str:
    med, cpu = result["median_s"], result["median_cpu_s"]
    lines = [
        f"warc scan: {result['file']} ({result['file_mb']} MB; captures {result['captures']}), "
        f"medians of {result['repeats']}",
        f"  FastWARC iteration (parse_http=True):  {med['floor_http']:.2f} s "
        f"(CPU {cpu['floor_http']:.2f} s)",
        f"  FastWARC iteration (parse_http=False): {med['floor_raw']:.2f} s "
        f"(CPU {cpu['floor_raw']:.2f} s)",
        f"  import-warc --domain nomatch.example:  {med['ours']:.2f} s (CPU {cpu['ours']:.2f} s)",
        f"  ratio floor/ours: {result['ratio_vs_floor_http']:.2f} (parse_http=True), "
        f"{result['ratio_vs_floor_raw']:.2f} (parse_http=False); target >= {TARGET}; "
        f"in CPU time {result['cpu_ratio_vs_floor_http']:.2f}; load {result['load']:.1f}",
        f"  import: {result['import_summary']}",
    ]
    if "keep" in result:
        lines.append(
            f"  --domain {WANTED}: {result['keep']['wall_s']} s; {result['keep']['summary']}"
        )
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["floor"]:
        print(json.dumps(floor(sys.argv[2], sys.argv[3] == "1")))
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=5500, help="captures in the file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "councilwatch-warc-bench"
    )
    parser.add_argument("--keep", action="store_true", help="also import the wanted domain")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    result = benchmark(args.responses, args.seed, args.repeats, args.work, args.keep)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = args.json or RESULTS / f"warc-scan-{args.responses}-{stamp}.json"
    target.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(table(result))
    print(f"results: {target}")


if __name__ == "__main__":
    main()
