"""Scrapy settings for councilwatch. Project settings are prefixed ``COUNCILWATCH_``
and can be overridden with ``-s NAME=VALUE`` like any Scrapy setting."""

from councilwatch import __version__
from councilwatch.spiders.bounds import (
    DEFAULT_MAX_ARTICLE_URLS,
    DEFAULT_MAX_DISCOVERY_URLS,
    DEFAULT_MAX_SITEMAP_DEPTH,
)

BOT_NAME = "councilwatch"
SPIDER_MODULES = [
    "councilwatch.spiders.news",
    "councilwatch.spiders.contracts_finder",
    "councilwatch.spiders.find_a_tender",
]
NEWSPIDER_MODULE = "councilwatch.spiders"

# Who we are: an honest User-Agent naming councilwatch and a contact URL, never a
# browser disguise. USER_AGENT is built from COUNCILWATCH_CONTACT_URL unless set.
COUNCILWATCH_CONTACT_URL = "https://github.com/councilwatch/councilwatch"
USER_AGENT = f"councilwatch/{__version__} (+{COUNCILWATCH_CONTACT_URL})"

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Backoff between retries: base * 2 ** attempt seconds, unless the server sends
# Retry-After (honoured up to COUNCILWATCH_RETRY_AFTER_MAX seconds).
COUNCILWATCH_RETRY_BACKOFF_BASE = 1.0
COUNCILWATCH_RETRY_BACKOFF_MAX = 60.0
COUNCILWATCH_RETRY_AFTER_MAX = 120.0
# A source that refuses us (403, or 429 after retries) this many times is
# recorded as blocked for the run and not asked again until the next run.
COUNCILWATCH_BLOCK_AFTER = 3  # spiders/refusals.py: DEFAULT_BLOCK_AFTER
# Per-URL failures are recorded in crawl_errors; the log keeps to what needs an operator.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
# Redirect hops and address checks apply to http(s) only: no other scheme is fetched.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}
# Private, loopback and link-local addresses are refused unless they are a start URL's
# own host or mapped by COUNCILWATCH_HOST_MAP; True allows them all (an intranet crawl).
COUNCILWATCH_ALLOW_PRIVATE_ADDRESSES = False
# Bounds on what one crawl asks of one source (spiders/bounds.py); each one hit is
# recorded in crawl_errors. Sitemap indexes followed below a start URL or robots.txt:
COUNCILWATCH_MAX_SITEMAP_DEPTH = DEFAULT_MAX_SITEMAP_DEPTH
# Feeds, sitemaps and index pages fetched per source, and article pages requested:
COUNCILWATCH_MAX_DISCOVERY_URLS = DEFAULT_MAX_DISCOVERY_URLS
COUNCILWATCH_MAX_ARTICLE_URLS = DEFAULT_MAX_ARTICLE_URLS
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
COOKIES_ENABLED = False
# Items of one response processed concurrently. Scrapy starts this many tasks for every
# callback's output; a page gives one item, so the default 100 only costs time
# (15% of a crawl's CPU, BENCHMARKS.md "End to end").
CONCURRENT_ITEMS = 4
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # Where a request may go (redirect hops and robots.txt included): never to a private,
    # loopback or link-local address but a start URL's own host (or with
    # COUNCILWATCH_ALLOW_PRIVATE_ADDRESSES), and only to its source's domains; every
    # refusal is recorded in crawl_errors. See pipeline/addresses.py and offsite.py.
    "councilwatch.pipeline.addresses.PrivateAddressMiddleware": 45,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "councilwatch.pipeline.offsite.SourceOffsiteMiddleware": 50,
    "councilwatch.pipeline.skip_stored.SkipStoredArticlesMiddleware": 51,
    "councilwatch.pipeline.blocked_sources.SkipBlockedSourcesMiddleware": 55,
    "councilwatch.pipeline.conditional_get.ConditionalGetMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "councilwatch.pipeline.redirects.RedirectLoopAwareMiddleware": 600,
    "councilwatch.pipeline.retry.BackoffRetryMiddleware": 550,
    # Content-Encoding decoded strictly; a body that does not decode is retried.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "councilwatch.pipeline.decompression.StrictDecompressionMiddleware": 590,
    "councilwatch.pipeline.hostmap.HostMapMiddleware": 990,  # off unless COUNCILWATCH_HOST_MAP
}
# Redis mode: with REDIS_URL set (``-s REDIS_URL=redis://...``, a Scrapyd setting, or
# ``councilwatch crawl --redis URL``) this add-on makes the crawl one worker of a shared
# Redis crawl; without it the add-on stays off. See pipeline/redis_addon.py.
ADDONS = {"councilwatch.pipeline.redis_addon.RedisAddon": 0}
# A Redis worker stops once the shared frontier has stayed empty this many seconds.
COUNCILWATCH_IDLE_TIMEOUT = 30.0

