"""Distributed crawling: two `crawl --redis` workers share a real Redis; `load` writes SQLite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from councilwatch.pipeline.redis_addon import RedisAddon
from councilwatch.pipeline.redis_idle import CloseWhenFrontierIdle
from councilwatch.pipeline.redis_keys import RedisKeys
from councilwatch.pipeline.redis_scheduler import RedisScheduler
from councilwatch.pipeline.redis_serialization import (
    JsonRequestSerializer,
    decode_item,
    encode_item,
)
from councilwatch.sample_site.data import sample_articles
from councilwatch.sample_site.server import running_sample_site
from councilwatch.serve import free_port
from councilwatch.spiders.news import error_item

from ..conftest import FAST_CRAWL, REPO, query, run_cli

redis = pytest.importorskip("redis")

KEYS = RedisKeys.for_spider("news")


#: The sample site's articles with 500 and with 20 generated ones.
ARTICLES = 500 + len(sample_articles())
FEW = 20 + len(sample_articles())
#: Each worker fetches at most ~20 pages/s, so the crawl lasts long enough (~15 s for
#: 520 pages) for both workers to be up and sharing it, however slowly one starts.
PACED = ("-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")


def worker(redis_url: str, start_url: str, *extra: str) -> subprocess.Popen:
    args = ["crawl", "--redis", redis_url, "--start-url", start_url, "--idle-timeout", "5", *extra]
    return subprocess.Popen(
        [sys.executable, "-m", "councilwatch", *args, *FAST_CRAWL, *PACED],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        # a worker needs no database: make sure it does not touch one
        env={**os.environ, "COUNCILWATCH_DB": "/nonexistent/councilwatch.db"},
    )


@pytest.mark.timeout(120)
def test_two_workers_share_the_frontier_and_one_loader_stores_each_article_once(redis_url, db_path):
    with running_sample_site(extra_articles=500) as base:
        workers = [worker(redis_url, f"{base}/robots.txt") for _ in range(2)]
        outputs = [w.communicate(timeout=100) for w in workers]
    for process, (out, err) in zip(workers, outputs, strict=True):
        assert process.returncode == 0, err[-3000:]
        assert "DeprecationWarning" not in err and "Traceback" not in err, err[-3000:]
        assert out.startswith("Worker finished: "), out
    client = redis.Redis.from_url(redis_url)
    assert client.llen(KEYS.items) == ARTICLES
    workers_pages = {k.decode(): int(v) for k, v in client.hgetall(KEYS.workers).items()}
    assert len(workers_pages) == 2 and all(pages > 0 for pages in workers_pages.values())
    # the last worker out cleared the shared state for the next crawl
    assert not client.exists(KEYS.dupefilter, KEYS.requests, KEYS.live)

    loaded = run_cli("load", "--redis", redis_url, "--db", str(db_path))
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert f"Loaded {ARTICLES} items (run 1): {ARTICLES} new articles" in loaded.stdout
    assert "0 errors recorded" in loaded.stdout
    assert client.llen(KEYS.items) == 0
    assert query(db_path, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [
        (ARTICLES, ARTICLES)
    ]
    assert query(db_path, "SELECT count(*) FROM raw_pages") == [(ARTICLES,)]
    assert query(db_path, "SELECT count(*) FROM crawl_errors") == [(0,)]
    runs = query(db_path, "SELECT command, status, articles_new, pages_fetched FROM crawl_runs")
    (source_pages,) = query(db_path, "SELECT sum(pages_fetched) FROM crawl_run_sources")[0]
    assert runs == [("councilwatch load", "finished", ARTICLES, source_pages)]
    # every page fetched for the source, plus each worker's own robots.txt check
    assert ARTICLES < source_pages <= sum(workers_pages.values())


def scrapy_command() -> list[str]:
    """Scrapy's own command, as run from the repository root."""
    scrapy = Path(sys.executable).with_name("scrapy")
    return [str(scrapy)] if scrapy.exists() else [sys.executable, "-m", "scrapy"]


