"""Hyperparameter search: L-BFGS-B from several starts, surviving failed factorisations.

A likelihood evaluation raises :class:`numpy.linalg.LinAlgError` where the
covariance is not positive definite (see :mod:`hypersense.gp.likelihood`).
The search turns that into :data:`FAILED_VALUE` with a zero gradient, so
L-BFGS-B's line search backs off, and a run that never gets below it counts
as failed. Each user of the core brings its own objective (priors or not)
and its own parametrisation of the hyperparameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["FAILED_VALUE", "Objective", "minimize_from_starts"]

#: What a failed evaluation is worth to the minimiser: far above any value of a
#: negative log likelihood of standardised targets, yet small enough to keep
#: the line search's interpolation well scaled.
FAILED_VALUE = 1e10

#: ``objective(theta) -> (value, gradient)``; may raise ``numpy.linalg.LinAlgError``.
Objective = Callable[[NDArray[np.float64]], tuple[float, NDArray[np.float64]]]


def _guarded(objective: Objective) -> Objective:
    def evaluate(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        try:
            return objective(theta)
        except np.linalg.LinAlgError:
            return FAILED_VALUE, np.zeros_like(theta)

    return evaluate


def minimize_from_starts(
    objective: Objective,
    starts: Sequence[NDArray[np.float64]],
    bounds: Sequence[tuple[float, float]],
    *,
    max_iter: int,
) -> tuple[NDArray[np.float64], float]:
    """The lowest value L-BFGS-B reaches from ``starts`` inside the box ``bounds``.

    Args:
        objective: The function to minimise, with its gradient.
        starts: Starting points (clipped into the box); each of shape ``(p,)``.
            At least one.
        bounds: ``p`` pairs ``(low, high)``.
        max_iter: L-BFGS-B iterations per start.

    Returns:
        The best point (shape ``(p,)``) and its value; the first start (clipped)
        and ``inf`` when every run failed.
    """
    import scipy.optimize  # heavy: imported on first fit, not with hypersense

    lower, upper = np.array(bounds, dtype=float).T
    guarded = _guarded(objective)
    best_theta: NDArray[np.float64] = np.clip(starts[0], lower, upper)
    best_value = math.inf
    for start in starts:
        result = scipy.optimize.minimize(
            guarded,
            np.clip(start, lower, upper),
            jac=True,
            method="L-BFGS-B",
            bounds=list(bounds),
            options={"maxiter": max_iter},
        )
        value = float(result.fun)
        if value < min(best_value, FAILED_VALUE):
            best_theta, best_value = np.asarray(result.x, dtype=float), value
    return best_theta, best_value