# Scrapy's per-URL warnings and robots.txt tracebacks said in one line at INFO (the
# failures themselves are in crawl_errors): a cron log keeps to what needs an operator.
EXTENSIONS = {"councilwatch.pipeline.quiet_logs.QuietPerURLLogs": 0}

ITEM_PIPELINES = {
    "councilwatch.pipeline.validate_items.ValidateArticlePipeline": 100,
    "councilwatch.pipeline.store_items.StoreArticlePipeline": 300,
}

# Where articles go; the CLI sets it from --db / COUNCILWATCH_DB.
COUNCILWATCH_DB = "data/councilwatch.db"
# Fetch articles again even when already stored.
COUNCILWATCH_REFRESH = False
# Articles written per transaction, and the longest an article waits for its batch
# (seconds). 1 writes each article in its own transaction. Each commit flushes the
# full-text index's pending terms into a new segment, so fewer, larger transactions do
# less index work (BENCHMARKS.md, "Fewer commits").
COUNCILWATCH_STORE_BATCH = 500
COUNCILWATCH_STORE_INTERVAL = 1.0
# Run page extraction on fetched articles (False: fetch only, for benchmarks).
COUNCILWATCH_EXTRACT = True
# Extract pages in this many worker processes instead of the crawl's own (0: in-process).
# Worth it when extraction, not politeness, limits the crawl (archive-scale runs):
# see BENCHMARKS.md, "End to end".
COUNCILWATCH_EXTRACT_PROCESSES = 0
# What the extraction worker processes are: councilwatch's page workers extract a batch of
# pages at a time and also run the NLP stage on the articles (COUNCILWATCH_CRAWL_NLP), so the
# store pipeline writes articles with their facts; COUNCILWATCH_PAGE_BATCH pages at most per
# batch. Empty: a plain process pool, extraction only, one page at a time.
COUNCILWATCH_PAGE_POOL = "councilwatch.page_pool.PagePool"
COUNCILWATCH_PAGE_BATCH = 16
COUNCILWATCH_CRAWL_NLP = True
# The crawl_runs row this crawl reports into (0: the store pipeline starts one).
COUNCILWATCH_RUN_ID = 0

# The public register (spiders contracts-finder and find-a-tender; the rest of their
# politeness is in their custom_settings). Where each API is, its window length, its
# first day and the seconds between two requests (one request at a time).
COUNCILWATCH_CONTRACTS_FINDER_URL = "https://www.contractsfinder.service.gov.uk"
COUNCILWATCH_CONTRACTS_FINDER_WINDOW = "15d"
COUNCILWATCH_CONTRACTS_FINDER_START = "2014-01-01"
COUNCILWATCH_CONTRACTS_FINDER_DELAY = 1.0
COUNCILWATCH_FIND_A_TENDER_URL = "https://www.find-tender.service.gov.uk"
COUNCILWATCH_FIND_A_TENDER_WINDOW = "6h"
COUNCILWATCH_FIND_A_TENDER_START = "2021-01-01"
COUNCILWATCH_FIND_A_TENDER_DELAY = 10.0
# Releases per page (the APIs' limit, 1-100) and the stages asked for (empty: all).
COUNCILWATCH_REGISTER_PAGE_SIZE = 100
COUNCILWATCH_REGISTER_STAGES = ""
# The charset of register bytes that are not UTF-8.
COUNCILWATCH_REGISTER_ENCODING = "iso-8859-1"
# A full page without links.next is asked again this many times.
COUNCILWATCH_REGISTER_NEXT_RETRIES = 1
# After a 403 (Contracts Finder's rate limit) wait this many seconds, this many times.
COUNCILWATCH_REGISTER_FORBIDDEN_WAIT = 300.0
COUNCILWATCH_REGISTER_FORBIDDEN_RETRIES = 3

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
