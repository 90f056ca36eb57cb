"""Precision, recall and F1, and the report line of a scored field (shared by the scorers).

Example:
    >>> prf(3, 1, 0)
    (0.75, 1.0, 0.8571428571428571)
    >>> field_line("councils", {"p": 1.0, "r": 0.5, "f1": 2 / 3, "tp": 1, "fp": 0, "fn": 1})
    'councils      P=1.000 R=0.500 F1=0.667 (tp=1 fp=0 fn=1)'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1; an empty denominator counts as perfect (1.0)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def field_line(name: str, r: Mapping[str, Any], extra: str = "") -> str:
    """``name  P=.. R=.. F1=.. (tp=.. fp=.. fn=..)`` and ``extra``."""
    return (
        f"{name:<13} P={r['p']:.3f} R={r['r']:.3f} F1={r['f1']:.3f} "
        f"(tp={r['tp']} fp={r['fp']} fn={r['fn']}){extra}"
    )
