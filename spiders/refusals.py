"""When a site refuses the crawler: the statuses that say so, and how many make it blocked.

A light module (no Scrapy), so the command line can show the default without
loading the spider.
"""

from __future__ import annotations

#: Statuses with which a site refuses a crawler.
REFUSAL_STATUSES = (401, 403, 429)
#: Refusals after which a source is recorded as blocked for the run
#: (the default of ``COUNCILWATCH_BLOCK_AFTER`` and of ``councilwatch load --block-after``).
DEFAULT_BLOCK_AFTER = 3
