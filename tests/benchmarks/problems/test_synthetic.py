"""Branin and Hartmann6: known optima at known optimisers, and nothing below them."""

from __future__ import annotations

import numpy as np
import pytest
from benchmarks.problems.synthetic import (
    BRANIN_MINIMISERS,
    HARTMANN6_MINIMISER,
    BraninProblem,
    Hartmann6Problem,
    branin,
    hartmann6,
)


@pytest.mark.parametrize("minimiser", BRANIN_MINIMISERS)
def test_branin_reaches_its_published_minimum_at_each_minimiser(
    minimiser: tuple[float, float],
) -> None:
    problem = BraninProblem()
    value = problem.evaluate({"x1": minimiser[0], "x2": minimiser[1]})
    assert value == pytest.approx(0.397887, abs=1e-6)
    assert value - problem.optimum == pytest.approx(0.0, abs=1e-12)


def test_hartmann6_reaches_its_published_minimum_at_its_minimiser() -> None:
    problem = Hartmann6Problem()
    value = problem.evaluate({f"x{i}": v for i, v in enumerate(HARTMANN6_MINIMISER)})
    assert value == pytest.approx(-3.32237, abs=1e-5)
    assert value - problem.optimum == pytest.approx(0.0, abs=1e-9)


def test_branin_known_value_away_from_the_minimum() -> None:
    # At the origin: (6)^2 + 10 (1 - 1/(8 pi)) cos(0) + 10 = 55.602112642270262.
    assert float(branin([0.0, 0.0])) == pytest.approx(55.602112642270262, rel=1e-12)


def test_no_sampled_point_beats_the_known_optima() -> None:
    rng = np.random.default_rng(0)
    u = rng.random((20_000, 6))
    branin_points = np.column_stack([-5 + 15 * u[:, 0], 15 * u[:, 1]])
    assert branin(branin_points).min() >= BraninProblem.optimum
    assert hartmann6(u).min() >= Hartmann6Problem.optimum


def test_functions_are_vectorised_over_leading_axes() -> None:
    points = np.zeros((3, 4, 6))
    assert hartmann6(points).shape == (3, 4)
    assert branin(points[..., :2]).shape == (3, 4)
