"""Small helpers for turning lake values into comparable, JSON-friendly figures."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

TOLERANCE = 0.01  # DESIGN section 5: money and counts agree to the cent


def num(value: Any) -> float | None:
    """A number as float, or None for NULL/NaN (rates are NULL when their base is 0)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def is_bad_rate(value: Any) -> bool:
    """Infinite or NaN (a rate must be a finite number or NULL)."""
    if value is None:
        return False
    try:
        f = float(value)
    except (TypeError, ValueError):
        return False
    return math.isinf(f) or math.isnan(f)


def is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def close(a: float | None, b: float | None, tolerance: float = TOLERANCE) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tolerance + 1e-9


def ratio(x: float | None, base: float | None) -> float | None:
    """x / base - 1, NULL when either is missing or the base is 0 (DESIGN section 4)."""
    if x is None or base is None or base == 0:
        return None
    return x / base - 1


def total(rows: list[dict[str, Any]], column: str) -> float:
    return float(sum(num(r.get(column)) or 0.0 for r in rows))


def rounded(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)
