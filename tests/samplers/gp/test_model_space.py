"""How a search space appears to the GP, and the way back to parameter values."""

from __future__ import annotations

import numpy as np

import hypersense as hs
from hypersense.samplers.gp.model_space import MAX_ENUMERATED_VALUES, ModelSpace
from hypersense.space import SearchSpace


def _space() -> SearchSpace:
    return SearchSpace(
        {
            "lr": hs.FloatDistribution(1e-4, 1e-1, log=True),
            "layers": hs.IntDistribution(1, 4),
            "width": hs.IntDistribution(16, 64, log=True),
            "opt": hs.CategoricalDistribution(("sgd", "adam", "rmsprop")),
            "big": hs.IntDistribution(0, 10 * MAX_ENUMERATED_VALUES),
            "frac": hs.FloatDistribution(0.1, 0.9, step=0.2),
        }
    )


def test_dimension_kinds() -> None:
    ms = ModelSpace.from_search_space(_space())
    np.testing.assert_array_equal(ms.is_categorical, [False, False, False, True, False, False])
    np.testing.assert_array_equal(ms.continuous_dims, [0, 4])
    np.testing.assert_array_equal(ms.discrete_dims, [1, 2, 3, 5])
    np.testing.assert_allclose(ms.grid(1), [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_array_equal(ms.grid(3), [0.0, 1.0, 2.0])
    assert len(ms.grid(2)) == 64 - 16 + 1 and np.all(np.diff(ms.grid(2)) > 0)


def test_encode_decode_round_trip_of_values() -> None:
    ms = ModelSpace.from_search_space(_space())
    configs = [
        {"lr": 1e-3, "layers": 2, "width": 64, "opt": "rmsprop", "big": 17, "frac": 0.5},
        {"lr": 0.1, "layers": 4, "width": 64, "opt": "sgd", "big": 1280, "frac": 0.9},
    ]
    x = ms.encode(configs)
    np.testing.assert_array_equal(x[:, 3], [2.0, 0.0])
    for row, config in zip(x, configs, strict=True):
        decoded = ms.decode(row)
        assert decoded["layers"] == config["layers"] and decoded["opt"] == config["opt"]
        assert decoded["width"] == config["width"] and decoded["big"] == config["big"]
        assert np.isclose(decoded["lr"], config["lr"]) and np.isclose(
            decoded["frac"], config["frac"]
        )


def test_from_unit_cube_puts_discrete_coordinates_on_values() -> None:
    ms = ModelSpace.from_search_space(_space())
    u = np.random.default_rng(0).random((200, 6))
    x = ms.from_unit_cube(u)
    for j in ms.discrete_dims:
        assert np.all(np.isin(x[:, j], ms.grid(int(j))))
    np.testing.assert_array_equal(x[:, 0], u[:, 0])
    np.testing.assert_array_equal(ms.snap(x), x)
    # Categorical bins follow the encoding: u in the k-th third -> choice k.
    np.testing.assert_array_equal(x[:, 3], np.floor(u[:, 3] * 3))


def test_encode_partial_keeps_valid_known_parameters_only() -> None:
    ms = ModelSpace.from_search_space(_space())
    fixed = ms.encode_partial({"opt": "adam", "layers": 7, "unknown": 1})
    assert fixed == {3: 1.0}


def test_is_discrete_marks_grids_and_categories() -> None:
    space = SearchSpace(
        {
            "lr": hs.FloatDistribution(1e-4, 1e-1, log=True),
            "layers": hs.IntDistribution(1, 4),
            "act": hs.CategoricalDistribution(("relu", "tanh")),
            "wide": hs.IntDistribution(1, 10_000),  # too many values: modelled as continuous
        }
    )
    ms = ModelSpace.from_search_space(space)
    np.testing.assert_array_equal(ms.is_discrete, [False, True, True, False])
    np.testing.assert_array_equal(np.flatnonzero(ms.is_discrete), ms.discrete_dims)


def test_canonical_points_are_those_of_the_decoded_configurations() -> None:
    space = SearchSpace({"n": hs.IntDistribution(10, 200, log=True), "k": hs.IntDistribution(0, 3)})
    ms = ModelSpace.from_search_space(space)  # n continuous to the model, k a grid
    x = np.array([[0.9999, ms.grid(1)[2]], [0.0001, ms.grid(1)[0]]])
    np.testing.assert_array_equal(
        ms.canonical(x), ms.encode([{"n": 200, "k": 2}, {"n": 10, "k": 0}])
    )
