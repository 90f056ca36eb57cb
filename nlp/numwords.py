"""Parse numbers written in digits or words ("2.7", "1,200", "four", "a third of a").

Example:
    >>> parse_number("1,200.5"), parse_number("four"), parse_number("a third of a")
    (1200.5, 4.0, 0.3333333333333333)
"""

from __future__ import annotations

WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twenty-five": 25, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "several": None,
}  # fmt: skip

FRACTIONS = {
    "a half of a": 0.5, "half a": 0.5, "half an": 0.5, "a third of a": 1 / 3, "one third of a": 1 / 3,
    "a quarter of a": 0.25, "one quarter of a": 0.25, "two thirds of a": 2 / 3,
    "three quarters of a": 0.75,
}  # fmt: skip

SCALES = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6, "b": 1e9,
    "bn": 1e9, "billion": 1e9, "tn": 1e12, "trillion": 1e12,
}  # fmt: skip

WORD_PATTERN = "|".join(sorted((w for w in WORDS if WORDS[w]), key=len, reverse=True))
FRACTION_PATTERN = "|".join(sorted(FRACTIONS, key=len, reverse=True)).replace(" ", r"\s+")
SCALE_PATTERN = "|".join(sorted(SCALES, key=len, reverse=True))


def parse_number(text: str) -> float | None:
    """Return the value of a digit or word number, or ``None`` if it is not one."""
    t = " ".join(text.lower().split())
    if t in FRACTIONS:
        return FRACTIONS[t]
    if t in WORDS:
        v = WORDS[t]
        return float(v) if v is not None else None
    try:
        return float(t.replace(",", ""))
    except ValueError:
        return None


def scale_of(text: str | None) -> float:
    """Return the multiplier of a scale word ("m" -> 1e6); 1 when absent.

    Example:
        >>> scale_of("bn"), scale_of(None)
        (1000000000.0, 1.0)
    """
    return SCALES.get((text or "").lower(), 1.0)
