"""Crossover and mutation operators on the unit cube: known answers and bounds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hypersense.samplers.evolution.operators import (
    BLX_ALPHA,
    GAUSSIAN_SIGMA_MAX,
    GAUSSIAN_SIGMA_MIN,
    Crossover,
    Mutation,
    _sbx_spread,
    adaptive_sigma,
    blx_crossover,
    category_index,
    category_unit,
    crossover,
    gaussian_mutation,
    mutate,
    polynomial_mutation,
    sbx_crossover,
)


class _FixedDraws:
    """Stands in for a Generator whose uniform / normal draws are given."""

    def __init__(self, uniform: list[float] | None = None, normal: list[float] | None = None):
        self._uniform = np.array(uniform or [])
        self._normal = np.array(normal or [])

    def random(self, size: int) -> np.ndarray:
        return self._uniform[:size].copy()

    def standard_normal(self, size: int) -> np.ndarray:
        return self._normal[:size].copy()


def _fixed(**kwargs: Any) -> Any:
    return _FixedDraws(**kwargs)


# ------------------------------------------------------------------ SBX


def test_sbx_spread_is_one_at_the_median_draw_far_from_bounds() -> None:
    # Unbounded SBX: P(beta_q <= 1) = 1/2, so u = 1/2 maps to beta_q = 1 (children = parents).
    beta = _sbx_spread(np.array([1e6]), np.array([1.0]), np.array([0.5]), 15.0)
    np.testing.assert_allclose(beta, [1.0], atol=1e-9)


def test_sbx_spread_known_value() -> None:
    # Far from bounds alpha -> 2; u = 0.25 gives (0.5) ** (1 / (eta + 1)); eta = 1: sqrt(0.5).
    beta = _sbx_spread(np.array([1e9]), np.array([1.0]), np.array([0.25]), 1.0)
    np.testing.assert_allclose(beta, [np.sqrt(0.5)], rtol=1e-9)


def test_sbx_children_stay_in_bounds_and_inside_half_the_time() -> None:
    rng = np.random.default_rng(0)
    a, b = np.array([0.45]), np.array([0.55])
    children = np.array([sbx_crossover(a, b, rng)[0] for _ in range(8000)])
    assert np.all((children >= 0) & (children <= 1))
    recombined = children[(children != 0.45) & (children != 0.55)]
    inside = np.mean((recombined > 0.45) & (recombined < 0.55))
    # Far from the bounds SBX puts half of its children between the parents;
    # ~4000 recombined draws give a binomial sd of 0.008; margin 0.03.
    assert abs(inside - 0.5) < 0.03


def test_sbx_with_equal_parents_returns_them() -> None:
    x = np.array([0.2, 0.7, 1.0])
    np.testing.assert_array_equal(sbx_crossover(x, x, np.random.default_rng(1)), x)


def test_sbx_near_a_bound_never_crosses_it() -> None:
    rng = np.random.default_rng(2)
    a, b = np.array([0.0, 0.98]), np.array([0.05, 1.0])
    for _ in range(500):
        child = sbx_crossover(a, b, rng)
        assert np.all((child >= 0) & (child <= 1))


# ------------------------------------------------------------------ BLX / uniform


def test_blx_children_lie_in_the_widened_interval() -> None:
    rng = np.random.default_rng(3)
    a, b = np.array([0.3, 0.0]), np.array([0.5, 0.1])
    children = np.array([blx_crossover(a, b, rng) for _ in range(2000)])
    width = np.abs(a - b)
    low = np.maximum(np.minimum(a, b) - BLX_ALPHA * width, 0.0)
    high = np.minimum(np.maximum(a, b) + BLX_ALPHA * width, 1.0)
    assert np.all(children >= low) and np.all(children <= high)
    # The widened interval is reached on both sides of the first gene.
    assert children[:, 0].min() < 0.3 and children[:, 0].max() > 0.5


def test_categorical_genes_are_inherited_never_interpolated() -> None:
    rng = np.random.default_rng(4)
    n_choices = np.array([4, 0], dtype=np.int64)
    a = np.array([category_unit(np.array([0]), n_choices[:1])[0], 0.1])
    b = np.array([category_unit(np.array([3]), n_choices[:1])[0], 0.9])
    for kind in Crossover:
        for _ in range(200):
            child = crossover(a, b, n_choices, kind, rng)
            assert child[0] in (a[0], b[0])


# ------------------------------------------------------------------ mutation


def test_polynomial_mutation_known_values() -> None:
    x = np.full(4, 0.5)
    y = polynomial_mutation(x, _fixed(uniform=[0.25, 0.5, 0.0, 0.999999999]), eta=1.0)
    # r = 0.25: ((2 r + (1 - 2 r) (1 - x)^2) ** 0.5) - 1 = sqrt(0.625) - 1.
    np.testing.assert_allclose(y[0], 0.5 + np.sqrt(0.625) - 1.0)
    assert y[1] == 0.5  # r = 1/2: no move
    assert y[2] == 0.0  # r = 0: reaches the lower bound
    assert y[3] == pytest.approx(1.0, abs=1e-6)  # r -> 1: reaches the upper bound


def test_gaussian_mutation_reflects_at_the_bounds() -> None:
    x = np.array([0.95, 0.02, 0.5])
    y = gaussian_mutation(x, _fixed(normal=[1.0, -0.5, 0.0]), sigma=np.array([0.1, 0.1, 0.1]))
    np.testing.assert_allclose(y, [0.95, 0.03, 0.5])


def test_adaptive_sigma_follows_the_parents_spread_within_limits() -> None:
    parents = np.array([[0.0, 0.5, 0.40], [1.0, 0.5, 0.60]])
    np.testing.assert_allclose(
        adaptive_sigma(parents), [GAUSSIAN_SIGMA_MAX, GAUSSIAN_SIGMA_MIN, 0.1]
    )
    assert np.all(adaptive_sigma(parents[:1]) == GAUSSIAN_SIGMA_MIN)


def test_a_mutated_category_always_changes_and_covers_the_others() -> None:
    rng = np.random.default_rng(5)
    n_choices = np.array([3], dtype=np.int64)
    start = category_unit(np.array([1]), n_choices)
    seen = [
        int(category_index(mutate(start, n_choices, Mutation.POLYNOMIAL, 1.0, rng), n_choices)[0])
        for _ in range(600)
    ]
    counts = np.bincount(seen, minlength=3)
    assert counts[1] == 0
    assert abs(counts[0] - 300) < 60 and abs(counts[2] - 300) < 60


def test_a_single_category_cannot_mutate() -> None:
    n_choices = np.array([1], dtype=np.int64)
    x = np.array([0.5])
    assert mutate(x, n_choices, Mutation.UNIFORM, 1.0, np.random.default_rng(6))[0] == 0.5


def test_zero_probability_keeps_categories_and_non_gaussian_numbers() -> None:
    rng = np.random.default_rng(7)
    n_choices = np.array([0, 5], dtype=np.int64)
    x = np.array([0.3, 0.5])
    for kind in (Mutation.POLYNOMIAL, Mutation.UNIFORM):
        np.testing.assert_array_equal(mutate(x, n_choices, kind, 0.0, rng), x)
    # Gaussian perturbs every numeric gene, whatever the probability.
    moved = mutate(x, n_choices, Mutation.GAUSSIAN, 0.0, rng, 0.1)
    assert moved[0] != 0.3 and moved[1] == 0.5


@pytest.mark.parametrize("kind", list(Mutation))
def test_mutation_stays_in_the_unit_cube(kind: Mutation) -> None:
    rng = np.random.default_rng(8)
    n_choices = np.array([0, 0, 3], dtype=np.int64)
    for _ in range(300):
        x = rng.random(3)
        y = mutate(x, n_choices, kind, 1.0, rng, 0.3)
        assert np.all((y >= 0) & (y <= 1))
