"""Item pipeline: drop article items that cannot be stored."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class EmptyArticle(DropItem):
    """An article item without a title or body."""


class ValidateArticlePipeline:
    """Drop article items that cannot be stored; let error items through."""

    def process_item(self, item: dict) -> dict:
        if item.get("kind") != "article":
            return item
        if not (item.get("body") or "").strip():
            raise EmptyArticle(f"no body text: {item.get('url')}")
        if not (item.get("title") or "").strip():
            raise EmptyArticle(f"no title: {item.get('url')}")
        return item