@pytest.mark.timeout(120)
def test_scrapy_crawl_with_redis_url_starts_a_worker_and_the_loader_stores_its_items(
    redis_url, db_path
):
    """`scrapy crawl news -s REDIS_URL=...` from the repo root: the Redis add-on in the
    project settings makes it a worker (no database touched), and `load` stores its items."""
    client = redis.Redis.from_url(redis_url)
    with running_sample_site() as base:
        result = subprocess.run(
            [*scrapy_command(), "crawl", "news", "-a", f"start_urls={base}/robots.txt",
             "-s", f"REDIS_URL={redis_url}", "-s", "COUNCILWATCH_IDLE_TIMEOUT=1",
             "-s", "COUNCILWATCH_DB=/nonexistent/councilwatch.db", *FAST_CRAWL],
            capture_output=True, text=True, cwd=REPO, timeout=100,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "Deprecation" not in result.stderr
    count = len(sample_articles())
    assert client.llen(KEYS.items) == count
    assert not client.exists(KEYS.dupefilter, KEYS.requests, KEYS.live)  # last worker out
    loaded = run_cli("load", "--redis", redis_url, "--db", str(db_path))
    assert f"Loaded {count} items (run 1): {count} new articles" in loaded.stdout, loaded.stderr[
        -2000:
    ]
    assert query(db_path, "SELECT count(*) FROM articles") == [(count,)]
    assert client.llen(KEYS.items) == 0


def project_components(**extra: str) -> dict:
    """The project's add-ons and components, as a crawler of ``scrapy crawl`` gets them."""
    from councilwatch.pipeline import settings as project

    names = ("ADDONS", "DOWNLOADER_MIDDLEWARES", "ITEM_PIPELINES")
    return {**{name: getattr(project, name) for name in names}, **extra}


def test_without_redis_url_the_add_on_stays_off_and_the_crawl_writes_sqlite():
    crawler = get_crawler(Spider, project_components())
    pipelines = crawler.settings.getdict("ITEM_PIPELINES")
    assert "councilwatch.pipeline.store_items.StoreArticlePipeline" in pipelines
    assert crawler.settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert not any(isinstance(addon, RedisAddon) for addon in crawler.addons.addons)


def test_with_redis_url_the_add_on_swaps_the_sqlite_components_for_redis_ones():
    crawler = get_crawler(Spider, project_components(REDIS_URL="redis://127.0.0.1:1/0"))
    enabled = {
        key: {
            load_name(c) for c, order in crawler.settings.getdict(key).items() if order is not None
        }
        for key in ("DOWNLOADER_MIDDLEWARES", "ITEM_PIPELINES", "EXTENSIONS")
    }
    assert "SkipStoredInRedisMiddleware" in enabled["DOWNLOADER_MIDDLEWARES"]
    assert (
        not {"SkipStoredArticlesMiddleware", "ConditionalGetMiddleware"}
        & enabled["DOWNLOADER_MIDDLEWARES"]
    )
    assert enabled["ITEM_PIPELINES"] == {"ValidateArticlePipeline", "PushToRedisPipeline"}
    assert "CloseWhenFrontierIdle" in enabled["EXTENSIONS"]
    assert crawler.settings["SCHEDULER"] is RedisScheduler


def load_name(component: str | type) -> str:
    return component.rsplit(".", 1)[-1] if isinstance(component, str) else component.__name__


def finished_worker(redis_url: str, start_url: str, *args: str) -> str:
    process = worker(redis_url, start_url, *args)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-3000:]
    return out


@pytest.mark.timeout(150)
def test_workers_do_not_refetch_the_articles_the_loader_has_stored(redis_url, db_path):
    client = redis.Redis.from_url(redis_url)
    stale = "http://127.0.0.1:1/news/from-another-database"
    client.sadd(KEYS.stored, stale)
    with running_sample_site(extra_articles=20) as base:
        start = f"{base}/robots.txt"
        assert f"{FEW} items" in finished_worker(redis_url, start)
        loaded = run_cli("load", "--redis", redis_url, "--db", str(db_path))
        assert f"Loaded {FEW} items (run 1): {FEW} new articles" in loaded.stdout, loaded.stderr[
            -2000:
        ]
        # the loader replaced the set with its database's articles, and added what it stored
        assert not client.sismember(KEYS.stored, stale)
        stored = {url.decode() for url in client.smembers(KEYS.stored)}
        assert {url for (url,) in query(db_path, "SELECT canonical_url FROM articles")} <= stored

        again = finished_worker(redis_url, start)
        assert ", 0 items" in again, again  # feeds and sections fetched, no article
        assert (
            "Loaded 0 items" in run_cli("load", "--redis", redis_url, "--db", str(db_path)).stdout
        )

        refreshed = finished_worker(redis_url, start, "--refresh")
        assert f"{FEW} items" in refreshed, refreshed
    reloaded = run_cli("load", "--redis", redis_url, "--db", str(db_path))
    assert f"{FEW} unchanged" in reloaded.stdout, reloaded.stdout
    assert query(db_path, "SELECT count(*) FROM articles") == [(FEW,)]


