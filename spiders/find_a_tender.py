"""Find a Tender's OCDS release-package API as a spider: ``scrapy crawl find-a-tender``.

``GET /api/1.0/ocdsReleasePackages?updatedFrom=&updatedTo=&limit=100`` in 6-hour windows
from 2021-01-01 (the endpoint does not return everything for longer ones), paged by
``links.next``. Its load balancer allows about 6 requests a minute: one request at a
time, 10 seconds apart; a 429 or 503 is asked again after its ``Retry-After``, or
after a backoff from 30 seconds when it gives none. Its invalid JSON (``1e9999``,
``000``) is rewritten before parsing (see :mod:`.ocds_json`).

    scrapy crawl find-a-tender -a since=2026-06-10T06:00:00 -s COUNCILWATCH_DB=data/councilwatch.db
"""

from __future__ import annotations

from .ocds_search import POLITE, OcdsSearchSpider


class FindATenderSpider(OcdsSearchSpider):
    name = "find-a-tender"
    search_path = "/api/1.0/ocdsReleasePackages"
    from_parameter = "updatedFrom"
    to_parameter = "updatedTo"
    url_setting = "COUNCILWATCH_FIND_A_TENDER_URL"
    window_setting = "COUNCILWATCH_FIND_A_TENDER_WINDOW"
    start_setting = "COUNCILWATCH_FIND_A_TENDER_START"
    delay_setting = "COUNCILWATCH_FIND_A_TENDER_DELAY"
    custom_settings = {
        **POLITE,
        "COUNCILWATCH_RETRY_BACKOFF_BASE": 30.0,
        "COUNCILWATCH_RETRY_BACKOFF_MAX": 300.0,
    }
