"""Scrapy extension: what Scrapy logs about single URLs is said in one line, at INFO.

A crawl records every failed URL in ``crawl_errors``; on stderr (a cron log) it should
say only what needs an operator. Some of Scrapy's components log per-URL events as
warnings or, for a robots.txt that cannot be fetched, as an error with a 60-line
traceback. Their records are lowered to INFO and lose their traceback, so the default
``--log-level WARNING`` hides them and ``-v`` shows each one as one line.

>>> record = logging.LogRecord("scrapy.downloadermiddlewares.robotstxt", logging.ERROR,
...     __file__, 1, "Error downloading %s", ("<GET http://x/robots.txt>",), None)
>>> PerURLRecords().filter(record), record.levelname, record.exc_info
(True, 'INFO', None)
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

#: Loggers whose records are about one URL, and what they say.
PER_URL_LOGGERS = {
    # "Error downloading <robots.txt>": the site's own URLs then fail (and are recorded)
    # or are fetched, robots.txt having nothing to forbid
    "scrapy.downloadermiddlewares.robotstxt": logging.CRITICAL,
    # pages over DOWNLOAD_WARNSIZE / DOWNLOAD_MAXSIZE (those are recorded in crawl_errors)
    "scrapy.core.downloader.handlers.http11": logging.WARNING,
    "scrapy.downloadermiddlewares.httpcompression": logging.WARNING,
}


class PerURLRecords(logging.Filter):
    """Lower a per-URL record (up to its logger's level in :data:`PER_URL_LOGGERS`) to
    INFO, without its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= PER_URL_LOGGERS.get(record.name, logging.NOTSET):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
        return True


class QuietPerURLLogs:
    """Install :class:`PerURLRecords` on the loggers of :data:`PER_URL_LOGGERS` (once)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuietPerURLLogs:
        for name in PER_URL_LOGGERS:
            logger = logging.getLogger(name)
            if not any(isinstance(f, PerURLRecords) for f in logger.filters):
                logger.addFilter(PerURLRecords())
        return cls()
