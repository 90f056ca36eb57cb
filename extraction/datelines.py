"""Dates as pages write them for readers: "Nov. 19, 2019 8:03 am ET", "19.11.2019, 08:57".

:func:`find_datelines` reads the date expressions of a short text (a byline, the
text of a ``<time>`` element) with the time of day and time zone written beside
them, and whether the text labels the date as an update. Month names and zone
labels come from ``data/datewords.json``.

>>> [d.iso() for d in find_datelines("By Jane Doe | Nov 19, 2019, 10:31 pm CST")]
['2019-11-19T22:31:00-06:00']
>>> line = find_datelines("Updated 12:24 am EST, Wednesday, November 20, 2019")[0]
>>> line.iso(), line.updated
('2019-11-20T00:24:00-05:00', True)
>>> find_datelines("publiziert am 25. September 2018")[0].iso()
'2018-09-25'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Dateline", "find_datelines", "zone_named"]

#: Read through importlib.resources so it is found inside a zipped egg (Scrapyd) too.
_WORDS = json.loads(files(__package__).joinpath("data", "datewords.json").read_text("utf-8"))
MONTHS: dict[str, int] = _WORDS["months"]
ZONES: dict[str, str] = _WORDS["zones"]
MIN_YEAR = 1990  # no web page was published before; earlier "dates" are placeholders

# Any word: whether it names a month is looked up in MONTHS (a pattern of the 142
# month words made the search three times slower).
_MONTH = r"[^\W\d_]{3,10}"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:19|20)\d\d"
# The forms of a written date, each a named alternative; a month word ends at a
# non-letter, a number at a non-digit. A match whose word is not a month is dropped
# and the search goes on from the next character.
_DATE = re.compile(
    rf"""(?<![^\W_])(?:
      (?P<d1>{_DAY})(?:st|nd|rd|th)?\.?\s*(?:de\s+)?(?P<m1>{_MONTH})\.?(?![^\W\d_]),?\s*(?:de\s+)?(?P<y1>{_YEAR})
    | (?P<m2>{_MONTH})\.?(?![^\W\d_])\s*(?P<d2>{_DAY})(?:st|nd|rd|th)?,?\s+(?P<y2>{_YEAR})
    | (?P<y3>{_YEAR})(?P<s3>[-./])(?P<m3>1[0-2]|0?[1-9])(?P=s3)(?P<d3>{_DAY})(?![\d])
    | (?P<y4>{_YEAR})\s*年\s*(?P<m4>1[0-2]|0?[1-9])\s*月\s*(?P<d4>{_DAY})\s*日
    | (?P<a5>\d{{1,2}})(?P<s5>[-./])(?P<b5>\d{{1,2}})(?P=s5)(?P<y5>{_YEAR}|\d\d)(?![\d.])
    | (?P<m6>{_MONTH})\.?(?![^\W\d_])\s*(?P<d6>{_DAY})(?:st|nd|rd|th)?(?![\d:])
    )""",
    re.I | re.X,
)
_TIME = re.compile(
    r"(?<![\d:.])(?P<h>[01]?\d|2[0-3])[:.h](?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\d.])"
    r"\s*(?P<ampm>[aApP]\.?\s?[mM]\b\.?)?"
)
_HHMM_ZONE = re.compile(r"(?<!\d)(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s*(?=GMT|UTC)")
_ZONE = re.compile(
    r"\(?\s*(?P<zone>"
    + "|".join(sorted((re.escape(z) for z in ZONES if len(z) > 1), key=len, reverse=True))
    + r")\b(?:\s*(?P<sign>[+-])\s*(?P<zh>\d{1,2})(?::?(?P<zm>\d\d))?)?"
    r"|(?P<osign>[+-])(?P<oh>\d\d):?(?P<om>\d\d)\b|(?P<zulu>Z)\b"
)
_UPDATED = re.compile(
    r"(?:"
    + "|".join(re.escape(w) for w in _WORDS["updated"])
    + r")\W{0,3}(?:on|at|am|em|le|el)?\W*$",
    re.I,
)
_DATE_TIME_GAP = re.compile(
    r"^T$|^[\s,|/•·@–—-]*(?:at|um|à|às|a las|alle|om|в)?[\s,|/•·@–—-]*$", re.I
)
_TIME_DATE_GAP = re.compile(r"^[\s,|/•·–—-]*(?:[A-Z]{2,5}\b[\s,|/•·–—-]*)?(?:\(?\w+\)?,?\s*)?$")


@dataclass(frozen=True)
class Dateline:
    """One written date: the day, the time of day and zone when written beside it.

    ``ambiguous`` marks a numeric day and month that could be swapped
    ("05/10/2018"); ``year_given`` is False for "Nov 19, 6:51 AM" (the year was
    supplied by the caller).
    """

    day: date
    time: tuple[int, int, int] | None = None
    zone: tzinfo | None = None
    updated: bool = False
    ambiguous: bool = False
    year_given: bool = True

    def local(self) -> datetime | None:
        """The written date and time as an aware datetime, None without a time or zone."""
        if self.time is None or self.zone is None:
            return None
        hour, minute, second = self.time
        return datetime(self.day.year, self.day.month, self.day.day, hour, minute, second).replace(
            tzinfo=_resolve(self.zone, self.day, self.time)
        )

    def iso(self) -> str:
        """ISO 8601: date and time with its offset when the page gives both, else the day.

        >>> Dateline(date(2019, 11, 18), (23, 3, 0), zone_named("PT")).iso()
        '2019-11-18T23:03:00-08:00'
        """
        stamp = self.local()
        return stamp.isoformat() if stamp is not None else self.day.isoformat()

    def swapped(self) -> Dateline | None:
        """The other reading of an ambiguous numeric date (day and month exchanged)."""
        if not self.ambiguous:
            return None
        try:
            day = date(self.day.year, self.day.day, self.day.month)
        except ValueError:
            return None
        return replace(self, day=day)


class _NamedZone(tzinfo):
    """A zone label whose offset depends on the date ("ET": EST or EDT)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def __repr__(self) -> str:
        return f"_NamedZone({self.name!r})"


