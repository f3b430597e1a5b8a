"""Checks of constructor options shared by samplers and pruners.

Each raises ``ValueError`` (``TypeError`` for a flag that is not a bool) naming
the option and the value it got, so a bad configuration fails when the object
is built, not in the middle of a study.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_bool", "check_int"]


def check_int(name: str, value: object, *, minimum: int) -> int:
    """``value`` as an int, if it is an integer >= ``minimum`` (bools refused)."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum} (got {value!r})")
    return int(value)


def check_bool(name: str, value: object) -> bool:
    """``value`` as a bool, if it is one (NumPy's included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False (got {value!r})")
    return bool(value)
