"""Item pipeline: the article gate for items, so a refused article is recorded, not lost.

The spider already passes every page through the gate
(:func:`councilwatch.extraction.gate.judge_page`); this pipeline applies the same
gate to article items that reach the pipelines another way (another spider, items
replayed from Redis) and turns a refused one into an error item with the gate's
reason, which the store pipeline records in ``crawl_errors`` (or a Redis worker
pushes to the loader) like any other refusal.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from councilwatch.extraction.gate import STAGE, refusal
from councilwatch.spiders.news import error_item


class ValidateArticlePipeline:
    """Pass error items and articles the gate accepts; turn refused articles into errors.

    >>> from scrapy.utils.test import get_crawler
    >>> pipeline = ValidateArticlePipeline.from_crawler(get_crawler())
    >>> pipeline.process_item({"kind": "article", "url": "http://x/a", "body": "Text."})
    <error http://x/a>
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidateArticlePipeline:
        return cls(crawler)

    def process_item(self, item: dict) -> dict:
        if item.get("kind") != "article":
            return item
        refused = refusal(item)
        if refused is None:
            return item
        self.crawler.stats.inc_value(f"councilwatch/refused/{refused.code}")
        return error_item(item["url"], STAGE, refused.reason, item.get("source"))
