"""The one parser of the dates commands and library calls take (``--since``, ``--until``).

>>> iso_date("2015-11-02")
'2015-11-02'
>>> iso_date("last tuesday")
Traceback (most recent call last):
...
ValueError: 'last tuesday' is not a date (YYYY-MM-DD)
"""

from __future__ import annotations

from datetime import date


def iso_date(value: str) -> str:
    """``value`` checked as a YYYY-MM-DD date, returned in that form; ValueError if it is not."""
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
