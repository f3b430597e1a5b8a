"""Validation of the tasks' keyword options, with errors that name the option."""

from __future__ import annotations

import numbers
from typing import Any

from hypersense._options import check_int

__all__ = ["check_fraction", "check_optional_int"]


def check_optional_int(
    name: str, value: Any, *, minimum: int, maximum: int | None = None
) -> int | None:
    """Like :func:`hypersense._options.check_int`, but None passes through
    (meaning "off" or "default")."""
    return None if value is None else check_int(name, value, minimum=minimum, maximum=maximum)


def check_fraction(name: str, value: Any, *, low: float, high: float) -> float:
    """``value`` as a float in ``[low, high]``; ValueError naming ``name`` otherwise."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not low <= float(value) <= high:
        raise ValueError(f"`{name}` must be a number in [{low}, {high}] (got {value!r})")
    return float(value)