@cache
def zone_named(label: str) -> tzinfo | None:
    """The zone a dateline label means ("EST", "UTC", "ET"), None if unknown.

    >>> zone_named("CST"), zone_named("XYZ")
    (datetime.timezone(datetime.timedelta(days=-1, seconds=64800)), None)
    """
    value = ZONES.get(label.upper())
    if value is None:
        return None
    if value[0] in "+-":
        return timezone(_offset(value[0], value[1:3], value[4:6]))
    return _NamedZone(value)


def _offset(sign: str, hours: str, minutes: str | None) -> timedelta:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return -delta if sign == "-" else delta


def _resolve(zone: tzinfo, day: date, time: tuple[int, int, int]) -> tzinfo:
    if not isinstance(zone, _NamedZone):
        return zone
    try:
        named = ZoneInfo(zone.name)
    except ZoneInfoNotFoundError:  # no time-zone database: its standard offset
        return timezone(timedelta(hours={"Europe/London": 0}.get(zone.name, -5)))
    stamp = datetime(day.year, day.month, day.day, *time, tzinfo=named)
    return timezone(stamp.utcoffset() or timedelta(0))


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _day(match: re.Match, day_first: bool, year_hint: int | None) -> tuple[date, bool, bool] | None:
    """(day, ambiguous, year_given) of a date match, None if it names no real day."""
    g = match.groupdict()
    ambiguous = False
    year_given = True
    word = g["m1"] or g["m2"] or g["m6"]
    month = MONTHS.get(word.casefold(), 0) if word else 0
    if word and not month:
        return None
    if g["m1"]:
        year, day = int(g["y1"]), int(g["d1"])
    elif g["m2"]:
        year, day = int(g["y2"]), int(g["d2"])
    elif g["y3"]:
        year, month, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
    elif g["y4"]:
        year, month, day = int(g["y4"]), int(g["m4"]), int(g["d4"])
    elif g["a5"]:
        first, second, year = int(g["a5"]), int(g["b5"]), _year(g["y5"])
        if first > 12 or (day_first and second <= 12):
            day, month = first, second
        else:
            month, day = first, second
        ambiguous = first <= 12 and second <= 12 and first != second
    else:
        if year_hint is None:
            return None
        year, day, year_given = year_hint, int(g["d6"]), False
    if year < MIN_YEAR:
        return None
    try:
        return date(year, month, day), ambiguous, year_given
    except ValueError:
        return None


