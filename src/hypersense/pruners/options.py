"""Checks of pruner options and of the study a pruner is used with.

Every check raises ``ValueError`` (``TypeError`` for a value of the wrong
kind) naming the option and the value it got, so a bad configuration fails
when the pruner is built, not in the middle of a study.
"""

from __future__ import annotations

import math
import numbers
from typing import Literal

from hypersense._options import check_int
from hypersense.direction import StudyDirection
from hypersense.history import StudyHistory

__all__ = [
    "Resource",
    "check_directions",
    "check_int",
    "check_non_negative",
    "check_probability",
    "check_resource",
    "only_direction",
]

#: A number of steps, or "auto": learnt from the study's first completed trial.
Resource = int | Literal["auto"]


def check_non_negative(name: str, value: object) -> float:
    """``value`` as a float, if it is a finite number >= 0."""
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"`{name}` must be a finite number >= 0 (got {value!r})")
    return float(value)


def check_probability(name: str, value: object) -> float:
    """``value`` as a float, if it is strictly between 0 and 1."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not 0 < float(value) < 1:
        raise ValueError(f"`{name}` must be a number in (0, 1) (got {value!r})")
    return float(value)


def check_resource(name: str, value: object) -> Resource:
    """``value`` if it is a number of steps >= 1 or the string "auto"."""
    if value == "auto" and isinstance(value, str):
        return "auto"
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f'`{name}` must be an integer >= 1 or "auto" (got {value!r})')
    return int(value)


def only_direction(pruner: object, history: StudyHistory) -> StudyDirection:
    """The direction of a single-objective study; ValueError for several objectives."""
    if history.is_multi_objective:
        raise ValueError(_single_objective_only(pruner, len(history.directions)))
    return history.directions[0]


def check_directions(pruner: object, n_objectives: int) -> None:
    """ValueError naming the pruner when a pruner that declares
    ``supports_multi_objective = False`` is given a study of several objectives."""
    if n_objectives > 1 and not getattr(type(pruner), "supports_multi_objective", True):
        raise ValueError(_single_objective_only(pruner, n_objectives))


def _single_objective_only(pruner: object, n_objectives: int) -> str:
    name = type(pruner).__name__
    return (
        f"{name} supports single-objective studies only (this study has {n_objectives} "
        f"objectives); wrap it as ObjectivePruner({name}(...), objective_index=i) to prune "
        "on objective i, or use ParetoPruner to prune on all of them"
    )
