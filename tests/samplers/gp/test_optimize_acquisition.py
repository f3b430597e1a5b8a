"""The mixed-space acquisition optimiser on functions with a known maximiser."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

import hypersense as hs
from hypersense.samplers.gp.model_space import ModelSpace
from hypersense.samplers.gp.optimize_acquisition import optimize_acquisition
from hypersense.samplers.gp.repeats import RepeatFilter
from hypersense.space import SearchSpace


class Quadratic:
    """``-sum_j w_j (x_j - c_j)^2`` on numeric columns plus a bonus per category."""

    def __init__(
        self,
        center: NDArray[np.float64],
        weights: NDArray[np.float64],
        cat_bonus: dict[int, NDArray[np.float64]],
    ) -> None:
        self.center, self.weights, self.cat_bonus = center, weights, cat_bonus
        self.n_calls = 0

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.value_and_grad(x)[0]

    def value_and_grad(
        self, x: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        self.n_calls += 1
        numeric = np.ones(x.shape[1], dtype=bool)
        numeric[list(self.cat_bonus)] = False
        diff = (x - self.center) * numeric
        value = -np.sum(self.weights * diff**2, axis=1)
        for j, bonus in self.cat_bonus.items():
            value = value + bonus[x[:, j].astype(int)]
        return value, -2 * self.weights * diff


def _space() -> SearchSpace:
    return SearchSpace(
        {
            "a": hs.FloatDistribution(0.0, 1.0),
            "n": hs.IntDistribution(0, 9),  # grid (k + 0.5) / 10
            "c": hs.CategoricalDistribution(("x", "y", "z", "w")),
            "b": hs.FloatDistribution(0.0, 1.0),
            "m": hs.IntDistribution(0, 99),  # stencil search
        }
    )


def test_finds_the_known_maximiser_of_a_mixed_quadratic() -> None:
    ms = ModelSpace.from_search_space(_space())
    center = np.array([0.123, 0.43, 0.0, 0.871, 0.777])
    acq = Quadratic(
        center, np.array([1.0, 1.0, 0.0, 30.0, 1.0]), {2: np.array([0.0, 0.1, 0.5, 0.2])}
    )
    for seed in range(3):
        x, value, avoided = optimize_acquisition(
            acq,
            ms,
            lengthscales=np.array([0.5, 0.5, 1.0, 0.1, 0.5]),
            incumbents=np.zeros((0, 5)),
            rng=np.random.default_rng(seed),
        )
        np.testing.assert_allclose(x[[0, 3]], [0.123, 0.871], atol=1e-4)
        assert x[1] == 0.45  # nearest bin centre to 0.43 among (k + 0.5) / 10
        assert x[2] == 2.0
        assert x[4] == 77.5 / 100  # (77 + 0.5) / 100
        assert value == acq(x[None, :])[0]
        assert not avoided
        params = ms.decode(x)
        assert params["n"] == 4 and params["c"] == "z" and params["m"] == 77


def test_fixed_dimensions_do_not_move() -> None:
    ms = ModelSpace.from_search_space(_space())
    acq = Quadratic(np.full(5, 0.5), np.ones(5), {2: np.array([0.0, 0.1, 0.5, 0.2])})
    fixed = ms.encode_partial({"c": "w", "a": 0.9})
    incumbents = ms.encode([{"a": 0.9, "n": 3, "c": "w", "b": 0.2, "m": 10}])
    x = optimize_acquisition(
        acq,
        ms,
        lengthscales=np.ones(5),
        incumbents=incumbents,
        rng=np.random.default_rng(0),
        fixed=fixed,
    ).point
    assert x[0] == 0.9 and x[2] == 3.0
    np.testing.assert_allclose(x[3], 0.5, atol=1e-4)


def test_every_discrete_coordinate_is_a_value_of_its_parameter() -> None:
    ms = ModelSpace.from_search_space(_space())
    rng = np.random.default_rng(5)
    for _ in range(5):
        acq = Quadratic(rng.random(5), rng.random(5) + 0.1, {2: rng.random(4)})
        x = optimize_acquisition(
            acq,
            ms,
            lengthscales=np.full(5, 0.3),
            incumbents=ms.from_unit_cube(rng.random((3, 5))),
            rng=rng,
        ).point
        for j in ms.discrete_dims:
            assert x[j] in ms.grid(int(j))


def _continuous_space() -> SearchSpace:
    return SearchSpace({"a": hs.FloatDistribution(0.0, 1.0), "b": hs.FloatDistribution(0.0, 1.0)})


def test_a_maximum_on_an_existing_point_gives_way_to_the_best_point_that_is_not_a_repeat() -> None:
    ms = ModelSpace.from_search_space(_continuous_space())
    acq = Quadratic(np.array([-0.2, 1.3]), np.ones(2), {})  # maximum over the box: (0, 1)
    corner = np.array([0.0, 1.0])
    lengthscales = np.array([0.2, 0.2])
    repeats = RepeatFilter(corner[None, :], ms)
    for seed in range(3):
        free = optimize_acquisition(
            acq,
            ms,
            lengthscales=lengthscales,
            incumbents=corner[None, :],
            rng=np.random.default_rng(seed),
        )
        np.testing.assert_array_equal(free.point, corner)  # on the bounds exactly
        assert not free.avoided_repeat
        x, value, avoided = optimize_acquisition(
            acq,
            ms,
            lengthscales=lengthscales,
            incumbents=corner[None, :],
            rng=np.random.default_rng(seed),
            repeats=repeats,
        )
        assert avoided
        assert not repeats.repeats(x[None, :])[0]
        assert value == acq(x[None, :])[0]
        # The next best point, next to the corner, not anywhere.
        assert 0.0 < float(np.max(np.abs(x - corner))) < 0.05


def test_when_every_point_is_a_repeat_the_maximum_is_kept() -> None:
    space = SearchSpace(
        {"n": hs.IntDistribution(0, 2), "c": hs.CategoricalDistribution(("x", "y"))}
    )
    ms = ModelSpace.from_search_space(space)
    every = ms.encode([{"n": n, "c": c} for n in range(3) for c in ("x", "y")])
    target = ms.encode([{"n": 1, "c": "y"}])[0]
    acq = Quadratic(target, np.array([1.0, 0.0]), {1: np.array([0.0, 0.5])})
    x, _, avoided = optimize_acquisition(
        acq,
        ms,
        lengthscales=np.ones(2),
        incumbents=every[:1],
        rng=np.random.default_rng(0),
        repeats=RepeatFilter(every, ms),
    )
    np.testing.assert_array_equal(x, target)
    assert not avoided
