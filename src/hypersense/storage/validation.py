"""Checks every backend applies before writing, so bad input never lands."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from hypersense.space.base import Distribution
from hypersense.trial.state import TrialState

__all__ = ["check_finish", "check_param", "check_study_name", "shorten"]

_NAME_MAX = 512
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shorten(value: object, limit: int = 80) -> str:
    """``repr(value)``, cut to about ``limit`` characters for a message."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}...{text[-8:]} ({len(str(value)):,} characters)"


def check_study_name(name: object) -> None:
    """A study name is a non-empty string of printable characters, <= 512 long."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"`study_name` must be a non-empty string (got {shorten(name)})")
    if len(name) > _NAME_MAX or _CONTROL.search(name):
        raise ValueError(
            f"`study_name` must be at most {_NAME_MAX} printable characters (got {shorten(name)})"
        )


def check_param(name: str, distribution: Distribution, value: Any) -> None:
    """The value must belong to its distribution."""
    if not distribution.contains(value):
        raise ValueError(f"value {value!r} of parameter {name!r} is not in {distribution!r}")


def check_finish(state: TrialState, values: Sequence[float] | None) -> tuple[float, ...] | None:
    """A finished state with values that fit it: COMPLETE needs finite values."""
    if not state.is_finished:
        raise ValueError(f"a trial can only be finished as COMPLETE, PRUNED or FAIL (got {state})")
    if values is None:
        if state is TrialState.COMPLETE:
            raise ValueError("a COMPLETE trial needs its objective values")
        return None
    vals = tuple(float(v) for v in values)
    if state is TrialState.COMPLETE and not all(math.isfinite(v) for v in vals):
        raise ValueError(f"a COMPLETE trial needs finite values (got {vals})")
    return vals
