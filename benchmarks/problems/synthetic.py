"""Classic closed-form test functions: Branin (2-D) and Hartmann6 (6-D).

The functions are pure numpy on arrays of points; the problem classes only
turn a params dict into such an array. Constants are the standard ones (Dixon &
Szegő 1978; Surjanovic & Bingham's Virtual Library of Simulation Experiments).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from benchmarks.problems.base import ParamSpec, Problem

__all__ = [
    "BRANIN_MINIMISERS",
    "BRANIN_MINIMUM",
    "HARTMANN6_MINIMISER",
    "HARTMANN6_MINIMUM",
    "BraninProblem",
    "Hartmann6Problem",
    "branin",
    "hartmann6",
]

BRANIN_MINIMUM = 0.397887357729738
#: The three global minimisers ``(x1, x2)`` of Branin.
BRANIN_MINIMISERS: tuple[tuple[float, float], ...] = (
    (-math.pi, 12.275),
    (math.pi, 2.275),
    (3 * math.pi, 2.475),
)

HARTMANN6_MINIMUM = -3.32236801141551
HARTMANN6_MINIMISER: tuple[float, ...] = (
    0.20168952,
    0.15001069,
    0.47687398,
    0.27533243,
    0.31165162,
    0.65730054,
)

_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H6_A = np.array(
    [
        [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
        [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
        [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
        [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ],
    dtype=float,
)


def branin(x: ArrayLike) -> NDArray[np.float64]:
    """Branin-Hoo function.

    Args:
        x: Points of shape ``(..., 2)``; the usual domain is
            ``x1 in [-5, 10], x2 in [0, 15]``.

    Returns:
        Values of shape ``(...)``; the minimum 0.397887 is reached at three points.
    """
    pts = np.asarray(x, dtype=float)
    x1, x2 = pts[..., 0], pts[..., 1]
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    out: NDArray[np.float64] = (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * np.cos(x1) + 10
    return out


def hartmann6(x: ArrayLike) -> NDArray[np.float64]:
    """Six-dimensional Hartmann function.

    Args:
        x: Points of shape ``(..., 6)`` in the unit hypercube.

    Returns:
        Values of shape ``(...)``; the minimum is -3.32237.
    """
    pts = np.asarray(x, dtype=float)
    # (..., 1, 6) - (4, 6) -> (..., 4, 6): distance of each point to each of the 4 centres.
    sq = (pts[..., None, :] - _H6_P) ** 2
    inner = np.sum(_H6_A * sq, axis=-1)
    out: NDArray[np.float64] = -np.sum(_H6_ALPHA * np.exp(-inner), axis=-1)
    return out


class BraninProblem(Problem):
    """Branin on its usual domain; the value is the function itself."""

    name = "branin"
    group = "synthetic"
    space = (ParamSpec("x1", "float", -5.0, 10.0), ParamSpec("x2", "float", 0.0, 15.0))
    optimum = BRANIN_MINIMUM
    value_label = "regret"

    def evaluate(self, params: Mapping[str, Any]) -> float:
        return float(branin([params["x1"], params["x2"]]))


class Hartmann6Problem(Problem):
    """Hartmann6 on the unit hypercube."""

    name = "hartmann6"
    group = "synthetic"
    space = tuple(ParamSpec(f"x{i}", "float", 0.0, 1.0) for i in range(6))
    optimum = HARTMANN6_MINIMUM
    value_label = "regret"

    def evaluate(self, params: Mapping[str, Any]) -> float:
        return float(hartmann6([params[f"x{i}"] for i in range(6)]))
