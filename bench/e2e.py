"""End to end at archive scale: crawl, extract, store and process a generated sample site.

Serves a sample site of ``--articles N`` articles on 127.0.0.1 (its own process), then runs
each stage as a subprocess, timing it and reading its peak RSS (``os.wait4``), and compares
it with a floor measured in the same run:

========== ======================================== =========================================
stage      ours                                     floor
========== ======================================== =========================================
fetch      ``councilwatch crawl -s                  bare Scrapy spider (bench/bare_spider.py)
           COUNCILWATCH_EXTRACT=False``             over the same article URLs
extract    ``extract_article`` on stored raw pages  ``trafilatura.extract`` on the same pages
store      the pipeline's store path, per article   ``executemany`` of the same rows
process    ``councilwatch process``                 spaCy's tokenizer over the same bodies
========== ======================================== =========================================

plus the full crawl (fetch + extract + store, what a user runs), the same crawl with page
extraction in ``--extract-processes`` worker processes, and the database size.
Politeness is off for the benchmark only (AutoThrottle off, no delay, 32 requests per
domain; ``CONCURRENT_ITEMS=4``); robots.txt is still obeyed. Results go to
``bench/results/e2e-N-*.json``.

Usage (from the repo root):
    .venv/bin/python bench/e2e.py --articles 1000            # quick check
    .venv/bin/python bench/e2e.py --articles 10000 --repeats 3
    .venv/bin/python bench/e2e.py --compare bench/results/e2e-10000-*.json \\
        bench/results/e2e-50000-*.json                      # linearity of two runs
    .venv/bin/python bench/e2e.py --show bench/results/e2e-10000-*.json  # table again
    .venv/bin/python bench/e2e.py --articles 50000 --overlap-only --store  # + the store pair
    .venv/bin/python bench/e2e.py --articles 50000 --overlap-only --store --store-repeats 3
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from councilwatch.sample_site.data import sample_articles

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
#: ``-s`` settings of the benchmarked crawl: politeness off, robots.txt still obeyed, and
#: Scrapy's per-response item concurrency lowered (see BENCHMARKS.md, "End to end").
FAST_CRAWL = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "ROBOTSTXT_OBEY": "True",
    "CONCURRENT_ITEMS": "4",
}
TARGETS = {"fetch": 0.7, "store": 0.7}
LINEARITY_TARGET = 5.2
E2E_TARGET = 0.6
TREE_RSS_TARGET_MB = 1024
PROCESS_RSS_TARGET_MB = 500
BATCH = 500


# -- workers: run as ``e2e.py worker KIND ...`` in their own process -----------------------


def _rows(db: Path, sample: int = 0) -> Iterator[sqlite3.Row]:
    """Articles with their raw page, in id order (every k-th one when ``sample``)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    step = 1
    if sample:
        (count,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        step = max(count // sample, 1)
    last = 0
    while True:
        rows = conn.execute(
            "SELECT a.*, r.content_type AS raw_type, r.html_gz FROM articles a "
            "LEFT JOIN raw_pages r ON r.article_id = a.id WHERE a.id > ? ORDER BY a.id LIMIT ?",
            (last, BATCH),
        ).fetchall()
        if not rows:
            break
        for row in rows:
            if row["id"] % step == 0:
                yield row
        last = rows[-1]["id"]
    conn.close()


def _pages(db: Path, sample: int) -> list[tuple[bytes, str, str | None]]:
    pages = [
        (gzip.decompress(r["html_gz"]), r["url"], r["raw_type"])
        for r in _rows(db, sample)
        if r["html_gz"]
    ]
    return pages[:sample] if sample else pages


def worker_extract(db: Path, sample: int) -> dict:
    """Our extraction (``extract_article``) over stored raw pages."""
    from councilwatch.extraction.extract import extract_article

    pages = _pages(db, sample)
    start = time.perf_counter()
    for html, url, content_type in pages:
        extract_article(html, url, content_type=content_type)
    return {"items": len(pages), "seconds": time.perf_counter() - start}


def worker_trafilatura(db: Path, sample: int) -> dict:
    """The floor: plain ``trafilatura.extract`` over the same raw pages."""
    import trafilatura

    pages = _pages(db, sample)
    start = time.perf_counter()
    for html, url, _ in pages:
        trafilatura.extract(html, url=url)
    return {"items": len(pages), "seconds": time.perf_counter() - start}


def _item(row: sqlite3.Row) -> dict:
    """The crawl item the store pipeline would have received for a stored article: with
    the body's hash, as the extraction workers send it and as the floor takes it from the
    stored row, and the page as fetched (both sides compress it)."""
    item = {k: row[k] for k in row.keys() if k not in ("id", "html_gz", "raw_type")}
    item.update(
        kind="article",
        authors=json.loads(row["authors"]),
        tags=json.loads(row["tags"]),
        raw_html=gzip.decompress(row["html_gz"]) if row["html_gz"] else None,
        content_type=row["raw_type"],
    )
    return item


def worker_store(src: Path, dst: Path, batch_size: int) -> dict:
    """Our store path: :class:`StoreArticlePipeline` fed the stored articles as items,
    ``batch_size`` articles per transaction (0: the project setting)."""
    import scrapy
    from scrapy.utils.test import get_crawler

    from councilwatch.pipeline import settings
    from councilwatch.pipeline.store_items import StoreArticlePipeline

    batch_size = batch_size or settings.COUNCILWATCH_STORE_BATCH
    crawler = get_crawler(
        settings_dict={"COUNCILWATCH_DB": str(dst), "COUNCILWATCH_STORE_BATCH": batch_size}
    )
    crawler.spider = scrapy.Spider(name="bench")
    pipeline = StoreArticlePipeline.from_crawler(crawler)
    pipeline.open_spider()
    items, seconds, batch = 0, 0.0, []
    rows = _rows(src)
    while True:
        batch = [_item(row) for _, row in zip(range(BATCH), rows, strict=False)]
        if not batch:
            break
        start = time.perf_counter()
        for item in batch:
            pipeline.process_item(item)
        seconds += time.perf_counter() - start
        items += len(batch)
    start = time.perf_counter()
    pipeline.close_spider()
    seconds += time.perf_counter() - start
    return {"items": items, "seconds": seconds}


def worker_store_floor(src: Path, dst: Path) -> dict:
    """The floor: ``executemany`` of the same article and raw-page rows, one transaction
    per batch, into a database of the same schema (indexes, full-text triggers).

    Both sides start from the fetched page, so the floor gzips it too (``gzip_s``);
    ``insert_s`` is the SQL alone."""
    from councilwatch.db.schema import connect
    from councilwatch.db.store import ARTICLE_COLUMNS, compress_page

    conn = connect(dst)
    with conn:
        conn.executemany(
            "INSERT OR IGNORE INTO sources (name) VALUES (?)",
            sqlite3.connect(src).execute("SELECT DISTINCT source FROM articles").fetchall(),
        )
    columns = ("id", *ARTICLE_COLUMNS)
    article_sql = (
        f"INSERT INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )
    raw_sql = "INSERT INTO raw_pages (article_id, content_type, html_gz) VALUES (?, ?, ?)"
    items, gzip_s, insert_s = 0, 0.0, 0.0
    rows = _rows(src)
    while True:
        batch = list(zip(range(BATCH), rows, strict=False))
        if not batch:
            break
        articles = [tuple(row[c] for c in columns) for _, row in batch]
        pages = [(row["id"], row["raw_type"], gzip.decompress(row["html_gz"])) for _, row in batch]
        start = time.perf_counter()
        raw = [(i, kind, compress_page(html)) for i, kind, html in pages]
        compressed = time.perf_counter()
        with conn:
            conn.executemany(article_sql, articles)
            conn.executemany(raw_sql, raw)
        gzip_s += compressed - start
        insert_s += time.perf_counter() - compressed
        items += len(batch)
    conn.close()
    return {"items": items, "seconds": gzip_s + insert_s, "gzip_s": gzip_s, "insert_s": insert_s}


def worker_tokenize(db: Path) -> dict:
    """The NLP floor: spaCy's tokenizer alone over every stored body (words = tokens)."""
    from councilwatch.nlp.language import build_pipeline

    tokenizer = build_pipeline().tokenizer
    conn = sqlite3.connect(db)
    bodies = (body for (body,) in conn.execute("SELECT body FROM articles ORDER BY id"))
    start = time.perf_counter()
    items = words = 0
    for doc in tokenizer.pipe(bodies, batch_size=64):
        items += 1
        words += len(doc)
    return {"items": items, "words": words, "loop_s": time.perf_counter() - start}


WORKERS = {
    "extract": worker_extract,
    "trafilatura": worker_trafilatura,
    "store": worker_store,
    "store_floor": worker_store_floor,
    "tokenize": worker_tokenize,
}


def run_worker(argv: list[str]) -> None:
    kind, *args = argv
    func = WORKERS[kind]
    values = [int(a) if a.isdigit() else Path(a) for a in args]
    print(json.dumps(func(*values)), flush=True)


# -- the driver --------------------------------------------------------------------------


def _peak_rss_kb(pid: int) -> int:
    """A process's peak resident set so far (VmHWM), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                found.extend(int(c) for c in children.read().split())
    except OSError:
        pass
    return found


TICKS = os.sysconf("SC_CLK_TCK")
#: A process's busy share of a poll interval under which it counts as idle in it.
IDLE_SHARE = 0.2


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a live process (``/proc/PID/stat``), None once gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def _role(pid: int, root: int) -> str:
    """``main`` (the stage's own process), ``worker`` (a spawned pool process) or
    ``helper`` (multiprocessing's resource tracker and the like)."""
    if pid == root:
        return "main"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            argv = cmdline.read()
    except OSError:
        return "helper"
    return "worker" if b"spawn_main" in argv else "helper"


class TreeMemory(threading.Thread):
    """Polls the peak RSS and the CPU seconds of a process and all its descendants
    (workers included) every 0.2 s. ``total_kb()`` is the sum of each process's peak (the
    stage's memory bill); ``cpu()`` each process's CPU seconds and its busy share of the
    intervals, and how often the workers sat idle while the main process was busy (and the
    reverse): load-independent figures, unlike the wall time."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peaks, self.stopped = pid, {}, threading.Event()
        self.cpu_s: dict[int, float] = {}
        self.roles: dict[int, str] = {}
        self.intervals: list[dict[int, float]] = []  # per interval: busy share per pid

    def run(self) -> None:
        last = time.perf_counter()
        while not self.stopped.wait(0.2):
            now = time.perf_counter()
            busy: dict[int, float] = {}
            pending = [self.pid]
            while pending:
                pid = pending.pop()
                self.peaks[pid] = max(self.peaks.get(pid, 0), _peak_rss_kb(pid))
                seconds = cpu_seconds(pid)
                if seconds is not None:
                    if pid not in self.roles:
                        self.roles[pid] = _role(pid, self.pid)
                    busy[pid] = (seconds - self.cpu_s.get(pid, 0.0)) / (now - last)
                    self.cpu_s[pid] = seconds
                pending.extend(_children(pid))
            self.intervals.append(busy)
            last = now

    def total_kb(self) -> int:
        self.stopped.set()
        self.join()
        return sum(self.peaks.values())

    def cpu(self) -> dict:
        """CPU seconds by role (``main``, ``workers`` summed, each worker), and the share
        of the poll intervals (``IDLE_SHARE``: under 20 % of a core is idle, over 80 % busy)
        in which every worker was idle while the main process was busy (``workers_idle``),
        the main process idle while a worker was busy (``main_idle``), all busy
        (``all_busy``)."""
        workers = sorted(p for p, role in self.roles.items() if role == "worker")
        figures: dict = {
            "main_cpu_s": round(self.cpu_s.get(self.pid, 0.0), 2),
            "workers_cpu_s": [round(self.cpu_s[p], 2) for p in workers],
        }
        spans = [b for b in self.intervals if self.pid in b and any(p in b for p in workers)]
        if spans:

            def share(test: Callable[[dict], bool]) -> float:
                return round(sum(1 for b in spans if test(b)) / len(spans), 3)

            def busy(b: dict, pid: int) -> bool:
                return b.get(pid, 0.0) >= 1 - IDLE_SHARE

            def idle(b: dict, pid: int) -> bool:
                return b.get(pid, 0.0) < IDLE_SHARE

            figures.update(
                main_busy=round(sum(b[self.pid] for b in spans) / len(spans), 3),
                workers_busy=[
                    round(sum(b.get(p, 0.0) for b in spans) / len(spans), 3) for p in workers
                ],
                workers_idle=share(
                    lambda b: busy(b, self.pid) and all(idle(b, p) for p in workers)
                ),
                main_idle=share(lambda b: idle(b, self.pid) and any(busy(b, p) for p in workers)),
                all_busy=share(lambda b: all(busy(b, p) for p in [self.pid, *workers])),
                intervals=len(spans),
            )
        return figures


def run_stage(name: str, argv: list[str], logs: Path, site_pid: int | None = None) -> dict:
    """Run one stage as a subprocess; return its wall time, peak RSS (its own, and summed
    over it and every process it started), CPU seconds per process (and the sample-site
    server's over the stage, given its ``site_pid``), exit code, output."""
    out, err = logs / f"{name}.out", logs / f"{name}.log"
    load = os.getloadavg()[0]
    site_before = cpu_seconds(site_pid) if site_pid else None
    start = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(argv, stdout=stdout, stderr=stderr)
        memory = TreeMemory(proc.pid)
        memory.start()
        _, status, usage = os.wait4(proc.pid, 0)
        memory.peaks[proc.pid] = max(memory.peaks.get(proc.pid, 0), usage.ru_maxrss)
        tree_kb = memory.total_kb()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    text = out.read_text(encoding="utf-8", errors="replace")
    result = {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: KiB
        "tree_rss_mb": round(tree_kb / 1024, 1),
        "processes": len([p for p, kb in memory.peaks.items() if kb]),
        "exit": proc.returncode,
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
        **memory.cpu(),
    }
    if site_before is not None:
        result["site_cpu_s"] = round((cpu_seconds(site_pid) or site_before) - site_before, 2)
    last = text.strip().splitlines()[-1:] if text.strip() else []
    if last and last[0].startswith("{"):
        result.update(json.loads(last[0]))
    if proc.returncode:
        print(f"  ! {name} exited {proc.returncode}; see {err}", file=sys.stderr)
    print(f"  {name}: {wall:.1f}s, peak RSS {result['peak_rss_mb']} MB", file=sys.stderr)
    return result


def start_site(articles: int, seed: int, logs: Path) -> tuple[subprocess.Popen, str]:
    """Serve the sample site (``councilwatch sample-site``) in its own process."""
    argv = [
        sys.executable, "-m", "councilwatch", "sample-site", "--host", "127.0.0.1",
        "--port", "0", "--seed", str(seed),
        "--extra-articles", str(max(articles - len(sample_articles()), 0)),
    ]  # fmt: skip
    stderr = (logs / "site.log").open("wb")
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, text=True)
    line = proc.stdout.readline()
    if "Serving the sample site at" not in line:
        proc.kill()
        raise RuntimeError(f"the sample site did not start: {line!r}")
    return proc, line.split(" at ", 1)[1].strip().rstrip("/")


def article_urls(base_url: str) -> list[str]:
    """The article URLs the crawl will find: robots.txt -> sitemap index -> sitemaps."""
    from councilwatch.spiders.discovery import sitemap_entries, sitemaps_from_robots
    from councilwatch.spiders.news import DEFAULT_ARTICLE_PATTERN

    def get(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=30) as response:  # 127.0.0.1 only
            return response.read()

    queue = sitemaps_from_robots(get(f"{base_url}/robots.txt"), f"{base_url}/robots.txt")
    urls: dict[str, None] = {}
    while queue:
        url = queue.pop(0)
        pages, nested = sitemap_entries(get(url), url)
        queue.extend(nested)
        urls.update((e.url, None) for e in pages if DEFAULT_ARTICLE_PATTERN.search(e.url))
    return list(urls)


def db_size_mb(path: Path) -> float:
    files = [path, path.with_name(path.name + "-wal")]
    return round(sum(f.stat().st_size for f in files if f.exists()) / 1e6, 1)


def crawl_argv(db: Path, base_url: str, extract: bool, extract_processes: int = 0) -> list[str]:
    settings = {**FAST_CRAWL, "COUNCILWATCH_EXTRACT": str(extract)}
    if extract_processes:
        settings["COUNCILWATCH_EXTRACT_PROCESSES"] = str(extract_processes)
    return [
        sys.executable, "-m", "councilwatch", "crawl", "--db", str(db), "--name", "bench",
        "--start-url", f"{base_url}/robots.txt",
        *[arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")],
    ]  # fmt: skip


POOL_STAT = re.compile(r"'councilwatch/page_pool/(\w+)': ([\d.]+)")


def pool_figures(log: Path) -> dict:
    """The page pool's figures (``councilwatch/page_pool/...``) from a crawl's stats dump:
    batches, pages, and the seconds its workers were starved or saturated."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return {name: float(value) for name, value in POOL_STAT.findall(text)}


def median_stage(runs: list[dict]) -> dict:
    """The run with the median wall time (all runs' times kept under ``runs_s``)."""
    ordered = sorted(runs, key=lambda r: r.get("seconds", r["wall_s"]))
    chosen = dict(ordered[len(ordered) // 2])
    chosen["runs_s"] = [round(r.get("seconds", r["wall_s"]), 2) for r in runs]
    return chosen


STORE_RUNS = {"store_floor": ["store_floor"], "store": ["store", "0"], "store1": ["store", "1"]}


def store_pairs(
    db: Path, work: Path, logs: Path, repeats: int, names: tuple[str, ...] = tuple(STORE_RUNS)
) -> dict:
    """The store stage and its floor (``names`` of :data:`STORE_RUNS`), each ``repeats``
    times, fed the articles and raw pages of the crawled database ``db``; medians."""
    me = [sys.executable, str(Path(__file__).resolve()), "worker"]
    stages = {}
    for name in names:
        argv, runs = STORE_RUNS[name], []
        for i in range(repeats):
            target = work / f"{name}{i}.db"
            args = [argv[0], str(db), str(target), *argv[1:]]
            runs.append(run_stage(f"{name}{i}", [*me, *args], logs))
            runs[-1]["db_mb"] = db_size_mb(target)
            for f in target.parent.glob(f"{target.name}*"):
                f.unlink()
        stages[name] = median_stage(runs)
    return stages


def overlap_stages(
    work: Path,
    base_url: str,
    workers: int,
    logs: Path,
    site_pid: int | None = None,
    store_repeats: int = 0,
) -> dict:
    """Crawling, extraction, NLP and storage overlapped: ``councilwatch crawl`` with page
    extraction and NLP in ``workers`` worker processes, then ``councilwatch process`` (what
    the workers left: nothing, unless the NLP stage failed on an article); with
    ``store_repeats``, also the store pair over the articles that crawl stored."""
    db = work / "workers.db"
    argv = [*crawl_argv(db, base_url, True, workers), "-s", "LOG_LEVEL=INFO"]  # stats dump
    crawl = run_stage("crawl_workers", argv, logs, site_pid=site_pid)
    crawl["pool"] = pool_figures(logs / "crawl_workers.log")
    process = [sys.executable, "-m", "councilwatch", "process", "--db", str(db)]
    after = run_stage("process_after_workers", process, logs)
    conn = sqlite3.connect(db)
    (stored,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    (facts,) = conn.execute(
        "SELECT count(*) FROM articles WHERE nlp_version IS NOT NULL"
    ).fetchone()
    (errors,) = conn.execute("SELECT count(*) FROM crawl_errors").fetchone()
    conn.close()
    crawl.update(items=stored, analysed=facts, errors=errors, db_mb=db_size_mb(db))
    after["items"] = stored
    pairs = (
        store_pairs(db, work, logs, store_repeats, ("store_floor", "store"))
        if store_repeats
        else {}
    )
    for f in work.glob("workers.db*"):
        f.unlink()
    wall = crawl["wall_s"] + after["wall_s"]
    e2e = {
        "items": stored,
        "wall_s": round(wall, 2),
        "workers": workers,
        "tree_rss_mb": max(crawl["tree_rss_mb"], after["tree_rss_mb"]),
        "peak_rss_mb": max(crawl["peak_rss_mb"], after["peak_rss_mb"]),
        "load_before": crawl["load_before"],
    }
    stages = {"crawl_workers": crawl, "process_after_workers": after, "e2e": e2e}
    return {**stages, **pairs}


def overlap_benchmark(
    articles: int, seed: int, repeats: int, workers: int, store_repeats: int = 0
) -> dict:
    """The end-to-end figures alone: the bare-Scrapy floor (``repeats`` runs) and the
    overlapped crawl + process, on the same site in the same run; with ``store_repeats``,
    also the store pair (that many runs each) over what that crawl stored."""
    work = Path(tempfile.mkdtemp(prefix=f"e2e-{articles}-"))
    logs = work / "logs"
    logs.mkdir()
    print(f"e2e (overlap) {articles} articles, work dir {work}", file=sys.stderr)
    site, base_url = start_site(articles, seed, logs)
    try:
        urls = article_urls(base_url)
        (work / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
        bare = [sys.executable, str(BENCH / "bare_spider.py"), str(work / "urls.txt")]
        floor = median_stage(
            [run_stage(f"fetch_floor{i}", bare, logs, site.pid) for i in range(repeats)]
        )
        floor["items"] = floor.get("responses", 1) - 1
        overlap = overlap_stages(
            work, base_url, workers, logs, site.pid, store_repeats=store_repeats
        )
        stages = {"fetch_floor": floor, **overlap}
    finally:
        site.terminate()
        site.wait()
    return {
        "articles": articles,
        "urls": len(urls),
        "seed": seed,
        "repeats": repeats,
        "overlap_only": True,
        "extract_processes": workers,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "work_dir": str(work),
        "stages": stages,
        "total_s": stages["e2e"]["wall_s"],
    }


def benchmark(
    articles: int, seed: int, repeats: int, sample: int, processes: int, extract_processes: int
) -> dict:
    """Run every stage once (floor pairs ``repeats`` times) and return the figures."""
    work = Path(tempfile.mkdtemp(prefix=f"e2e-{articles}-"))
    logs = work / "logs"
    logs.mkdir()
    me = [sys.executable, str(Path(__file__).resolve()), "worker"]
    db, stages = work / "e2e.db", {}
    print(f"e2e {articles} articles, work dir {work}", file=sys.stderr)
    site, base_url = start_site(articles, seed, logs)
    try:
        urls = article_urls(base_url)
        (work / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
        bare = [sys.executable, str(BENCH / "bare_spider.py"), str(work / "urls.txt")]
        floor, fetch = [], []
        for i in range(repeats):
            floor.append(run_stage(f"fetch_floor{i}", bare, logs, site.pid))
            fetch_db = work / f"fetch{i}.db"
            fetch_argv = crawl_argv(fetch_db, base_url, False)
            fetch.append(run_stage(f"fetch{i}", fetch_argv, logs, site.pid))
            fetch_db.unlink(missing_ok=True)
        stages["fetch_floor"] = median_stage(floor)
        stages["fetch_floor"]["items"] = stages["fetch_floor"].get("responses", 1) - 1
        stages["fetch"] = median_stage(fetch)
        stages["fetch"]["items"] = len(urls)
        stages["crawl"] = run_stage("crawl", crawl_argv(db, base_url, True), logs, site.pid)
        if extract_processes:
            stages.update(overlap_stages(work, base_url, extract_processes, logs, site.pid))
    finally:
        site.terminate()
        site.wait()
    conn = sqlite3.connect(db)
    (stored,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    (errors,) = conn.execute("SELECT count(*) FROM crawl_errors").fetchone()
    conn.close()
    stages["crawl"].update(items=stored, errors=errors, db_mb=db_size_mb(db))
    pairs = [("extract", [str(db), str(sample)]), ("trafilatura", [str(db), str(sample)])]
    for name, args in pairs:
        stages[name] = median_stage(
            [run_stage(f"{name}{i}", [*me, name, *args], logs) for i in range(repeats)]
        )
    stages.update(store_pairs(db, work, logs, repeats))
    process = [sys.executable, "-m", "councilwatch", "process", "--db", str(db)]
    stages["process"] = run_stage("process", [*process, "--processes", str(processes)], logs)
    stages["process"]["items"] = stored
    stages["process"]["db_mb"] = db_size_mb(db)
    stages["tokenize"] = median_stage(
        [run_stage(f"tokenize{i}", [*me, "tokenize", str(db)], logs) for i in range(repeats)]
    )
    stages["process"]["words"] = stages["tokenize"]["words"]
    result = {
        "articles": articles,
        "urls": len(urls),
        "seed": seed,
        "repeats": repeats,
        "extract_sample": sample,
        "processes": processes,
        "extract_processes": extract_processes,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "work_dir": str(work),
        "stages": stages,
    }
    result["ratios"] = ratios(stages)
    result["serial_total_s"] = round(stages["crawl"]["wall_s"] + stages["process"]["wall_s"], 1)
    result["total_s"] = stages["e2e"]["wall_s"] if "e2e" in stages else result["serial_total_s"]
    return result


def rate(stage: dict) -> float:
    """Articles per second: over the worker's own timing when it reports one (extraction
    and storage: the loop alone), else over the stage's wall time (crawls, NLP)."""
    return stage["items"] / max(stage.get("seconds", stage["wall_s"]), 1e-9)


def ratios(stages: dict) -> dict:
    overlap = {}
    if "e2e" in stages:
        overlap["e2e"] = round(rate(stages["e2e"]) / rate(stages["fetch_floor"]), 2)
    if "store" in stages:
        overlap["store"] = round(rate(stages["store"]) / rate(stages["store_floor"]), 2)
    if "tokenize" not in stages:  # --overlap-only
        return overlap
    process_wps = stages["tokenize"]["words"] / stages["process"]["wall_s"]
    tokenize_wps = stages["tokenize"]["words"] / stages["tokenize"]["wall_s"]
    return {
        **overlap,
        "fetch": round(rate(stages["fetch"]) / rate(stages["fetch_floor"]), 2),
        "extract": round(rate(stages["extract"]) / rate(stages["trafilatura"]), 2),
        "store": round(rate(stages["store"]) / rate(stages["store_floor"]), 2),
        "store_sql": round(
            rate(stages["store"]) * stages["store_floor"]["insert_s"] / stages["store"]["items"],
            2,
        ),
        "store1": round(rate(stages["store1"]) / rate(stages["store_floor"]), 2),
        "process": round(process_wps / tokenize_wps, 3),
    }


ROWS = (
    ("fetch_floor", "bare Scrapy spider, same URLs", None),
    ("fetch", "crawl, COUNCILWATCH_EXTRACT=False", "fetch"),
    ("crawl", "crawl (fetch + extract + store)", None),
    ("crawl_workers", "crawl, extraction + NLP in workers", None),
    ("process_after_workers", "councilwatch process after it", None),
    ("e2e", "overlapped crawl + process", "e2e"),
    ("trafilatura", "trafilatura.extract, stored pages", None),
    ("extract", "extract_article, stored pages", "extract"),
    ("store_floor", "executemany, same rows", None),
    ("store1", "store pipeline, 1 article/transaction", "store1"),
    ("store", "store pipeline, batched (default)", "store"),
    ("tokenize", "spaCy tokenizer, same bodies", None),
    ("process", "councilwatch process", "process"),
)


def table(result: dict) -> str:
    stages, ratio = result["stages"], result["ratios"]
    if result.get("overlap_only"):
        return _overlap_table(result)
    lines = [
        f"e2e: {result['articles']:,} articles ({result['urls']:,} URLs), "
        f"{result['cpus']} CPUs, repeats {result['repeats']}, "
        f"extraction sample {result['extract_sample'] or 'all'}, "
        f"extraction processes {result.get('extract_processes', 0)}",
        f"{'stage':<12} {'what':<36} {'items':>7} {'s':>8} {'art/s':>8} "
        f"{'RSS MB':>7} {'DB MB':>7} {'ratio':>6} {'load':>5}",
    ]
    for key, what, ratio_key in ROWS:
        if key not in stages:
            continue
        s = stages[key]
        r = f"{ratio[ratio_key]:.2f}" if ratio_key else ""
        if key == "process":
            r = f"{ratio['process']:.3f}"
        lines.append(
            f"{key:<12} {what:<36} {s['items']:>7,} {s.get('seconds', s['wall_s']):>8.1f} "
            f"{rate(s):>8.1f} {s['peak_rss_mb']:>7.0f} {s.get('db_mb', ''):>7} {r:>6} "
            f"{s['load_before']:>5.1f}"
        )
    floor = stages["store_floor"]
    lines.append(
        f"store floor: gzip {floor['gzip_s']:.1f}s + SQL {floor['insert_s']:.1f}s; ours vs the "
        f"SQL alone: {ratio['store_sql']:.2f}"
    )
    tok = stages["tokenize"]
    lines.append(
        f"words/s: tokenizer {tok['words'] / tok['wall_s']:,.0f}, process "
        f"{tok['words'] / stages['process']['wall_s']:,.0f} (wall, incl. start-up)"
    )
    lines.append(
        f"total (crawl + process): {result['total_s']:.0f}s; crawl errors "
        f"{stages['crawl']['errors']}; targets: fetch >= {TARGETS['fetch']}, store >= "
        f"{TARGETS['store']}, process RSS <= {PROCESS_RSS_TARGET_MB} MB "
        f"({stages['process']['peak_rss_mb']:.0f})"
    )
    if "e2e" in stages:
        lines.extend(_overlap_lines(result))
    return "\n".join(lines)


def _overlap_lines(result: dict) -> list[str]:
    stages, ratio = result["stages"], result["ratios"]
    e2e = stages["e2e"]
    return [
        *_cpu_lines(stages),
        f"end to end: {e2e['items']:,} articles in {e2e['wall_s']:.1f}s with "
        f"{e2e['workers']} workers = {rate(e2e):.1f} articles/s; "
        f"{ratio['e2e']:.2f}x the bare-Scrapy floor ({rate(stages['fetch_floor']):.1f} pages/s; "
        f"target >= {E2E_TARGET}); all processes' peak RSS summed {e2e['tree_rss_mb']:.0f} MB "
        f"(target <= {TREE_RSS_TARGET_MB}); articles with facts after the crawl "
        f"{stages['crawl_workers']['analysed']:,}",
    ]


def _cpu_lines(stages: dict) -> list[str]:
    """CPU milliseconds per article of each process of the crawls (load-independent), and
    how the overlapped crawl's processes waited for each other."""
    lines = []
    for key in ("fetch_floor", "fetch", "crawl", "crawl_workers"):
        s = stages.get(key)
        if not s or "main_cpu_s" not in s:
            continue
        per = 1000 / max(s["items"], 1)
        workers = s.get("workers_cpu_s", [])
        site = f", site server {s['site_cpu_s'] * per:.2f}" if "site_cpu_s" in s else ""
        shown = f", workers {' + '.join(f'{w * per:.2f}' for w in workers)}" if workers else ""
        lines.append(f"CPU ms/article, {key}: main {s['main_cpu_s'] * per:.2f}{shown}{site}")
    crawl = stages.get("crawl_workers", {})
    if "intervals" in crawl:
        lines.append(
            f"crawl_workers, share of {crawl['intervals']} 0.2 s intervals: workers all idle "
            f"while the crawl process busy {crawl['workers_idle']:.0%}, crawl process idle "
            f"while a worker busy {crawl['main_idle']:.0%}, all busy {crawl['all_busy']:.0%}; "
            f"mean busy: crawl process {crawl['main_busy']:.0%}, workers "
            + ", ".join(f"{w:.0%}" for w in crawl["workers_busy"])
        )
    pool = crawl.get("pool")
    if pool:
        lines.append(
            f"page pool: {pool['pages']:,.0f} pages in {pool['batches']:,.0f} batches (largest "
            f"{pool['largest_batch']:.0f}); no batch at a worker {pool['starved_s']:.1f}s, every "
            f"worker busy with pages waiting {pool['saturated_s']:.1f}s"
        )
    return lines


def _overlap_table(result: dict) -> str:
    stages = result["stages"]
    lines = [
        f"e2e (overlap only): {result['articles']:,} articles ({result['urls']:,} URLs), "
        f"{result['cpus']} CPUs, floor repeats {result['repeats']}",
        f"{'stage':<22} {'items':>7} {'s':>8} {'art/s':>8} {'RSS MB':>7} {'sum RSS':>8} {'load':>5}",
    ]
    for key in ("fetch_floor", "crawl_workers", "process_after_workers", "e2e"):
        s = stages[key]
        lines.append(
            f"{key:<22} {s['items']:>7,} {s['wall_s']:>8.1f} {rate(s):>8.1f} "
            f"{s['peak_rss_mb']:>7.0f} {s['tree_rss_mb']:>8.0f} {s['load_before']:>5.1f}"
        )
    if "store" in stages:
        floor, ours = stages["store_floor"], stages["store"]
        lines.append(
            f"store: the store pipeline {rate(ours):,.0f} articles/s, executemany "
            f"{rate(floor):,.0f}, ratio {result['ratios']['store']:.2f} (medians of "
            f"{len(ours['runs_s'])}, over the {ours['items']:,} articles the crawl stored; "
            f"target >= {TARGETS['store']})"
        )
    return "\n".join(lines + _overlap_lines(result))


def compare(paths: list[Path]) -> str:
    """Linearity of the total time; of several runs of one size the latest counts."""
    latest: dict[int, dict] = {}
    for run in sorted((json.loads(p.read_text()) for p in paths), key=lambda r: r["when"]):
        latest[run["articles"]] = run
    runs = [latest[n] for n in sorted(latest)]
    small = runs[0]
    lines = []
    for run in runs[1:]:
        scale = run["articles"] / small["articles"]
        ratio = run["total_s"] / small["total_s"]
        lines.append(
            f"linearity {run['articles']:,}/{small['articles']:,} articles (x{scale:.1f}): "
            f"total time {small['total_s']:.1f}s -> {run['total_s']:.1f}s, x{ratio:.2f} "
            f"(target <= {LINEARITY_TARGET * scale / 5:.1f})"
        )
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["worker"]:
        run_worker(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000, help="articles on the site")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=1, help="runs of each floor pair")
    parser.add_argument(
        "--extract-sample", type=int, default=2000, help="pages for the extraction pair (0: all)"
    )
    parser.add_argument("--processes", type=int, default=1, help="for councilwatch process")
    parser.add_argument(
        "--extract-processes",
        type=int,
        default=2,
        help="also crawl overlapped: extraction and NLP in N worker processes, then process "
        "(0: skip that stage)",
    )
    parser.add_argument(
        "--overlap-only",
        action="store_true",
        help="only the bare-Scrapy floor and the overlapped crawl + process",
    )
    parser.add_argument(
        "--store",
        action="store_true",
        help="with --overlap-only: also the store pair over the articles that crawl stored",
    )
    parser.add_argument(
        "--store-repeats",
        type=int,
        help="runs of that store pair (default: --repeats); the floor's runs stay --repeats",
    )
    parser.add_argument("--compare", nargs="+", type=Path, help="result files: linearity")
    parser.add_argument("--show", type=Path, help="print the table of a result file")
    args = parser.parse_args()
    if args.compare:
        print(compare(args.compare))
        return
    if args.show:
        result = json.loads(args.show.read_text(encoding="utf-8"))
        result["ratios"] = ratios(result["stages"])
        print(table(result))
        return
    if args.overlap_only:
        result = overlap_benchmark(
            args.articles,
            args.seed,
            args.repeats,
            args.extract_processes or 2,
            (args.store_repeats or args.repeats) if args.store else 0,
        )
        result["ratios"] = ratios(result["stages"])
    else:
        result = benchmark(
            args.articles,
            args.seed,
            args.repeats,
            args.extract_sample,
            args.processes,
            args.extract_processes,
        )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = RESULTS / f"e2e-{args.articles}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(table(result))
    print(f"results: {path}")


if __name__ == "__main__":
    main()
