"""Date windows for the register's search APIs, oldest first.

Both APIs answer a date range; Kingfisher Collect asks Contracts Finder for 15 days
at a time and Find a Tender for 6 hours ("the endpoint doesn't return all available
releases with a longer step"). Moments are UTC, written ``YYYY-MM-DDTHH:MM:SSZ``.

>>> from datetime import timedelta
>>> [(a, b) for a, b in windows("2022-10-01", "2022-10-20", timedelta(days=15))]
[('2022-10-01T00:00:00Z', '2022-10-16T00:00:00Z'), ('2022-10-16T00:00:00Z', '2022-10-20T00:00:00Z')]
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta


def moment(value: str | datetime) -> datetime:
    """A date or datetime (ISO 8601; naive ones are UTC) as an aware UTC datetime.

    >>> moment("2022-10-22T10:08:04+01:00").isoformat()
    '2022-10-22T09:08:04+00:00'
    """
    when = value if isinstance(value, datetime) else datetime.fromisoformat(value.strip())
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def stamp(when: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``.

    >>> stamp(moment("2022-10-22"))
    '2022-10-22T00:00:00Z'
    """
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def windows(
    start: str | datetime, end: str | datetime, step: timedelta
) -> Iterator[tuple[str, str]]:
    """``(from, to)`` stamps covering ``start`` to ``end`` in steps of ``step``; none when
    ``end`` is not after ``start``."""
    if step <= timedelta(0):
        raise ValueError("a window must be longer than nothing")
    low, high = moment(start), moment(end)
    while low < high:
        upper = min(low + step, high)
        yield stamp(low), stamp(upper)
        low = upper


def duration(text: str) -> timedelta:
    """A window length: a number and a unit, ``d`` (days), ``h`` (hours) or ``m`` (minutes).

    >>> duration("15d"), duration("6h")
    (datetime.timedelta(days=15), datetime.timedelta(seconds=21600))
    >>> duration("a fortnight")
    Traceback (most recent call last):
    ...
    ValueError: 'a fortnight' is not a window length such as 15d, 6h or 30m
    """
    units = {"d": "days", "h": "hours", "m": "minutes"}
    value, unit = str(text).strip()[:-1], str(text).strip()[-1:].lower()
    try:
        length = timedelta(**{units[unit]: float(value)})
    except (KeyError, ValueError):
        raise ValueError(f"{text!r} is not a window length such as 15d, 6h or 30m") from None
    if length <= timedelta(0):
        raise ValueError(f"{text!r} is not a window length such as 15d, 6h or 30m")
    return length
