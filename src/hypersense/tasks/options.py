"""Validation of the tasks' keyword options, with errors that name the option."""

from __future__ import annotations

import numbers
from typing import Any

__all__ = ["check_fraction", "check_int", "check_optional_int"]


def check_int(name: str, value: Any, low: int, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]``; ValueError naming ``name`` otherwise."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok or value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"`{name}` must be an integer {bound} (got {value!r})")
    return int(value)


def check_optional_int(name: str, value: Any, low: int, high: int | None = None) -> int | None:
    """Like :func:`check_int`, but None passes through (meaning "off" or "default")."""
    return None if value is None else check_int(name, value, low, high)


def check_fraction(name: str, value: Any, *, low: float, high: float) -> float:
    """``value`` as a float in ``[low, high]``; ValueError naming ``name`` otherwise."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not low <= float(value) <= high:
        raise ValueError(f"`{name}` must be a number in [{low}, {high}] (got {value!r})")
    return float(value)