def test_load_follow_drains_until_sigterm_and_records_errors(redis_url, db_path):
    client = redis.Redis.from_url(redis_url)
    article = {
        "kind": "article",
        "url": "http://127.0.0.1:1/news/a",
        "title": "Camden shares IT",
        "body": "Camden Council saves £1m.",
        "source": "sample",
        "raw_html": b"<html>\xc2\xa3</html>",
    }
    client.rpush(KEYS.items, encode_item(article))
    loader = subprocess.Popen(
        [sys.executable, "-m", "councilwatch", "load", "--redis", redis_url]
        + ["--db", str(db_path), "--follow"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 30
        while client.llen(KEYS.items) and time.monotonic() < deadline:
            time.sleep(0.1)
        error = error_item("http://127.0.0.1:1/news/b", "fetch", "HTTP 500", "sample", 500)
        client.rpush(KEYS.items, encode_item(error))
        while client.llen(KEYS.items) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
    finally:
        loader.send_signal(signal.SIGTERM)
        out, err = loader.communicate(timeout=30)
    assert loader.returncode == 0, err
    assert "Loaded 2 items" in out and "1 errors recorded" in out
    assert query(db_path, "SELECT url, stage, reason FROM crawl_errors") == [
        ("http://127.0.0.1:1/news/b", "fetch", "HTTP 500")
    ]
    assert query(db_path, "SELECT status, articles_new, errors FROM crawl_runs") == [
        ("finished", 1, 1)
    ]


def test_load_says_how_to_reach_redis_when_it_cannot(db_path):
    result = run_cli("load", "--redis", f"redis://127.0.0.1:{free_port()}/0", "--db", str(db_path))
    assert result.returncode == 1
    assert "Error: cannot read from Redis at redis://127.0.0.1:" in result.stderr


def test_a_worker_refuses_jobdir_whose_frontier_would_not_be_used(db_path, tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = run_cli(
        "crawl", "--redis", url, "--jobdir", str(tmp_path / "job"), "--db", str(db_path)
    )
    assert result.returncode == 2
    assert "with --redis the frontier is shared in Redis" in result.stderr
    assert not (tmp_path / "job").exists()


def test_items_and_requests_travel_as_json():
    item = error_item("http://x/a", "fetch", "HTTP 404", status=404)
    assert decode_item(encode_item(item)) == item
    page = {"kind": "article", "raw_html": b"\x00\xff<p>", "authors": ["A"]}
    assert decode_item(encode_item(page)) == page

    class News(Spider):
        name = "news"

        def parse_article(self, response):  # pragma: no cover - only named
            pass

    spider = News()
    request = Request(
        "http://x/news/a",
        callback=spider.parse_article,
        headers={"If-None-Match": "abc"},
        meta={"source": "x", "redirect_reasons": [301]},
        priority=10,
    )
    data = JsonRequestSerializer.dumps(request.to_dict(spider=spider))
    assert data.startswith(b"{")  # JSON, not pickle
    again = request_from_dict(JsonRequestSerializer.loads(data), spider=spider)
    assert again.url == request.url and again.priority == 10
    assert again.callback == spider.parse_article
    assert again.headers.get("If-None-Match") == b"abc"
    assert again.meta == request.meta


def test_an_idle_worker_waits_for_the_shared_frontier(redis_url):
    now = [100.0]
    client = redis.Redis.from_url(redis_url)
    extension = CloseWhenFrontierIdle(
        None, client, idle_timeout=5, worker="w1", clock=lambda: now[0]
    )
    spider = Spider(name="news")
    with pytest.raises(DontCloseSpider):
        extension.spider_idle(spider)  # idle from now on
    now[0] += 4
    with pytest.raises(DontCloseSpider):
        extension.spider_idle(spider)
    client.zadd(KEYS.requests, {b"request": 0})  # another worker queued work
    now[0] += 4
    with pytest.raises(DontCloseSpider):
        extension.spider_idle(spider)
    client.delete(KEYS.requests)
    with pytest.raises(DontCloseSpider):
        extension.spider_idle(spider)  # the idle time starts again
    now[0] += 5
    extension.spider_idle(spider)  # empty for 5 s: may close


def test_the_first_worker_of_a_crawl_clears_a_stale_duplicate_filter(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.sadd(KEYS.dupefilter, "fingerprint of a crawl whose workers died")
    client.zadd(KEYS.live, {"dead:1": time.time() - 3600})

    def open_worker(name: str) -> RedisScheduler:
        settings = {"ADDONS": {RedisAddon: 0}, "REDIS_URL": redis_url, "COUNCILWATCH_WORKER": name}
        crawler = get_crawler(Spider, settings)
        spider = Spider.from_crawler(crawler, name="news")
        scheduler = RedisScheduler.from_crawler(crawler)
        scheduler.open(spider)
        return scheduler

    first = open_worker("host-a:1")
    assert not client.exists(KEYS.dupefilter)
    assert first.enqueue_request(Request("http://127.0.0.1:1/news/a"))
    second = open_worker("host-b:2")  # joins: the filter is shared, not cleared
    assert not second.enqueue_request(Request("http://127.0.0.1:1/news/a"))
    assert {m.decode() for m in client.zrange(KEYS.live, 0, -1)} == {"host-a:1", "host-b:2"}
    assert second.next_request().url == "http://127.0.0.1:1/news/a"
