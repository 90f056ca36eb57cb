"""Machine-written date values of a page (JSON-LD, meta tags, ``<time datetime>``, the URL).

:func:`normalise_date` turns the forms pages put in their markup into ISO 8601,
keeping the zone the value carries and inventing none; a value that is a
placeholder (the year 1 of some CMSs) or not a date gives None.

>>> normalise_date("2019-11-18T18:54:53.000Z")
'2019-11-18T18:54:53+00:00'
>>> normalise_date("0001-01-01T00:00:00Z") is None
True
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from .datelines import MIN_YEAR, MONTHS, find_datelines
from .values import clean_text

__all__ = ["date_from_url", "normalise_date", "parse_stamp"]

_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}|UTC|GMT)?)?"
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?\s*$")
# JavaScript's Date.toString(): "Tue Nov 19 2019 03:05:46 GMT+0000 (UTC)"
_JS_DATE = re.compile(
    r"^\s*[A-Za-z]{3},?\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s*GMT([+-]\d{2}):?(\d{2})"
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$|[-_])")


def _iso(match: re.Match) -> str | None:
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day)).isoformat()
        stamp = f"{year}-{month}-{day}T{int(hour):02d}:{minute}:{second or '00'}"
        if zone:
            zone = "+00:00" if zone in ("Z", "UTC", "GMT") else zone
            if len(zone) == 3:
                zone += ":00"
            elif ":" not in zone:
                zone = f"{zone[:3]}:{zone[3:]}"
            stamp += zone
        return datetime.fromisoformat(stamp).isoformat()
    except ValueError:
        return None


def _js_date(match: re.Match) -> str | None:
    month = MONTHS.get(match[1].casefold())
    if month is None:
        return None
    try:
        zone = timezone(timedelta(hours=int(match[7]), minutes=int(match[8])))
        stamp = datetime(int(match[3]), month, int(match[2]), *map(int, match.groups()[3:6]))
    except ValueError:
        return None
    return stamp.replace(tzinfo=zone).isoformat()


def _compact(match: re.Match) -> str | None:
    year, month, day, hour, minute, second = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day)).isoformat()
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
        ).isoformat()
    except ValueError:
        return None


def _convert(text: str) -> str | None:
    match = _ISO.match(text)
    if match:
        return _iso(match)
    match = _COMPACT.match(text)
    if match:
        return _compact(match)
    match = _JS_DATE.match(text)
    if match:
        return _js_date(match)
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    written = find_datelines(text[:120])  # "November 19, 2019", "01:38:07 PM IST Nov 20, 2019"
    return written[0].iso() if written else None


def normalise_date(value: Any) -> str | None:
    """ISO 8601 string for a date value; keeps the source's zone, invents none.

    >>> normalise_date("2015-11-02"), normalise_date("2015-11-02 09:30")
    ('2015-11-02', '2015-11-02T09:30:00')
    >>> normalise_date("Mon, 18 Nov 2019 10:00:00 +0000")
    '2019-11-18T10:00:00+00:00'
    >>> normalise_date("Tue Nov 19 2019 03:05:46 GMT+0000"), normalise_date("November 19, 2019")
    ('2019-11-19T03:05:46+00:00', '2019-11-19')
    >>> normalise_date("01:38:07 PM IST Nov 20, 2019")
    '2019-11-20T13:38:07+05:30'
    """
    text = clean_text(value)
    if not text:
        return None
    iso = _convert(text)
    if iso is None or int(iso[:4]) < MIN_YEAR:
        return None
    return iso


def parse_stamp(iso: str) -> datetime | date:
    """The value of an ISO string made by :func:`normalise_date`: a datetime, or a date.

    >>> parse_stamp("2019-11-19"), parse_stamp("2019-11-19T02:24:00").hour
    (datetime.date(2019, 11, 19), 2)
    """
    if len(iso) == 10:
        return date.fromisoformat(iso)
    return datetime.fromisoformat(iso)


def date_from_url(url: str | None) -> str | None:
    """A /YYYY/MM/DD/ date in a URL path.

    >>> date_from_url("https://www.theregister.com/2023/06/09/boade/")
    '2023-06-09'
    """
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None
