"""L-BFGS-B from several starts: best start wins, failures are survived."""

from __future__ import annotations

import math

import numpy as np

from hypersense.gp.fitting import FAILED_VALUE, minimize_from_starts

BOX = [(-2.0, 2.0), (-2.0, 2.0)]


def _double_well(theta: np.ndarray) -> tuple[float, np.ndarray]:
    """Minima at x = -1 (value -0.5) and x = +1 (value 0); y's optimum is 0.3."""
    x, y = theta
    value = (x * x - 1) ** 2 + 0.25 * (x - 1) + (y - 0.3) ** 2
    return value, np.array([4 * x * (x * x - 1) + 0.25, 2 * (y - 0.3)])


def test_the_best_of_several_starts_wins() -> None:
    theta, value = minimize_from_starts(
        _double_well, [np.array([1.2, 0.0]), np.array([-1.2, 0.0])], BOX, max_iter=100
    )
    assert theta[0] < 0 and abs(theta[1] - 0.3) < 1e-5
    assert value == _double_well(theta)[0] < -0.4


def test_starts_are_clipped_into_the_box_and_the_box_holds() -> None:
    def slope(theta: np.ndarray) -> tuple[float, np.ndarray]:
        return float(theta.sum()), np.ones(2)

    theta, value = minimize_from_starts(slope, [np.array([5.0, -5.0])], BOX, max_iter=50)
    np.testing.assert_array_equal(theta, [-2.0, -2.0])
    assert value == -4.0


def test_failed_evaluations_are_avoided() -> None:
    def half_broken(theta: np.ndarray) -> tuple[float, np.ndarray]:
        if theta[0] < -0.5:
            raise np.linalg.LinAlgError("not positive definite")
        return _double_well(theta)

    theta, value = minimize_from_starts(half_broken, [np.array([1.5, 1.0])], BOX, max_iter=100)
    assert theta[0] > -0.5 and math.isfinite(value) and value < FAILED_VALUE


def test_every_run_failing_returns_the_first_start_and_infinity() -> None:
    def broken(theta: np.ndarray) -> tuple[float, np.ndarray]:
        raise np.linalg.LinAlgError("not positive definite")

    theta, value = minimize_from_starts(
        broken, [np.array([3.0, 0.5]), np.array([0.0, 0.0])], BOX, max_iter=10
    )
    np.testing.assert_array_equal(theta, [2.0, 0.5])
    assert value == math.inf
