"""Optimisation directions, and losses in minimisation form.

Pareto dominance between loss vectors is :mod:`hypersense.pareto`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "StudyDirection",
    "parse_direction",
    "to_minimization",
]


class StudyDirection(enum.Enum):
    """Whether an objective value is to be minimised or maximised."""

    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"

    def __repr__(self) -> str:
        return f"StudyDirection.{self.name}"


def parse_direction(direction: str | StudyDirection) -> StudyDirection:
    """Accept ``"minimize"``/``"maximize"`` (any case) or a StudyDirection."""
    if isinstance(direction, StudyDirection):
        return direction
    if isinstance(direction, str):
        key = direction.strip().lower()
        for d in StudyDirection:
            if d.value == key:
                return d
    raise ValueError(f"`direction` must be 'minimize' or 'maximize' (got {direction!r})")


def to_minimization(
    values: NDArray[np.float64], directions: Sequence[StudyDirection]
) -> NDArray[np.float64]:
    """Flip the sign of maximised columns so that smaller is better everywhere.

    Args:
        values: Shape ``(n, k)`` objective values, or ``(n,)`` for one objective.
        directions: ``k`` directions.
    """
    v = np.asarray(values, dtype=float)
    signs = np.array([1.0 if d is StudyDirection.MINIMIZE else -1.0 for d in directions])
    out: NDArray[np.float64] = v * signs if v.ndim == 2 else v * signs[0]
    return out
