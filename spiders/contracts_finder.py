"""Contracts Finder's OCDS search API as a spider: ``scrapy crawl contracts-finder``.

``GET /Published/Notices/OCDS/Search?publishedFrom=&publishedTo=&limit=100`` in 15-day
windows from 2014-01-01 (as Kingfisher Collect asks), paged by ``links.next``. The API
refuses a client that asks too fast with a 403 page and wants nothing more for five
minutes: one request at a time, a second apart, and after a 403 a wait of
``COUNCILWATCH_REGISTER_FORBIDDEN_WAIT`` seconds (300) before asking again. Its bytes
may be ISO-8859-1 (see :mod:`.ocds_json`).

    scrapy crawl contracts-finder -a since=2022-10-01 -s COUNCILWATCH_DB=data/councilwatch.db
"""

from __future__ import annotations

from .ocds_search import POLITE, OcdsSearchSpider


class ContractsFinderSpider(OcdsSearchSpider):
    name = "contracts-finder"
    search_path = "/Published/Notices/OCDS/Search"
    from_parameter = "publishedFrom"
    to_parameter = "publishedTo"
    url_setting = "COUNCILWATCH_CONTRACTS_FINDER_URL"
    window_setting = "COUNCILWATCH_CONTRACTS_FINDER_WINDOW"
    start_setting = "COUNCILWATCH_CONTRACTS_FINDER_START"
    delay_setting = "COUNCILWATCH_CONTRACTS_FINDER_DELAY"
    custom_settings = {
        **POLITE,
        "COUNCILWATCH_RETRY_BACKOFF_BASE": 5.0,
    }