def _time_near(text: str, start: int, end: int) -> tuple[re.Match | None, int]:
    """The time written right after (or right before) a date at ``text[start:end]``,
    and where the dateline starts (the time's start when it comes first)."""
    after = _TIME.search(text, end, end + 24)
    if after and _DATE_TIME_GAP.match(text[end : after.start()]):
        return after, start
    for match in _TIME.finditer(text, max(0, start - 28), start):
        if _TIME_DATE_GAP.match(text[match.end() : start]):
            return match, match.start()
    hhmm = _HHMM_ZONE.search(text, max(0, start - 20), start)
    if hhmm:
        return hhmm, hhmm.start()
    return None, start


def _clock(match: re.Match) -> tuple[int, int, int] | None:
    hour, minute = int(match["h"]), int(match["mi"])
    second = int(match.groupdict().get("s") or 0)
    ampm = (match.groupdict().get("ampm") or "").lower()[:1]
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    return hour, minute, second


def _zone_after(text: str, at: int) -> tzinfo | None:
    match = _ZONE.match(text, at, at + 16)
    if match is None and text[at : at + 1] in (",", ";", "|"):
        match = _ZONE.match(text, at + 1, at + 17)  # "11:42, UK"
    if match is None:
        return None
    if match["zulu"]:
        return UTC
    if match["osign"]:
        return timezone(_offset(match["osign"], match["oh"], match["om"]))
    zone = zone_named(match["zone"])
    if match["sign"] and zone is not None and zone.utcoffset(None) == timedelta(0):
        return timezone(_offset(match["sign"], match["zh"], match["zm"]))  # "GMT+1"
    return zone


def find_datelines(
    text: str, *, day_first: bool = True, year_hint: int | None = None
) -> list[Dateline]:
    """Every written date of ``text``, in order.

    ``day_first`` reads an ambiguous numeric date ("05/10/2018") day first; the
    result says it was ambiguous. ``year_hint`` completes dates written without
    a year ("Posted Nov 19, 6:51 AM"); without it they are skipped.

    >>> [d.iso() for d in find_datelines("Mon 18 Nov 2019 18.54 GMT")]
    ['2019-11-18T18:54:00+00:00']
    >>> find_datelines("5:45 AM PST 11/19/2019")[0].iso()
    '2019-11-19T05:45:00-08:00'
    >>> find_datelines("Posted Nov 19, 6:51 AM", year_hint=2019)[0].day
    datetime.date(2019, 11, 19)
    """
    found = []
    at = 0
    while (match := _DATE.search(text, at)) is not None:
        parsed = _day(match, day_first, year_hint)
        if parsed is None:
            at = match.start() + 1
            continue
        at = match.end()
        day, ambiguous, year_given = parsed
        time_match, begins = _time_near(text, match.start(), match.end())
        clock = _clock(time_match) if time_match else None
        zone = None
        if time_match is not None and clock is not None:
            zone = _zone_after(text, time_match.end())
        if zone is None:
            zone = _zone_after(text, match.end())
        updated = bool(_UPDATED.search(text, max(0, begins - 24), begins))
        found.append(Dateline(day, clock, zone, updated, ambiguous, year_given))
    return found
