"""Checks of constructor options shared by samplers and pruners.

Each raises ``ValueError`` (``TypeError`` for a flag that is not a bool) naming
the option and the value it got, so a bad configuration fails when the object
is built, not in the middle of a study.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_bool", "check_int", "check_number"]


def check_int(name: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    """``value`` as an int, if it is an integer in ``[minimum, maximum]`` (no
    upper bound when ``maximum`` is None; bools refused)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
        if number >= minimum and (maximum is None or number <= maximum):
            return number
    bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
    raise ValueError(f"`{name}` must be an integer {bound} (got {value!r})")


def check_number(name: str, value: object, *, minimum: float, maximum: float) -> float:
    """``value`` as a float, if it is a real number in ``[minimum, maximum]``
    (bools and NaN refused)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if minimum <= number <= maximum:
            return number
    raise ValueError(f"`{name}` must be a number in [{minimum}, {maximum}] (got {value!r})")


def check_bool(name: str, value: object) -> bool:
    """``value`` as a bool, if it is one (NumPy's included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False (got {value!r})")
    return bool(value)
