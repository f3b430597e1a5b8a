"""Optimisation directions and Pareto dominance between objective vectors."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "StudyDirection",
    "dominates",
    "non_dominated_mask",
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


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether ``a`` Pareto-dominates ``b`` (both already in minimisation form)."""
    pairs = list(zip(a, b, strict=True))
    return all(x <= y for x, y in pairs) and any(x < y for x, y in pairs)


def non_dominated_mask(values: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Mask of the rows of ``values`` (shape ``(n, k)``, minimisation form) that no
    other row dominates. Duplicated points are all kept."""
    v = np.asarray(values, dtype=float)
    n = v.shape[0]
    mask = np.ones(n, dtype=bool)
    for i in range(n):
        if not mask[i]:
            continue
        le = np.all(v <= v[i], axis=1)
        lt = np.any(v < v[i], axis=1)
        if np.any(le & lt):
            mask[i] = False
    return mask
